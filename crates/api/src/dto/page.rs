//! `{<resource>: [...], total, page, total_pages}` list replies.

use domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};

/// Serialised with the resource key the contract names (`patients`, `appointments`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Paginated<T> {
    #[serde(flatten)]
    pub items: std::collections::BTreeMap<String, Vec<T>>,
    pub total: u64,
    pub page: u32,
    pub total_pages: u64,
}

impl<T> Paginated<T> {
    pub fn new(key: &'static str, items: Vec<T>, total: u64, page: PageRequest) -> Self {
        Self { items: [(key.to_string(), items)].into_iter().collect(), total, page: page.page, total_pages: page.total_pages(total) }
    }
}
