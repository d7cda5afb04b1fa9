// Diesel table definitions, kept by hand to match both migration folders.

diesel::table! {
    notifications (id) {
        id -> Text,
        idempotency_key -> Nullable<Text>,
        request -> Text,
        channel -> Text,
        recipient -> Text,
        template -> Nullable<Text>,
        subject -> Text,
        body -> Text,
        data -> Text,
        attachments -> Text,
        ticket_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        last_error -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        next_attempt_at -> BigInt,
        locked_until -> Nullable<BigInt>,
        locked_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        reported_at -> Nullable<BigInt>,
        report_attempts -> Integer,
        report_next_at -> BigInt,
        report_error -> Nullable<Text>,
        provider_status -> Nullable<Text>,
        delivered_at -> Nullable<BigInt>,
        checked_at -> Nullable<BigInt>,
        next_check_at -> Nullable<BigInt>,
        segments -> Nullable<Integer>,
    }
}

diesel::table! {
    audit_outbox (key) {
        key -> Text,
        payload -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    templates (name) {
        name -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    imap_mailboxes (mailbox) {
        mailbox -> Text,
        uid_validity -> BigInt,
        last_uid -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    inbound_messages (id) {
        id -> Text,
        message_key -> Text,
        mailbox -> Text,
        uid -> BigInt,
        message_id -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        refs -> Text,
        sender -> Text,
        sender_name -> Nullable<Text>,
        subject -> Text,
        body -> Text,
        attachments -> Text,
        size -> BigInt,
        status -> Text,
        reason -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        recorded_as -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        decided_by -> Nullable<Text>,
        received_at -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}
