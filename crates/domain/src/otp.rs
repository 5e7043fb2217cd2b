//! Activation codes: 6 digits from the OS CSPRNG, stored only as an HMAC keyed
//! with the server secret (a plain hash of a 6-digit code is trivially reversed).

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

#[derive(Clone)]
pub struct OtpHasher {
    key: Vec<u8>,
}

impl OtpHasher {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: secret.to_vec() }
    }

    fn mac(&self, user_id: &str, code: &str) -> Hmac<Sha256> {
        #[allow(clippy::unwrap_used)] // HMAC accepts keys of any length
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).unwrap();
        mac.update(b"otp:");
        mac.update(user_id.as_bytes());
        mac.update(b":");
        mac.update(code.as_bytes());
        mac
    }

    /// Keyed digest of a code for one account (so equal codes differ per account).
    pub fn digest(&self, user_id: &str, code: &str) -> String {
        hex::encode(self.mac(user_id, code).finalize().into_bytes())
    }

    /// Constant-time comparison of a typed code with the stored digest.
    pub fn matches(&self, user_id: &str, code: &str, stored: &str) -> bool {
        let Ok(stored) = hex::decode(stored) else { return false };
        self.mac(user_id, code).verify_slice(&stored).is_ok()
    }
}

/// A fresh 6-digit code (leading zeros kept).
pub fn generate() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// Codes must be exactly 6 digits; anything else is refused before any lookup.
pub fn is_well_formed(code: &str) -> bool {
    code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let c = generate();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        }
    }

    #[test]
    fn a_digest_matches_only_its_code_and_account() {
        let h = OtpHasher::new(b"k");
        let d = h.digest("u1", "123456");
        assert!(h.matches("u1", "123456", &d));
        assert!(!h.matches("u1", "123457", &d));
        assert!(!h.matches("u2", "123456", &d));
        assert!(!d.contains("123456"));
    }
}
