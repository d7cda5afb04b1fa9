//! The migrations of both backends build the tables `src/db/schema.rs` declares: names,
//! columns, nullability and types, which the code's queries rely on and diesel does not check.

testkit::schema_tests!(knowledge);
