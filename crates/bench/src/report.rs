//! The report: one markdown table (API and raw side by side, with their
//! ratio), what each raw baseline sends, and the four goals.

use crate::endpoints::Kind;
use crate::load::Cell;

/// One endpoint's results at every client count: (API, raw).
pub struct Row {
    pub key: &'static str,
    pub name: String,
    pub kind: Kind,
    pub raw_does: String,
    pub cells: Vec<(Cell, Cell)>,
}

/// The Django original's booking throughput at 8 clients.
const DJANGO_BOOKINGS_PER_S: f64 = 53.0;

fn ms(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

fn ratio(api: f64, raw: f64) -> f64 {
    if raw > 0.0 { api / raw } else { f64::NAN }
}

fn fmt_ratio(v: f64) -> String {
    if v.is_nan() { "-".into() } else { format!("{v:.2}x") }
}

fn notes(api: &Cell, raw: &Cell) -> String {
    let mut out = Vec::new();
    for (side, c) in [("API", api), ("raw", raw)] {
        if let Some(why) = &c.skipped {
            out.push(format!("{side} skipped: {why}"));
            continue;
        }
        let mut s = format!("{side} n={}", c.ok);
        for (status, n) in &c.statuses {
            s.push_str(&format!(", {n}x{status}"));
        }
        if c.errors > 0 {
            s.push_str(&format!(", {} errors ({})", c.errors, c.first_error.as_deref().unwrap_or("?").chars().take(80).collect::<String>()));
        }
        if let Some(cmds) = c.commands_per_request {
            s.push_str(&format!(", {cmds:.1} db cmds/req"));
        }
        if c.exhausted {
            s.push_str(", pool exhausted");
        }
        out.push(s);
    }
    out.join("; ")
}

pub fn table(rows: &[Row]) {
    println!("| endpoint | clients | API median ms | API p99 ms | API req/s | raw median ms | raw p99 ms | raw req/s | ratio median | ratio p99 | notes |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
    for row in rows {
        for (api, raw) in &row.cells {
            println!(
                "| {} | {} | {} | {} | {:.1} | {} | {} | {:.1} | {} | {} | {} |",
                row.name,
                api.clients,
                ms(api.median_ms),
                ms(api.p99_ms),
                api.req_per_s,
                ms(raw.median_ms),
                ms(raw.p99_ms),
                raw.req_per_s,
                fmt_ratio(ratio(api.median_ms, raw.median_ms)),
                fmt_ratio(ratio(api.p99_ms, raw.p99_ms)),
                notes(api, raw)
            );
        }
    }
    println!();
    println!("What each raw baseline sends (one request's worth, same filters, sorts, hints, projections and limits as the API):");
    println!();
    for row in rows {
        println!("- `{}` {}: {}", row.key, row.name, row.raw_does);
    }
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

/// Checks a condition over cells; returns (all measured cells pass, details).
fn over_cells(rows: &[&Row], check: impl Fn(&Cell, &Cell) -> Option<(bool, String)>) -> (bool, Vec<String>) {
    let mut pass = true;
    let mut details = Vec::new();
    for row in rows {
        for (api, raw) in &row.cells {
            if let Some((ok, what)) = check(api, raw) {
                pass &= ok;
                details.push(format!("{} {} @{}: {what}", if ok { "ok" } else { "MISS" }, row.name, api.clients));
            }
        }
    }
    (pass && !details.is_empty(), details)
}

fn measured(c: &Cell) -> bool {
    c.skipped.is_none() && c.ok > 0
}

pub fn goals(rows: &[Row], clients: &[usize]) {
    let of = |kinds: &[Kind]| -> Vec<&Row> { rows.iter().filter(|r| kinds.contains(&r.kind)).collect() };
    let most = clients.iter().copied().max().unwrap_or(1);
    println!("### Goals");
    println!();

    let booking = of(&[Kind::Booking]).into_iter().flat_map(|r| r.cells.iter()).find(|(a, _)| a.clients == 8 && measured(a));
    match booking {
        Some((api, raw)) => {
            let fast = api.req_per_s > DJANGO_BOOKINGS_PER_S;
            let near = raw.req_per_s / api.req_per_s <= 2.0;
            println!(
                "1. **{}** booking at 8 clients: {:.1} req/s (goal > {DJANGO_BOOKINGS_PER_S}: {}); raw {:.1} req/s, raw/API {:.2}x (goal <= 2x: {}); median {} vs {} ms",
                verdict(fast && near),
                api.req_per_s,
                verdict(fast),
                raw.req_per_s,
                raw.req_per_s / api.req_per_s,
                verdict(near),
                ms(api.median_ms),
                ms(raw.median_ms)
            );
        }
        None => println!("1. **n/a** booking at 8 clients was not measured (BENCH_CLIENTS must include 8)"),
    }

    let (pass, details) = over_cells(&of(&[Kind::UncachedRead]), |api, raw| {
        (measured(api) && measured(raw)).then(|| {
            let r = ratio(api.median_ms, raw.median_ms);
            (r <= 1.5, format!("median {} / {} ms = {} (p99 {})", ms(api.median_ms), ms(raw.median_ms), fmt_ratio(r), fmt_ratio(ratio(api.p99_ms, raw.p99_ms))))
        })
    });
    println!("2. **{}** every uncached read within 1.5x of its raw queries (median, at every client count):", verdict(pass));
    details.iter().for_each(|d| println!("   - {d}"));

    let (pass, details) = over_cells(&of(&[Kind::CachedRead, Kind::AnalyticsWarm]), |api, _| {
        (api.clients == most && measured(api)).then(|| (api.p99_ms < 10.0, format!("p99 {} ms (median {})", ms(api.p99_ms), ms(api.median_ms))))
    });
    println!("3. **{}** every cached read p99 under 10 ms at {most} clients:", verdict(pass));
    details.iter().for_each(|d| println!("   - {d}"));

    let (pass, details) = over_cells(&of(&[Kind::AnalyticsCold]), |api, raw| {
        (measured(api) && measured(raw)).then(|| {
            let r = ratio(api.p99_ms, raw.p99_ms);
            (r <= 2.0, format!("p99 {} / {} ms = {}", ms(api.p99_ms), ms(raw.p99_ms), fmt_ratio(r)))
        })
    });
    println!("4. **{}** analytics (cold) p99 within 2x of its raw aggregation (at every client count):", verdict(pass));
    details.iter().for_each(|d| println!("   - {d}"));
    println!();
}
