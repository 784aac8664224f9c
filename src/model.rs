//! The directory: departments, members, public groups and the field policy.
//!
//! This is the interchange format of docs/directory-file.md, one JSON document that every tool reads and
//! writes. Its key names follow WeChat Work's contact API (`department`, `userlist`, `userid`,
//! `parentid`, …) so that an API export maps onto it with little work.
//!
//! Reading a directory is two steps, and both report *where* a problem is:
//!
//! 1. [`Directory::from_json`] deserialises each record on its own, so a wrong type is reported
//!    as `userlist[17] (zhangsan001): mobile: invalid type: integer …` rather than as a byte
//!    offset into a 40 MB file.
//! 2. It then runs [`Directory::validate`], which checks the rules that span records (one root,
//!    a tree without cycles, references that resolve, unique accounts) and the per-field rules of
//!    the seed (account characters, WeChat id never all digits, at least one contact field, …).
//!    Every problem found is reported, not only the first.
//!
//! Keys this crate does not know are kept in each record's `extra` map and written back
//! unchanged, so a load/save round trip never drops data that another tool put there.
//!
//! ```
//! use tongxunlu::model::Directory;
//!
//! let json = r#"{
//!   "corp_name": "示例学校",
//!   "department": [{"id": 1, "name": "示例学校", "parentid": 0}],
//!   "userlist": [{"userid": "li01", "name": "李老师", "department": [1], "mobile": "13800000000",
//!                 "x_badge": "B-7"}]
//! }"#;
//! let dir = Directory::from_json(json)?;
//! assert_eq!(dir.userlist[0].name, "李老师");
//! // The unknown key survives the round trip.
//! assert!(dir.to_json_pretty().contains("\"x_badge\": \"B-7\""));
//! # Ok::<(), tongxunlu::model::DirectoryError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::fields::{Gender, TextField};

/// A department id as the directory file spells it (`id`, `parentid`, member `department`).
pub type DepartmentId = u32;

/// The `parentid` of the one department that is the organisation itself.
pub const ROOT_PARENT: DepartmentId = 0;

/// The whole directory of one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// The organisation's name, as shown on business cards (ORG).
    #[serde(default)]
    pub corp_name: String,
    /// Every department, the organisation (the root) included, in any order.
    pub department: Vec<Department>,
    /// Every member, resigned ones included.
    pub userlist: Vec<Member>,
    /// The public groups (公共群组); may be absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<Group>,
    /// 人员属性设置: which member fields other members may see. Keys are member field names
    /// (see [`PolicyField`]); a field not listed is visible.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub field_policy: IndexMap<String, FieldRule>,
    /// Keys this crate does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One department (部门). The department whose `parentid` is 0 is the organisation itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// Unique among departments, never 0.
    pub id: DepartmentId,
    /// As shown: non-empty, at most 50 Latin or 25 CJK characters ([`check_department_name`]).
    pub name: String,
    /// The parent's id; [`ROOT_PARENT`] for the organisation itself.
    pub parentid: DepartmentId,
    /// Sort number among its siblings: smaller first.
    #[serde(default)]
    pub order: u32,
    /// 负责人: the heads of the department.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department_leader: Vec<String>,
    /// 通讯录权限; absent means inherited from the nearest ancestor that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
    /// 隐藏部门: invisible to everyone outside `visible_to` and the department's own subtree.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// Who may still see the department when it is hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_to: Option<VisibleTo>,
    /// Keys this crate does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a member whose membership falls under a department may see (docs/visibility.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// 所有人: the whole directory.
    All,
    /// 仅本部门: the whole subtree of the department that carries the permission.
    Department,
    /// 仅子部门: the subtree of the department the member is directly in.
    Subdepartment,
}

/// Who may still see a hidden member or department.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisibleTo {
    /// Accounts that may see it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub userid: Vec<String>,
    /// Departments whose members (in their whole subtree) may see it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department: Vec<DepartmentId>,
}

