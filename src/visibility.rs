//! What one viewer may see (通讯录权限, docs/visibility.md) — the security core.
//!
//! The browser never receives anything its viewer may not see, so the decision is made here,
//! on the server, before a snapshot is built. The rules:
//!
//! - A department may carry a [`Permission`]; one without inherits its nearest ancestor's, and
//!   the root's default is [`Permission::All`].
//! - Each of the viewer's memberships grants a part of the tree: `all` the whole directory,
//!   `department` the subtree of the department that *carries* the permission, `subdepartment`
//!   the subtree of the department the viewer is directly in. The viewer sees the union.
//! - A `hidden` department or member is removed for everyone outside its `visible_to` list (named
//!   accounts, or anyone with a membership inside a named department's subtree) and outside
//!   itself (a hidden department's own subtree; a hidden member's own account), whatever the
//!   permissions grant. A hidden department hides its whole subtree.
//! - A member is visible when one of their memberships lies in a visible department; only those
//!   memberships are kept. Resigned members are never visible; disabled ones are. The viewer
//!   always sees themself.
//! - Ancestors of visible departments that are not visible themselves become *path labels*: a
//!   name for the breadcrumb, no members, no other children.
//! - Fields the field policy hides are dropped for every member. That includes the viewer's own
//!   record: a snapshot then depends only on *what* is visible, not on *who* looks, so viewers
//!   with the same visible set share one snapshot (docs/snapshot.md).
//! - Headcounts count visible members only, each person once per subtree.
//!
//! [`Organisation`] indexes a directory once (department tree in preorder, accounts); its
//! [`Organisation::view`] then answers for one viewer in time linear in the directory.
//!
//! ```
//! use tongxunlu::model::Directory;
//! use tongxunlu::visibility::Organisation;
//!
//! let dir = Directory::from_json(r#"{
//!   "department": [
//!     {"id": 1, "name": "公司", "parentid": 0},
//!     {"id": 2, "name": "销售部", "parentid": 1, "permission": "subdepartment"},
//!     {"id": 3, "name": "技术部", "parentid": 1, "permission": "subdepartment"}
//!   ],
//!   "userlist": [
//!     {"userid": "a", "name": "甲", "department": [2], "mobile": "13800000001"},
//!     {"userid": "b", "name": "乙", "department": [3], "mobile": "13800000002"}
//!   ]
//! }"#)?;
//! let org = Organisation::new(&dir);
//! let view = org.view("a")?;
//! let names: Vec<_> = view.members.iter().map(|m| dir.userlist[m.member].name.as_str()).collect();
//! assert_eq!(names, ["甲"]); // 乙 is in another subtree
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{DepartmentId, Directory, Permission, PolicyField, Status, VisibleTo};

/// A directory indexed for answering visibility questions, built once and asked per viewer.
pub struct Organisation<'d> {
    directory: &'d Directory,
    /// Department indices (into `directory.department`) in preorder, siblings by (order, id).
    preorder: Vec<usize>,
    /// For each department index: its position in `preorder`, and the size of its subtree there,
    /// so that "is `x` in the subtree of `r`" is one range check.
    position: Vec<usize>,
    subtree_len: Vec<usize>,
    /// For each department index: its parent's index (None for the root).
    parent: Vec<Option<usize>>,
    department_by_id: HashMap<DepartmentId, usize>,
    member_by_account: HashMap<&'d str, usize>,
    /// Member indices sorted by account, the order views list members in.
    members_by_account: Vec<usize>,
    /// Each member's departments as department indices (ids that name no department left
    /// out), back to back: member `i`'s are `member_departments[starts[i]..starts[i + 1]]`.
    /// Looked up once here rather than in every view, which walks every member.
    member_departments: Vec<u32>,
    member_department_starts: Vec<u32>,
    etag: [u8; 8],
}

/// Why a snapshot cannot be made for a viewer; each carries the viewer's account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// No member has the account.
    #[error("viewer {0} is not a member of this directory")]
    UnknownViewer(String),
    /// The member has resigned (status 5).
    #[error("viewer {0} has resigned and may not see the directory")]
    ResignedViewer(String),
    /// The member is disabled (status 2).
    #[error("viewer {0} is disabled and cannot sign in")]
    DisabledViewer(String),
}

