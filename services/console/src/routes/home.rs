//! `/`: the sign-in form, or the signed-in person's own landing page.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::auth::Role;

use crate::api::Api;
use crate::error::PageError;
use crate::routes::{admin, html, knowledge, operator, supervisor, tickets};
use crate::session::current_user;
use crate::views;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(home)));
}

#[derive(Deserialize)]
struct HomeQuery {
    #[serde(default)]
    next: String,
}

async fn home(
    req: HttpRequest,
    query: web::Query<HomeQuery>,
    api: web::Data<Api>,
) -> Result<HttpResponse, PageError> {
    let Some(user) = current_user(&req) else {
        let next = crate::routes::auth::safe_next(&query.next);
        return Ok(html(views::login::page(next, "", None)));
    };
    if user.password_change {
        return Ok(crate::routes::see_other(crate::session::PASSWORD_PAGE));
    }
    match user.role {
        Role::Operator => operator::landing(&req, &user, &api).await,
        Role::Liaison => tickets::landing(&req, &user, &api).await,
        Role::KbEditor => knowledge::landing(&req, &user, &api).await,
        Role::Supervisor => supervisor::landing(&req, &user, &api).await,
        Role::Admin => admin::landing(&req, &user, &api).await,
        Role::Service => Err(PageError::Forbidden),
    }
}
