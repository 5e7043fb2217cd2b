//! Query strings: each list's parameters as a struct the handler parses into
//! (form-urlencoded, so `+` is a space) and the OpenAPI document lists with
//! their constraints. Unknown parameters are ignored; a known one with a
//! value that breaks its constraint (an empty `page=` included) is a 400.

use super::fields;
use crate::error::ApiError;
use actix_web::HttpRequest;
use domain::appointment::AppointmentStatus;
use domain::pagination::{PageRequest, MAX_PAGE, MAX_PAGE_SIZE};
use domain::patient::Gender;
use serde::{de::DeserializeOwned, Deserialize};
use utoipa::IntoParams;

/// Parses the request's query string into `T`.
pub fn parse<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, ApiError> {
    serde_urlencoded::from_str::<T>(req.query_string()).map_err(|e| {
        let message = e.to_string();
        // Name the parameter when serde says which one; never echo values.
        let field = message.split('`').nth(1).filter(|f| f.len() <= 40 && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        ApiError::BadRequest(match field {
            Some(field) if message.starts_with("duplicate field") => format!("The query parameter {field} is given more than once."),
            Some(field) => format!("The query parameter {field} is invalid."),
            None => "The query string is malformed.".into(),
        })
    })
}

/// `?page=&page_size=`, shared by every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    /// Items per page (default 20).
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let mut page = PageRequest::default();
        if let Some(raw) = &self.page {
            page.page = fields::query_whole("page", raw, 1, i64::from(MAX_PAGE))? as u32;
        }
        if let Some(raw) = &self.page_size {
            page.page_size = fields::query_whole("page_size", raw, 1, i64::from(MAX_PAGE_SIZE))? as u32;
        }
        Ok(page)
    }
}

fn flag(name: &'static str, raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ApiError::BadRequest(format!("{name} must be true or false."))),
    }
}

fn date(name: &'static str, raw: Option<&str>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    Ok(raw.map(|r| domain::dates::parse_date(name, r)).transpose()?)
}

fn bounded_text<'a>(name: &'static str, raw: Option<&'a str>) -> Result<Option<&'a str>, ApiError> {
    match raw {
        Some(r) if r.chars().count() > 200 => Err(ApiError::BadRequest(format!("{name} must be at most 200 characters."))),
        other => Ok(other),
    }
}

/// `GET /api/patients/`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientListQuery {
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
    /// Only patients registered by this staff member.
    #[serde(rename = "doctorId")]
    #[param(rename = "doctorId", schema_with = fields::query_text)]
    pub doctor_id: Option<String>,
    #[param(schema_with = fields::gender_filter)]
    pub gender: Option<String>,
    #[param(schema_with = fields::query_text)]
    pub neighbourhood: Option<String>,
}

impl PatientListQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn gender(&self) -> Result<Option<Gender>, ApiError> {
        Ok(self.gender.as_deref().map(Gender::parse).transpose()?)
    }

    pub fn doctor_id(&self) -> Result<Option<&str>, ApiError> {
        bounded_text("doctorId", self.doctor_id.as_deref())
    }

    pub fn neighbourhood(&self) -> Result<Option<&str>, ApiError> {
        bounded_text("neighbourhood", self.neighbourhood.as_deref())
    }
}

/// `GET /api/patients/search/`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientSearchQuery {
    /// Name, record number, phone digits or e-mail; prefixes of words match,
    /// accents and case are ignored. Empty gives `[]`; one character is refused.
    #[param(schema_with = fields::patient_query)]
    pub q: Option<String>,
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
}

impl PatientSearchQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn q(&self) -> Result<&str, ApiError> {
        let q = self.q.as_deref().unwrap_or("");
        match q.chars().count() {
            1 => Err(ApiError::BadRequest("Type at least 2 characters to search.".into())),
            n if n > 200 => Err(ApiError::BadRequest("The search text must be at most 200 characters.".into())),
            _ => Ok(q),
        }
    }
}

/// Filters of the appointment lists and searches (all optional, ANDed).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentQuery {
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
    /// `time` (by start time) or `-created` (newest booked first, the default). Lists only.
    #[param(schema_with = fields::ordering)]
    pub ordering: Option<String>,
    /// Admins: one doctor's appointments (doctors always see their own).
    #[serde(rename = "doctorId")]
    #[param(rename = "doctorId", schema_with = fields::query_text)]
    pub doctor_id: Option<String>,
    #[serde(rename = "patientId")]
    #[param(rename = "patientId", schema_with = fields::query_text)]
    pub patient_id: Option<String>,
    #[param(schema_with = fields::status_filter)]
    pub status: Option<String>,
    /// One clinic day.
    #[param(schema_with = fields::date)]
    pub date: Option<String>,
    /// From this day (inclusive).
    #[param(schema_with = fields::date)]
    pub from: Option<String>,
    /// Up to this day (inclusive).
    #[param(schema_with = fields::date)]
    pub to: Option<String>,
    /// Words of the patient's name or record number.
    #[param(schema_with = fields::query_text)]
    pub q: Option<String>,
}