/// One member (成员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// 账号: the unique key; never changes.
    pub userid: String,
    /// 姓名: the name as shown, non-empty, at most 64 characters.
    pub name: String,
    /// Nickname or English name (别名).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The departments the member is in, one or more.
    pub department: Vec<DepartmentId>,
    /// The member's sort number in each of `department`, in the same order (smaller first).
    /// Empty means 0 everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<u32>,
    /// 职务.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// 性别; absent means unknown.
    #[serde(default, skip_serializing_if = "Gender::is_unknown")]
    pub gender: Gender,
    /// 手机, kept as text ([`check_phone`]); unique among members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// 邮箱; unique among members (ignoring case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// 座机.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// 微信号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weixin_id: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hire_date: Option<String>,
    /// Active, disabled, not yet following, or resigned; absent means active.
    #[serde(default)]
    pub status: Status,
    /// 关注 state; when absent it follows from `status` (4 means not yet following).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed: Option<bool>,
    /// 置顶.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pinned: bool,
    /// 隐藏成员: invisible to everyone outside `visible_to`, and themselves.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// Who may still see the member when they are hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_to: Option<VisibleTo>,
    /// Custom attributes (自定义字段), name → value.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extattr: IndexMap<String, String>,
    /// Keys this crate does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Member {
    /// The member's sort number in `department`, or 0 when none is given.
    pub fn order_in(&self, department: DepartmentId) -> u32 {
        self.department.iter().position(|&d| d == department).and_then(|i| self.order.get(i).copied()).unwrap_or(0)
    }

    /// The value of one of the optional text fields.
    pub fn text(&self, field: TextField) -> Option<&str> {
        match field {
            TextField::Alias => &self.alias,
            TextField::Position => &self.position,
            TextField::Mobile => &self.mobile,
            TextField::Email => &self.email,
            TextField::Telephone => &self.telephone,
            TextField::WeixinId => &self.weixin_id,
            TextField::Birthday => &self.birthday,
            TextField::HireDate => &self.hire_date,
        }
        .as_deref()
    }

    /// Whether the member follows the organisation's app (关注).
    pub fn is_followed(&self) -> bool {
        self.followed.unwrap_or(self.status != Status::NotFollowed)
    }
}

/// `status`: 1 active, 2 disabled, 4 active but not yet following, 5 resigned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Status {
    /// 启用: listed, and may sign in.
    #[default]
    Active,
    /// Still listed, but cannot sign in.
    Disabled,
    /// Active, but has not followed the organisation's app yet (未关注).
    NotFollowed,
    /// Left the directory; the data is kept so the member can be reinstated.
    Resigned,
}

impl Status {
    /// The number the directory file uses.
    pub fn code(self) -> u8 {
        match self {
            Status::Active => 1,
            Status::Disabled => 2,
            Status::NotFollowed => 4,
            Status::Resigned => 5,
        }
    }

    /// The status a directory-file number stands for, if it stands for one.
    pub fn from_code(code: u64) -> Option<Status> {
        match code {
            1 => Some(Status::Active),
            2 => Some(Status::Disabled),
            4 => Some(Status::NotFollowed),
            5 => Some(Status::Resigned),
            _ => None,
        }
    }

    /// Whether a member with this status may sign in and ask for a snapshot.
    pub fn can_sign_in(self) -> bool {
        matches!(self, Status::Active | Status::NotFollowed)
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = u64::deserialize(deserializer)?;
        Status::from_code(code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "status {code} is not one of 1 (active), 2 (disabled), 4 (not following), 5 (resigned)"
            ))
        })
    }
}

/// A public group (公共群组): a named set of members across departments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Unique among groups.
    pub id: u32,
    /// As shown; non-empty.
    pub name: String,
    /// The members' accounts, in the group's own order.
    #[serde(default)]
    pub userid: Vec<String>,
    /// Keys this crate does not know, kept for the round trip.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of the field policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRule {
    /// Whether other members may see the field.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Whether the member may edit the field themself.
    #[serde(default = "yes")]
    pub editable: bool,
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The member fields the field policy can hide from other members.
///
/// `userid`, `name` and `department` cannot be hidden: without them a member cannot be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyField {
    /// One of the optional text fields.
    Text(TextField),
    /// `gender`.
    Gender,
    /// All custom attributes at once (`extattr`).
    Extattr,
}

impl PolicyField {
    /// Every field a policy can name.
    pub const ALL: [PolicyField; 10] = [
        PolicyField::Text(TextField::Alias),
        PolicyField::Text(TextField::Position),
        PolicyField::Text(TextField::Mobile),
        PolicyField::Text(TextField::Email),
        PolicyField::Text(TextField::Telephone),
        PolicyField::Text(TextField::WeixinId),
        PolicyField::Text(TextField::Birthday),
        PolicyField::Text(TextField::HireDate),
        PolicyField::Gender,
        PolicyField::Extattr,
    ];

    /// The key the directory file uses for the field.
    pub fn key(self) -> &'static str {
        match self {
            PolicyField::Text(field) => field.key(),
            PolicyField::Gender => "gender",
            PolicyField::Extattr => "extattr",
        }
    }

    /// The field a policy key names, if it names one.
    pub fn from_key(key: &str) -> Option<PolicyField> {
        PolicyField::ALL.into_iter().find(|f| f.key() == key)
    }
}

impl Directory {
    /// Reads and validates a directory file.
    pub fn from_json(text: &str) -> Result<Directory, DirectoryError> {
        // Most files read without a hitch, and for them the JSON tree that `from_value` takes
        // apart is pure cost: at 200,000 members it was three quarters of the time reading the
        // file took and half the peak memory of `tongxunlu snapshot`. So the records are read
        // straight from the text first; a file that does not read so (a wrong type, a repeated
        // key) is read again the careful way, which names the record and field at fault.
        if let Some(directory) = Directory::read_directly(text) {
            let mut problems = Problems::default();
            directory.check(&mut problems);
            return problems.into_result(directory);
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| DirectoryError::single(Location::File, format!("not valid JSON: {e}")))?;
        Directory::from_value(value)
    }

