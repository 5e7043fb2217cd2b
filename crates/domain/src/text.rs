//! The shapes of text fields, as regular expressions that the validators here
//! use and the OpenAPI document publishes unchanged, so a client (or a
//! schema-driven fuzzer) is told exactly what the server accepts.
//!
//! The patterns use explicit character classes (`\x..`, `\u....`) rather than
//! `\s` or `\p{..}`, which mean different things in Rust, JavaScript and
//! Python. Lengths are counted in characters of the raw input.

use std::sync::LazyLock;

/// Characters never allowed in names and free text: C0 and C1 controls
/// except tab, line feed, vertical tab, form feed and carriage return.
const CONTROLS: &str = r"\x00-\x08\x0E-\x1F\x7F-\x84\x86-\x9F";
/// White space (Unicode `White_Space`) and the controls above.
const BLANK_OR_CONTROL: &str = r"\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// White space as Rust's `str::trim` sees it (Unicode `White_Space`).
const WHITE_SPACE: &str = r"\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Anything with at least one character that is not white space (so `trim()` leaves something).
pub static NON_BLANK_PATTERN: LazyLock<String> = LazyLock::new(|| format!(r"^[\s\S]*[^{WHITE_SPACE}][\s\S]*$"));

/// A person's name: at least one visible character, no control characters.
pub static NAME_PATTERN: LazyLock<String> = LazyLock::new(|| format!("^[^{CONTROLS}]*[^{BLANK_OR_CONTROL}][^{CONTROLS}]*$"));
pub const NAME_MAX: usize = 120;

/// Free text (reasons, notes): no control characters other than line breaks and tabs.
pub static TEXT_PATTERN: LazyLock<String> = LazyLock::new(|| format!("^[^{CONTROLS}]*$"));

/// An e-mail address: `local@domain.tld`, no spaces or controls, optional
/// spaces around (trimmed); compared lower-cased.
pub const EMAIL_PATTERN: &str = r"^ *[^\x00-\x20\x7F-\xA0@]+@[^\x00-\x20\x7F-\xA0@.]+(\.[^\x00-\x20\x7F-\xA0@.]+)+ *$";
pub const EMAIL_MAX: usize = 254;

/// A phone number: 6 to 20 digits with spaces, `+`, `-`, `(`, `)`, `.`; or
/// blank (no phone).
pub const PHONE_PATTERN: &str = r"^( *|[ +\-().]*([0-9][ +\-().]*){6,20})$";

/// A patient record number (they go into URLs unencoded).
pub const RECORD_NUMBER_PATTERN: &str = r"^[A-Za-z0-9_-]{1,32}$";

/// A real calendar day from 1900 to 2100 (month lengths and leap years included).
const DAY: &str = concat!(
    "(?:(?:19[0-9]{2}|20[0-9]{2}|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:0[048]|[2468][048]|[13579][26]))-02-29)"
);

/// A calendar day between 1900 and 2100: `YYYY-MM-DD`.
pub static DATE_PATTERN: LazyLock<String> = LazyLock::new(|| format!("^{DAY}$"));

/// A clinic wall-clock time (`2026-03-01T09:30` or `...:00`, optional
/// fraction), or an instant with its offset (`...Z`, `...-03:00`), 1900 to 2100.
pub static DATE_TIME_PATTERN: LazyLock<String> =
    LazyLock::new(|| format!(r"^{DAY}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,9}})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?$"));

/// A six-digit activation code.
pub const OTP_PATTERN: &str = r"^[0-9]{6}$";

/// A CSV file name inside the data directory.
pub const CSV_FILE_PATTERN: &str = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.csv$";

fn compile(pattern: &str) -> regex::Regex {
    #[allow(clippy::expect_used)] // the patterns are constants, checked by the tests below
    regex::Regex::new(pattern).expect("valid pattern")
}

static NAME: LazyLock<regex::Regex> = LazyLock::new(|| compile(&NAME_PATTERN));
static NON_BLANK: LazyLock<regex::Regex> = LazyLock::new(|| compile(&NON_BLANK_PATTERN));
static TEXT: LazyLock<regex::Regex> = LazyLock::new(|| compile(&TEXT_PATTERN));
static EMAIL: LazyLock<regex::Regex> = LazyLock::new(|| compile(EMAIL_PATTERN));
static PHONE: LazyLock<regex::Regex> = LazyLock::new(|| compile(PHONE_PATTERN));
static RECORD_NUMBER: LazyLock<regex::Regex> = LazyLock::new(|| compile(RECORD_NUMBER_PATTERN));
static DATE: LazyLock<regex::Regex> = LazyLock::new(|| compile(&DATE_PATTERN));
static DATE_TIME: LazyLock<regex::Regex> = LazyLock::new(|| compile(&DATE_TIME_PATTERN));
static OTP: LazyLock<regex::Regex> = LazyLock::new(|| compile(OTP_PATTERN));
static CSV_FILE: LazyLock<regex::Regex> = LazyLock::new(|| compile(CSV_FILE_PATTERN));