/// The validated filter values of an [`AppointmentQuery`].
pub struct AppointmentFilters<'a> {
    pub doctor_id: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub status: Option<AppointmentStatus>,
    pub date: Option<chrono::NaiveDate>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub q: Option<&'a str>,
}

impl AppointmentQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn filters(&self) -> Result<AppointmentFilters<'_>, ApiError> {
        Ok(AppointmentFilters {
            doctor_id: bounded_text("doctorId", self.doctor_id.as_deref())?,
            patient_id: bounded_text("patientId", self.patient_id.as_deref())?,
            status: self.status.as_deref().map(AppointmentStatus::parse).transpose()?,
            date: date("date", self.date.as_deref())?,
            from: date("from", self.from.as_deref())?,
            to: date("to", self.to.as_deref())?,
            q: bounded_text("q", self.q.as_deref())?,
        })
    }

    /// Whether any filter is set (a search without one returns `[]`); an empty `q` is none.
    pub fn has_filter(&self) -> bool {
        self.q.as_deref().is_some_and(|q| !q.trim().is_empty())
            || [&self.status, &self.date, &self.from, &self.to, &self.patient_id].iter().any(|v| v.is_some())
    }
}

/// `GET /api/admin/doctors/all/`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DoctorListQuery {
    /// Words of the name or e-mail.
    #[param(schema_with = fields::query_text)]
    pub q: Option<String>,
    /// Only active doctors.
    #[param(schema_with = fields::boolean)]
    pub active_only: Option<String>,
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
}

impl DoctorListQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn active_only(&self) -> Result<bool, ApiError> {
        flag("active_only", self.active_only.as_deref())
    }

    pub fn q(&self) -> Result<&str, ApiError> {
        Ok(bounded_text("q", self.q.as_deref())?.unwrap_or(""))
    }
}

/// A date range and, for admins, one doctor (analytics).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// From this appointment day (inclusive).
    #[param(schema_with = fields::date)]
    pub from: Option<String>,
    /// Up to this appointment day (inclusive).
    #[param(schema_with = fields::date)]
    pub to: Option<String>,
    /// Admins: one doctor.
    #[serde(rename = "doctorId")]
    #[param(rename = "doctorId", schema_with = fields::query_text)]
    pub doctor_id: Option<String>,
}

impl RangeQuery {
    pub fn from(&self) -> Result<Option<chrono::NaiveDate>, ApiError> {
        date("from", self.from.as_deref())
    }

    pub fn to(&self) -> Result<Option<chrono::NaiveDate>, ApiError> {
        date("to", self.to.as_deref())
    }

    pub fn doctor_id(&self) -> Result<Option<&str>, ApiError> {
        bounded_text("doctorId", self.doctor_id.as_deref())
    }
}

/// `GET /api/outreach/`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutreachQuery {
    /// The clinic day (default: today in the clinic's time zone).
    #[param(schema_with = fields::date)]
    pub date: Option<String>,
    /// Admins: one doctor's appointments (doctors always see their own).
    #[serde(rename = "doctorId")]
    #[param(rename = "doctorId", schema_with = fields::query_text)]
    pub doctor_id: Option<String>,
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
}

impl OutreachQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn date(&self) -> Result<Option<chrono::NaiveDate>, ApiError> {
        date("date", self.date.as_deref())
    }

    pub fn doctor_id(&self) -> Result<Option<&str>, ApiError> {
        bounded_text("doctorId", self.doctor_id.as_deref())
    }
}

/// `GET /api/admin/events/`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Only this actor's events (a user id, or `system`).
    #[param(schema_with = fields::query_text)]
    pub actor: Option<String>,
    /// From this clinic day (inclusive); default 30 days before `to` (or today).
    #[param(schema_with = fields::date)]
    pub from: Option<String>,
    /// Up to this clinic day (inclusive).
    #[param(schema_with = fields::date)]
    pub to: Option<String>,
    #[param(schema_with = fields::page)]
    pub page: Option<String>,
    #[param(schema_with = fields::page_size)]
    pub page_size: Option<String>,
}

impl EventQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        PageQuery { page: self.page.clone(), page_size: self.page_size.clone() }.page()
    }

    pub fn actor(&self) -> Result<Option<&str>, ApiError> {
        bounded_text("actor", self.actor.as_deref())
    }

    pub fn from(&self) -> Result<Option<chrono::NaiveDate>, ApiError> {
        date("from", self.from.as_deref())
    }

    pub fn to(&self) -> Result<Option<chrono::NaiveDate>, ApiError> {
        date("to", self.to.as_deref())
    }
}