    /// Reads and validates a directory already parsed as JSON.
    pub fn from_value(value: Value) -> Result<Directory, DirectoryError> {
        let Value::Object(mut top) = value else {
            return Err(DirectoryError::single(Location::File, "the directory must be a JSON object".into()));
        };
        let mut problems = Problems::default();

        let corp_name = match top.remove("corp_name") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s,
            Some(other) => {
                problems.push(Location::Key("corp_name"), format!("expected a string, found {}", json_kind(&other)));
                String::new()
            }
        };
        let department =
            records(&mut top, "department", true, &mut problems, |v| v.get("id").map(|id| format!("id {id}")));
        let userlist = records(&mut top, "userlist", true, &mut problems, |v| {
            v.get("userid").and_then(Value::as_str).map(str::to_owned)
        });
        let group = records(&mut top, "group", false, &mut problems, |v| v.get("id").map(|id| format!("id {id}")));
        let field_policy = match top.remove("field_policy") {
            None | Some(Value::Null) => IndexMap::new(),
            Some(v) => serde_path_to_error::deserialize(v).unwrap_or_else(|e| {
                problems.push(Location::Key("field_policy"), describe(&e));
                IndexMap::new()
            }),
        };

        let directory = Directory { corp_name, department, userlist, group, field_policy, extra: top };
        directory.check(&mut problems);
        problems.into_result(directory)
    }

    /// The directory [`Directory::from_value`] makes of the text before checking it, read
    /// without the JSON tree; `None` wherever `from_value` would report a problem (and in a few
    /// cases where it would not: a repeated key in a record, a `null` group list).
    fn read_directly(text: &str) -> Option<Directory> {
        let TopLevel { mut top, department, userlist, group } = serde_json::from_str(text).ok()?;
        // `from_value` takes the keys it knows out of the top-level map with `remove`, which
        // moves the map's last key into the gap (indexmap's `swap_remove`); taking the same keys
        // out in the same order leaves the unknown ones in the same order, and so the directory
        // writes back (and digests, see the etag in crate::visibility) the same.
        let corp_name = match top.remove("corp_name") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s,
            Some(_) => return None,
        };
        top.remove("department");
        top.remove("userlist");
        top.remove("group");
        let field_policy = match top.remove("field_policy") {
            None | Some(Value::Null) => IndexMap::new(),
            Some(v) => serde_json::from_value(v).ok()?,
        };
        Some(Directory {
            corp_name,
            department: department?,
            userlist: userlist?,
            group: group.unwrap_or_default(),
            field_policy,
            extra: top,
        })
    }

    /// Checks every rule of docs/directory-file.md that spans records or fields.
    pub fn validate(&self) -> Result<(), DirectoryError> {
        let mut problems = Problems::default();
        self.check(&mut problems);
        problems.into_result(())
    }

    /// Writes the directory as pretty-printed JSON, unknown keys included.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a directory always serialises: every map key is a string")
    }

    /// The root department (the organisation), if the directory has exactly one.
    pub fn root(&self) -> Option<&Department> {
        let mut roots = self.department.iter().filter(|d| d.parentid == ROOT_PARENT);
        let root = roots.next()?;
        roots.next().is_none().then_some(root)
    }

    /// Whether the field policy lets other members see `field`.
    pub fn field_visible(&self, field: PolicyField) -> bool {
        self.field_policy.get(field.key()).is_none_or(|rule| rule.visible)
    }

    fn check(&self, problems: &mut Problems) {
        let departments = self.check_departments(problems);
        let accounts = self.check_members(&departments, problems);
        self.check_department_references(&departments, &accounts, problems);
        self.check_groups(&accounts, problems);
        for key in self.field_policy.keys() {
            if PolicyField::from_key(key).is_none() {
                let known: Vec<_> = PolicyField::ALL.iter().map(|f| f.key()).collect();
                problems.push(
                    Location::Key("field_policy"),
                    format!("unknown field \"{key}\" (a policy can hide {})", known.join(", ")),
                );
            }
        }
    }

    /// Checks the department tree; returns the ids that exist.
    fn check_departments(&self, problems: &mut Problems) -> HashMap<DepartmentId, usize> {
        let mut index = HashMap::with_capacity(self.department.len());
        for (i, d) in self.department.iter().enumerate() {
            let at = || Location::department(i, d.id);
            if index.insert(d.id, i).is_some() {
                problems.push(at(), "the id is used by another department too".into());
            }
            if d.id == ROOT_PARENT {
                problems.push(at(), "0 is not a valid department id".into());
            }
            if let Err(why) = check_department_name(&d.name) {
                problems.push(at(), format!("name {why}"));
            }
        }
        let roots: Vec<_> = self.department.iter().filter(|d| d.parentid == ROOT_PARENT).collect();
        match roots.len() {
            0 if !self.department.is_empty() => problems
                .push(Location::Key("department"), "no department has parentid 0 (the organisation itself)".into()),
            0 => problems.push(Location::Key("department"), "the directory has no departments".into()),
            1 => {}
            _ => problems.push(
                Location::Key("department"),
                format!(
                    "{} departments have parentid 0 (ids {}); exactly one may be the organisation",
                    roots.len(),
                    roots.iter().map(|d| d.id.to_string()).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
        for (i, d) in self.department.iter().enumerate() {
            if d.parentid != ROOT_PARENT && !index.contains_key(&d.parentid) {
                problems
                    .push(Location::department(i, d.id), format!("parent department {} does not exist", d.parentid));
            }
        }
        // A cycle leaves its departments unreachable from the root.
        let mut children: HashMap<DepartmentId, Vec<DepartmentId>> = HashMap::new();
        for d in &self.department {
            if d.parentid != ROOT_PARENT {
                children.entry(d.parentid).or_default().push(d.id);
            }
        }
        let mut reached = HashSet::new();
        let mut stack: Vec<DepartmentId> = roots.iter().map(|d| d.id).collect();
        while let Some(id) = stack.pop() {
            if reached.insert(id) {
                stack.extend(children.get(&id).into_iter().flatten());
            }
        }
        for (i, d) in self.department.iter().enumerate() {
            if !reached.contains(&d.id) && index.contains_key(&d.parentid) {
                problems.push(
                    Location::department(i, d.id),
                    "its parent chain is a cycle that never reaches the organisation".into(),
                );
            }
        }
        index
    }

    /// Checks every member; returns the accounts that exist.
    fn check_members(
        &self,
        departments: &HashMap<DepartmentId, usize>,
        problems: &mut Problems,
    ) -> HashMap<&str, usize> {
        let mut accounts: HashMap<&str, usize> = HashMap::with_capacity(self.userlist.len());
        let mut mobiles: HashMap<String, usize> = HashMap::with_capacity(self.userlist.len());
        let mut emails: HashMap<String, usize> = HashMap::with_capacity(self.userlist.len());
        for (i, m) in self.userlist.iter().enumerate() {
            let at = || Location::member(i, &m.userid);
            if let Some(first) = accounts.insert(m.userid.as_str(), i) {
                problems.push(at(), format!("the account is also used by userlist[{first}]"));
            }
            for problem in member_field_problems(m) {
                problems.push(at(), problem.message);
            }
            let mut seen = HashSet::new();
            for &d in &m.department {
                if !departments.contains_key(&d) {
                    problems.push(at(), format!("department {d} does not exist"));
                }
                if !seen.insert(d) {
                    problems.push(at(), format!("department {d} is listed twice"));
                }
            }
            if let Some(mobile) = &m.mobile {
                if let Some(first) = mobiles.insert(phone_digits(mobile), i) {
                    problems.push(at(), format!("mobile {mobile} is also used by userlist[{first}]"));
                }
            }
            if let Some(email) = &m.email {
                if let Some(first) = emails.insert(email.to_lowercase(), i) {
                    problems.push(at(), format!("email {email} is also used by userlist[{first}]"));
                }
            }
        }
        for (i, m) in self.userlist.iter().enumerate() {
            if let Some(to) = &m.visible_to {
                check_visible_to(Location::member(i, &m.userid), to, departments, &accounts, problems);
            }
        }
        accounts
    }

    fn check_department_references(
        &self,
        departments: &HashMap<DepartmentId, usize>,
        accounts: &HashMap<&str, usize>,
        problems: &mut Problems,
    ) {
        for (i, d) in self.department.iter().enumerate() {
            let mut seen = HashSet::new();
            for leader in &d.department_leader {
                if !accounts.contains_key(leader.as_str()) {
                    problems.push(Location::department(i, d.id), format!("department_leader {leader} does not exist"));
                }
                if !seen.insert(leader) {
                    problems.push(Location::department(i, d.id), format!("department_leader {leader} is listed twice"));
                }
            }
            if let Some(to) = &d.visible_to {
                check_visible_to(Location::department(i, d.id), to, departments, accounts, problems);
            }
        }
    }

    fn check_groups(&self, accounts: &HashMap<&str, usize>, problems: &mut Problems) {
        let mut ids = HashSet::new();
        for (i, g) in self.group.iter().enumerate() {
            let at = || Location::Record { list: "group", index: i, label: Some(format!("id {}", g.id)) };
            if !ids.insert(g.id) {
                problems.push(at(), "the id is used by another group too".into());
            }
            if let Err(why) = check_display_text(&g.name, MAX_NAME_CHARS) {
                problems.push(at(), format!("name {why}"));
            }
            let mut seen = HashSet::new();
            for user in &g.userid {
                if !accounts.contains_key(user.as_str()) {
                    problems.push(at(), format!("member {user} does not exist"));
                }
                if !seen.insert(user) {
                    problems.push(at(), format!("member {user} is listed twice"));
                }
            }
        }
    }
}

/// Checks the `visible_to` list of the record `at`.
fn check_visible_to(
    at: Location,
    to: &VisibleTo,
    departments: &HashMap<DepartmentId, usize>,
    accounts: &HashMap<&str, usize>,
    problems: &mut Problems,
) {
    for user in &to.userid {
        if !accounts.contains_key(user.as_str()) {
            problems.push(at.clone(), format!("visible_to: member {user} does not exist"));
        }
    }
    for d in &to.department {
        if !departments.contains_key(d) {
            problems.push(at.clone(), format!("visible_to: department {d} does not exist"));
        }
    }
}

/// The top level of a directory file as [`Directory::read_directly`] reads it: the lists of
/// records typed, and every key in a map in the file's order, as the JSON tree has them (a
/// repeated key keeps its first place and its last value), the lists' keys holding `null`.
struct TopLevel {
    top: Map<String, Value>,
    department: Option<Vec<Department>>,
    userlist: Option<Vec<Member>>,
    group: Option<Vec<Group>>,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TopLevel;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a directory object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut out = TopLevel { top: Map::new(), department: None, userlist: None, group: None };
                while let Some(key) = map.next_key::<String>()? {
                    let value = match key.as_str() {
                        "department" => {
                            out.department = Some(map.next_value()?);
                            Value::Null
                        }
                        "userlist" => {
                            out.userlist = Some(map.next_value()?);
                            Value::Null
                        }
                        "group" => {
                            out.group = Some(map.next_value()?);
                            Value::Null
                        }
                        _ => map.next_value()?,
                    };
                    out.top.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Deserialises the array `key` of the top-level object record by record, so that each error
/// names its record. `label` picks a readable name for a record from its raw JSON.
fn records<T: serde::de::DeserializeOwned>(
    top: &mut Map<String, Value>,
    key: &'static str,
    required: bool,
    problems: &mut Problems,
    label: impl Fn(&Value) -> Option<String>,
) -> Vec<T> {
    let items = match top.remove(key) {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => {
            if required {
                problems.push(Location::Key(key), "missing (expected an array)".into());
            }
            return Vec::new();
        }
        Some(other) => {
            problems.push(Location::Key(key), format!("expected an array, found {}", json_kind(&other)));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = Location::Record { list: key, index: i, label: label(&item) };
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(record) => out.push(record),
            Err(e) => problems.push(at, describe(&e)),
        }
    }
    out
}

/// A deserialisation error as `path: what`, or only `what` when it is about the record as a whole.
pub(crate) fn describe(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    if path == "." {
        e.inner().to_string()
    } else {
        format!("{path}: {}", e.inner())
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One broken per-member rule: the directory-file keys of the fields at fault (one field, or the
/// three contact fields when none of them is given) and a sentence that finishes
/// `userlist[i] (account): …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The directory-file keys of the fields at fault.
    pub fields: &'static [&'static str],
    /// What is wrong, starting with the field: `mobile "12" must have between 3 and 20 digits`.
    pub message: String,
}

/// The seed's per-member field rules (docs/directory-file.md). The roster importer runs these same rules on
/// every row, and uses `fields` to point at the spreadsheet column at fault.
pub fn member_field_problems(m: &Member) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let mut push = |fields: &'static [&'static str], message: String| out.push(FieldProblem { fields, message });
    if let Err(why) = check_account(&m.userid) {
        push(&["userid"], format!("userid {why}"));
    }
    if let Err(why) = check_display_text(&m.name, MAX_NAME_CHARS) {
        push(&["name"], format!("name {why}"));
    }
    // An alias or a position may hold what a name may not (a card escapes a line break, and
    // drops control characters), but not without bound.
    for (field, value, max) in
        [(&["alias"], &m.alias, MAX_NAME_CHARS), (&["position"], &m.position, MAX_POSITION_CHARS)]
    {
        let chars = value.as_deref().map_or(0, |v| v.chars().count());
        if chars > max {
            push(field, format!("{} is {chars} characters long; at most {max} are allowed", field[0]));
        }
    }
    if m.extattr.len() > MAX_ATTRIBUTES {
        push(&["extattr"], format!("extattr has {} attributes; at most {MAX_ATTRIBUTES} are allowed", m.extattr.len()));
    }
    for (name, value) in &m.extattr {
        if let Err(why) = check_display_text(name, MAX_NAME_CHARS) {
            push(&["extattr"], format!("extattr name {why}"));
        } else if value.chars().count() > MAX_ATTRIBUTE_CHARS || value.chars().any(char::is_control) {
            push(
                &["extattr"],
                format!(
                    "extattr {name:?} is longer than {MAX_ATTRIBUTE_CHARS} characters or holds a control character"
                ),
            );
        }
    }
    if m.department.is_empty() {
        push(&["department"], "department is empty; a member is in at least one department".into());
    }
    if !m.order.is_empty() && m.order.len() != m.department.len() {
        push(
            &["order"],
            format!(
                "order has {} entries but department has {}; give one sort number per department",
                m.order.len(),
                m.department.len()
            ),
        );
    }
    if let Some(w) = &m.weixin_id {
        if let Err(why) = check_weixin_id(w) {
            push(&["weixin_id"], format!("weixin_id {w:?} {why}"));
        }
    }
    if let Some(mobile) = &m.mobile {
        if let Err(why) = check_phone(mobile) {
            push(&["mobile"], format!("mobile {mobile:?} {why}"));
        }
    }
    if let Some(tel) = &m.telephone {
        if let Err(why) = check_phone(tel) {
            push(&["telephone"], format!("telephone {tel:?} {why}"));
        }
    }
    if let Some(email) = &m.email {
        if !looks_like_email(email) {
            push(&["email"], format!("email {email:?} is not an address of the form name@domain"));
        }
    }
    if m.weixin_id.is_none() && m.mobile.is_none() && m.email.is_none() {
        push(
            &["weixin_id", "mobile", "email"],
            "has none of weixin_id, mobile, email; at least one is required".into(),
        );
    }
    for (field, value) in [(&["birthday"], &m.birthday), (&["hire_date"], &m.hire_date)] {
        if let Some(date) = value {
            if !is_iso_date(date) {
                push(field, format!("{} {date:?} is not a date of the form YYYY-MM-DD", field[0]));
            }
        }
    }
    out
}
/// The most characters a member's name or alias, a group's name or a custom attribute's name
/// may have.
pub const MAX_NAME_CHARS: usize = 64;
/// The most characters a position (职务) may have.
pub const MAX_POSITION_CHARS: usize = 128;
/// The most characters a custom attribute's value may have.
pub const MAX_ATTRIBUTE_CHARS: usize = 256;
/// The most custom attributes a member may have.
pub const MAX_ATTRIBUTES: usize = 64;

/// A name shown as a line of the page — of a member, a department, a group, a custom attribute:
/// at least one visible character, no control character (a NUL, a line break, a tab, an
/// escape), and at most `max` characters. The search derives keys from names that grow faster
/// than their length, so the limit is also what keeps a hostile one from costing megabytes. The
/// message finishes a sentence that starts with the field: `name is empty`.
pub fn check_display_text(text: &str, max: usize) -> Result<(), String> {
    let invisible = |c: char| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
    };
    if text.trim().is_empty() {
        return Err("is empty".into());
    }
    if text.chars().all(invisible) {
        return Err(format!("{text:?} has no visible character"));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(format!("holds the control character U+{:04X}", u32::from(c)));
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(format!("is {chars} characters long; at most {max} are allowed"));
    }
    Ok(())
}

/// 账号: letters, digits and `_ - . @`, starting with a letter or digit, at most 64 characters.
pub fn check_account(account: &str) -> Result<(), AccountError> {
    let first = account.chars().next().ok_or(AccountError::Empty)?;
    if !first.is_ascii_alphanumeric() {
        return Err(AccountError::BadStart { account: account.to_owned() });
    }
    if let Some(bad) = account.chars().find(|c| !(c.is_ascii_alphanumeric() || "_-.@".contains(*c))) {
        return Err(AccountError::BadCharacter { account: account.to_owned(), character: bad });
    }
    if account.len() > 64 {
        return Err(AccountError::TooLong { account: account.to_owned(), len: account.len() });
    }
    Ok(())
}

/// Why a string is not an account ([`check_account`]). The message finishes a sentence that
/// starts with the field's name: `userid "张三" contains '张'; …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The account is the empty string.
    #[error("is empty")]
    Empty,
    /// The first character is not a letter or digit.
    #[error("{account:?} must start with a letter or digit")]
    BadStart {
        /// The account refused.
        account: String,
    },
    /// A character outside letters, digits and `_ - . @`.
    #[error("{account:?} contains {character:?}; only letters, digits and _ - . @ are allowed")]
    BadCharacter {
        /// The account refused.
        account: String,
        /// Its first character that is not allowed.
        character: char,
    },
    /// Longer than 64 characters.
    #[error("{account:?} is {len} characters long; at most 64 are allowed")]
    TooLong {
        /// The account refused.
        account: String,
        /// Its length.
        len: usize,
    },
}

/// 微信号: letters, digits, `-` and `_`, and never all digits.
pub fn check_weixin_id(id: &str) -> Result<(), WeixinIdError> {
    if id.is_empty() {
        return Err(WeixinIdError::Empty);
    }
    if let Some(bad) = id.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        return Err(WeixinIdError::BadCharacter { character: bad });
    }
    if id.chars().all(|c| c.is_ascii_digit()) {
        return Err(WeixinIdError::AllDigits);
    }
    Ok(())
}

