//! People's names (patients and doctors).

use crate::ValidationError;

pub const MAX_LEN: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Trims, collapses inner whitespace, and refuses empty, over-long or control-character names.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ValidationError::new(field, "Name is required."));
        }
        if name.chars().count() > MAX_LEN {
            return Err(ValidationError::new(field, format!("Name must be at most {MAX_LEN} characters.")));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(field, "Name contains invalid characters."));
        }
        Ok(Self(name))
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
