// Diesel table definitions, kept by hand to match both migration folders.

diesel::table! {
    calls (id) {
        id -> BigInt,
        operator -> Text,
        caller_phone -> Text,
        classification -> Text,
        outcome -> Text,
        department -> Nullable<Text>,
        duration_seconds -> Integer,
        satisfaction -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> BigInt,
        call_ref -> Nullable<Text>,
        rated_at -> Nullable<BigInt>,
        entry_code -> Nullable<Text>,
        entry_authorized -> Nullable<Bool>,
        transfer_connected -> Nullable<Bool>,
        number_given -> Nullable<Text>,
        via -> Text,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        ticket_type -> Text,
        status -> Text,
        urgent -> Bool,
        cause -> Nullable<Text>,
        summary -> Text,
        details -> Text,
        region -> Text,
        department -> Nullable<Text>,
        query -> Nullable<Text>,
        caller_name -> Nullable<Text>,
        caller_phone -> Text,
        caller_email -> Nullable<Text>,
        call_id -> Nullable<BigInt>,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        accept_due_at -> Nullable<BigInt>,
        due_at -> BigInt,
        next_due_at -> Nullable<BigInt>,
        escalated_due_at -> Nullable<BigInt>,
        closed_at -> Nullable<BigInt>,
        answered_at -> Nullable<BigInt>,
        reply -> Nullable<Text>,
        returned_from -> Nullable<Text>,
        extension_until -> Nullable<BigInt>,
        extension_reason -> Nullable<Text>,
        satisfaction -> Nullable<Text>,
        entry_code -> Nullable<Text>,
        version -> BigInt,
        escalation -> Nullable<Text>,
        attitude_of -> Nullable<Text>,
        topic -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_cohandlers (ticket_id, department) {
        ticket_id -> Text,
        department -> Text,
        added_at -> BigInt,
        added_by -> Text,
        reply -> Nullable<Text>,
        replied_at -> Nullable<BigInt>,
        replied_by -> Nullable<Text>,
    }
}

diesel::table! {
    noinfo_routes (id) {
        id -> BigInt,
        region -> Text,
        words -> Text,
        department -> Text,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    ticket_counters (day) {
        day -> Text,
        last -> BigInt,
    }
}

diesel::table! {
    ticket_idempotency (key) {
        key -> Text,
        body -> Text,
        ticket_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        ticket_id -> Text,
        at -> BigInt,
        actor -> Text,
        role -> Text,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        data -> Text,
        dedup_key -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        ticket_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        recipients -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        lease_until -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        done_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        data -> Text,
        updated_at -> BigInt,
        updated_by -> Text,
    }
}

diesel::table! {
    report_department_days (day, department, region) {
        day -> Text,
        department -> Text,
        region -> Text,
        received -> BigInt,
        accepted -> BigInt,
        accepted_on_time -> BigInt,
        returned -> BigInt,
        replied -> BigInt,
        replied_on_time -> BigInt,
        extended -> BigInt,
        supervised -> BigInt,
        callbacks -> BigInt,
        satisfied -> BigInt,
        basically_satisfied -> BigInt,
        dissatisfied -> BigInt,
        complaints_policy -> BigInt,
        complaints_handling -> BigInt,
        complaints_attitude -> BigInt,
    }
}

diesel::table! {
    ticket_attachments (id) {
        id -> BigInt,
        ticket_id -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        data -> Binary,
        source -> Text,
        message_key -> Nullable<Text>,
        fax_number -> Nullable<Text>,
        fax_status -> Nullable<Text>,
        added_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    report_operator_days (day, operator, region) {
        day -> Text,
        operator -> Text,
        region -> Text,
        calls -> BigInt,
        answered -> BigInt,
        transferred -> BigInt,
        number_reported -> BigInt,
        ticket_created -> BigInt,
        talk_seconds -> BigInt,
        satisfied -> BigInt,
        basically_satisfied -> BigInt,
        dissatisfied -> BigInt,
        complaints_attitude -> BigInt,
        answered_authorized -> BigInt,
    }
}

diesel::table! {
    report_kb_days (day, region, department) {
        day -> Text,
        region -> Text,
        department -> Text,
        searches -> BigInt,
        unconfident -> BigInt,
        no_info -> BigInt,
    }
}

diesel::table! {
    report_kb_answers (ticket_id) {
        ticket_id -> Text,
        day -> Text,
        region -> Text,
        department -> Text,
        seconds -> BigInt,
    }
}

diesel::table! {
    report_search_keys (key) {
        key -> Text,
        received_at -> BigInt,
    }
}

diesel::table! {
    topic_names (topic) {
        topic -> Text,
        name -> Text,
    }
}

diesel::table! {
    topic_words (word) {
        word -> Text,
        topic -> Text,
    }
}

diesel::table! {
    report_topic_weeks (week, region, department, topic, slot) {
        week -> Text,
        region -> Text,
        department -> Text,
        topic -> Text,
        tickets -> BigInt,
        searches -> BigInt,
        slot -> BigInt,
    }
}

diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_cohandlers -> tickets (ticket_id));
diesel::joinable!(ticket_attachments -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(
    calls,
    tickets,
    ticket_cohandlers,
    noinfo_routes,
    ticket_counters,
    ticket_idempotency,
    ticket_events,
    outbox,
    calendar_years,
    report_department_days,
    ticket_attachments,
    report_kb_days,
    report_kb_answers,
    report_search_keys,
    report_operator_days,
    topic_names,
    topic_words,
    report_topic_weeks,
);