/// Why a string is not a WeChat id ([`check_weixin_id`]). The message finishes a sentence that
/// starts with the field and its value: `weixin_id "123" is all digits; …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeixinIdError {
    /// The id is the empty string.
    #[error("is empty")]
    Empty,
    /// A character other than a letter, a digit, `-` or `_`.
    #[error("may contain only letters, digits, - and _")]
    BadCharacter {
        /// The first character that is not allowed.
        character: char,
    },
    /// Only digits: that is a QQ number or a phone number, never a WeChat id.
    #[error("is all digits; a WeChat id never is")]
    AllDigits,
}

/// A phone number kept as text: digits with an optional leading `+`, spaces and hyphens.
pub fn check_phone(phone: &str) -> Result<(), PhoneError> {
    let body = phone.strip_prefix('+').unwrap_or(phone);
    if let Some(bad) = body.chars().find(|&c| !(c.is_ascii_digit() || c == '-' || c == ' ')) {
        return Err(PhoneError::BadCharacter { character: bad });
    }
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !(3..=20).contains(&digits) {
        return Err(PhoneError::DigitCount { digits });
    }
    Ok(())
}

/// Why a string is not a phone number ([`check_phone`]). The message finishes a sentence that
/// starts with the field and its value: `mobile "138-abc" may contain only digits, …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// A character other than a digit, a leading `+`, a space or a hyphen.
    #[error("may contain only digits, a leading +, spaces and hyphens")]
    BadCharacter {
        /// The first character that is not allowed.
        character: char,
    },
    /// Fewer than 3 or more than 20 digits.
    #[error("must have between 3 and 20 digits")]
    DigitCount {
        /// How many digits the number has.
        digits: usize,
    },
}

