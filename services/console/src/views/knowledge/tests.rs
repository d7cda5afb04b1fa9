//! The editor's screens rendered without a server.

use super::*;
use crate::api::knowledge::*;
use crate::api::types::Phone;
use crate::session::User;
fn render(p: &[Piece]) -> String {
    p.iter()
        .map(|x| match x {
            Piece::Same(s) => s.clone(),
            Piece::Gone(s) => format!("[-{s}]"),
            Piece::Added(s) => format!("[+{s}]"),
        })
        .collect()
}

#[test]
fn diff_marks_changed_characters() {
    assert_eq!(
        render(&char_diff("0871-6311234", "0871-63112345")),
        "0871-6311234[+5]"
    );
    assert_eq!(
        render(&char_diff("周一至周五", "周一至周六")),
        "周一至周[-五][+六]"
    );
    assert_eq!(render(&char_diff("", "新")), "[+新]");
    assert_eq!(render(&char_diff("旧", "")), "[-旧]");
    assert_eq!(render(&char_diff("同", "同")), "同");
    assert_eq!(render(&char_diff("abcxdef", "abydef")), "ab[-cx][+y]def");
    // The old side is the old text, the new side the new one.
    let pieces = char_diff("昆明市西山区滇池路1号", "昆明市官渡区滇池路12号");
    let old: String = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Same(s) | Piece::Gone(s) => Some(s.as_str()),
            Piece::Added(_) => None,
        })
        .collect();
    let new: String = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Same(s) | Piece::Added(s) => Some(s.as_str()),
            Piece::Gone(_) => None,
        })
        .collect();
    assert_eq!(old, "昆明市西山区滇池路1号");
    assert_eq!(new, "昆明市官渡区滇池路12号");
}

#[test]
fn long_texts_fall_back_to_whole_replacement() {
    let a = "甲".repeat(3000);
    let b = "乙".repeat(3000);
    assert_eq!(
        char_diff(&a, &b),
        vec![Piece::Gone(a.clone()), Piece::Added(b.clone())]
    );
}

#[test]
fn sides_escape_and_mark() {
    let (l, r) = diff_sides("<b>旧</b>", "<b>新</b>");
    let (l, r) = (l.into_string(), r.into_string());
    assert!(
        l.contains("<del>旧</del>") && l.contains("&lt;b&gt;"),
        "{l}"
    );
    assert!(r.contains("<ins>新</ins>") && !r.contains("<b>"), "{r}");
}

fn request() -> ChangeRequest {
    ChangeRequest {
        id: 7,
        ticket_id: Some("T20261128-000001".into()),
        region: Some("530100".into()),
        department_code: None,
        new_department: Some(NewDepartment {
            name: "昆明市滇池管理局".into(),
            region: "530100".into(),
            phones: vec![Phone {
                label: "办公室".into(),
                number: "0871-6311234".into(),
            }],
            address: Some("昆明市西山区滇池路1号".into()),
            hours: None,
        }),
        question: Some("昆明市滇池管理局的电话是多少？".into()),
        answer: Some("办公室电话0871-6311234。<script>".into()),
        note: "滇池保护治理".into(),
        submitted_by: "liaison-530100-zfb".into(),
        created_at: "2026-12-04T09:30:00Z".into(),
    }
}

