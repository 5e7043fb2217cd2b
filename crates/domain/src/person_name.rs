//! People's names (patients and doctors).

use crate::ValidationError;

pub const MAX_LEN: usize = crate::text::NAME_MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Refuses names that do not match [`crate::text::NAME_PATTERN`] (blank,
    /// control characters, over [`MAX_LEN`] characters as typed), then trims and
    /// collapses inner whitespace.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        if raw.chars().count() > MAX_LEN {
            return Err(ValidationError::new(field, format!("Name must be at most {MAX_LEN} characters.")));
        }
        if !crate::text::is_name(raw) {
            if raw.trim().is_empty() {
                return Err(ValidationError::new(field, "Name is required."));
            }
            return Err(ValidationError::new(field, "Name contains invalid characters."));
        }
        Ok(Self(raw.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_whitespace_collapsed() {
        assert_eq!(PersonName::parse("fullName", "  Ana   Souza ").unwrap().as_str(), "Ana Souza");
    }

    #[test]
    fn blank_and_huge_names_are_refused() {
        assert!(PersonName::parse("fullName", "   ").is_err());
        assert!(PersonName::parse("fullName", &"a".repeat(121)).is_err());
    }
}