/// The same function the search index and the page use (one definition of "the same number").
pub use crate::text::normalize::phone_digits;

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn is_iso_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The display width the admin console limits department names by: a CJK (or any non-ASCII)
/// character counts as two, so 50 Latin or 25 Chinese characters fit.
pub fn name_width(name: &str) -> usize {
    name.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
/// Department names: non-empty, at most 50 Latin or 25 CJK characters.
pub fn check_department_name(name: &str) -> Result<(), DepartmentNameError> {
    if name.trim().is_empty() {
        return Err(DepartmentNameError::Empty);
    }
    if let Err(why) = check_display_text(name, usize::MAX) {
        return Err(DepartmentNameError::NotShown { name: name.to_owned(), why });
    }
    let width = name_width(name);
    if width > 50 {
        return Err(DepartmentNameError::TooLong { name: name.to_owned(), width });
    }
    Ok(())
}

/// Why a string is not a department name ([`check_department_name`]). The message finishes a
/// sentence that starts with what is named: `name "…" is too long (…)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentNameError {
    /// The name is empty or only spaces.
    #[error("is empty")]
    Empty,
    /// Nothing visible, or a control character ([`check_display_text`]).
    #[error("{why}")]
    NotShown {
        /// The name refused.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// Wider than 50 units ([`name_width`]).
    #[error("{name:?} is too long ({width} of at most 50 units; a CJK character counts as two)")]
    TooLong {
        /// The name refused.
        name: String,
        /// Its [`name_width`].
        width: usize,
    },
}

/// Everything wrong with a directory file, each problem naming its record and field.
///
/// Its `Display` is the first problem and how many more there are; `{:#}` lists them all, one a
/// line. (The one error type of the crate whose `Display` is written by hand: it is a list.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryError {
    /// Every problem found, in the order the file has the records.
    pub problems: Vec<DirectoryProblem>,
}

