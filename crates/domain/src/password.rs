//! Passwords as typed by a person: checked for length, never printed.

use crate::ValidationError;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// A password that satisfies the policy. `Debug` is redacted so it can't leak into logs.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let length = raw.chars().count();
        if length < MIN_LEN {
            return Err(ValidationError::new("password", format!("Password must be at least {MIN_LEN} characters.")));
        }
        if length > MAX_LEN {
            return Err(ValidationError::new("password", format!("Password must be at most {MAX_LEN} characters.")));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(Password::parse("admin123").is_ok());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let p = Password::parse("secret-words").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }
}
