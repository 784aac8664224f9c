//! Named tests for each of the seed's visibility recipes (docs/visibility.md). The property tests that
//! compare against a reference implementation are in [`props`].

mod props;

use serde_json::json;
use tongxunlu::visibility::{Organisation, ViewError};

use crate::util::*;

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn executives_with_all_see_everyone_but_the_resigned() {
    let dir = company();
    assert_eq!(
        visible_accounts(&dir, "ceo"),
        sorted(&["ceo", "sales.head", "east1", "south1", "tech.head", "fe1", "be1", "pack1", "truck1", "off", "new"])
    );
}

#[test]
fn staff_under_department_see_their_whole_division_and_not_the_executives() {
    let dir = company();
    // east1 is in 华东大区; the permission is carried by 销售中心, so the whole 销售中心 subtree.
    let seen = visible_accounts(&dir, "east1");
    assert_eq!(seen, sorted(&["sales.head", "east1", "south1", "off", "new"]));
    assert!(!seen.contains(&"ceo".to_string()));
    assert_eq!(listed_departments(&dir, "east1"), ["销售中心", "华东大区", "华南大区"]);
    assert_eq!(label_departments(&dir, "east1"), ["上海顺城物流有限公司"]);
}

#[test]
fn staff_under_subdepartment_see_only_their_own_team() {
    let dir = company();
    // fe1 is directly in 前端组; 技术部's `subdepartment` is inherited, so only 前端组.
    assert_eq!(visible_accounts(&dir, "fe1"), ["fe1"]);
    assert_eq!(listed_departments(&dir, "fe1"), ["前端组"]);
    assert_eq!(label_departments(&dir, "fe1"), ["上海顺城物流有限公司", "技术部"]);
    // The head of 技术部 is directly in 技术部 and sees its whole subtree.
    assert_eq!(visible_accounts(&dir, "tech.head"), sorted(&["tech.head", "fe1", "be1"]));
}

#[test]
fn suppliers_cannot_see_one_another() {
    let dir = company();
    assert_eq!(visible_accounts(&dir, "pack1"), ["pack1"]);
    assert_eq!(visible_accounts(&dir, "truck1"), ["truck1"]);
    assert_eq!(label_departments(&dir, "pack1"), ["上海顺城物流有限公司", "供应商"]);
}

#[test]
fn path_labels_carry_no_members_and_no_other_children() {
    let dir = company();
    let snap = snapshot_of(&dir, "pack1");
    let departments: Vec<_> = (0..snap.department_count()).map(|d| snap.department(d)).collect();
    let names: Vec<_> = departments.iter().map(|d| d.name).collect();
    // 速运车队, the sibling supplier, is not even named.
    assert_eq!(names, ["上海顺城物流有限公司", "供应商", "宏达包装"]);
    assert!(departments[0].is_label && departments[1].is_label && !departments[2].is_label);
    // Only pack1 is a member, and only of 宏达包装.
    let pack1 = snap.member(snap.find_member("pack1").unwrap());
    assert_eq!(pack1.departments, [(2, 0)]);
}

#[test]
fn the_school_lets_teachers_see_teachers_and_keeps_classes_apart() {
    let dir = school();
    // Every teacher sees every teacher (教师组 carries `department`).
    assert_eq!(visible_accounts(&dir, "chinese1"), sorted(&["chinese1", "maths1", "head1"]));
    // A parent sees their own class only.
    assert_eq!(visible_accounts(&dir, "parent1a"), sorted(&["parent1a", "parent1b", "head1"]));
    assert_eq!(visible_accounts(&dir, "parent2a"), ["parent2a"]);
    // The head teacher sees the union: the teachers and class 1.
    assert_eq!(visible_accounts(&dir, "head1"), sorted(&["chinese1", "maths1", "head1", "parent1a", "parent1b"]));
}

#[test]
fn a_membership_in_a_department_the_viewer_cannot_see_is_absent() {
    let dir = school();
    // A parent in class 1 sees the head teacher, but not that she is also in 数学教研组.
    let view = view_of(&dir, "parent1a");
    let head = view.members.iter().find(|m| dir.userlist[m.member].userid == "head1").unwrap();
    let names: Vec<_> =
        head.memberships.iter().map(|&(d, _)| dir.department[view.departments[d].department].name.as_str()).collect();
    assert_eq!(names, ["一年级1班"]);
    // The head teacher's own view keeps both, with her sort number in each.
    let view = view_of(&dir, "head1");
    let me = view.members.iter().find(|m| dir.userlist[m.member].userid == "head1").unwrap();
    let orders: Vec<_> = me.memberships.iter().map(|&(_, order)| order).collect();
    assert_eq!(orders, [2, 1]);
}

#[test]
fn headcounts_count_each_visible_person_once_per_subtree() {
    let dir = school();
    let view = view_of(&dir, "head1");
    let count =
        |name: &str| view.departments.iter().find(|d| dir.department[d.department].name == name).map(|d| d.headcount);
    // head1 is in 数学教研组 and 一年级1班: once in each, once in the school.
    assert_eq!(count("示例市第一实验小学"), Some(5));
    assert_eq!(count("教师组"), Some(3));
    assert_eq!(count("班级组"), Some(3));
    assert_eq!(count("一年级1班"), Some(3));
    // Class 2 is invisible to her: not counted, not present.
    assert_eq!(count("一年级2班"), None);
}

