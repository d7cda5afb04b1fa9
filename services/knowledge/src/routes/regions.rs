use actix_web::{HttpResponse, get, web};
use shared::ApiResult;
use shared::auth::AuthUser;

use crate::db;
use crate::startup::AppState;

/// All regions (province, prefectures, counties) with their aliases.
#[utoipa::path(tag = "directory", responses((status = 200, body = [crate::domain::Region]), (status = 401, body = shared::error::Problem)))]
#[get("/regions")]
pub async fn list_regions(_user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let regions = super::query(&state.pool, db::kb::load_regions).await?;
    Ok(HttpResponse::Ok().json(regions))
}
