//! The request bodies of the lifecycle actions, and how each becomes an action's input (the
//! checks a body must pass before the lifecycle is asked).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::codes::{DepartmentCode, RegionCode};
use shared::contract::knowledge::{
    ChangeRequestInput, NewDepartmentProposal, Phone as KnowledgePhone,
};
use shared::values::Phone;
use shared::web::{check_len, check_required};
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use crate::domain::action::ActionInput;
use crate::domain::intake::{MAX_NOTE, MAX_TEXT};
use crate::domain::{
    AttitudeOf, Cause, ReplyChannel, Satisfaction, valid_department, valid_region,
};

/// Bodies that may be empty or `{}` (clients differ in whether they send one).
pub fn optional_body<T: for<'de> Deserialize<'de> + Default>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    shared::body::parse_json(bytes)
}

/// A required reason or note, trimmed.
fn required_text(field: &str, text: &str) -> ApiResult<String> {
    check_required(field, text, MAX_NOTE)?;
    Ok(text.trim().to_string())
}

/// An optional note; blank is none.
fn optional_note(text: &Option<String>) -> ApiResult<Option<String>> {
    if let Some(n) = text {
        check_len("note", n, MAX_NOTE)?;
    }
    Ok(text.clone().filter(|n| !n.trim().is_empty()))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    /// Department code, e.g. `530100-rsj`; checked with the knowledge service.
    pub department: String,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyBody {}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"body": "经核实，窗口工作人员已按规定补办，并向来电人致歉。", "channel": "system"}))]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// Plain text, at most 4000 characters.
    pub body: String,
    #[serde(default)]
    pub channel: Option<ReplyChannel>,
}

/// A department's reply given by fax, phone or paper, recorded by the centre (代回复).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"body": "已电话联系来电人说明办理流程。", "channel": "phone", "replied_by": "王科长（办公室）"}))]
#[serde(deny_unknown_fields)]
pub struct ReplyOnBehalfBody {
    /// The reply as the department gave it, at most 4000 characters.
    pub body: String,
    /// How it came: `fax`, `phone`, `paper` or `email`.
    pub channel: ReplyChannel,
    /// Who at the department replied (name and post), at most 100 characters.
    pub replied_by: String,
    /// When they replied; default now. Not in the future.
    #[serde(default)]
    pub replied_at: Option<DateTime<Utc>>,
    /// Ids of the ticket's attachments that carry the reply: a scan uploaded before
    /// (`POST /tickets/{id}/attachments`), or a received fax, which this confirms.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"until": "2026-12-31T09:30:00Z", "reason": "需会同区级部门现场核查"}))]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// The deadline asked for; after the current one.
    pub until: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionalNote {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"note": "请加快办理，今日内回复"}))]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"satisfaction": "satisfied", "note": "来电人表示满意"}))]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    /// `satisfied` | `basically_satisfied` close the ticket, `dissatisfied` reopens it.
    /// The Chinese 满意 / 基本满意 / 不满意 are accepted too.
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub note: Option<String>,
    /// A complaint closed by this callback needs its cause, if it has none yet.
    #[serde(default)]
    pub cause: Option<Cause>,
    /// A cause-C (attitude) complaint names whose attitude it was: `operator:<account>` or
    /// `liaison:<department code>`.
    #[serde(default)]
    pub attitude_of: Option<AttitudeOf>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"note": "已电话答复来电人，办结", "cause": "handling"}))]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    pub note: String,
    /// A complaint is closed with its cause: give it here if it has none yet.
    #[serde(default)]
    pub cause: Option<Cause>,
    /// A cause-C (attitude) complaint names whose attitude it was: `operator:<account>` or
    /// `liaison:<department code>`.
    #[serde(default)]
    pub attitude_of: Option<AttitudeOf>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"cause": "handling", "note": "窗口业务解释有误"}))]