/// What one viewer may see, as indices into the [`Directory`] it was made from.
///
/// Positions *within the view* (`parent`, `memberships`, `leaders`, group `members`) point into
/// the view's own lists, which is what a snapshot stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Departments to list, in preorder: parents before children, siblings by sort number.
    pub departments: Vec<ViewDepartment>,
    /// Visible members, sorted by account.
    pub members: Vec<ViewMember>,
    /// Public groups with at least one visible member.
    pub groups: Vec<ViewGroup>,
    /// The fields other members may see; hidden ones are absent from every record.
    pub visible_fields: Vec<PolicyField>,
    /// An 8-byte digest of the whole directory, that changes whenever the directory does.
    pub directory_etag: [u8; 8],
}

/// One department of a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewDepartment {
    /// Index into `Directory::department`.
    pub department: usize,
    /// Position of the parent in `View::departments`; None for the topmost one.
    pub parent: Option<usize>,
    /// Listed with its members, or only a step of a breadcrumb.
    pub role: DepartmentRole,
    /// Visible members in the subtree, each counted once.
    pub headcount: u32,
    /// Positions in `View::members` of the department's visible heads (none for a label).
    pub leaders: Vec<usize>,
}

/// Whether a department is listed with its members, or only names a step of a breadcrumb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartmentRole {
    /// The viewer may see the department: it is listed, with its visible members.
    Listed,
    /// Only the ancestor of a listed department: a name in the breadcrumb, nothing more.
    PathLabel,
}

/// One member of a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewMember {
    /// Index into `Directory::userlist`.
    pub member: usize,
    /// `(position in View::departments, sort number there)` of each visible membership, in the
    /// member's own order.
    pub memberships: Vec<(usize, u32)>,
}

/// One public group of a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewGroup {
    /// Index into `Directory::group`.
    pub group: usize,
    /// Positions in `View::members`, in the group's own order.
    pub members: Vec<usize>,
}

impl<'d> Organisation<'d> {
    /// Indexes a directory. The directory must have passed [`Directory::validate`]; one that has
    /// not may give views that leave out unreachable departments.
    pub fn new(directory: &'d Directory) -> Organisation<'d> {
        let n = directory.department.len();
        let department_by_id: HashMap<DepartmentId, usize> =
            directory.department.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let parent: Vec<Option<usize>> =
            directory.department.iter().map(|d| department_by_id.get(&d.parentid).copied()).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        let sort_key = |&i: &usize| (directory.department[i].order, directory.department[i].id);
        roots.sort_by_key(sort_key);
        for c in &mut children {
            c.sort_by_key(sort_key);
        }

        let mut preorder = Vec::with_capacity(n);
        let mut position = vec![usize::MAX; n];
        let mut subtree_len = vec![0; n];
        // Iterative depth-first walk: (department, whether its children were pushed already).
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((d, expanded)) = stack.pop() {
            if expanded {
                subtree_len[d] = preorder.len() - position[d];
                continue;
            }
            if position[d] != usize::MAX {
                continue; // a cycle in an unvalidated directory; visit each department once
            }
            position[d] = preorder.len();
            preorder.push(d);
            stack.push((d, true));
            stack.extend(children[d].iter().rev().map(|&c| (c, false)));
        }

        let member_by_account = directory.userlist.iter().enumerate().map(|(i, m)| (m.userid.as_str(), i)).collect();
        let mut members_by_account: Vec<usize> = (0..directory.userlist.len()).collect();
        members_by_account.sort_by(|&a, &b| directory.userlist[a].userid.cmp(&directory.userlist[b].userid));
        let mut member_departments = Vec::new();
        let mut member_department_starts = vec![0u32];
        for member in &directory.userlist {
            member_departments
                .extend(member.department.iter().filter_map(|id| department_by_id.get(id)).map(|&d| d as u32));
            member_department_starts.push(member_departments.len() as u32);
        }
        let etag = etag(directory);
        Organisation {
            directory,
            preorder,
            position,
            subtree_len,
            parent,
            department_by_id,
            member_by_account,
            members_by_account,
            member_departments,
            member_department_starts,
            etag,
        }
    }

    /// The departments of member `i`, as indices.
    fn departments_of(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let range = self.member_department_starts[i] as usize..self.member_department_starts[i + 1] as usize;
        self.member_departments[range].iter().map(|&d| d as usize)
    }

    /// The directory the organisation was built from.
    pub fn directory(&self) -> &'d Directory {
        self.directory
    }

