// Diesel table definitions, kept by hand to match both migration folders.

diesel::table! {
    regions (code) {
        code -> Text,
        name -> Text,
        short_name -> Text,
        aliases -> Text,
        level -> Text,
        parent -> Nullable<Text>,
        area_code -> Text,
    }
}
