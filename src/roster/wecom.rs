//! WeChat Work data in: the JSON that its contact API's `department/list` and `user/list` return,
//! so that a company already on WeChat Work starts from its own directory.
//!
//! The directory file's names follow that API (docs/directory-file.md), so most of a record carries over as
//! it is. What differs:
//!
//! - **`order`**: WeChat Work sorts larger first, the directory smaller first. Each department's
//!   children, and each department's members, are renumbered 1, 2, 3, … in WeChat Work's order
//!   (records with equal `order` keep the order they came in).
//! - **Empty strings**: WeChat Work returns `"mobile": ""` for a field the app may not read; an
//!   empty text field is absent, not an invalid value.
//! - **`extattr`**: WeChat Work's `{"attrs": [{"type": 0, "name": "工号", "text": {"value": …}}]}`.
//!   Text attributes become custom attributes; the others (web links, mini programs) are kept as
//!   they came under the member's `wecom_extattr` key.
//! - `status` has the same codes (1 active, 2 disabled, 4 not yet active, 5 resigned), and
//!   every key the directory does not know (`avatar`, `open_userid`, `main_department`,
//!   `address`, …) is kept with the record, as the directory file keeps unknown keys.
//!
//! The departments must form a valid tree, or nothing is imported. Each user is then admitted
//! by the rules every imported member passes ([`super::admit`]); a refused user is reported as
//! `users.json: userlist[3] (zhangsan): …` and written to the errors file as a template row, so it
//! can be fixed and imported with update. Several `user/list` responses may be given (one per
//! department fetched); a user they repeat with identical data is imported once. A department
//! leader who was not imported is left out of `department_leader`, with a note that says so.
//!
//! ```
//! use tongxunlu::roster::import_wecom;
//!
//! let departments = r#"{"errcode": 0, "errmsg": "ok", "department": [
//!     {"id": 1, "name": "示例公司", "parentid": 0, "order": 100000000},
//!     {"id": 2, "name": "研发部", "parentid": 1, "order": 100},
//!     {"id": 3, "name": "市场部", "parentid": 1, "order": 200}]}"#;
//! let users = r#"{"errcode": 0, "errmsg": "ok", "userlist": [
//!     {"userid": "zhangsan", "name": "张三", "department": [2], "order": [1], "mobile": "13800138000",
//!      "email": "", "status": 1, "avatar": "https://example.com/a.png"}]}"#;
//! let report = import_wecom(departments, &[("users.json", users)])?;
//! let dir = &report.directory;
//! // 市场部 (order 200) comes before 研发部 (order 100): larger first in WeChat Work.
//! assert_eq!((dir.department[2].name.as_str(), dir.department[2].order), ("市场部", 1));
//! assert_eq!(dir.userlist[0].email, None);
//! assert!(dir.userlist[0].extra.contains_key("avatar"));
//! # Ok::<(), tongxunlu::roster::RosterError>(())
//! ```

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::fields::TextField;
use crate::model::{describe, Department, DepartmentId, Directory, DirectoryError, DirectoryProblem, Location, Member};

use super::admit::Members;
use super::export::{header, member_row, Paths};
use super::report::{CellProblem, ImportReport, Organisation, Place, RowError};
use super::RosterError;

/// Imports WeChat Work's `department/list` response and one or more `user/list` responses, each
/// given as (a name for error messages, its JSON text).
pub fn import_wecom(department_list: &str, user_lists: &[(&str, &str)]) -> Result<ImportReport, RosterError> {
    let departments = read_departments(department_list)?;
    let known: HashSet<DepartmentId> = departments.iter().map(|d| d.id).collect();
    let mut users = Users::new();
    for &(name, text) in user_lists {
        let records = response(text, name, "userlist")?;
        for (i, record) in records.into_iter().enumerate() {
            users.add(name, i, record, &known);
        }
    }
    users.finish(departments)
}

/// The body of an API response: its array `key`, after checking `errcode`.
fn response(text: &str, name: &str, key: &'static str) -> Result<Vec<Value>, RosterError> {
    let value: Value =
        serde_json::from_str(text).map_err(|source| RosterError::WecomJson { file: name.to_owned(), source })?;
    let Value::Object(mut top) = value else {
        return Err(RosterError::WecomNotObject { file: name.to_owned() });
    };
    match top.get("errcode").and_then(Value::as_i64) {
        None | Some(0) => {}
        Some(errcode) => {
            let errmsg = top.get("errmsg").and_then(Value::as_str).unwrap_or("").to_owned();
            return Err(RosterError::WecomApi { file: name.to_owned(), errcode, errmsg });
        }
    }
    match top.remove(key) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(RosterError::WecomNoArray { file: name.to_owned(), key }),
    }
}

