//! Authentication: password hashing, JWTs, OTP codes and the current-user extractor.

pub mod current_user;
pub mod passwords;
pub mod tokens;

pub use current_user::CurrentUser;