pub fn is_name(raw: &str) -> bool {
    raw.chars().count() <= NAME_MAX && NAME.is_match(raw)
}

/// Agrees with `!raw.trim().is_empty()`.
pub fn is_non_blank(raw: &str) -> bool {
    NON_BLANK.is_match(raw)
}

pub fn is_text(raw: &str) -> bool {
    TEXT.is_match(raw)
}

pub fn is_email(raw: &str) -> bool {
    raw.chars().count() <= EMAIL_MAX && EMAIL.is_match(raw)
}

pub fn is_phone(raw: &str) -> bool {
    PHONE.is_match(raw)
}

pub fn is_record_number(raw: &str) -> bool {
    RECORD_NUMBER.is_match(raw)
}

pub fn is_date(raw: &str) -> bool {
    DATE.is_match(raw)
}

pub fn is_date_time(raw: &str) -> bool {
    DATE_TIME.is_match(raw)
}

pub fn is_otp(raw: &str) -> bool {
    OTP.is_match(raw)
}

pub fn is_csv_file(raw: &str) -> bool {
    CSV_FILE.is_match(raw) && !raw.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn names_need_a_visible_character_and_no_controls() {
        for ok in ["Ana", "  João da Silva ", "O'Brien-Smith", "李 小龙", "Ana\tSouza"] {
            assert!(is_name(ok), "{ok:?}");
        }
        for bad in ["", "   ", "\u{3000}", "Ana\u{0}", "Ana\u{1b}", "\u{85}", &"a".repeat(121)] {
            assert!(!is_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn non_blank_agrees_with_trim() {
        for c in (0u32..0x3100).filter_map(char::from_u32) {
            let s = format!(" {c} ");
            assert_eq!(is_non_blank(&s), !s.trim().is_empty(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn emails_phones_and_codes() {
        assert!(is_email(" Dr.Who@Clinic.ORG "));
        for bad in ["", "plain", "a@b", "a @b.com", "@b.com", "a@.com", "a@b.com.", "a@@b.com", "a@b..com"] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(is_phone("+55 (27) 99999-0000") && is_phone("") && is_phone("   "));
        for bad in ["12", "+()", "phone", "1234567890123456789012"] {
            assert!(!is_phone(bad), "{bad:?}");
        }
        assert!(is_otp("012345") && !is_otp("12345") && !is_otp("12345a"));
        assert!(is_csv_file("noshow-sample.csv") && !is_csv_file("../x.csv") && !is_csv_file("a/b.csv") && !is_csv_file("x.txt"));
    }

    #[test]
    fn dates_and_times_are_bounded_and_strictly_shaped() {
        assert!(is_date("2026-03-01") && is_date("1900-01-01") && is_date("2100-12-31"));
        for bad in ["2026-3-01", "+262142-12-31", "1899-12-31", "2101-01-01", "2026-13-01", "2026-03-01 ", "2026-02-30", "2026-04-31", "1900-02-29", "2100-02-29", "2027-02-29"] {
            assert!(!is_date(bad), "{bad:?}");
        }
        assert!(is_date("2000-02-29") && is_date("2028-02-29") && is_date("1904-02-29"));
        // Every day of 1900-2100 that chrono knows is accepted, and nothing else of that shape.
        let mut day = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while day.year() <= 2100 {
            assert!(is_date(&day.to_string()), "{day}");
            day = day.succ_opt().unwrap();
        }
        for ok in ["2026-03-01T09:30:00", "2026-03-01T09:30", "2026-03-01T22:00:00.000Z", "2026-03-01T09:30:00-03:00", "2026-03-01 09:30"] {
            assert!(is_date_time(ok), "{ok:?}");
        }
        for bad in ["2026-03-01", "2026-03-01T9:30", "9999-12-31T23:59:00", "2026-03-01T24:00", "2026-03-01T09:30:00+3"] {
            assert!(!is_date_time(bad), "{bad:?}");
        }
    }
}
