// Diesel table definitions, kept by hand to match both migration folders. Times are
// milliseconds since the Unix epoch (UTC).

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

diesel::table! {
    departments (code) {
        code -> Text,
        region -> Text,
        kind -> Text,
        name -> Text,
        aliases -> Text,
        phones -> Text,
        fax -> Nullable<Text>,
        address -> Nullable<Text>,
        directions -> Nullable<Text>,
        service_locations -> Text,
        hours -> Nullable<Text>,
        status -> Text,
        successor -> Nullable<Text>,
        updated_at -> BigInt,
    }
}

diesel::table! {
    liaisons (code) {
        code -> Text,
        department -> Text,
        name -> Text,
        phone -> Text,
        mobile -> Text,
        email -> Text,
        fax -> Text,
    }
}

diesel::table! {
    faqs (code) {
        code -> Text,
        department -> Text,
        question -> Text,
        answer -> Text,
        authorized -> Bool,
        status -> Text,
        keywords -> Text,
        updated_at -> BigInt,
        updated_by -> Text,
        authorized_by -> Nullable<Text>,
        authorized_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    faq_revisions (id) {
        id -> BigInt,
        faq_code -> Text,
        revision -> Integer,
        department -> Text,
        question -> Text,
        answer -> Text,
        authorized -> Bool,
        status -> Text,
        keywords -> Text,
        changed_by -> Text,
        changed_at -> BigInt,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    scripts (key) {
        key -> Text,
        title -> Text,
        text -> Text,
        updated_at -> BigInt,
        audience -> Text,
        step -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    change_requests (id) {
        id -> BigInt,
        idempotency_key -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        region -> Nullable<Text>,
        department_code -> Nullable<Text>,
        new_department -> Nullable<Text>,
        question -> Nullable<Text>,
        answer -> Nullable<Text>,
        note -> Text,
        submitted_by -> Text,
        status -> Text,
        entry_code -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> BigInt,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    accounts (username) {
        username -> Text,
        password_hash -> Text,
        role -> Text,
        department -> Nullable<Text>,
        disabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        token_version -> BigInt,
        token_changed_at -> BigInt,
        password_change -> Bool,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        key -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        target -> Text,
        path -> Text,
        idempotency_key -> Text,
        body -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        dead_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    kb_changes (seq) {
        seq -> BigInt,
        entity -> Text,
        code -> Text,
        changed_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> BigInt,
        service -> Text,
        actor -> Text,
        role -> Text,
        action -> Text,
        target -> Text,
        address -> Text,
        details -> Text,
        source_key -> Nullable<Text>,
    }
}

diesel::joinable!(departments -> regions (region));
diesel::joinable!(liaisons -> departments (department));
diesel::joinable!(faqs -> departments (department));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    regions,
    departments,
    liaisons,
    faqs,
    faq_revisions,
    scripts,
    change_requests,
    accounts,
    outbox,
    kb_changes,
);

// Search: editors' phrasings (migration 2026-12-11-000000_search_phrasings).
diesel::table! {
    search_phrasings (id) {
        id -> BigInt,
        label -> Text,
        phrasing -> Text,
        created_at -> BigInt,
        created_by -> Nullable<Text>,
    }
}

// Search (owned by the search helper: migrations 2026-11-27-000500_search).
diesel::table! {
    search_synonyms (id) {
        id -> BigInt,
        term -> Text,
        replacement -> Text,
        created_at -> BigInt,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    search_unanswered (query) {
        query -> Text,
        region -> Nullable<Text>,
        times -> BigInt,
        first_asked_at -> BigInt,
        last_asked_at -> BigInt,
        answered_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    search_seeds (name) {
        name -> Text,
        seeded_at -> BigInt,
    }
}

diesel::table! {
    search_seed_terms (term) {
        term -> Text,
        offered_at -> BigInt,
    }
}
