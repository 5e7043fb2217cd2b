//! Refresh-token revocation (`revoked_tokens`), stored so it survives restarts.
//! Entries expire with the token they revoke (TTL index on `expires_at`).

use crate::docs::to_bson_time;
use crate::{Result, Store, StorageError};
use chrono::{DateTime, Utc};
use mongodb::bson::{doc, Document};

pub(crate) const COLLECTION: &str = "revoked_tokens";

fn family_key(family: &str) -> String {
    format!("family:{family}")
}

impl Store {
    fn revoked(&self) -> mongodb::Collection<Document> {
        self.collection(COLLECTION)
    }

    /// Revokes one token by id (logout). Idempotent.
    pub async fn revoke_token(&self, jti: &str, expires_at: DateTime<Utc>) -> Result<()> {
        self.revoked()
            .update_one(
                doc! { "_id": jti },
                doc! { "$set": { "reason": "logout", "expires_at": to_bson_time(expires_at) } },
            )
            .upsert(true)
            .await?;
        Ok(())
    }

    /// Revokes every token of a rotation family (reuse detected).
    pub async fn revoke_family(&self, family: &str, expires_at: DateTime<Utc>) -> Result<()> {
        self.revoked()
            .update_one(
                doc! { "_id": family_key(family) },
                doc! { "$set": { "reason": "reuse", "expires_at": to_bson_time(expires_at) } },
            )
            .upsert(true)
            .await?;
        Ok(())
    }

    /// True when the token or its family was revoked.
    pub async fn is_token_revoked(&self, jti: &str, family: &str) -> Result<bool> {
        let filter = doc! { "_id": { "$in": [jti, family_key(family)] } };
        Ok(self.revoked().count_documents(filter).limit(1).await? > 0)
    }

    /// With rotation on, marks a refresh token as spent. Atomic: of two
    /// concurrent uses exactly one gets `true`.
    /// Spent tokens are kept apart from revoked ones, so presenting one again is
    /// seen as reuse (and revokes the family) rather than as a plain revoked token.
    pub async fn consume_refresh_token(&self, jti: &str, expires_at: DateTime<Utc>) -> Result<bool> {
        let entry = doc! { "_id": format!("spent:{jti}"), "reason": "rotated", "expires_at": to_bson_time(expires_at) };
        match self.revoked().insert_one(entry).await.map_err(StorageError::from) {
            Ok(_) => Ok(true),
            Err(StorageError::Duplicate { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }
}
