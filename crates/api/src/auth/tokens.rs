//! Access and refresh JWTs (HS256, signed with `SECRET_KEY`).
//!
//! Access tokens are short-lived and checked against the account on every
//! request. Refresh tokens carry an id (`jti`) for revocation at logout and a
//! rotation family (`fam`) for reuse detection when rotation is on. Both carry
//! the account's session version (`sv`): changing the password, disabling the
//! account or "log out everywhere" bumps it, and every older token is refused.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{role::Role, user::User};
use jsonwebtoken::{decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub typ: TokenKind,
    pub jti: String,
    /// Rotation family of a refresh token (its first token's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<String>,
    /// The account's session version when the token was issued.
    #[serde(default)]
    pub sv: i64,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn expires_at(&self) -> DateTime<Utc> {
        Utc.timestamp_opt(self.exp, 0).single().unwrap_or_else(Utc::now)
    }

    pub fn family(&self) -> &str {
        self.fam.as_deref().unwrap_or(&self.jti)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
    refresh_ttl: Duration,
}

impl TokenService {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), access_ttl, refresh_ttl }
    }

    fn sign(&self, user: &User, typ: TokenKind, fam: Option<String>) -> Result<(String, Claims), jsonwebtoken::errors::Error> {
        let now = Utc::now();
        let ttl = match typ {
            TokenKind::Access => self.access_ttl,
            TokenKind::Refresh => self.refresh_ttl,
        };
        let claims = Claims {
            sub: user.id.clone(),
            role: user.role,
            typ,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            fam,
            sv: user.session_version,
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
        };
        Ok((encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?, claims))
    }

    pub fn access(&self, user: &User) -> Result<String, jsonwebtoken::errors::Error> {
        Ok(self.sign(user, TokenKind::Access, None)?.0)
    }

    /// A refresh token, continuing `family` when rotating.
    pub fn refresh(&self, user: &User, family: Option<String>) -> Result<String, jsonwebtoken::errors::Error> {
        Ok(self.sign(user, TokenKind::Refresh, family)?.0)
    }

    /// How long refresh tokens live: a family revocation must last this long
    /// after it is made, since every token of the family was issued before it.
    pub fn refresh_ttl(&self) -> Duration {
        self.refresh_ttl
    }

    /// Checks signature, expiry (no leeway) and kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let claims = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        if claims.typ != kind {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::user::AccountStatus;

    fn user() -> User {
        User {
            id: "u1".into(),
            email: "a@b.co".into(),
            full_name: "A".into(),
            role: Role::Doctor,
            status: AccountStatus::Active,
            password_hash: None,
            specialization: None,
            force_password_change: false,
            created_at: Utc::now(),
            session_version: 3,
        }
    }

    fn service(access: Duration) -> TokenService {
        TokenService::new(b"0123456789abcdef0123456789abcdef", access, Duration::days(7))
    }

    #[test]
    fn an_access_token_round_trips_with_its_role() {
        let s = service(Duration::minutes(5));
        let claims = s.verify(&s.access(&user()).unwrap(), TokenKind::Access).unwrap();
        assert_eq!((claims.sub.as_str(), claims.role, claims.sv), ("u1", Role::Doctor, 3));
    }

    #[test]
    fn a_refresh_token_is_not_an_access_token() {
        let s = service(Duration::minutes(5));
        let refresh = s.refresh(&user(), None).unwrap();
        assert_eq!(s.verify(&refresh, TokenKind::Access).unwrap_err(), TokenError::Invalid);
    }

    #[test]
    fn expired_and_forged_tokens_are_refused() {
        let s = service(Duration::seconds(-1));
        assert_eq!(s.verify(&s.access(&user()).unwrap(), TokenKind::Access).unwrap_err(), TokenError::Expired);
        let other = TokenService::new(b"another-secret-another-secret-xx", Duration::minutes(5), Duration::days(1));
        let forged = other.access(&user()).unwrap();
        assert_eq!(service(Duration::minutes(5)).verify(&forged, TokenKind::Access).unwrap_err(), TokenError::Invalid);
    }
}
