//! Codes that name a department (`530100-rsj`) or a region (`530100`) where they cross layers.
//! A value is parsed once, where a request comes in; code further in holds a well-formed code.
//! Both accept what the knowledge service has always accepted: 1-64 ASCII letters, digits, `-`
//! and `_`, starting with a letter or digit. On the wire and in the OpenAPI document they are
//! plain strings.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest code, in bytes.
pub const MAX_CODE: usize = 64;

/// Whether `value` is a well-formed code.
pub fn is_code(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_CODE
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && value.as_bytes()[0].is_ascii_alphanumeric()
}

/// What is wrong with a malformed code given as `field`.
pub fn code_error(field: &str) -> String {
    format!("`{field}` must be 1-{MAX_CODE} letters, digits, `-` or `_`")
}

/// The two code types are the same but for their names: one definition serves both.
macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a code given as `field` (named in the error).
            pub fn parse(field: &str, value: &str) -> Result<Self, String> {
                if is_code(value) {
                    Ok(Self(value.to_string()))
                } else {
                    Err(code_error(field))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                if is_code(&value) {
                    Ok(Self(value))
                } else {
                    Err(code_error($field))
                }
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_type!(
    /// A department's code, `<region>-<kind>` such as `530100-rsj`.
    DepartmentCode,
    "department"
);

code_type!(
    /// A region's code (行政区划代码), such as `530100`.
    RegionCode,
    "region"
);

/// The codes a region code stands for in a report's filter: `530000` (a province) covers every
/// code starting `53`, `530100` (a prefecture) every code starting `5301`, a county itself.
/// Region codes nest by their digits (行政区划代码: 2 province, 2 prefecture, 2 county).
pub fn region_prefix(code: &str) -> &str {
    if let Some(p) = code.strip_suffix("0000") {
        p
    } else if let Some(p) = code.strip_suffix("00") {
        p
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_parsed_once_and_read_as_strings() {
        let d = DepartmentCode::parse("department", "530100-rsj").unwrap();
        assert_eq!(d.to_string(), "530100-rsj");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"530100-rsj\"");
        let r: RegionCode = serde_json::from_str("\"530100\"").unwrap();
        assert_eq!(r.as_str(), "530100");
        for bad in ["", "-x", "a b", "x/y", &"x".repeat(65)] {
            assert!(DepartmentCode::parse("department", bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<RegionCode>(&format!("{bad:?}")).is_err());
        }
        assert_eq!(
            RegionCode::parse("region", "?").unwrap_err(),
            "`region` must be 1-64 letters, digits, `-` or `_`"
        );
    }
}
