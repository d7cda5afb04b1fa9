//! `page` / `per_page` with a capped page size, and the `{items, total, page, per_page}` answer.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

pub const MAX_PER_PAGE: i64 = 100;
pub const DEFAULT_PER_PAGE: i64 = 20;

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, at most 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// The page a query's `page` and `per_page` ask for.
    pub fn of(page: Option<i64>, per_page: Option<i64>) -> Result<Paging, ApiError> {
        PageParams { page, per_page }.paging()
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl PageParams {
    pub fn paging(&self) -> Result<Paging, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=1_000_000).contains(&page) {
            return Err(ApiError::bad_request(
                "`page` must be between 1 and 1000000",
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::bad_request(format!(
                "`per_page` must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        Ok(Paging { page, per_page })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, paging: Paging) -> Page<T> {
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_page() {
        assert!(
            PageParams {
                page: None,
                per_page: Some(100_000)
            }
            .paging()
            .is_err()
        );
        assert!(
            PageParams {
                page: Some(0),
                per_page: None
            }
            .paging()
            .is_err()
        );
        let p = PageParams {
            page: Some(3),
            per_page: Some(10),
        }
        .paging()
        .unwrap();
        assert_eq!(p.offset(), 20);
    }
}
