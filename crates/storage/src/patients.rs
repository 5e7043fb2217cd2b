//! Patients (`patients`), with their record-number allocation and search terms.

use crate::docs::{all_terms, collect, from_bson_time, page_total, to_bson_time};
use crate::error::is_duplicate_on;
use crate::{Result, Store, StorageError};
use chrono::NaiveDate;
use domain::appointment::Attended;
use domain::pagination::PageRequest;
use domain::patient::{Attendance, ClinicalFlags, Gender, Patient, PatientFields};
use domain::search_text;
use mongodb::bson::{doc, DateTime as BsonDateTime, Document};
use mongodb::options::{Hint, ReturnDocument};
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "patients";
pub(crate) const COUNTERS: &str = "counters";
/// Allocation gives up after this many taken numbers in a row (never expected).
const MAX_ALLOCATION_TRIES: usize = 50;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PatientDoc {
    #[serde(rename = "_id")]
    id: String,
    full_name: String,
    age: i32,
    date_of_birth: Option<String>,
    gender: Gender,
    phone: Option<String>,
    email: Option<String>,
    neighbourhood: Option<String>,
    flags: ClinicalFlags,
    attendance: Attendance,
    doctor_id: String,
    created_at: BsonDateTime,
    search_terms: Vec<String>,
    /// Folded name + date of birth + phone digits when both are known, else unique:
    /// a unique index on it refuses the same person registered twice.
    dedupe_key: String,
    /// The patient asked not to receive automated reminders.
    #[serde(default)]
    reminders_opt_out: bool,
}

/// What each recorded outcome counts as, by appointment id
/// (`attendance_applied.<id>`), next to the counts: applying an outcome is a
/// compare-and-set on this entry, so it can be repeated or corrected without
/// ever counting twice. Never read back into a [`Patient`]; excluded from reads.
const APPLIED: &str = "attendance_applied";

impl TryFrom<PatientDoc> for Patient {
    type Error = StorageError;
    fn try_from(d: PatientDoc) -> Result<Self> {
        let dob = d
            .date_of_birth
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
            .transpose()
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        Ok(Patient {
            id: d.id,
            full_name: d.full_name,
            age: u8::try_from(d.age).map_err(|e| StorageError::Corrupt(e.to_string()))?,
            date_of_birth: dob,
            gender: d.gender,
            phone: d.phone,
            email: d.email,
            neighbourhood: d.neighbourhood,
            flags: d.flags,
            attendance: d.attendance,
            doctor_id: d.doctor_id,
            created_at: from_bson_time(d.created_at),
            reminders_opt_out: d.reminders_opt_out,
        })
    }
}

/// Without both date of birth and phone a person cannot be recognised, so the
/// key is unique by construction and never refuses anything.
fn dedupe_key(fields: &PatientFields) -> String {
    match (&fields.date_of_birth, &fields.phone) {
        (Some(dob), Some(phone)) => {
            format!("{}|{}|{}", search_text::fold(&fields.full_name), dob, search_text::digits(phone))
        }
        _ => format!("unique:{}", mongodb::bson::oid::ObjectId::new().to_hex()),
    }
}

pub(crate) fn to_doc(patient: &Patient, fields: &PatientFields) -> PatientDoc {
    PatientDoc {
        id: patient.id.clone(),
        full_name: patient.full_name.clone(),
        age: i32::from(patient.age),
        date_of_birth: patient.date_of_birth.map(|d| d.to_string()),
        gender: patient.gender,
        phone: patient.phone.clone(),
        email: patient.email.clone(),
        neighbourhood: patient.neighbourhood.clone(),
        flags: patient.flags,
        attendance: patient.attendance,
        doctor_id: patient.doctor_id.clone(),
        created_at: to_bson_time(patient.created_at),
        search_terms: patient.search_terms(),
        dedupe_key: dedupe_key(fields),
        reminders_opt_out: patient.reminders_opt_out,
    }
}

