//! The outreach worklist (filled in with the outreach work).

/// Cache namespace of the worklists.
pub const CACHE: &str = "outreach";