impl DirectoryError {
    /// An error of one problem.
    fn single(at: Location, message: String) -> DirectoryError {
        DirectoryError { problems: vec![DirectoryProblem { at, message }] }
    }
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            for (i, problem) in self.problems.iter().enumerate() {
                if i > 0 {
                    f.write_str("\n")?;
                }
                write!(f, "{problem}")?;
            }
            return Ok(());
        }
        let Some(first) = self.problems.first() else { return f.write_str("invalid directory") };
        match self.problems.len() {
            1 => write!(f, "{first}"),
            n => write!(f, "{first} (and {} more problem{})", n - 1, if n == 2 { "" } else { "s" }),
        }
    }
}

impl std::error::Error for DirectoryError {}

/// One thing wrong with a directory file: where, and what. Shown as
/// `userlist[17] (zhangsan001): department 42 does not exist`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryProblem {
    /// The record (or key) at fault.
    pub at: Location,
    /// What is wrong there, starting with the field when it is one field:
    /// `mobile: invalid type: integer …`, `department 42 does not exist`.
    pub message: String,
}

impl fmt::Display for DirectoryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Location::File => f.write_str(&self.message),
            at => write!(f, "{at}: {}", self.message),
        }
    }
}

/// Where in a directory file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (not JSON, not an object).
    File,
    /// A top-level key as a whole: `corp_name`, `department`, `field_policy`.
    Key(&'static str),
    /// One record of a top-level list: `userlist[17] (zhangsan001)`, `department[3] (id 7)`.
    Record {
        /// The list's key: `department`, `userlist` or `group`.
        list: &'static str,
        /// The record's 0-based position in the list.
        index: usize,
        /// What names the record, when it has it: the account, or `id 7`.
        label: Option<String>,
    },
}

