//! E-mail addresses, normalised (trimmed, lower-cased) so lookups are exact.

use crate::ValidationError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// A deliberately simple shape check ([`crate::text::EMAIL_PATTERN`]): one
    /// `@`, a dotted domain, no spaces or controls. Deliverability is proven by
    /// the OTP e-mail, not by a regex.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.trim().is_empty() {
            return Err(ValidationError::new("email", "E-mail is required."));
        }
        if !crate::text::is_email(raw) {
            return Err(ValidationError::new("email", "Enter a valid e-mail address."));
        }
        Ok(Self(raw.trim_matches(' ').to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Dr.Who@Clinic.ORG ").unwrap().as_str(), "dr.who@clinic.org");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in ["", "plain", "a@b", "a @b.com", "@b.com", "a@.com", "a@b.com.", "a@@b.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
