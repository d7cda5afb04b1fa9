//! Issue 17: every operation's documented example, read from the committed
//! `openapi/knowledge.json`, is sent to the running service (with the fixture directory
//! imported) and gets a documented success status. The examples build on one another: the
//! account `op-zhang` is made, signs in, changes its password and signs out; change request 1
//! is applied and 2 (the same example again) rejected; the department, liaison and script the
//! creations make are the ones the edits change.

use shared::auth::Role;
use testkit::examples::{assert_all_run, committed};

use crate::helpers::*;

/// Who sends a step's example: a role's token, or the token of the account the examples make.
#[derive(Clone, Copy)]
enum Who {
    Role(Role),
    Account,
}

#[tokio::test]
async fn every_documented_example_gets_its_documented_status() {
    use Role::*;
    use Who::Account;
    let examples = committed("knowledge");
    let app = TestApp::spawn().await;
    let steps: &[(&str, Who)] = &[
        ("create_account", Who::Role(Admin)),
        ("get_account", Who::Role(Admin)),
        ("list_accounts", Who::Role(Admin)),
        ("login", Who::Role(Operator)),
        ("change_password", Account),
        ("logout", Account),
        ("update_account", Who::Role(Admin)),
        ("revocations", Who::Role(Service)),
        ("receive_audit", Who::Role(Service)),
        ("list_audit", Who::Role(Admin)),
        ("create_change_request", Who::Role(Service)),
        ("create_change_request", Who::Role(Service)),
        ("list_change_requests", Who::Role(KbEditor)),
        ("get_change_request", Who::Role(KbEditor)),
        ("apply_change_request", Who::Role(KbEditor)),
        ("reject_change_request", Who::Role(KbEditor)),
        ("list_regions", Who::Role(Operator)),
        ("list_departments", Who::Role(Operator)),
        ("get_department", Who::Role(Operator)),
        ("create_department", Who::Role(KbEditor)),
        ("update_department", Who::Role(KbEditor)),
        ("list_faqs", Who::Role(Operator)),
        ("get_faq", Who::Role(Operator)),
        ("create_faq", Who::Role(KbEditor)),
        ("update_faq", Who::Role(KbEditor)),
        ("faq_revisions", Who::Role(KbEditor)),
        ("get_liaison", Who::Role(Operator)),
        ("create_liaison", Who::Role(KbEditor)),
        ("update_liaison", Who::Role(KbEditor)),
        ("list_scripts", Who::Role(Operator)),
        ("get_script", Who::Role(Operator)),
        ("put_script", Who::Role(KbEditor)),
        ("patch_script", Who::Role(KbEditor)),
        ("search", Who::Role(Operator)),
        ("add_synonym", Who::Role(KbEditor)),
        ("list_synonyms", Who::Role(Operator)),
        ("delete_synonym", Who::Role(KbEditor)),
        ("list_phrasings", Who::Role(Operator)),
        ("add_phrasing", Who::Role(KbEditor)),
        ("delete_phrasing", Who::Role(KbEditor)),
        ("contacts", Who::Role(Supervisor)),
        ("unanswered", Who::Role(Supervisor)),
        ("kb_health_now", Who::Role(Supervisor)),
        // Last: it replaces the scripts with the example's one.
        ("run_import", Who::Role(KbEditor)),
    ];
    // The signed-in account's token: from the sign-in, then from the password change.
    let mut own = String::new();
    for (op, who) in steps {
        let token = match who {
            Who::Role(role) => app.token(*role),
            Account => own.clone(),
        };
        let body = examples[*op].run(&app.client, &app.base, &token).await;
        if let Some(t) = body["access_token"].as_str() {
            own = t.to_string();
        }
    }
    let ran: Vec<&str> = steps.iter().map(|(op, _)| *op).collect();
    let mut once = ran.clone();
    once.dedup();
    assert_all_run(&examples, &once, &[]);
}