    /// Whether department `inner` lies in the subtree rooted at `root` (both indices).
    fn in_subtree(&self, inner: usize, root: usize) -> bool {
        let (p, r) = (self.position[inner], self.position[root]);
        p != usize::MAX && r != usize::MAX && p >= r && p < r + self.subtree_len[root]
    }

    /// The permission in force for a department, and the department that carries it.
    fn effective_permission(&self, department: usize) -> (Permission, Option<usize>) {
        let mut at = Some(department);
        while let Some(d) = at {
            if let Some(p) = self.directory.department[d].permission {
                return (p, Some(d));
            }
            at = self.parent[d];
        }
        (Permission::All, None)
    }

    /// What `viewer` may see. Unknown, resigned and disabled viewers are refused.
    pub fn view(&self, viewer: &str) -> Result<View, ViewError> {
        let directory = self.directory;
        let &viewer_index =
            self.member_by_account.get(viewer).ok_or_else(|| ViewError::UnknownViewer(viewer.to_owned()))?;
        let me = &directory.userlist[viewer_index];
        match me.status {
            Status::Resigned => return Err(ViewError::ResignedViewer(viewer.to_owned())),
            Status::Disabled => return Err(ViewError::DisabledViewer(viewer.to_owned())),
            Status::Active | Status::NotFollowed => {}
        }
        let my_departments: Vec<usize> =
            me.department.iter().filter_map(|id| self.department_by_id.get(id).copied()).collect();

        // The subtrees the viewer's memberships grant.
        let mut sees_all = false;
        let mut granted_roots = Vec::new();
        for &m in &my_departments {
            match self.effective_permission(m) {
                (Permission::All, _) => sees_all = true,
                (Permission::Department, carrier) => granted_roots.push(carrier.unwrap_or(m)),
                (Permission::Subdepartment, _) => granted_roots.push(m),
            }
        }

        // Walk the tree in preorder so that a parent's verdict is known before its children's.
        let n = directory.department.len();
        let mut blocked = vec![false; n];
        let mut listed = vec![false; n];
        for &d in &self.preorder {
            let department = &directory.department[d];
            let hidden_here = department.hidden
                && !(my_departments.iter().any(|&m| self.in_subtree(m, d))
                    || self.allowed_by(department.visible_to.as_ref(), viewer, &my_departments));
            blocked[d] = hidden_here || self.parent[d].is_some_and(|p| blocked[p]);
            let granted = sees_all || granted_roots.iter().any(|&r| self.in_subtree(d, r));
            listed[d] = granted && !blocked[d];
        }

        // Members, sorted by account, with their visible memberships.
        let mut visible_members: Vec<(usize, Vec<usize>)> = Vec::new();
        for &i in &self.members_by_account {
            let member = &directory.userlist[i];
            let is_me = i == viewer_index;
            // Most members of a large directory are in no department the viewer lists: that is
            // looked at first, and nothing is allocated for them.
            if !is_me {
                if member.status == Status::Resigned || !self.departments_of(i).any(|d| listed[d]) {
                    continue;
                }
                if member.hidden && !self.allowed_by(member.visible_to.as_ref(), viewer, &my_departments) {
                    continue;
                }
            }
            let memberships: Vec<usize> = self.departments_of(i).filter(|&d| listed[d]).collect();
            visible_members.push((i, memberships));
        }

        // Departments: listed ones and the ancestors they need as path labels, in preorder.
        let mut included = listed.clone();
        for (d, _) in listed.iter().enumerate().filter(|&(_, &is_listed)| is_listed) {
            let mut at = self.parent[d];
            while let Some(p) = at {
                if included[p] {
                    break;
                }
                included[p] = true;
                at = self.parent[p];
            }
        }
        let mut view_position = vec![usize::MAX; n];
        let mut departments = Vec::new();
        for &d in &self.preorder {
            if included[d] {
                view_position[d] = departments.len();
                departments.push(ViewDepartment {
                    department: d,
                    parent: self.parent[d].map(|p| view_position[p]),
                    role: if listed[d] { DepartmentRole::Listed } else { DepartmentRole::PathLabel },
                    headcount: 0,
                    leaders: Vec::new(),
                });
            }
        }

        // Headcounts: each member once in every department above any of their memberships.
        let mut counted_for = vec![usize::MAX; n];
        for (vm, (_, memberships)) in visible_members.iter().enumerate() {
            for &d in memberships {
                let mut at = Some(d);
                while let Some(a) = at {
                    if counted_for[a] == vm {
                        break; // this member already counted here and above
                    }
                    counted_for[a] = vm;
                    departments[view_position[a]].headcount += 1;
                    at = self.parent[a];
                }
            }
        }

        // Where each directory member is in the view, if visible; found by account through the
        // organisation's index rather than through a map of the view's own.
        let mut position_of_member = vec![usize::MAX; directory.userlist.len()];
        for (pos, (i, _)) in visible_members.iter().enumerate() {
            position_of_member[*i] = pos;
        }
        let member_position = |account: &String| {
            let &i = self.member_by_account.get(account.as_str())?;
            Some(position_of_member[i]).filter(|&pos| pos != usize::MAX)
        };
        for vd in &mut departments {
            if vd.role == DepartmentRole::Listed {
                vd.leaders =
                    directory.department[vd.department].department_leader.iter().filter_map(member_position).collect();
            }
        }

        let groups = directory
            .group
            .iter()
            .enumerate()
            .filter_map(|(g, group)| {
                let members: Vec<usize> = group.userid.iter().filter_map(member_position).collect();
                (!members.is_empty()).then_some(ViewGroup { group: g, members })
            })
            .collect();

        let members = visible_members
            .into_iter()
            .map(|(i, memberships)| {
                let member = &directory.userlist[i];
                let memberships = memberships
                    .into_iter()
                    .map(|d| (view_position[d], member.order_in(directory.department[d].id)))
                    .collect();
                ViewMember { member: i, memberships }
            })
            .collect();

        let visible_fields = PolicyField::ALL.into_iter().filter(|&f| directory.field_visible(f)).collect();
        Ok(View { departments, members, groups, visible_fields, directory_etag: self.etag })
    }

