//! Appointment pages (`GET /api/appointments/` with its filters, a day's list
//! included, and one doctor's list), served from the Redis cache and
//! invalidated by every change to what they show: a booking, an outcome or
//! its correction, a cancel, a patient's edit (appointments carry the name).
//! Searches are read from MongoDB every time.

use crate::dto::{AppointmentOut, AppointmentPage};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use domain::appointment::Appointment;
use domain::pagination::PageRequest;
use storage::appointments::{AppointmentFilter, AppointmentOrder};

/// Cache namespace of appointment pages.
pub const CACHE: &str = storage::cache::views::APPOINTMENTS;

/// The key a page is cached under (public: the benchmark reads it back).
pub fn key(filter: &AppointmentFilter, order: AppointmentOrder, page: PageRequest) -> String {
    format!("list:{filter:?}:{order:?}:{}:{}", page.page, page.page_size)
}

fn page_of(items: &[Appointment], total: u64, page: PageRequest) -> AppointmentPage {
    AppointmentPage::new(items.iter().map(AppointmentOut::from).collect(), total, page)
}

/// A page of the appointments the filter selects.
pub async fn page(state: &AppState, filter: &AppointmentFilter, order: AppointmentOrder, page: PageRequest) -> ApiResult<AppointmentPage> {
    state
        .cache
        .read_through(CACHE, &key(filter, order, page), || async {
            let (items, total) = state.store.list_appointments(filter, order, page).await?;
            Ok::<_, ApiError>(page_of(&items, total, page))
        })
        .await
}
