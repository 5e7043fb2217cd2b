//! The outreach contact log of an appointment: staff record each attempt to
//! reach the patient; automated reminders add theirs. Append-only, scoped
//! like the appointment.

use crate::auth::CurrentUser;
use crate::dto::appointment::ContactIn;
use crate::error::ApiResult;
use crate::services::booking::find_scoped;
use crate::state::AppState;
use domain::contact::{check_staff_result, parse_note, Contact};

pub async fn record(state: &AppState, user: &CurrentUser, id: &str, body: &ContactIn) -> ApiResult<Contact> {
    let result = check_staff_result(body.result)?;
    let note = parse_note(body.note.as_deref())?;
    let appointment = find_scoped(state, user, id).await?;
    let contact = Contact {
        id: uuid::Uuid::new_v4().simple().to_string(),
        channel: body.channel,
        result,
        note,
        by: user.id.clone(),
        at: state.now(),
        reminder_hours: None,
    };
    state.store.add_contact(&appointment.id, &contact).await?;
    Ok(contact)
}

pub async fn list(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Vec<Contact>> {
    let appointment = find_scoped(state, user, id).await?;
    Ok(state.store.appointment_contacts(&appointment.id).await?)
}
