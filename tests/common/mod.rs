//! Small hand-made directories for the named tests: the seed's permission recipes.

#![allow(dead_code)] // each test binary uses its own subset

use serde_json::{json, Value};
use tongxunlu::model::Directory;
use tongxunlu::snapshot::{self, Snapshot};
use tongxunlu::visibility::{Organisation, View};

/// A member record with a unique mobile derived from the account.
pub fn member(userid: &str, name: &str, departments: &[u32]) -> Value {
    let digits: u64 = userid.bytes().fold(7, |h, b| (h * 131 + b as u64) % 100_000_000);
    json!({
        "userid": userid, "name": name, "department": departments,
        "mobile": format!("139{digits:08}"), "email": format!("{userid}@example.com")
    })
}

pub fn with(mut record: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        record[k] = v.clone();
    }
    record
}

pub fn department(id: u32, name: &str, parent: u32, order: u32) -> Value {
    json!({"id": id, "name": name, "parentid": parent, "order": order})
}

pub fn directory(departments: Vec<Value>, members: Vec<Value>) -> Value {
    json!({"corp_name": "上海顺城物流有限公司", "department": departments, "userlist": members})
}

pub fn parse(value: Value) -> Directory {
    Directory::from_value(value).unwrap_or_else(|e| panic!("fixture is invalid: {e:#}"))
}

/// 上海顺城物流: executives with `all`; 销售中心 with `department`; 技术部 with `subdepartment`;
/// suppliers each in their own `subdepartment` department.
pub fn company() -> Directory {
    let mut departments = vec![
        department(1, "上海顺城物流有限公司", 0, 1),
        department(2, "总经理办公室", 1, 1),
        department(3, "销售中心", 1, 2),
        department(4, "华东大区", 3, 1),
        department(5, "华南大区", 3, 2),
        department(6, "技术部", 1, 3),
        department(7, "前端组", 6, 1),
        department(8, "后端组", 6, 2),
        department(9, "供应商", 1, 9),
        department(10, "宏达包装", 9, 1),
        department(11, "速运车队", 9, 2),
    ];
    for (id, permission) in
        [(2, "all"), (3, "department"), (6, "subdepartment"), (10, "subdepartment"), (11, "subdepartment")]
    {
        departments[id - 1]["permission"] = json!(permission);
    }
    departments[2]["department_leader"] = json!(["sales.head"]);
    parse(directory(
        departments,
        vec![
            with(member("ceo", "陈总", &[2]), json!({"position": "总经理"})),
            member("sales.head", "李明", &[3]),
            member("east1", "王芳", &[4]),
            member("south1", "张伟", &[5]),
            member("tech.head", "刘洋", &[6]),
            member("fe1", "赵敏", &[7]),
            member("be1", "孙磊", &[8]),
            member("pack1", "周杰", &[10]),
            member("truck1", "吴刚", &[11]),
            with(member("gone", "郑离", &[4]), json!({"status": 5})),
            with(member("off", "冯停", &[4]), json!({"status": 2})),
            with(member("new", "何新", &[4]), json!({"status": 4})),
        ],
    ))
}

/// 示例市第一实验小学: 教师组 with `department` (every teacher sees every teacher), 班级组 with
/// `subdepartment` (each class keeps to itself).
pub fn school() -> Directory {
    let mut departments = vec![
        department(1, "示例市第一实验小学", 0, 1),
        department(2, "教师组", 1, 1),
        department(3, "语文教研组", 2, 1),
        department(4, "数学教研组", 2, 2),
        department(5, "班级组", 1, 2),
        department(6, "一年级1班", 5, 1),
        department(7, "一年级2班", 5, 2),
    ];
    departments[1]["permission"] = json!("department");
    departments[4]["permission"] = json!("subdepartment");
    parse(directory(
        departments,
        vec![
            member("chinese1", "林老师", &[3]),
            member("maths1", "黄老师", &[4]),
            // A head teacher: a teacher and in charge of class 1.
            with(member("head1", "曾老师", &[4, 6]), json!({"order": [2, 1]})),
            member("parent1a", "欧阳家长", &[6]),
            member("parent1b", "司马家长", &[6]),
            member("parent2a", "单家长", &[7]),
        ],
    ))
}

pub fn view_of(dir: &Directory, viewer: &str) -> View {
    Organisation::new(dir).view(viewer).unwrap_or_else(|e| panic!("{e}"))
}

pub fn snapshot_of(dir: &Directory, viewer: &str) -> Snapshot {
    let built = snapshot::build(dir, &view_of(dir, viewer));
    Snapshot::open(built.bytes).expect("a built snapshot opens")
}

/// The accounts a viewer sees, sorted.
pub fn visible_accounts(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.members.iter().map(|m| dir.userlist[m.member].userid.clone()).collect()
}

/// The names of the departments a viewer sees listed (not labels), in view order.
pub fn listed_departments(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.departments
        .iter()
        .filter(|d| d.role == tongxunlu::visibility::DepartmentRole::Listed)
        .map(|d| dir.department[d.department].name.clone())
        .collect()
}

/// The names of the path labels a viewer gets.
pub fn label_departments(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.departments
        .iter()
        .filter(|d| d.role == tongxunlu::visibility::DepartmentRole::PathLabel)
        .map(|d| dir.department[d.department].name.clone())
        .collect()
}