impl Location {
    fn department(index: usize, id: DepartmentId) -> Location {
        Location::Record { list: "department", index, label: Some(format!("id {id}")) }
    }

    fn member(index: usize, userid: &str) -> Location {
        Location::Record { list: "userlist", index, label: Some(userid.to_owned()) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("the directory file"),
            Location::Key(key) => f.write_str(key),
            Location::Record { list, index, label: Some(label) } => write!(f, "{list}[{index}] ({label})"),
            Location::Record { list, index, label: None } => write!(f, "{list}[{index}]"),
        }
    }
}

#[derive(Default)]
struct Problems(Vec<DirectoryProblem>);

impl Problems {
    fn push(&mut self, at: Location, message: String) {
        self.0.push(DirectoryProblem { at, message });
    }

    fn into_result<T>(self, ok: T) -> Result<T, DirectoryError> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(DirectoryError { problems: self.0 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `from_json` reads well-formed files straight from the text; what it makes must be what the
    /// JSON tree gives, key order included (the directory etag digests the directory as written).
    #[test]
    fn reading_straight_from_the_text_gives_what_the_json_tree_gives() {
        let files = [
            // Unknown keys around and between the known ones, at the top and in records, some
            // nested, some repeated; numbers of every kind.
            r#"{"x_first": 1, "corp_name": "示例", "department": [{"id": 1, "name": "公司", "parentid": 0,
                "x_dept": {"b": 2, "a": [1, -2, 3.5]}}], "x_middle": null,
                "userlist": [{"x_u": "z", "userid": "a", "name": "甲", "department": [1], "mobile": "13800000001",
                  "x_v": 18446744073709551615, "x_w": -9223372036854775808, "x_u": "again", "extattr": {"k": "v", "j": "w"}}],
                "x_last": [true, false], "field_policy": {"mobile": {"visible": false}}, "x_end": "e"}"#,
            // Known keys in another order, no corp_name, no groups, a repeated top-level key.
            r#"{"userlist": [{"userid": "b", "name": "乙", "department": [2], "email": "b@example.com"}],
                "x": 1, "department": [{"id": 2, "name": "总部", "parentid": 0}], "y": 2, "x": 3,
                "group": [{"id": 7, "name": "群", "userid": ["b"], "x_g": 1}]}"#,
        ];
        for text in files {
            let direct = Directory::read_directly(text).expect("reads straight from the text");
            let mut tree = Directory::from_value(serde_json::from_str(text).unwrap()).unwrap();
            assert_eq!(direct.to_json_pretty(), tree.to_json_pretty(), "{text}");
            assert_eq!(direct, tree);
            tree = Directory::from_json(text).unwrap();
            assert_eq!(direct.to_json_pretty(), tree.to_json_pretty());
        }
    }

    /// What the straight read refuses, `from_json` reads the careful way: a repeated key in a
    /// record (the JSON tree keeps the last value), or a problem it then reports in full.
    #[test]
    fn what_the_straight_read_refuses_is_read_the_careful_way() {
        let repeated = r#"{"department": [{"id": 1, "name": "公司", "parentid": 0}],
            "userlist": [{"userid": "a", "name": "甲", "name": "乙", "department": [1], "mobile": "13800000001"}]}"#;
        assert!(Directory::read_directly(repeated).is_none());
        assert_eq!(Directory::from_json(repeated).unwrap().userlist[0].name, "乙");

        let wrong_type = r#"{"department": [{"id": 1, "name": "公司", "parentid": 0}],
            "userlist": [{"userid": "a", "name": 5, "department": [1], "mobile": "13800000001"}]}"#;
        assert!(Directory::read_directly(wrong_type).is_none());
        let e = Directory::from_json(wrong_type).unwrap_err().to_string();
        assert!(e.contains("userlist[0] (a)") && e.contains("name"), "{e}");
    }
}
