//! The console's pages, one module per place people work: each module parses the request,
//! calls the services through [`crate::api::Api`], and renders a view from `crate::views`.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod home;
pub mod inbound;
pub mod knowledge;
pub mod middleware;
pub mod operator;
pub mod supervisor;
pub mod tickets;

use actix_web::web;

/// Every page and fragment of the console.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.configure(assets::register)
        .configure(auth::register)
        .configure(home::register)
        .configure(operator::register)
        .configure(tickets::register)
        .configure(knowledge::register)
        .configure(supervisor::register)
        .configure(inbound::register)
        .configure(admin::register);
}

/// Whether the request came from htmx (a partial update) rather than a page load.
pub fn is_htmx(req: &actix_web::HttpRequest) -> bool {
    req.headers().contains_key("hx-request")
}

/// A redirect after a form post (303, so the browser GETs the new place).
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header(("location", location))
        .finish()
}

/// An HTML answer.
pub fn html(markup: maud::Markup) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// What a department picker sends as one types.
#[derive(serde::Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    pub q: String,
}
