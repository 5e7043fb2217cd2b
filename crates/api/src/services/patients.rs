//! Patient registration, lists and search, with the Redis cache in front of the
//! hot reads and invalidated on every write.

use crate::auth::CurrentUser;
use crate::dto::{PatientOut, PatientPage};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::pagination::PageRequest;
use domain::patient::{Patient, PatientDraft};
use domain::search_text;
use storage::patients::PatientFilter;

/// Cache namespace of everything derived from patients.
pub const CACHE: &str = storage::cache::views::PATIENTS;
/// Search ranks at most this many index matches.
const SEARCH_CANDIDATES: i64 = 500;

pub fn today(state: &AppState) -> chrono::NaiveDate {
    state.today()
}

pub fn out(state: &AppState, p: &Patient) -> PatientOut {
    PatientOut::new(p, today(state))
}

pub async fn find(state: &AppState, id: &str) -> ApiResult<Patient> {
    state.store.find_patient(id).await?.ok_or(ApiError::NotFound("Patient"))
}

/// Reading a patient's record is recorded (who looked at whom, when) before it
/// is shown; if the record cannot be written, the record is not shown.
pub async fn read_record(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Patient> {
    let patient = find(state, id).await?;
    let mut event = domain::audit::Event::new(&user.id, domain::audit::EventKind::PatientViewed, state.now(), serde_json::json!({}));
    event.patient_id = Some(patient.id.clone());
    state.store.insert_audit_event(&event).await?;
    Ok(patient)
}

fn duplicate() -> ApiError {
    ApiError::conflict("duplicate_patient", "A patient with the same name, date of birth and phone already exists.")
}

pub async fn create(state: &AppState, proposed_id: Option<&str>, draft: &PatientDraft, creator: &str) -> ApiResult<Patient> {
    let fields = draft.parse(today(state))?;
    let owed = state.cache.owe(&[CACHE]);
    let patient = state.store.insert_patient(proposed_id, &fields, creator).await.map_err(|e| match e {
        storage::StorageError::Duplicate { .. } => duplicate(),
        other => other.into(),
    })?;
    owed.pay().await;
    tracing::info!(patient_id = %patient.id, "patient registered");
    Ok(patient)
}

pub async fn update(state: &AppState, current: &Patient, draft: &PatientDraft) -> ApiResult<Patient> {
    let fields = draft.parse(today(state))?;
    // Appointments carry the patient's name.
    let owed = state.cache.owe(&[CACHE, crate::services::appointment_lists::CACHE]);
    let patient = state.store.update_patient(current, &fields).await.map_err(|e| match e {
        storage::StorageError::Duplicate { .. } => duplicate(),
        other => other.into(),
    })?;
    owed.pay().await;
    Ok(patient)
}

/// Refused while appointments point at the patient (they must stay renderable).
pub async fn delete(state: &AppState, id: &str) -> ApiResult<()> {
    find(state, id).await?;
    if state.store.count_patient_appointments(id).await? > 0 {
        return Err(ApiError::conflict("has_appointments", "This patient has appointments and cannot be deleted."));
    }
    let owed = state.cache.owe(&[CACHE]);
    state.store.delete_patient(id).await?;
    owed.pay().await;
    Ok(())
}

/// The key a list page is cached under (ages depend on the clinic day; public: the benchmark reads it back).
pub fn list_key(filter: &PatientFilter, page: PageRequest, today: chrono::NaiveDate) -> String {
    format!("list:{filter:?}:{}:{}:{today}", page.page, page.page_size)
}

/// The key a search page is cached under.
pub fn search_key(words: &[String], page: PageRequest) -> String {
    format!("search:{}:{}:{}", words.join(" "), page.page, page.page_size)
}

pub async fn list(state: &AppState, filter: PatientFilter, page: PageRequest) -> ApiResult<PatientPage> {
    state
        .cache
        .read_through(CACHE, &list_key(&filter, page, today(state)), || async {
            let (patients, total) = state.store.list_patients(&filter, page).await?;
            Ok(PatientPage::new(patients.iter().map(|p| out(state, p)).collect(), total, page))
        })
        .await
}

/// Best match first: the exact record number, then names whose words equal the
/// query words, then names starting with the first word, then by name.
fn rank(p: &Patient, words: &[String], query: &str) -> (u8, String) {
    let name_words = search_text::words(&p.full_name);
    let tier = if p.id.eq_ignore_ascii_case(query.trim()) {
        0
    } else if words.iter().all(|w| name_words.contains(w)) {
        1
    } else if words.first().is_some_and(|w| name_words.first().is_some_and(|n| n.starts_with(w.as_str()))) {
        2
    } else {
        3
    };
    (tier, search_text::fold(&p.full_name))
}

/// Case- and accent-insensitive prefix search over names, record numbers,
/// phone digits and e-mails. An empty query finds nothing.
pub async fn search(state: &AppState, query: &str, page: PageRequest) -> ApiResult<Vec<PatientOut>> {
    let words = search_text::query_words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    if query.trim().chars().count() < 2 {
        return Err(ApiError::BadRequest("Type at least 2 characters to search.".into()));
    }
    state
        .cache
        .read_through(CACHE, &search_key(&words, page), || async {
            let mut found = state.store.search_patients(&words, SEARCH_CANDIDATES).await?;
            found.sort_by_cached_key(|p| rank(p, &words, query));
            Ok(found.iter().skip(page.skip() as usize).take(page.page_size as usize).map(|p| out(state, p)).collect())
        })
        .await
}
