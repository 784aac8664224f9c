//! The directory file (docs/directory-file.md): parsing, validation errors that name the record and the
//! field, and the round trip of keys this crate does not know.

use serde_json::json;
use tongxunlu::model::{Directory, Status};

use crate::util::*;

fn problems(value: serde_json::Value) -> Vec<String> {
    match Directory::from_value(value) {
        Ok(_) => panic!("expected the directory to be refused"),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

fn base() -> Vec<serde_json::Value> {
    vec![department(1, "公司", 0, 1), department(2, "技术部", 1, 1)]
}

#[test]
fn a_dangling_department_names_the_record_and_the_field() {
    let mut members: Vec<_> = (0..17).map(|i| member(&format!("m{i}"), "某人", &[2])).collect();
    members.push(member("zhangsan001", "张三", &[42]));
    assert_eq!(problems(directory(base(), members)), ["userlist[17] (zhangsan001): department 42 does not exist"]);
}

#[test]
fn a_wrong_type_names_the_record_and_the_field() {
    let bad = with(member("zhangsan001", "张三", &[2]), json!({"mobile": 13800138000u64}));
    let p = problems(directory(base(), vec![bad]));
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("userlist[0] (zhangsan001): mobile: invalid type: integer `13800138000`, expected a string"),
        "{}",
        p[0]
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let members = vec![
        with(member("a", "甲", &[2]), json!({"weixin_id": "12345678"})),
        json!({"userid": "b", "name": "乙", "department": [2]}),
        member("a", "丙", &[2]),
        with(member("-bad", "丁", &[2]), json!({"status": 3})),
    ];
    let p = problems(directory(base(), members));
    let expected = [
        "userlist[3] (-bad): status: status 3 is not one of 1 (active), 2 (disabled), 4 (not following), 5 (resigned)",
        "userlist[0] (a): weixin_id \"12345678\" is all digits; a WeChat id never is",
        "userlist[1] (b): has none of weixin_id, mobile, email; at least one is required",
        "userlist[2] (a): the account is also used by userlist[0]",
    ];
    for e in expected {
        assert!(p.iter().any(|x| x == e), "missing {e:?} in {p:#?}");
    }
    let err =
        Directory::from_value(directory(base(), vec![member("a", "甲", &[9]), member("b", "乙", &[9])])).unwrap_err();
    assert_eq!(err.to_string(), "userlist[0] (a): department 9 does not exist (and 1 more problem)");
}

#[test]
fn the_tree_must_have_one_root_and_no_cycles() {
    let two_roots = vec![department(1, "甲公司", 0, 1), department(2, "乙公司", 0, 1)];
    assert_eq!(
        problems(directory(two_roots, vec![member("a", "甲", &[1])])),
        ["department: 2 departments have parentid 0 (ids 1, 2); exactly one may be the organisation"]
    );
    let cycle = vec![department(1, "公司", 0, 1), department(2, "甲", 3, 1), department(3, "乙", 2, 1)];
    let p = problems(directory(cycle, vec![member("a", "甲", &[1])]));
    assert_eq!(p.len(), 2);
    assert!(p[0].contains("department[1] (id 2): its parent chain is a cycle"), "{p:?}");
    let orphan = vec![department(1, "公司", 0, 1), department(2, "甲", 7, 1)];
    assert_eq!(
        problems(directory(orphan, vec![member("a", "甲", &[1])])),
        ["department[1] (id 2): parent department 7 does not exist"]
    );
}

#[test]
fn department_names_are_limited_to_50_latin_or_25_cjk_characters() {
    let ok_cjk = "部".repeat(25);
    let long_cjk = "部".repeat(26);
    let ok_latin = "d".repeat(50);
    let dir = |name: &str| {
        directory(vec![department(1, "公司", 0, 1), department(2, name, 1, 1)], vec![member("a", "甲", &[1])])
    };
    assert!(Directory::from_value(dir(&ok_cjk)).is_ok());
    assert!(Directory::from_value(dir(&ok_latin)).is_ok());
    let p = problems(dir(&long_cjk));
    assert!(p[0].starts_with("department[1] (id 2): name"), "{p:?}");
    assert!(p[0].contains("52 of at most 50"), "{p:?}");
}

#[test]
fn account_weixin_id_phone_and_dates_follow_the_seed_rules() {
    let cases = [
        (json!({"userid": "zhang san"}), "userid \"zhang san\" contains ' '"),
        (json!({"userid": "_x"}), "must start with a letter or digit"),
        (json!({"weixin_id": "wx 1"}), "may contain only letters, digits, - and _"),
        (json!({"mobile": "138-0013-800a"}), "mobile \"138-0013-800a\" may contain only digits"),
        (json!({"birthday": "1990-02-30"}), "birthday \"1990-02-30\" is not a date of the form YYYY-MM-DD"),
        (json!({"email": "zs.example.com"}), "email \"zs.example.com\" is not an address"),
        (json!({"order": [1, 2]}), "order has 2 entries but department has 1"),
        (json!({"gender": "3"}), "gender: unknown variant `3`"),
    ];
    for (change, expected) in cases {
        let record = with(member("zs", "张三", &[2]), change.clone());
        let p = problems(directory(base(), vec![record]));
        assert!(p.iter().any(|x| x.contains(expected)), "{change}: expected {expected:?} in {p:?}");
    }
    // Good values pass: a + 86 mobile with a leading zero kept, a leap day, @ and . in accounts.
    let good = with(
        member("zhang.san@corp", "张三", &[2]),
        json!({"mobile": "+86 013800138000", "birthday": "2000-02-29", "weixin_id": "zs_1990", "email": "zs@corp.cn"}),
    );
    let dir = Directory::from_value(directory(base(), vec![good])).unwrap();
    assert_eq!(dir.userlist[0].mobile.as_deref(), Some("+86 013800138000"));
}

#[test]
fn mobiles_and_emails_are_unique() {
    let a = with(member("a", "甲", &[2]), json!({"mobile": "13800138000"}));
    let b = with(member("b", "乙", &[2]), json!({"mobile": "+86 138 0013 8000"}));
    let p = problems(directory(base(), vec![a, b]));
    assert_eq!(p, ["userlist[1] (b): mobile +86 138 0013 8000 is also used by userlist[0]"]);
}

#[test]
fn references_in_leaders_groups_visible_to_and_policy_must_resolve() {
    let mut departments = base();
    departments[1]["department_leader"] = json!(["ghost", "a", "a"]);
    departments[1]["visible_to"] = json!({"department": [99]});
    let mut value = directory(departments, vec![member("a", "甲", &[2])]);
    value["group"] = json!([{"id": 1, "name": "项目组", "userid": ["a", "ghost2", "a"]}]);
    value["field_policy"] = json!({"mobil": {"visible": false}});
    let p = problems(value);
    assert_eq!(
        p,
        [
            "department[1] (id 2): department_leader ghost does not exist",
            "department[1] (id 2): department_leader a is listed twice",
            "department[1] (id 2): visible_to: department 99 does not exist",
            "group[0] (id 1): member ghost2 does not exist",
            "group[0] (id 1): member a is listed twice",
            "field_policy: unknown field \"mobil\" (a policy can hide alias, position, mobile, email, telephone, weixin_id, birthday, hire_date, gender, extattr)",
        ]
    );
}

#[test]
fn syntax_errors_and_wrong_shapes_are_clear() {
    let e = Directory::from_json("{\"department\": [").unwrap_err();
    assert!(e.to_string().starts_with("not valid JSON: EOF while parsing"), "{e}");
    assert_eq!(Directory::from_json("[]").unwrap_err().to_string(), "the directory must be a JSON object");
    let e = Directory::from_json("{\"department\": {}, \"userlist\": []}").unwrap_err();
    assert_eq!(e.problems[0].to_string(), "department: expected an array, found an object");
}

#[test]
fn unknown_keys_survive_a_load_save_round_trip() {
    let mut departments = base();
    departments[1]["x_cost_centre"] = json!("CC-7");
    let mut value = directory(
        departments,
        vec![with(
            member("a", "甲", &[2]),
            json!({"x_badge": {"colour": "red", "n": [1, 2]}, "extattr": {"工号": "012444"}}),
        )],
    );
    value["x_exported_by"] = json!("WeCom admin 4.1");
    value["group"] = json!([{"id": 1, "name": "项目组", "userid": ["a"], "x_chat": "wrX"}]);
    let dir = Directory::from_value(value.clone()).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&dir.to_json_pretty()).unwrap();
    assert_eq!(saved["x_exported_by"], "WeCom admin 4.1");
    assert_eq!(saved["department"][1]["x_cost_centre"], "CC-7");
    assert_eq!(saved["userlist"][0]["x_badge"], json!({"colour": "red", "n": [1, 2]}));
    assert_eq!(saved["group"][0]["x_chat"], "wrX");
    // A second round trip changes nothing at all.
    let again = Directory::from_json(&dir.to_json_pretty()).unwrap();
    assert_eq!(again, dir);
    assert_eq!(again.to_json_pretty(), dir.to_json_pretty());
}

#[test]
fn status_codes_map_to_states() {
    let members = vec![
        member("a", "甲", &[2]),
        with(member("b", "乙", &[2]), json!({"status": 2})),
        with(member("c", "丙", &[2]), json!({"status": 4})),
        with(member("d", "丁", &[2]), json!({"status": 5})),
    ];
    let dir = Directory::from_value(directory(base(), members)).unwrap();
    let statuses: Vec<_> = dir.userlist.iter().map(|m| m.status).collect();
    assert_eq!(statuses, [Status::Active, Status::Disabled, Status::NotFollowed, Status::Resigned]);
    assert!(dir.userlist[0].is_followed() && !dir.userlist[2].is_followed());
}

/// Names (of members, departments, groups and custom attributes) are shown as lines of the page:
/// each needs a visible character and holds no control character (a NUL, a line break, an
/// escape). They, aliases, positions and attribute values have length limits — which also bound
/// what search derives from them, since the keys of a name grow faster than its length (a 64 KB
/// alias once made a 288 MB snapshot).
#[test]
fn shown_texts_need_a_visible_character_no_control_character_and_a_bounded_length() {
    let member_with = |extra: serde_json::Value| directory(base(), vec![with(member("a", "甲", &[2]), extra)]);
    let cases = [
        (json!({"name": "张\u{0}三"}), "name holds the control character U+0000"),
        (json!({"name": "张三\n李四"}), "name holds the control character U+000A"),
        (json!({"name": "\u{200B}"}), "has no visible character"),
        (json!({"name": "\u{200B} \u{FEFF}"}), "has no visible character"),
        (json!({"alias": "x".repeat(65)}), "alias is 65 characters long; at most 64 are allowed"),
        (json!({"position": "经".repeat(129)}), "position is 129 characters long; at most 128 are allowed"),
        (json!({"extattr": {"工号\n": "1"}}), "extattr name holds the control character U+000A"),
        (json!({"extattr": {"工号": "1".repeat(257)}}), "longer than 256 characters"),
    ];
    for (extra, expected) in cases {
        let p = problems(member_with(extra.clone()));
        assert!(p.iter().any(|p| p.contains(expected)), "{extra}: {p:?}");
    }
    let fine = member_with(json!({"name": "欧阳娜娜", "alias": "Nana O'Yang", "position": "经".repeat(128)}));
    assert!(Directory::from_value(fine).is_ok());

    let group = |name: &str| {
        let mut dir = directory(base(), vec![member("a", "甲", &[2])]);
        dir["group"] = json!([{"id": 1, "name": name, "userid": ["a"]}]);
        dir
    };
    assert!(problems(group(&"组".repeat(65)))[0].contains("name is 65 characters long"));
    assert!(problems(group("项目\r组"))[0].contains("control character U+000D"));
    assert!(Directory::from_value(group(&"组".repeat(64))).is_ok());
    let department =
        directory(vec![department(1, "公司", 0, 1), department(2, "技术\t部", 1, 1)], vec![member("a", "甲", &[1])]);
    assert!(problems(department)[0].contains("control character U+0009"));
}
