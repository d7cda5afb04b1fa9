//! (to be written) the 审核队列 screens.

use actix_web::{HttpRequest, HttpResponse, web};
use maud::html;

use crate::api::Api;
use crate::error::PageError;
use crate::routes::html;
use crate::session::User;
use crate::views::layout;

pub fn register(_cfg: &mut web::ServiceConfig) {}

/// The landing page at `/` for this role.
pub async fn landing(
    _req: &HttpRequest,
    user: &User,
    _api: &Api,
) -> Result<HttpResponse, PageError> {
    Ok(html(layout::page(
        user,
        "审核队列",
        "/",
        html! { h1 { "审核队列" } },
    )))
}