#[test]
fn resigned_members_are_absent_and_disabled_ones_present() {
    let dir = company();
    let seen = visible_accounts(&dir, "sales.head");
    assert!(!seen.contains(&"gone".to_string()));
    assert!(seen.contains(&"off".to_string()));
    let snap = snapshot_of(&dir, "sales.head");
    assert!(snap.member(snap.find_member("off").unwrap()).disabled);
    assert!(!snap.member(snap.find_member("new").unwrap()).followed);
    assert!(snap.member(snap.find_member("east1").unwrap()).followed);
}

#[test]
fn unknown_resigned_and_disabled_viewers_are_refused() {
    let dir = company();
    let org = Organisation::new(&dir);
    assert_eq!(org.view("nobody"), Err(ViewError::UnknownViewer("nobody".into())));
    assert_eq!(org.view("gone"), Err(ViewError::ResignedViewer("gone".into())));
    assert_eq!(org.view("off"), Err(ViewError::DisabledViewer("off".into())));
    assert_eq!(org.view("gone").unwrap_err().to_string(), "viewer gone has resigned and may not see the directory");
    // 未关注 members may sign in.
    assert!(org.view("new").is_ok());
}

fn company_with(change: impl FnOnce(&mut serde_json::Value)) -> tongxunlu::model::Directory {
    let mut value = serde_json::from_str(&company().to_json_pretty()).unwrap();
    change(&mut value);
    parse(value)
}

fn member_mut<'a>(value: &'a mut serde_json::Value, userid: &str) -> &'a mut serde_json::Value {
    value["userlist"].as_array_mut().unwrap().iter_mut().find(|m| m["userid"] == userid).unwrap()
}

#[test]
fn a_hidden_member_is_seen_only_by_visible_to_and_themself() {
    let dir = company_with(|v| {
        let south1 = member_mut(v, "south1");
        south1["hidden"] = json!(true);
        south1["visible_to"] = json!({"userid": ["east1"], "department": [2]});
    });
    assert!(visible_accounts(&dir, "east1").contains(&"south1".to_string()), "named in visible_to");
    assert!(visible_accounts(&dir, "ceo").contains(&"south1".to_string()), "in a visible_to department");
    assert!(!visible_accounts(&dir, "sales.head").contains(&"south1".to_string()), "the permission is not enough");
    assert!(visible_accounts(&dir, "south1").contains(&"south1".to_string()), "members always see themselves");
}

#[test]
fn a_hidden_department_hides_its_subtree_from_everyone_outside_it() {
    let dir = company_with(|v| {
        v["department"][3]["hidden"] = json!(true); // 华东大区
        v["department"][3]["visible_to"] = json!({"userid": ["tech.head"]});
    });
    // Even the executives with `all` do not see it or its members.
    assert!(!listed_departments(&dir, "ceo").contains(&"华东大区".to_string()));
    assert!(!visible_accounts(&dir, "ceo").contains(&"east1".to_string()));
    assert!(!visible_accounts(&dir, "south1").contains(&"east1".to_string()));
    // Its own members still see it.
    assert!(visible_accounts(&dir, "east1").contains(&"east1".to_string()));
    assert!(listed_departments(&dir, "east1").contains(&"华东大区".to_string()));
    // visible_to lifts the hiding, but grants nothing by itself: tech.head's permission does
    // not reach 销售中心.
    assert!(!visible_accounts(&dir, "tech.head").contains(&"east1".to_string()));
}

#[test]
fn the_viewer_sees_themself_even_when_hidden() {
    let dir = company_with(|v| member_mut(v, "fe1")["hidden"] = json!(true));
    assert_eq!(visible_accounts(&dir, "fe1"), ["fe1"]);
    assert!(!visible_accounts(&dir, "ceo").contains(&"fe1".to_string()));
}

#[test]
fn groups_keep_only_visible_members_and_vanish_when_none_is_left() {
    let dir = company_with(|v| {
        v["group"] = json!([
            {"id": 1, "name": "新品项目组", "userid": ["ceo", "east1", "fe1"]},
            {"id": 2, "name": "董事会筹备组", "userid": ["ceo"]}
        ]);
    });
    let view = view_of(&dir, "east1");
    assert_eq!(view.groups.len(), 1);
    let members: Vec<_> =
        view.groups[0].members.iter().map(|&m| dir.userlist[view.members[m].member].userid.as_str()).collect();
    assert_eq!(members, ["east1"]);
}

#[test]
fn leaders_are_listed_only_when_visible() {
    let dir = company();
    let view = view_of(&dir, "east1");
    let sales = view.departments.iter().find(|d| dir.department[d.department].name == "销售中心").unwrap();
    assert_eq!(sales.leaders.len(), 1);
    assert_eq!(dir.userlist[view.members[sales.leaders[0]].member].userid, "sales.head");
}

#[test]
fn viewers_who_see_the_same_share_one_snapshot() {
    let dir = school();
    let a = tongxunlu::snapshot::build(&dir, &view_of(&dir, "parent1a"));
    let b = tongxunlu::snapshot::build(&dir, &view_of(&dir, "parent1b"));
    let c = tongxunlu::snapshot::build(&dir, &view_of(&dir, "parent2a"));
    assert_eq!(a.class_key, b.class_key);
    assert_eq!(a.bytes, b.bytes, "same class, same bytes: a CDN can serve either");
    assert_ne!(a.class_key, c.class_key);
}