    /// Whether a `visible_to` list names the viewer or a department subtree the viewer is in.
    fn allowed_by(&self, visible_to: Option<&VisibleTo>, viewer: &str, my_departments: &[usize]) -> bool {
        let Some(to) = visible_to else { return false };
        to.userid.iter().any(|u| u == viewer)
            || to
                .department
                .iter()
                .filter_map(|id| self.department_by_id.get(id))
                .any(|&root| my_departments.iter().any(|&m| self.in_subtree(m, root)))
    }
}

/// An 8-byte digest of the whole directory: the start of the SHA-256 of its
/// [`Directory::to_json_pretty`]. The JSON is written straight into the hash (the same bytes,
/// by the same serializer) instead of into a string as large as the directory file, 100 MB at
/// 200,000 members.
fn etag(directory: &Directory) -> [u8; 8] {
    // Buffered: the serializer writes a few bytes at a time, and each hash update has a cost.
    let mut json = std::io::BufWriter::with_capacity(1 << 16, Sha256::new());
    serde_json::to_writer_pretty(&mut json, directory)
        .expect("a directory always serialises: every map key is a string");
    let digest = json.into_inner().map_err(|e| e.into_error()).expect("hashing cannot fail").finalize();
    let mut etag = [0; 8];
    etag.copy_from_slice(&digest[..8]);
    etag
}
