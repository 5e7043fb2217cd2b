//! The writes and login: booking (each request a distinct free slot, as the
//! doctor it belongs to), recording outcomes (each a distinct past pending
//! appointment, as admin), and login (a correct password, each request from
//! its own client address so the per-address limit never applies).

use super::{time, Ctx, Endpoint, Kind};
use crate::app::PASSWORD;
use crate::http::timed;
use crate::load::op;
use crate::raw::Booking;
use mongodb::bson::oid::ObjectId;
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;

fn booking(ctx: &Ctx) -> Endpoint {
    let (c, r) = (ctx.clone(), ctx.clone());
    let next = |ctx: &Ctx, seq: u64| {
        let (doctor, starts_at) = ctx.work.slots.take()?;
        let patients = &ctx.work.patient_ids;
        Some((doctor, starts_at, patients[seq as usize % patients.len()].clone(), seq.is_multiple_of(3)))
    };
    Endpoint {
        key: "booking",
        name: "POST /api/appointments/ (booking, a free slot each), doctor".into(),
        kind: Kind::Booking,
        raw_does: "users.findOne; patients.findOne; patient_past: two $group aggregations at once (history; pending appointments); insertOne with slot_keys".into(),
        api: op(move |seq| {
            let c = c.clone();
            async move {
                let (doctor, starts_at, patient, sms) = next(&c, seq)?;
                let body = json!({
                    "patientIdInput": patient,
                    "appointmentDate": starts_at.format("%Y-%m-%dT%H:%M:00").to_string(),
                    "smsReceived": sms,
                });
                Some(timed(c.http.request(Method::POST, "/api/appointments/", Some(&c.doctors[doctor].token)).json(&body)).await)
            }
        }),
        raw: op(move |seq| {
            let r = r.clone();
            async move {
                let (doctor, starts_at, patient_id, sms_received) = next(&r, seq)?;
                let b = Booking { doctor: r.doctors[doctor].oid, patient_id, starts_at, sms_received };
                Some(time(r.raw.book(&b)).await)
            }
        }),
        prime: None,
        before_cell: None,
    }
}

fn outcome(ctx: &Ctx) -> Endpoint {
    let (c, r, w) = (ctx.clone(), ctx.clone(), ctx.work.clone());
    Endpoint {
        key: "outcome",
        name: "PATCH /api/appointments/{id}/ (outcome of a past pending one), admin".into(),
        kind: Kind::Outcome,
        raw_does: "users.findOne; appointments.findOne, findOneAndUpdate, findOne; patients.findOne x2, updateOne; \
                   history.replaceOne(upsert); appointments.updateOne"
            .into(),
        api: op(move |seq| {
            let c = c.clone();
            async move {
                let id = c.work.next_outcome()?;
                let body = json!({ "showedUp": seq % 5 != 0, "wasLate": false });
                let path = format!("/api/appointments/{}/", id.to_hex());
                Some(timed(c.http.request(Method::PATCH, &path, Some(&c.admin.token)).json(&body)).await)
            }
        }),
        raw: op(move |seq| {
            let r = r.clone();
            async move {
                let id: ObjectId = r.work.next_outcome()?;
                Some(time(r.raw.outcome(r.admin.oid, id, seq % 5 != 0)).await)
            }
        }),
        prime: None,
        before_cell: Some(Arc::new(move |cells| w.share_outcomes(cells))),
    }
}

/// 10.x.y.z from a counter shared by every login cell: never the same address twice.
fn address(n: u64) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

fn login(ctx: &Ctx) -> Endpoint {
    let (c, r) = (ctx.clone(), ctx.clone());
    let email = Arc::new(ctx.doctors[0].email.clone());
    let raw_email = email.clone();
    Endpoint {
        key: "login",
        name: "POST /api/auth/login/ (correct password, own address each)".into(),
        kind: Kind::Login,
        raw_does: "users.findOne({email}) + argon2id verify on as many threads as the API's hashing pool".into(),
        api: op(move |_| {
            let (c, email) = (c.clone(), email.clone());
            async move {
                let ip = address(c.logins.fetch_add(1, Ordering::Relaxed) + 1);
                let body = json!({ "email": *email, "password": PASSWORD });
                Some(timed(c.http.request(Method::POST, "/api/auth/login/", None).header("x-forwarded-for", ip).json(&body)).await)
            }
        }),
        raw: op(move |_| {
            let (r, email) = (r.clone(), raw_email.clone());
            async move { Some(time(r.raw.login(&email, PASSWORD)).await) }
        }),
        prime: None,
        before_cell: None,
    }
}

pub fn all(ctx: &Ctx) -> Vec<Endpoint> {
    vec![booking(ctx), outcome(ctx), login(ctx)]
}
