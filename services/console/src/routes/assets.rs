//! The static files, compiled into the binary: the console works on an intranet with no
//! internet and no files beside the binary. Each area of screens keeps its own stylesheet and
//! script under `assets/`; they are served as one file each.

use actix_web::{HttpResponse, web};

const HTMX: &str = include_str!("../../assets/htmx.min.js");
const CONSOLE_JS: &str = concat!(
    include_str!("../../assets/js/base.js"),
    include_str!("../../assets/js/picker.js"),
    include_str!("../../assets/js/operator.js"),
    include_str!("../../assets/js/knowledge.js"),
);
const CONSOLE_CSS: &str = concat!(
    include_str!("../../assets/css/base.css"),
    include_str!("../../assets/css/picker.css"),
    include_str!("../../assets/css/operator.css"),
    include_str!("../../assets/css/tickets.css"),
    include_str!("../../assets/css/knowledge.css"),
    include_str!("../../assets/css/supervisor.css"),
    include_str!("../../assets/css/reports.css"),
    include_str!("../../assets/css/inbound.css"),
);

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/assets/htmx.min.js").route(web::get().to(|| asset(HTMX, JS))))
        .service(web::resource("/assets/console.js").route(web::get().to(|| asset(CONSOLE_JS, JS))))
        .service(
            web::resource("/assets/console.css").route(web::get().to(|| asset(CONSOLE_CSS, CSS))),
        );
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

async fn asset(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        // Pages name assets with a version query, so a day's caching is safe.
        .insert_header(("cache-control", "public, max-age=86400"))
        .body(body)
}
