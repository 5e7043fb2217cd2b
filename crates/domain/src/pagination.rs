//! `?page=&page_size=` parsing shared by every list.

use crate::ValidationError;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Deep pages are refused rather than served by an unbounded skip.
pub const MAX_PAGE: u32 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, page_size: DEFAULT_PAGE_SIZE }
    }
}

impl PageRequest {
    /// Parses the raw query values; absent means default, anything else must be a whole number in range.
    pub fn parse(page: Option<&str>, page_size: Option<&str>) -> Result<Self, ValidationError> {
        let page = number("page", page, 1, 1, MAX_PAGE)?;
        let page_size = number("page_size", page_size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)?;
        Ok(Self { page, page_size })
    }

    pub fn skip(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    pub fn total_pages(&self, total: u64) -> u64 {
        total.div_ceil(u64::from(self.page_size))
    }
}

fn number(field: &'static str, raw: Option<&str>, default: u32, min: u32, max: u32) -> Result<u32, ValidationError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(default) };
    let value: u32 = raw
        .parse()
        .map_err(|_| ValidationError::new(field, format!("{field} must be a whole number between {min} and {max}.")))?;
    if value < min || value > max {
        return Err(ValidationError::new(field, format!("{field} must be between {min} and {max}.")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_use_the_defaults() {
        assert_eq!(PageRequest::parse(None, None).unwrap(), PageRequest { page: 1, page_size: 20 });
    }

    #[test]
    fn non_numeric_zero_and_huge_values_are_refused() {
        assert!(PageRequest::parse(Some("abc"), None).is_err());
        assert!(PageRequest::parse(Some("0"), None).is_err());
        assert!(PageRequest::parse(None, Some("101")).is_err());
        assert!(PageRequest::parse(None, Some("-1")).is_err());
    }

    #[test]
    fn skip_and_total_pages_follow_the_page_size() {
        let p = PageRequest::parse(Some("3"), Some("10")).unwrap();
        assert_eq!(p.skip(), 20);
        assert_eq!(p.total_pages(21), 3);
        assert_eq!(p.total_pages(0), 0);
    }
}
