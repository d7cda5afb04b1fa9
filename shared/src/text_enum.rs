//! Closed sets of names stored as text (a ticket's type, a script's audience): one macro for
//! every service, so each set is its variants and their names, said once.

/// A stored name the code does not know (a record written by a newer version, or by hand).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{name}` in the database")]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}

/// A closed set of names stored as text: `as_str` for the database, `parse` back, `ALL` in
/// order; a record reads a stored name with `TryFrom<String>`, which fails on a name not in the
/// set. More derives (`Default` with a `#[default]` variant, `Ord`) go in the attributes.
#[macro_export]
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema,
        )]
        // The names are the variants' in snake case: said once more here, where the OpenAPI
        // derive can read it (it does not see a rename whose text is a macro argument).
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::text_enum::UnknownName;
            fn try_from(text: String) -> Result<$name, $crate::text_enum::UnknownName> {
                $name::parse(&text)
                    .ok_or($crate::text_enum::UnknownName { kind: stringify!($name), name: text })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    text_enum!(
        #[derive(Default, PartialOrd, Ord)]
        Light {
            #[default]
            Green = "green",
            Amber = "amber",
            Red = "red",
        }
    );

    #[test]
    fn names_go_both_ways_and_unknown_ones_are_refused() {
        assert_eq!(Light::ALL, &[Light::Green, Light::Amber, Light::Red]);
        assert_eq!(Light::parse("amber"), Some(Light::Amber));
        assert_eq!(Light::parse("Amber"), None);
        assert_eq!(Light::Red.to_string(), "red");
        assert_eq!(Light::default(), Light::Green);
        assert!(Light::Green < Light::Red);
        let e = Light::try_from("blue".to_string()).unwrap_err();
        assert_eq!(e.to_string(), "unknown Light `blue` in the database");
        assert_eq!(serde_json::to_string(&Light::Amber).unwrap(), "\"amber\"");
    }
}
