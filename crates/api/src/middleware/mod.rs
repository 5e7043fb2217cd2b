//! The HTTP middleware, outermost first in `startup`: request spans without
//! query strings or submitted values, security headers, JSON bodies for every
//! error (the framework's own included), and the per-resource access guard.

pub mod access;
pub mod json_errors;
pub mod security_headers;
pub mod spans;
