//! The console's pages, one module per place people work: each module parses the request,
//! calls the services through [`crate::api::Api`], and renders a view from `crate::views`.

pub mod admin;
pub mod assets;
pub mod attachments;
pub mod auth;
pub mod calls;
pub mod home;
pub mod inbound;
pub mod knowledge;
pub mod middleware;
pub mod operator;
pub mod reports;
pub mod routing;
pub mod supervisor;
pub mod tickets;

use actix_web::web;

/// Every page and fragment of the console. Each module registers one resource per path with
/// all its methods, so that a wrong method answers 405 with `Allow` (actix's resource default,
/// made a page by `middleware::shape_errors`), not the 404 of a path nobody serves.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.configure(assets::register)
        .configure(auth::register)
        .configure(home::register)
        .configure(operator::register)
        // Before the tickets' `/tickets/{id}/{action}`, which would take `on-behalf` too.
        .configure(attachments::register)
        .configure(tickets::register)
        .configure(knowledge::register)
        .configure(supervisor::register)
        .configure(reports::register)
        .configure(inbound::register)
        .configure(routing::register)
        .configure(calls::register)
        .configure(admin::register)
        .service(
            web::resource(crate::views::picker::PICK_PATH).route(web::get().to(pick_departments)),
        );
}

/// The department picker's results as one types (an htmx fragment; views/picker.rs).
async fn pick_departments(
    user: crate::session::CurrentUser,
    api: web::Data<crate::api::Api>,
    query: web::Query<PickQuery>,
) -> Result<actix_web::HttpResponse, crate::error::PageError> {
    let q = query.q.trim();
    let found: Vec<crate::api::types::DepartmentRef> =
        crate::api::knowledge::find_departments(&api, &user, q).await?;
    Ok(html(crate::views::picker::results(&found, q)))
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