/// The departments of a `department/list` response, their `order` renumbered smaller first.
fn read_departments(text: &str) -> Result<Vec<Department>, RosterError> {
    let mut records = response(text, "department/list", "department")?;
    let key = |r: &Value, field: &str| r.get(field).and_then(Value::as_u64).unwrap_or(0);
    let ranks = larger_first(records.iter().enumerate().map(|(i, r)| (key(r, "parentid"), key(r, "order"), i)));
    let mut departments = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for (i, record) in records.iter_mut().enumerate() {
        if let Value::Object(fields) = record {
            fields.insert("order".into(), ranks[i].into());
        }
        let label = record.get("id").map(|id| format!("id {id}"));
        match serde_path_to_error::deserialize::<_, Department>(record.take()) {
            Ok(d) => departments.push(d),
            Err(e) => problems.push(DirectoryProblem {
                at: Location::Record { list: "department", index: i, label },
                message: describe(&e),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(RosterError::WecomDepartments(DirectoryError { problems }));
    }
    Ok(departments)
}

/// For each item `(group, order, index)`, its 1-based rank within its group, larger `order`
/// first and equal orders in index order; by index.
fn larger_first(items: impl Iterator<Item = (u64, u64, usize)>) -> Vec<u32> {
    let mut groups: HashMap<u64, Vec<(u64, usize)>> = HashMap::new();
    let mut count = 0;
    for (group, order, index) in items {
        groups.entry(group).or_default().push((order, index));
        count = count.max(index + 1);
    }
    let mut ranks = vec![0; count];
    for mut members in groups.into_values() {
        members.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (rank, (_, index)) in members.into_iter().enumerate() {
            ranks[index] = u32::try_from(rank + 1).unwrap_or(u32::MAX);
        }
    }
    ranks
}

/// The users read so far.
struct Users {
    members: Members,
    /// For each admitted member (by index), WeChat Work's `order` in each of its departments.
    orders: Vec<Vec<u64>>,
    /// Each userid's first record, to tell a repeat from a clash.
    first: HashMap<String, (String, Value)>,
    /// The text attribute names, in the order first met: the errors table's custom columns.
    customs: Vec<String>,
    rows_read: usize,
    repeats: usize,
    /// Refused users, with the member they would have been when they got that far.
    refused: Vec<(RowError, Option<Member>)>,
}

impl Users {
    fn new() -> Users {
        Users {
            members: Members::new(Vec::new()),
            orders: Vec::new(),
            first: HashMap::new(),
            customs: Vec::new(),
            rows_read: 0,
            repeats: 0,
            refused: Vec::new(),
        }
    }

    fn add(&mut self, file: &str, index: usize, record: Value, known: &HashSet<DepartmentId>) {
        self.rows_read += 1;
        let userid = record.get("userid").and_then(Value::as_str).unwrap_or("").to_owned();
        let place = Place::Record(format!("{file}: userlist[{index}] ({userid})"));
        let refuse = |users: &mut Users, problems: Vec<CellProblem>, member| {
            users.refused.push((RowError { place: place.clone(), problems, cells: Vec::new() }, member));
        };
        if let Some((where_first, first)) = self.first.get(&userid) {
            if *first == record {
                self.repeats += 1;
            } else {
                let reason = format!("userid {userid:?} is listed again with different data (first in {where_first})");
                refuse(self, vec![CellProblem { column: Some("userid".into()), reason }], None);
            }
            return;
        }
        self.first.insert(userid, (place.to_string(), record.clone()));
        let (member, orders) = match self.convert(record) {
            Ok(converted) => converted,
            Err(problem) => return refuse(self, vec![problem], None),
        };
        let mut problems: Vec<CellProblem> = self
            .members
            .problems(&member, None)
            .into_iter()
            .map(|p| CellProblem { column: Some(p.fields.join(", ")), reason: p.message })
            .collect();
        for d in member.department.iter().filter(|d| !known.contains(d)) {
            problems.push(CellProblem {
                column: Some("department".into()),
                reason: format!("department {d} is not in department/list"),
            });
        }
        if problems.is_empty() {
            self.members.insert(member);
            self.orders.push(orders);
        } else {
            refuse(self, problems, Some(member));
        }
    }

    /// A `user/list` record as a member, and its WeChat Work `order` per department.
    fn convert(&mut self, record: Value) -> Result<(Member, Vec<u64>), CellProblem> {
        let problem = |column: &str, reason: String| CellProblem { column: Some(column.into()), reason };
        let Value::Object(mut fields) = record else {
            return Err(CellProblem { column: None, reason: "expected a JSON object".into() });
        };
        let orders = match fields.remove("order") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(Value::as_u64)
                .collect::<Option<Vec<u64>>>()
                .ok_or_else(|| problem("order", "expected an array of whole numbers".into()))?,
            Some(_) => return Err(problem("order", "expected an array of whole numbers".into())),
        };
        for field in TextField::ALL {
            if fields.get(field.key()).and_then(Value::as_str) == Some("") {
                fields.remove(field.key());
            }
        }
        if let Some(Value::Object(extattr)) = fields.get("extattr") {
            if let Some(attrs) = extattr.get("attrs") {
                let (text, others) = self
                    .split_attributes(attrs)
                    .ok_or_else(|| problem("extattr", "attrs: expected an array".into()))?;
                fields.insert("extattr".into(), Value::Object(text));
                if !others.is_empty() {
                    fields.insert("wecom_extattr".into(), Value::Array(others));
                }
            }
        }
        let member: Member = serde_path_to_error::deserialize(Value::Object(fields))
            .map_err(|e| problem(&e.path().to_string(), e.inner().to_string()))?;
        Ok((member, orders))
    }

    /// WeChat Work's `extattr.attrs` as the text attributes (name → value) and the rest; `None`
    /// when it is not an array.
    fn split_attributes(&mut self, attrs: &Value) -> Option<(Map<String, Value>, Vec<Value>)> {
        let Value::Array(attrs) = attrs else { return None };
        let mut text = Map::new();
        let mut others = Vec::new();
        for attr in attrs {
            let name = attr.get("name").and_then(Value::as_str);
            let value = attr.get("text").and_then(|t| t.get("value")).and_then(Value::as_str);
            match (name, value) {
                (Some(name), Some(value)) if attr.get("type").and_then(Value::as_u64).unwrap_or(0) == 0 => {
                    if !self.customs.iter().any(|c| c == name) {
                        self.customs.push(name.to_owned());
                    }
                    text.insert(name.to_owned(), value.into());
                }
                _ => others.push(attr.clone()),
            }
        }
        Some((text, others))
    }

    fn finish(self, mut departments: Vec<Department>) -> Result<ImportReport, RosterError> {
        let mut members = self.members.into_list();
        renumber_member_orders(&mut members, &self.orders);
        let accounts: HashSet<&str> = members.iter().map(|m| m.userid.as_str()).collect();
        let mut notes = Vec::new();
        for d in &mut departments {
            let before = d.department_leader.len();
            d.department_leader.retain(|leader| accounts.contains(leader.as_str()));
            if d.department_leader.len() < before {
                notes.push(format!(
                    "department {} ({}): {} department leader(s) not imported, left out of department_leader",
                    d.id,
                    d.name,
                    before - d.department_leader.len()
                ));
            }
        }
        if self.repeats > 0 {
            notes.push(format!("{} user records repeated with identical data were imported once", self.repeats));
        }
        let root = departments.iter().find(|d| d.parentid == crate::model::ROOT_PARENT);
        let directory = Directory {
            corp_name: root.map(|d| d.name.clone()).unwrap_or_default(),
            department: departments,
            userlist: members,
            group: Vec::new(),
            field_policy: IndexMap::new(),
            extra: Map::new(),
        };
        // Every member was admitted, so what is left to fail is the department tree.
        directory.validate().map_err(RosterError::WecomDepartments)?;

        let customs: Vec<&str> = self.customs.iter().map(String::as_str).collect();
        let paths = Paths::new(&directory);
        let errors = self
            .refused
            .into_iter()
            .map(|(mut error, member)| {
                if let Some(m) = member {
                    let departments: Vec<String> =
                        m.department.iter().map(|&d| paths.path(d).unwrap_or_else(|_| d.to_string())).collect();
                    error.cells =
                        member_row(&m, departments.join(";"), &customs).into_iter().map(Cow::into_owned).collect();
                }
                error
            })
            .collect();
        Ok(ImportReport {
            source: "WeChat Work data".into(),
            rows_read: self.rows_read,
            imported: directory.userlist.len(),
            updated: 0,
            unchanged: 0,
            departments_created: directory.department.len(),
            organisation: Organisation::Existing,
            custom_columns: self.customs.clone(),
            notes,
            errors,
            error_columns: header(&customs),
            directory,
        })
    }
}

/// Sets each member's sort numbers: within each department, 1, 2, 3, … in WeChat Work's order
/// (larger first; members without one in the order they came).
fn renumber_member_orders(members: &mut [Member], orders: &[Vec<u64>]) {
    let items = members.iter().enumerate().flat_map(|(i, m)| {
        m.department.iter().enumerate().map(move |(k, &d)| (d, orders[i].get(k).copied().unwrap_or(0), i, k))
    });
    let mut seq: Vec<(DepartmentId, usize, usize)> = Vec::new();
    let ranks = larger_first(items.enumerate().map(|(n, (d, order, i, k))| {
        seq.push((d, i, k));
        (u64::from(d), order, n)
    }));
    for m in members.iter_mut() {
        m.order = vec![0; m.department.len()];
    }
    for ((_, i, k), rank) in seq.into_iter().zip(ranks) {
        members[i].order[k] = rank;
    }
}
