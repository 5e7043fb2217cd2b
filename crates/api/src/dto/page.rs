//! `{<resource>: [...], total, page, total_pages}` list replies, with the
//! resource key the contract names.

use super::{AppointmentOut, PatientOut};
use domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PatientPage {
    pub patients: Vec<PatientOut>,
    pub total: u64,
    pub page: u32,
    pub total_pages: u64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AppointmentPage {
    pub appointments: Vec<AppointmentOut>,
    pub total: u64,
    pub page: u32,
    pub total_pages: u64,
}

impl PatientPage {
    pub fn new(patients: Vec<PatientOut>, total: u64, page: PageRequest) -> Self {
        Self { patients, total, page: page.page, total_pages: page.total_pages(total) }
    }
}

impl AppointmentPage {
    pub fn new(appointments: Vec<AppointmentOut>, total: u64, page: PageRequest) -> Self {
        Self { appointments, total, page: page.page, total_pages: page.total_pages(total) }
    }
}