/// The fields a patient update sets (never attendance, record number, creator).
fn demographics(patient: &Patient, fields: &PatientFields) -> Result<Document> {
    let doc = to_doc(patient, fields);
    Ok(doc! {
        "full_name": doc.full_name, "age": doc.age, "date_of_birth": doc.date_of_birth, "gender": mongodb::bson::to_bson(&doc.gender)?,
        "phone": doc.phone, "email": doc.email, "neighbourhood": doc.neighbourhood, "flags": mongodb::bson::to_bson(&doc.flags)?,
        "search_terms": doc.search_terms, "dedupe_key": doc.dedupe_key, "reminders_opt_out": doc.reminders_opt_out,
    })
}

/// Reads leave the attendance ledger on the server.
fn without_ledger() -> Document {
    doc! { APPLIED: 0 }
}

fn build(id: String, fields: &PatientFields, doctor_id: &str) -> Patient {
    Patient {
        id,
        full_name: fields.full_name.clone(),
        age: fields.age,
        date_of_birth: fields.date_of_birth,
        gender: fields.gender,
        phone: fields.phone.clone(),
        email: fields.email.clone(),
        neighbourhood: fields.neighbourhood.clone(),
        flags: fields.flags,
        attendance: Attendance::default(),
        reminders_opt_out: fields.reminders_opt_out,
        doctor_id: doctor_id.into(),
        // At the stored (millisecond) precision, so the create reply equals later reads.
        created_at: from_bson_time(BsonDateTime::now()),
    }
}

/// List filters (all optional, ANDed).
#[derive(Debug, Default, Clone)]
pub struct PatientFilter {
    pub doctor_id: Option<String>,
    pub gender: Option<Gender>,
    pub neighbourhood: Option<String>,
}

impl Store {
    fn patients(&self) -> mongodb::Collection<PatientDoc> {
        self.collection(COLLECTION)
    }

    async fn next_record_number(&self) -> Result<String> {
        let counter = self
            .collection::<Document>(COUNTERS)
            .find_one_and_update(doc! { "_id": "patient" }, doc! { "$inc": { "seq": 1_i64 } })
            .upsert(true)
            .return_document(ReturnDocument::After)
            .await?
            .ok_or_else(|| StorageError::Corrupt("patient counter missing".into()))?;
        let seq = counter.get_i64("seq").map_err(|e| StorageError::Corrupt(e.to_string()))?;
        Ok(format!("P-{seq:03}"))
    }

    /// Registers a patient. A free, valid proposed record number is kept; a taken
    /// one is never overwritten: a fresh number is allocated instead. The same
    /// person twice (name + date of birth + phone) is `Duplicate { index: "dedupe_key_1" }`.
    pub async fn insert_patient(&self, proposed_id: Option<&str>, fields: &PatientFields, doctor_id: &str) -> Result<Patient> {
        let mut candidate = match proposed_id {
            Some(id) if domain::patient::is_valid_record_number(id) => id.to_string(),
            _ => self.next_record_number().await?,
        };
        for _ in 0..MAX_ALLOCATION_TRIES {
            let patient = build(candidate.clone(), fields, doctor_id);
            match crate::docs::insert_checked(self, COLLECTION, &to_doc(&patient, fields)).await {
                Ok(()) => return Ok(patient),
                Err(err) if is_duplicate_on(&err, "_id") => candidate = self.next_record_number().await?,
                Err(err) => return Err(err),
            }
        }
        Err(StorageError::Corrupt("could not allocate a free record number".into()))
    }

    pub async fn find_patient(&self, id: &str) -> Result<Option<Patient>> {
        self.patients().find_one(doc! { "_id": id }).projection(without_ledger()).await?.map(Patient::try_from).transpose()
    }

