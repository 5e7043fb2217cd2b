//! Staff accounts (`users` collection).

use crate::docs::{all_terms, collect, from_bson_time, object_id, to_bson_time};
use crate::jobs::NewJob;
use crate::{Result, Store, StorageError};
use chrono::Utc;
use domain::{pagination::PageRequest, role::Role, search_text, user::AccountStatus, user::User};
use mongodb::bson::{doc, oid::ObjectId, DateTime as BsonDateTime, Document};
use mongodb::options::ReturnDocument;
use serde::{Deserialize, Serialize};

pub(crate) const COLLECTION: &str = "users";

#[derive(Debug, Serialize, Deserialize)]
struct UserDoc {
    #[serde(rename = "_id")]
    id: ObjectId,
    email: String,
    full_name: String,
    role: Role,
    status: AccountStatus,
    password_hash: Option<String>,
    specialization: Option<String>,
    force_password_change: bool,
    search_terms: Vec<String>,
    created_at: BsonDateTime,
    /// Part of every token; bumping it ends every session of the account.
    #[serde(default)]
    session_version: i64,
    /// Jobs written with the account (the outbox), moved to `jobs` right after.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending_jobs: Vec<Document>,
}

impl From<UserDoc> for User {
    fn from(d: UserDoc) -> Self {
        User {
            id: d.id.to_hex(),
            email: d.email,
            full_name: d.full_name,
            role: d.role,
            status: d.status,
            password_hash: d.password_hash,
            specialization: d.specialization,
            force_password_change: d.force_password_change,
            created_at: from_bson_time(d.created_at),
            session_version: d.session_version,
        }
    }
}

/// A new account; the email must already be normalised.
pub struct NewUser {
    /// Chosen by the caller, so a job written with the account can name it.
    pub id: ObjectId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub password_hash: Option<String>,
    pub specialization: Option<String>,
    pub force_password_change: bool,
    /// A job written in the same insert (an activation e-mail for a pending doctor).
    pub job: Option<NewJob>,
}

/// Which doctors to list.
#[derive(Debug, Default, Clone)]
pub struct DoctorFilter {
    pub query_words: Vec<String>,
    pub active_only: bool,
}

fn terms(full_name: &str, email: &str) -> Vec<String> {
    search_text::terms([full_name, email])
}

impl Store {
    fn users(&self) -> mongodb::Collection<UserDoc> {
        self.collection(COLLECTION)
    }

    /// Inserts an account; a taken email is `Duplicate { key: "email" }`. A job
    /// that comes with it is written in the same insert, then moved to `jobs`
    /// (if that fails, the relay's sweep moves it later).
    pub async fn insert_user(&self, new: NewUser) -> Result<User> {
        let now = Utc::now();
        let pending_jobs = new.job.iter().map(|job| job.embedded(now)).collect::<Result<Vec<_>>>()?;
        let doc = UserDoc {
            id: new.id,
            search_terms: terms(&new.full_name, &new.email),
            email: new.email,
            full_name: new.full_name,
            role: new.role,
            status: new.status,
            password_hash: new.password_hash,
            specialization: new.specialization,
            force_password_change: new.force_password_change,
            created_at: to_bson_time(now),
            session_version: 0,
            pending_jobs,
        };
        crate::docs::insert_checked(self, COLLECTION, &doc).await?;
        if !doc.pending_jobs.is_empty() {
            if let Err(err) = self.flush_embedded_jobs(COLLECTION, Some(doc.id.into()), now).await {
                tracing::warn!(error = %err, "job left in the account's outbox; the relay will move it");
            }
        }
        Ok(doc.into())
    }

    pub async fn find_user(&self, id: &str) -> Result<Option<User>> {
        let Ok(oid) = object_id(id) else { return Ok(None) };
        Ok(self.users().find_one(doc! { "_id": oid }).await?.map(User::from))
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        Ok(self.users().find_one(doc! { "email": email }).await?.map(User::from))
    }

    /// Doctors, newest first, with the total matching count.
    pub async fn list_doctors(&self, filter: &DoctorFilter, page: PageRequest) -> Result<(Vec<User>, u64)> {
        let mut query = doc! { "role": "DOCTOR" };
        if !filter.query_words.is_empty() {
            query.extend(all_terms("search_terms", &filter.query_words));
        }
        if filter.active_only {
            query.insert("status", "active");
        }
        let total = self.users().count_documents(query.clone()).await?;
        let cursor = self
            .users()
            .find(query)
            .sort(doc! { "created_at": -1, "_id": -1 })
            .skip(page.skip())
            .limit(i64::from(page.page_size))
            .await?;
        Ok((collect(cursor).await?.into_iter().map(User::from).collect(), total))
    }

    async fn update_user(&self, id: &str, set: Document) -> Result<User> {
        self.update_user_with(id, doc! { "$set": set }).await
    }

    async fn update_user_with(&self, id: &str, update: Document) -> Result<User> {
        let oid = object_id(id)?;
        self.users()
            .find_one_and_update(doc! { "_id": oid }, update)
            .return_document(ReturnDocument::After)
            .await?
            .map(User::from)
            .ok_or(StorageError::NotFound)
    }

    /// Changes name and/or email (search terms follow).
    pub async fn update_user_profile(&self, user: &User, full_name: Option<String>, email: Option<String>) -> Result<User> {
        let full_name = full_name.unwrap_or_else(|| user.full_name.clone());
        let email = email.unwrap_or_else(|| user.email.clone());
        let set = doc! { "search_terms": terms(&full_name, &email), "full_name": full_name, "email": email };
        self.update_user(&user.id, set).await
    }

    /// Changes the status; disabling also ends every session of the account, for good.
    pub async fn set_user_status(&self, id: &str, status: AccountStatus) -> Result<User> {
        let mut update = doc! { "$set": { "status": status.as_str() } };
        if status == AccountStatus::Disabled {
            update.insert("$inc", doc! { "session_version": 1_i64 });
        }
        self.update_user_with(id, update).await
    }

    /// Sets a new password hash and activates the account.
    pub async fn set_password_and_activate(&self, id: &str, password_hash: &str) -> Result<User> {
        let set = doc! { "password_hash": password_hash, "status": "active", "force_password_change": false };
        self.update_user_with(id, doc! { "$set": set, "$inc": { "session_version": 1_i64 } }).await
    }

    /// Sets a new password hash (status unchanged) and ends every earlier session.
    pub async fn set_password(&self, id: &str, password_hash: &str) -> Result<User> {
        let set = doc! { "password_hash": password_hash, "force_password_change": false };
        self.update_user_with(id, doc! { "$set": set, "$inc": { "session_version": 1_i64 } }).await
    }

    /// Ends every session of the account ("log out everywhere").
    pub async fn end_all_sessions(&self, id: &str) -> Result<User> {
        self.update_user_with(id, doc! { "$inc": { "session_version": 1_i64 } }).await
    }
}
