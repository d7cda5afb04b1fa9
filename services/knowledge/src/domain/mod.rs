//! Plain types and functions of the knowledge base.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub short_name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `province`, `prefecture` or `county`.
    pub level: String,
    pub parent: Option<String>,
    pub area_code: String,
}