    /// Newest first, with the total count.
    pub async fn list_patients(&self, filter: &PatientFilter, page: PageRequest) -> Result<(Vec<Patient>, u64)> {
        let mut query = doc! {};
        if let Some(d) = &filter.doctor_id {
            query.insert("doctor_id", d);
        }
        if let Some(g) = filter.gender {
            query.insert("gender", mongodb::bson::to_bson(&g)?);
        }
        if let Some(n) = &filter.neighbourhood {
            query.insert("neighbourhood", n);
        }
        // The total and the page are sent at once: two round trips, one wait.
        let patients = self.patients();
        let page_of = async {
            let cursor = patients
                .find(query.clone())
                .projection(without_ledger())
                .sort(doc! { "created_at": -1, "_id": -1 })
                .skip(page.skip())
                .limit(i64::from(page.page_size))
                .await?;
            collect(cursor).await
        };
        let (total, docs) = futures_util::future::try_join(page_total(&patients, query.clone(), None), page_of).await?;
        Ok((docs.into_iter().map(Patient::try_from).collect::<Result<_>>()?, total))
    }

    /// Patients holding every query word as a search term (index lookup), at most `limit`.
    /// The hint is needed: SecantusDB plans `$all` as a collection scan otherwise.
    pub async fn search_patients(&self, words: &[String], limit: i64) -> Result<Vec<Patient>> {
        let cursor = self
            .patients()
            .find(all_terms("search_terms", words))
            .projection(without_ledger())
            .hint(Hint::Keys(doc! { "search_terms": 1 }))
            .limit(limit)
            .await?;
        collect(cursor).await?.into_iter().map(Patient::try_from).collect()
    }

    /// Sets the demographic fields with `$set` (never the record number, creator
    /// or attendance, so an outcome recorded at the same moment is kept), and
    /// returns the patient as stored afterwards.
    pub async fn update_patient(&self, current: &Patient, fields: &PatientFields) -> Result<Patient> {
        let mut updated = build(current.id.clone(), fields, &current.doctor_id);
        updated.created_at = current.created_at;
        let set = demographics(&updated, fields)?;
        let result = crate::docs::update_checked(self, COLLECTION, doc! { "_id": &current.id }, doc! { "$set": set }).await?;
        if result.matched == 0 {
            return Err(StorageError::NotFound);
        }
        if updated.full_name != current.full_name {
            self.rename_patient_in_appointments(&updated.id, &updated.full_name).await?;
        }
        self.find_patient(&current.id).await?.ok_or(StorageError::NotFound)
    }

    pub async fn delete_patient(&self, id: &str) -> Result<()> {
        let result = self.patients().delete_one(doc! { "_id": id }).await?;
        if result.deleted_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    /// Makes the patient's attendance count `appointment_id` as `attended`.
    /// Idempotent and safe under concurrency: the counts move only when the
    /// ledger entry for that appointment changes, in the same atomic update;
    /// a correction moves the count from the old kind to the new one.
    pub async fn apply_attendance(&self, patient_id: &str, appointment_id: &str, attended: Attended) -> Result<()> {
        let entry = format!("{APPLIED}.{appointment_id}");
        for _ in 0..10 {
            let current = self
                .collection::<Document>(COLLECTION)
                .find_one(doc! { "_id": patient_id })
                .projection(doc! { &entry: 1 })
                .await?
                .ok_or(StorageError::NotFound)?;
            let old = current.get_document(APPLIED).ok().and_then(|m| m.get_str(appointment_id).ok()).and_then(Attended::parse);
            if old == Some(attended) {
                return Ok(());
            }
            let mut inc = doc! { format!("attendance.{}", attended.as_str()): 1 };
            let filter = match old {
                Some(old) => {
                    inc.insert(format!("attendance.{}", old.as_str()), -1);
                    doc! { "_id": patient_id, &entry: old.as_str() }
                }
                None => doc! { "_id": patient_id, &entry: { "$exists": false } },
            };
            let update = doc! { "$inc": inc, "$set": { &entry: attended.as_str() } };
            if self.collection::<Document>(COLLECTION).update_one(filter, update).await?.matched_count == 1 {
                return Ok(());
            }
        }
        Err(StorageError::Conflict("attendance_contended"))
    }

    /// Opts the patient in or out of automated reminders.
    pub async fn set_reminders_opt_out(&self, patient_id: &str, opt_out: bool) -> Result<()> {
        self.patients().update_one(doc! { "_id": patient_id }, doc! { "$set": { "reminders_opt_out": opt_out } }).await?;
        Ok(())
    }
}
