//! Exporting a directory, or one department's subtree, as the roster template.
//!
//! The export is written so that importing it back in update mode changes nothing, and so that
//! editing it and importing it back changes exactly what was edited:
//!
//! - the columns are [`super::template`]'s, in its order, then one column per custom attribute
//!   the exported members have (in the order first met);
//! - every cell is text, a department is its full path from the organisation's name down, and a
//!   member's 部门 cell lists **all** its departments — also those outside an exported subtree —
//!   because an update replaces a member's departments with the row's;
//! - members come department by department (the tree in sort order), each once, at its first
//!   department; resigned and hidden members are included, since the data is kept.
//!
//! What the template cannot say, export refuses instead of writing something that would not read
//! back: a department name containing a path separator (`->`, `;`, `；`), or two departments of
//! a member that share one full path.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::model::{DepartmentId, Directory, Member, ROOT_PARENT};

use super::sheet::clean;
use super::table::Table;
use super::template::{custom_name_needs_prefix, gender_word, status_word, Field, CUSTOM_PREFIX};
use super::{Format, RosterError};

/// The instruction line above an exported workbook's header.
const TEMPLATE_NOTE: &str = "填写说明：每行一名成员，账号为唯一标识。部门写完整路径，如 公司->销售中心->华东大区，\
多个部门用“;”分隔。手机、座机请保持文本格式。状态填 启用、禁用、未关注 或 离职。空白单元格在更新导入时保留原值。";

/// Writes the directory, or the subtree of `department`, as a roster file of `format`.
pub fn export(directory: &Directory, department: Option<DepartmentId>, format: Format) -> Result<Vec<u8>, RosterError> {
    table(directory, department)?.write(format)
}

/// The directory, or the subtree of `department`, as a roster table.
pub fn table(directory: &Directory, department: Option<DepartmentId>) -> Result<Table<'_>, RosterError> {
    let paths = Paths::new(directory);
    let members = members_in(directory, department)?;
    let mut customs: Vec<&str> = Vec::new();
    let mut known = HashSet::new();
    for m in &members {
        for key in m.extattr.keys() {
            if known.insert(key.as_str()) {
                customs.push(key);
            }
        }
    }
    let mut rows = Vec::with_capacity(members.len());
    for m in &members {
        let departments = m
            .department
            .iter()
            .map(|&d| paths.path(d))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| RosterError::DepartmentPath { userid: m.userid.clone(), source })?;
        rows.push(member_row(m, departments.join(";"), &customs));
    }
    Ok(Table { note: Some(TEMPLATE_NOTE.to_owned()), header: header(&customs), rows })
}

/// The template's header with these custom-attribute columns.
pub(crate) fn header(customs: &[&str]) -> Vec<String> {
    let custom_titles = customs.iter().map(|&name| {
        if custom_name_needs_prefix(name) {
            format!("{CUSTOM_PREFIX}{name}")
        } else {
            name.to_owned()
        }
    });
    Field::all().map(|f| f.header().to_owned()).chain(custom_titles).collect()
}

/// One member as a row under [`header`]`(customs)`; `departments` is the 部门 cell. The cells
/// borrow the member's text, so that a large export is not a second copy of the directory.
pub(crate) fn member_row<'m>(m: &'m Member, departments: String, customs: &[&str]) -> Vec<Cow<'m, str>> {
    let text = |value: &'m Option<String>| Cow::Borrowed(value.as_deref().unwrap_or_default());
    let mut departments = Some(departments);
    let fields = Field::all().map(|field| match field {
        Field::Name => Cow::Borrowed(m.name.as_str()),
        Field::Account => Cow::Borrowed(m.userid.as_str()),
        Field::Alias => text(&m.alias),
        Field::Position => text(&m.position),
        Field::Department => Cow::Owned(departments.take().unwrap_or_default()),
        Field::Gender => Cow::Borrowed(gender_word(m.gender)),
        Field::Mobile => text(&m.mobile),
        Field::Telephone => text(&m.telephone),
        Field::Email => text(&m.email),
        Field::WeixinId => text(&m.weixin_id),
        Field::Birthday => text(&m.birthday),
        Field::HireDate => text(&m.hire_date),
        Field::Status => Cow::Borrowed(status_word(m.status)),
    });
    let customs = customs.iter().map(|&name| Cow::Borrowed(m.extattr.get(name).map_or("", String::as_str)));
    fields.chain(customs).collect()
}