#[serde(deny_unknown_fields)]
pub struct CauseBody {
    pub cause: Cause,
    /// Why it is set or corrected.
    #[serde(default)]
    pub note: Option<String>,
    /// A cause-C (attitude) complaint names whose attitude it was: `operator:<account>` or
    /// `liaison:<department code>`.
    #[serde(default)]
    pub attitude_of: Option<AttitudeOf>,
}

/// `POST /tickets/{id}/cohandlers`: a department that handles the ticket beside the lead one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohandlerBody {
    /// Department code, e.g. `530100-rsj`; checked with the knowledge service.
    pub department: String,
}

/// `POST /tickets/{id}/merge`: merge this repeat ticket into an earlier one of the caller.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The earlier ticket (`T20261201-000007`).
    pub into: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /tickets/{id}/cohandler-reply`: a co-handling department's part of the reply.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohandlerReplyBody {
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneIn {
    pub label: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub name: String,
    pub region: String,
    pub phones: Vec<PhoneIn>,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// The liaison's facts for a no-info ticket: a department the knowledge base has
/// (`department_code`) or a new one (`new_department`), the question and answer, a note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"department_code": "530100-rsj", "question": "社保卡补办咨询电话是多少？", "answer": "0871-12333（工作日 9:00–17:30）", "note": "已向该局办公室核实"}))]
#[serde(deny_unknown_fields)]
pub struct ReplenishBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_department: Option<NewDepartment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    pub note: String,
}

impl ReplenishBody {
    /// The change request for the knowledge service, from `submitted_by`.
    pub fn input(self, submitted_by: String) -> ApiResult<ActionInput> {
        self.validate()?;
        let code = |field: &str, value: &str| {
            DepartmentCode::parse(field, value).map_err(ApiError::BadRequest)
        };
        let new_department = match self.new_department {
            Some(d) => Some(NewDepartmentProposal {
                name: d.name,
                region: RegionCode::parse("new_department.region", &d.region)
                    .map_err(ApiError::BadRequest)?,
                phones: d
                    .phones
                    .into_iter()
                    .map(|p| KnowledgePhone {
                        label: p.label,
                        number: p.number,
                    })
                    .collect(),
                address: Some(d.address),
                hours: d.hours,
            }),
            None => None,
        };
        let request = ChangeRequestInput {
            ticket_id: None,
            region: None,
            department_code: self
                .department_code
                .map(|c| code("department_code", &c))
                .transpose()?,
            new_department,
            question: self.question,
            answer: self.answer,
            note: self.note,
            submitted_by: Some(submitted_by),
        };
        Ok(ActionInput::Replenish {
            request: Box::new(request),
        })
    }

    fn validate(&self) -> ApiResult<()> {
        match (&self.department_code, &self.new_department) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(ApiError::bad_request(
                    "give either `department_code` or `new_department`",
                ));
            }
            (Some(code), None) if !valid_department(code) => {
                return Err(ApiError::bad_request(
                    "`department_code` is not a department code",
                ));
            }
            _ => {}
        }
        if let Some(d) = &self.new_department {
            check_required("new_department.name", &d.name, 100)?;
            check_required("new_department.address", &d.address, 200)?;
            if !valid_region(&d.region) {
                return Err(ApiError::bad_request(
                    "`new_department.region` is not a region code",
                ));
            }
            if d.phones.is_empty() || d.phones.len() > 10 {
                return Err(ApiError::bad_request(
                    "`new_department.phones` needs 1 to 10 numbers",
                ));
            }
            for p in &d.phones {
                check_len("phones.label", &p.label, 50)?;
                if Phone::parse(&p.number).is_none() {
                    return Err(ApiError::bad_request(format!(
                        "`{}` is not a phone number",
                        p.number
                    )));
                }
            }
            if let Some(h) = &d.hours {
                check_len("new_department.hours", h, 200)?;
            }
        }
        // The knowledge service takes a question only with its answer (a change request it
        // refused for that would leave the ticket replied and never closed); an answer alone
        // answers the caller's own question, the ticket's query.
        if let Some(q) = &self.question {
            check_required("question", q, 500)?;
            if self.answer.is_none() {
                return Err(ApiError::bad_request(
                    "`question` needs its `answer`: give both, or the answer alone",
                ));
            }
        }
        if let Some(a) = &self.answer {
            check_required("answer", a, MAX_TEXT)?;
        }
        check_required("note", &self.note, MAX_NOTE)?;
        Ok(())
    }
}

impl DispatchBody {
    pub fn department(&self) -> String {
        self.department.trim().to_string()
    }
}

impl MergeBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        let Some(into) = shared::values::TicketId::parse(&self.into) else {
            return Err(ApiError::bad_request(
                "`into` is a ticket number such as T20261201-000007",
            ));
        };
        let into = into.into_string();
        Ok(ActionInput::Merge {
            into,
            note: optional_note(&self.note)?,
        })
    }
}

impl CohandlerReplyBody {
    pub fn body(&self) -> ApiResult<String> {
        check_required("body", &self.body, MAX_TEXT)?;
        Ok(self.body.trim().to_string())
    }
}

impl ReasonBody {
    pub fn reason(&self) -> ApiResult<String> {
        required_text("reason", &self.reason)
    }
}

impl NoteBody {
    pub fn note(&self) -> ApiResult<String> {
        required_text("note", &self.note)
    }
}

impl CloseBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        Ok(ActionInput::Close {
            note: required_text("note", &self.note)?,
            cause: self.cause,
            attitude_of: self.attitude_of,
        })
    }
}

impl CauseBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        Ok(ActionInput::SetCause {
            cause: self.cause,
            note: optional_note(&self.note)?,
            attitude_of: self.attitude_of,
        })
    }
}

impl OptionalNote {
    pub fn note(&self) -> ApiResult<Option<String>> {
        optional_note(&self.note)
    }
}

impl ReplyBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        check_required("body", &self.body, MAX_TEXT)?;
        Ok(ActionInput::Reply {
            body: self.body.trim().to_string(),
            channel: self.channel.unwrap_or(ReplyChannel::System),
        })
    }
}

impl ReplyOnBehalfBody {
    /// The input, its texts checked (`now` bounds `replied_at`), and the ids of the attachments
    /// it names, for the use case to find on the ticket and name in the input.
    pub fn input(self, now: DateTime<Utc>) -> ApiResult<(ActionInput, Vec<i64>)> {
        check_required("body", &self.body, MAX_TEXT)?;
        check_required("replied_by", &self.replied_by, 100)?;
        if self.channel == ReplyChannel::System {
            return Err(ApiError::bad_request(
                "`channel` is fax, phone, paper or email: a reply in the system is the liaison's own",
            ));
        }
        if self
            .replied_at
            .is_some_and(|t| t > now + chrono::Duration::minutes(5))
        {
            return Err(ApiError::bad_request("`replied_at` is in the future"));
        }
        let mut ids = self.attachments.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > 20 {
            return Err(ApiError::bad_request("at most 20 `attachments`"));
        }
        let input = ActionInput::ReplyOnBehalf {
            body: self.body.trim().to_string(),
            channel: self.channel,
            replied_by: self.replied_by.trim().to_string(),
            replied_at: self.replied_at,
            attachments: Vec::new(),
        };
        Ok((input, ids))
    }
}

impl ExtendBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        Ok(ActionInput::Extend {
            until: self.until,
            reason: required_text("reason", &self.reason)?,
        })
    }
}

impl CallbackBody {
    pub fn input(self) -> ApiResult<ActionInput> {
        Ok(ActionInput::Callback {
            satisfaction: self.satisfaction,
            note: optional_note(&self.note)?,
            cause: self.cause,
            attitude_of: self.attitude_of,
        })
    }
}
