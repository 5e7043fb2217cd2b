//! The reminder scheduler: every `REMINDER_TICK_SECONDS` it looks for pending
//! appointments whose reminder offset has come (72 h and 24 h before a
//! high-risk appointment, 24 h before any other, by default) and writes one
//! job per (appointment, offset) into the outbox, under the id
//! `reminder:<appointment>:<hours>`. The id makes creation idempotent: two
//! workers, or one scheduler firing twice, create the job once. When several
//! offsets are due at once (a booking made 20 h ahead), only the nearest is
//! sent; the others are marked done without a message.

use crate::WorkerState;
use chrono::{DateTime, Duration, Utc};
use storage::appointments::reminders::UpcomingAppointment;
use storage::StorageError;

/// The longest one scheduling pass may take.
const PASS_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

pub fn spawn(state: WorkerState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if !state.settings.reminders.enabled {
            return;
        }
        let mut tick = tokio::time::interval(state.settings.reminders.tick);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A pass stuck on an unanswered database call is abandoned (its writes are idempotent and what it did is kept: the next pass goes on from there).
            match tokio::time::timeout(PASS_LIMIT, schedule_due(&state)).await {
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "could not schedule reminders; trying again next tick"),
                Err(_) => tracing::warn!(limit_s = PASS_LIMIT.as_secs(), "a reminder pass took too long; abandoned, trying again next tick"),
            }
        }
    })
}

/// The offsets (hours before the start) to schedule now for one appointment:
/// the nearest due one not yet scheduled, and the earlier due ones to skip.
pub fn due_offsets(appointment: &UpcomingAppointment, offsets: &[u32], now: DateTime<Utc>) -> (Option<u32>, Vec<u32>) {
    let mut due: Vec<u32> =
        offsets.iter().copied().filter(|&h| appointment.starts_at_utc - Duration::hours(i64::from(h)) <= now).collect();
    due.sort_unstable();
    let Some((&nearest, earlier)) = due.split_first() else { return (None, Vec::new()) };
    let send = (!appointment.scheduled.contains(&nearest)).then_some(nearest);
    let skip = earlier.iter().copied().filter(|h| !appointment.scheduled.contains(h)).collect();
    (send, skip)
}

/// One pass: writes the due reminder jobs; returns how many were created now.
pub async fn schedule_due(state: &WorkerState) -> Result<usize, StorageError> {
    let settings = &state.settings.reminders;
    let now = state.clock.now();
    let longest = settings.high_risk_hours.iter().chain(&settings.hours).copied().max().unwrap_or(0);
    let mut created = 0;
    for appointment in state.store.upcoming_appointments(now, Duration::hours(i64::from(longest))).await? {
        let offsets = if appointment.high_risk { &settings.high_risk_hours } else { &settings.hours };
        let (send, skip) = due_offsets(&appointment, offsets, now);
        if let Some(hours) = send {
            let args = jobs::SendReminder { appointment_id: appointment.id.clone(), hours };
            let job = jobs::new_job_with_id(jobs::reminder_job_id(&appointment.id, hours), &args, None);
            // The outbox runs on the wall clock (its relay and leases do), whatever clock decides what is due.
            if state.store.ensure_job(&job, Utc::now()).await? {
                created += 1;
            }
            state.store.mark_reminder_scheduled(&appointment.id, hours).await?;
        }
        for hours in skip {
            state.store.mark_reminder_scheduled(&appointment.id, hours).await?;
        }
    }
    if created > 0 {
        tracing::info!(created, "reminder jobs written");
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upcoming(hours_ahead: i64, scheduled: Vec<u32>) -> (UpcomingAppointment, DateTime<Utc>) {
        let now = Utc::now();
        (UpcomingAppointment { id: "a".into(), starts_at_utc: now + Duration::hours(hours_ahead), high_risk: true, scheduled }, now)
    }

    #[test]
    fn the_nearest_due_offset_is_sent_and_earlier_ones_skipped() {
        let (a, now) = upcoming(80, vec![]);
        assert_eq!(due_offsets(&a, &[72, 24], now), (None, vec![]), "nothing due 80 h ahead");
        let (a, now) = upcoming(50, vec![]);
        assert_eq!(due_offsets(&a, &[72, 24], now), (Some(72), vec![]));
        let (a, now) = upcoming(20, vec![72]);
        assert_eq!(due_offsets(&a, &[72, 24], now), (Some(24), vec![]));
        let (a, now) = upcoming(20, vec![]);
        assert_eq!(due_offsets(&a, &[72, 24], now), (Some(24), vec![72]), "booked late: one message, not two");
        let (a, now) = upcoming(20, vec![24, 72]);
        assert_eq!(due_offsets(&a, &[72, 24], now), (None, vec![]), "already scheduled");
    }
}