/// The members to export, department by department in tree order, each once.
fn members_in(directory: &Directory, top: Option<DepartmentId>) -> Result<Vec<&Member>, RosterError> {
    let mut children: HashMap<DepartmentId, Vec<(u32, DepartmentId)>> = HashMap::new();
    for d in &directory.department {
        children.entry(d.parentid).or_default().push((d.order, d.id));
    }
    let start = match top {
        Some(id) if directory.department.iter().any(|d| d.id == id) => id,
        Some(id) => return Err(RosterError::UnknownDepartment { id }),
        None => directory.root().map(|d| d.id).ok_or(RosterError::NoRoot)?,
    };
    let mut in_department: HashMap<DepartmentId, Vec<(u32, usize)>> = HashMap::new();
    for (i, m) in directory.userlist.iter().enumerate() {
        for &d in &m.department {
            in_department.entry(d).or_default().push((m.order_in(d), i));
        }
    }
    let mut out = Vec::new();
    let mut listed = vec![false; directory.userlist.len()];
    let mut stack = vec![start];
    while let Some(d) = stack.pop() {
        if let Some(members) = in_department.get_mut(&d) {
            members.sort_unstable();
            for &(_, i) in members.iter() {
                if !std::mem::replace(&mut listed[i], true) {
                    out.push(&directory.userlist[i]);
                }
            }
        }
        if let Some(kids) = children.get_mut(&d) {
            kids.sort_unstable();
            stack.extend(kids.iter().rev().map(|&(_, id)| id));
        }
    }
    Ok(out)
}

/// Department paths as the 部门 column writes them.
pub(crate) struct Paths<'a> {
    by_id: HashMap<DepartmentId, (&'a str, DepartmentId)>,
    /// Full paths that more than one department has.
    shared: HashSet<String>,
}

impl<'a> Paths<'a> {
    pub(crate) fn new(directory: &'a Directory) -> Paths<'a> {
        // Names as the import compares them: trimmed.
        let by_id = directory.department.iter().map(|d| (d.id, (clean(&d.name), d.parentid))).collect();
        let mut paths = Paths { by_id, shared: HashSet::new() };
        let mut seen = HashSet::new();
        for d in &directory.department {
            if let Ok(path) = paths.path(d.id) {
                if !seen.insert(path.clone()) {
                    paths.shared.insert(path);
                }
            }
        }
        paths
    }

    /// `公司->销售中心->华东大区`, or why department `id` cannot be written as a path.
    pub(crate) fn path(&self, id: DepartmentId) -> Result<String, DepartmentPathError> {
        let mut names = Vec::new();
        let mut at = id;
        while at != ROOT_PARENT {
            let &(name, parent) = self.by_id.get(&at).ok_or(DepartmentPathError::Unknown { id: at })?;
            if name.contains("->") || name.contains([';', '；']) {
                return Err(DepartmentPathError::Separator { id: at, name: name.to_owned() });
            }
            names.push(name);
            at = parent;
            if names.len() > self.by_id.len() {
                return Err(DepartmentPathError::Cycle { id });
            }
        }
        names.reverse();
        let path = names.join("->");
        if self.shared.contains(&path) {
            return Err(DepartmentPathError::Shared { id, path });
        }
        Ok(path)
    }
}

/// Why a department cannot be written in the 部门 column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentPathError {
    /// The department, or one of its ancestors, is not in the directory.
    #[error("department {id} does not exist")]
    Unknown {
        /// The id that is missing.
        id: DepartmentId,
    },
    /// A name on the path holds one of the column's separators.
    #[error(
        "department {id} ({name:?}) has ->, ; or ； in its name, which the 部门 column uses to \
         separate names; rename it to export"
    )]
    Separator {
        /// The department whose name it is.
        id: DepartmentId,
        /// The name.
        name: String,
    },
    /// The parent chain never reaches the organisation.
    #[error("department {id}'s parent chain is a cycle")]
    Cycle {
        /// The department whose path was asked for.
        id: DepartmentId,
    },
    /// Another department has the same full path, so the import could not tell them apart.
    #[error("department {id} has the same path as another department ({path}); rename one of them to export")]
    Shared {
        /// The department whose path was asked for.
        id: DepartmentId,
        /// The path they share.
        path: String,
    },
}