#[test]
fn queue_shows_what_the_editor_decides_on() {
    let item = QueueItem {
        request: request(),
        department: None,
    };
    let html = review_queue(&[item], 1).into_string();
    assert!(html.contains("id=\"review-queue\""));
    assert!(html.contains("新部门：昆明市滇池管理局"), "{html}");
    assert!(html.contains("href=\"/tickets/T20261128-000001\""));
    assert!(html.contains("liaison-530100-zfb"));
    assert!(html.contains("2026-12-04 17:30"));
    assert!(html.contains("<ins>办公室 0871-6311234</ins>"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    assert!(html.contains("hx-trigger=\"every 5s\""));
    assert!(html.contains("/knowledge/requests/7/apply"));
    assert!(html.contains("for=\"reason-7\""));
    assert!(!html.contains("style="));
}

#[test]
fn an_existing_department_shows_old_and_new() {
    let mut cr = request();
    cr.department_code = Some("530100-zfb".into());
    let dept = Department {
        code: "530100-zfb".into(),
        name: "昆明市人民政府办公室".into(),
        region: "530100".into(),
        region_name: None,
        phones: vec![Phone {
            label: "办公室".into(),
            number: "0871-6311230".into(),
        }],
        fax: None,
        address: Some("昆明市呈贡区".into()),
        directions: None,
        hours_text: None,
        open_now: None,
        service_locations: Vec::new(),
        liaisons: Vec::new(),
        status: "active".into(),
        successor_department: None,
    };
    let changes = request_changes(&cr, Some(&dept));
    assert_eq!(changes[0].old.as_deref(), Some("昆明市人民政府办公室"));
    let html = diff_table(&changes).into_string();
    assert!(html.contains("<del>"), "{html}");
    let item = QueueItem {
        request: cr,
        department: Some(dept),
    };
    let html = review_queue(&[item], 1).into_string();
    assert!(html.contains("昆明市人民政府办公室"));
    assert!(html.contains("修改部门"));
    assert!(html.contains("href=\"/knowledge/departments/530100-zfb\""));
}

#[test]
fn revisions_show_their_differences() {
    let r1 = Revision {
        revision: 1,
        department: "530100-rsj".into(),
        question: "几点上班？".into(),
        answer: "周一至周五9:00".into(),
        authorized: true,
        status: "published".into(),
        keywords: vec![],
        note: None,
        changed_by: "import".into(),
        changed_at: "2026-12-04T09:30:00Z".parse().unwrap(),
    };
    let mut r2 = r1.clone();
    r2.revision = 2;
    r2.answer = "周一至周五8:30".into();
    r2.note = Some("改时间".into());
    let html = revision_list(&[r1, r2]).into_string();
    assert!(html.contains("第 2 版"));
    assert!(
        html.contains("<del>9:00</del>") || html.contains("<del>9</del>"),
        "{html}"
    );
    assert!(html.contains("<ins>"));
    assert!(html.contains("改时间"));
}

fn dept() -> DepartmentDetail {
    DepartmentDetail {
        department: DepartmentRecord {
            code: "530100-rsj".into(),
            region: "530100".into(),
            kind: "rsj".into(),
            name: "昆明市人力资源和社会保障局".into(),
            aliases: vec!["人社局".into(), "劳动局".into()],
            phones: vec![Phone {
                label: "办公室".into(),
                number: "0871-69266321".into(),
            }],
            fax: Some("0871-39829657".into()),
            address: Some("昆明市环城路307号<b>".into()),
            directions: None,
            service_locations: vec!["昆明市政务服务中心 2楼 34号窗口".into()],
            hours: Some(Hours {
                weekly: vec![WeeklyHours {
                    days: vec![1, 2, 3, 4, 5],
                    ranges: vec![
                        ("09:00".into(), "12:00".into()),
                        ("14:30".into(), "18:00".into()),
                    ],
                }],
                note: Some("法定节假日除外".into()),
            }),
            status: "active".into(),
            successor: None,
        },
        region_name: Some("昆明市".into()),
        liaisons: vec![Liaison {
            code: "530100-rsj-L1".into(),
            department: "530100-rsj".into(),
            name: "苏芳芳".into(),
            phone: "0871-27267468".into(),
            mobile: "13000007678".into(),
            email: "rsj.530100.1@example.org".into(),
            fax: String::new(),
        }],
    }
}

fn faq() -> Faq {
    Faq {
        code: "530100-rsj-1".into(),
        department: "530100-rsj".into(),
        question: "社保卡怎么补办？<i>".into(),
        answer: "带身份证到窗口。".into(),
        authorized: true,
        status: "published".into(),
        keywords: vec![],
        authorized_by: Some("editor".into()),
        authorized_at: None,
    }
}

fn user() -> User {
    User {
        sid: "s".into(),
        username: "editor".into(),
        role: shared::auth::Role::KbEditor,
        department: None,
        token: "t".into(),
        csrf: "c".into(),
        address: String::new(),
        password_change: false,
    }
}

/// Every form field has a label naming it.
fn labelled(html: &str) {
    for part in html
        .split("<input")
        .skip(1)
        .chain(html.split("<textarea").skip(1))
        .chain(html.split("<select").skip(1))
    {
        let tag = part.split('>').next().unwrap_or_default();
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("a field without id: {tag}"));
        assert!(html.contains(&format!("for=\"{id}\"")), "no label for {id}");
    }
}

#[test]
fn hours_read_back_as_written() {
    let d = dept();
    let h = d.department.hours.as_ref();
    assert_eq!(hours_lines(h), "周一至周五 09:00-12:00、14:30-18:00");
    assert_eq!(
        hours_text(h),
        "周一至周五 09:00-12:00、14:30-18:00（法定节假日除外）"
    );
    let back = parse_hours(&hours_lines(h), "法定节假日除外").unwrap();
    assert_eq!(back.as_ref(), h);
    let two = parse_hours("1-5 9:00-12:00，13:30-17:00\n周六、周日 09:00－12:00", "")
        .unwrap()
        .unwrap();
    assert_eq!(two.weekly[0].days, vec![1, 2, 3, 4, 5]);
    assert_eq!(two.weekly[0].ranges[0], ("09:00".into(), "12:00".into()));
    assert_eq!(two.weekly[1].days, vec![6, 7]);
    assert_eq!(
        hours_lines(Some(&two)).lines().nth(1),
        Some("周六、周日 09:00-12:00")
    );
    assert_eq!(parse_hours("  \n", " ").unwrap(), None);
    let note_only = parse_hours("", "预约办理").unwrap().unwrap();
    assert!(note_only.weekly.is_empty());
    for bad in [
        "周一至周五",
        "周八 09:00-12:00",
        "周五至周一 09:00-12:00",
        "周一 12:00-09:00",
        "周一 9点-12点",
        "周一 09:0-12:00",
    ] {
        let e = parse_hours(bad, "").unwrap_err();
        assert!(e.contains("第 1 行"), "{bad}: {e}");
    }
}

#[test]
fn department_changes_name_each_changed_field() {
    let before = dept().department;
    let mut after = before.clone();
    after.address = Some("昆明市环城南路1号".into());
    after.phones.push(Phone {
        label: "值班".into(),
        number: "0871-60000000".into(),
    });
    after.hours = parse_hours("周一至周五 09:00-12:00、14:00-18:00", "法定节假日除外").unwrap();
    let changes = department_changes(&before, &after);
    let labels: Vec<&str> = changes.iter().map(|c| c.label).collect();
    assert_eq!(labels, vec!["电话", "地址", "办公时间"]);
    assert_eq!(changes[1].old.as_deref(), Some("昆明市环城路307号<b>"));
    assert!(department_changes(&before, &before).is_empty());
}

#[test]
fn the_department_list_links_each_editor() {
    let filter = DeptFilter {
        q: "人社\"<x>".into(),
        region: "530100".into(),
        page: 1,
    };
    let regions = vec![Region {
        code: "530100".into(),
        name: "昆明市".into(),
        level: "prefecture".into(),
    }];
    let mut merged = dept().department;
    merged.code = "530100-old".into();
    merged.name = "昆明市劳动局<script>".into();
    merged.status = "merged".into();
    let items = vec![dept().department, merged];
    let mut listing = DeptListing {
        filter,
        regions,
        items,
        total: 120,
        per_page: 50,
    };
    let html = department_list(&user(), &listing).into_string();
    assert!(
        html.contains("href=\"/knowledge/departments/530100-rsj\""),
        "{html}"
    );
    assert!(html.contains("昆明市人力资源和社会保障局"));
    assert!(html.contains("办公室 0871-69266321"));
    assert!(html.contains("已撤并"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    assert!(html.contains("value=\"人社&quot;&lt;x&gt;\""), "{html}");
    assert!(
        html.contains("<option value=\"530100\" selected>昆明市</option>"),
        "{html}"
    );
    assert!(html.contains("hx-target=\"#dept-results\""));
    assert!(
        html.contains("/knowledge/departments?q=") && html.contains("page=2"),
        "pager"
    );
    assert!(!html.contains("style="));
    labelled(&html);
    listing.total = 2;
    let frag = department_results(&listing).into_string();
    assert!(frag.starts_with("<div id=\"dept-results\">"));
}

#[test]
fn the_department_editor_shows_fields_liaisons_and_entries() {
    let html = department_page(&user(), &dept(), &[faq()], None).into_string();
    assert!(
        html.contains("value=\"昆明市环城路307号&lt;b&gt;\""),
        "escaped"
    );
    assert!(html.contains("value=\"人社局，劳动局\""));
    assert!(html.contains("value=\"0871-69266321\""));
    assert!(html.contains("name=\"phone_label\""));
    assert!(html.contains("<template id=\"phone-template\">"));
    assert!(html.contains("周一至周五 09:00-12:00、14:30-18:00</textarea>"));
    assert!(html.contains("value=\"法定节假日除外\""));
    assert!(html.contains("<option value=\"active\" selected>"));
    assert!(html.contains("苏芳芳") && html.contains("13000007678"));
    assert!(html.contains("href=\"/knowledge/faqs/530100-rsj-1\""));
    assert!(html.contains("社保卡怎么补办？&lt;i&gt;"));
    assert!(html.contains("/knowledge/faqs/new?department=530100-rsj"));
    assert!(html.contains("hx-post=\"/knowledge/departments/530100-rsj\""));
    assert!(html.contains("name=\"csrf\""));
    assert!(html.contains("不保留部门信息的历史版本"));
    assert!(!html.contains("本次修改"));
    assert!(!html.contains("style="));
    // The template's ids are filled in by the script; the rows on the page are labelled.
    labelled(&html.replace(
        &html[html.find("<template").unwrap()..html.find("</template>").unwrap()],
        "",
    ));
}

#[test]
fn a_save_shows_the_message_and_what_changed() {
    let before = dept();
    let mut after = before.clone();
    after.department.address = Some("昆明市环城南路1号".into());
    let saved = DeptSaved {
        message: "部门信息已保存，共修改 1 项。".into(),
        changes: department_changes(&before.department, &after.department),
    };
    let html = department_saved(&user(), &after, &[], &saved).into_string();
    assert!(html.contains("hx-swap-oob"), "{html}");
    assert!(html.contains("部门信息已保存"));
    assert!(html.contains("本次修改"));
    assert!(html.contains("<del>"), "{html}");
    assert!(html.contains("<ins>南</ins>"), "{html}");
    assert!(html.contains("&lt;b&gt;") && !html.contains("<b>"));
    assert!(html.contains("该部门暂无知识条目"));
    assert!(!html.contains("style="));
    let page = department_page(&user(), &after, &[], Some(&saved)).into_string();
    assert!(page.contains("flash-ok") && page.contains("本次修改"));
}

#[test]
fn unanswered_links_to_a_prefilled_entry() {
    assert_eq!(
        new_faq_link("滇池 电话&x"),
        "/knowledge/faqs/new?question=%E6%BB%87%E6%B1%A0+%E7%94%B5%E8%AF%9D%26x"
    );
}
