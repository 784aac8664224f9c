//! Property tests for the visibility rules (docs/visibility.md, the security core).
//!
//! The crate's [`Organisation::view`] is compared with a deliberately naive reference written
//! straight from the rules' wording: one question at a time ("is this department in that one's
//! subtree?", "is this department granted?", "is it blocked by a hidden ancestor?"), answered by
//! walking parent links recursively, with no preorder, no ranges, no caching. The two share only
//! the data model.
//!
//! The rules as tested (docs/visibility.md):
//!
//! - A department's permission is its own, else its nearest ancestor's, else `all`.
//! - A viewer's membership `m` grants: `all` → every department; `department` → the subtree of the
//!   department carrying the permission; `subdepartment` → the subtree of `m`. Union over `m`.
//! - A hidden department blocks its whole subtree, unless the viewer has a membership in its
//!   subtree, is named in its `visible_to.userid`, or has a membership in the subtree of a
//!   department named in its `visible_to.department`. Listed = granted and not blocked.
//! - The viewer always sees themself. Another member is visible iff not resigned, not hidden (or
//!   allowed by their `visible_to` as above), and in at least one listed department; their visible
//!   memberships are exactly the listed ones.
//! - Ancestors of listed departments that are not listed themselves are path labels.
//! - Headcount = distinct visible members with a visible membership in the subtree.
//!
//! Failing cases print the generated directory, one JSON record a line. Failure persistence is
//! off (no `proptest-regressions/` files are written); `PROPTEST_CASES` overrides the case counts.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

use tongxunlu::model::{Department, DepartmentId, Directory, Member, Permission, PolicyField, Status, VisibleTo};
use tongxunlu::visibility::{DepartmentRole, Organisation, View, ViewError};

/// An account no generated directory uses.
const UNKNOWN_VIEWER: &str = "nobody.unknown";

// ---------------------------------------------------------------------------------------------
// Generating directories
// ---------------------------------------------------------------------------------------------

/// Account prefixes; mixed case and punctuation so that byte order differs from index order.
const PREFIXES: [&str; 5] = ["u", "U", "a.", "z_", "m-"];

#[derive(Debug, Clone)]
struct RawVisibleTo {
    users: Vec<Index>,
    departments: Vec<Index>,
}

#[derive(Debug, Clone)]
struct RawDepartment {
    /// Sort keys that shuffle ids and file positions (ties broken by tree position), so that ids
    /// do not follow the tree and parents do not always come first in the file.
    id_key: u8,
    array_key: u8,
    /// Among the departments generated before this one (tree position), so the result is a tree.
    parent: Index,
    order: u32,
    permission: Option<Permission>,
    hidden: bool,
    visible_to: Option<RawVisibleTo>,
    leaders: Vec<Index>,
}

#[derive(Debug, Clone)]
struct RawMember {
    prefix: usize,
    departments: Vec<(Index, u32)>,
    with_order: bool,
    status: u8,
    hidden: bool,
    visible_to: Option<RawVisibleTo>,
}

#[derive(Debug, Clone)]
struct RawDirectory {
    /// In tree order: each department's parent comes before it. Ids and positions in the file's
    /// `department` array are shuffled by each department's `id_key` and `array_key`.
    departments: Vec<RawDepartment>,
    members: Vec<RawMember>,
    groups: Vec<Vec<Index>>,
    policy: Vec<(usize, bool)>,
}

fn raw_visible_to() -> impl Strategy<Value = RawVisibleTo> {
    (prop::collection::vec(any::<Index>(), 0..3), prop::collection::vec(any::<Index>(), 0..3))
        .prop_map(|(users, departments)| RawVisibleTo { users, departments })
}

fn permission() -> impl Strategy<Value = Option<Permission>> {
    prop_oneof![
        10 => Just(None),
        3 => Just(Some(Permission::All)),
        4 => Just(Some(Permission::Department)),
        3 => Just(Some(Permission::Subdepartment)),
    ]
}

fn raw_department() -> impl Strategy<Value = RawDepartment> {
    (
        (any::<u8>(), any::<u8>()),
        any::<Index>(),
        0u32..3,
        permission(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.4, raw_visible_to()),
        prop::collection::vec(any::<Index>(), 0..3),
    )
        .prop_map(|((id_key, array_key), parent, order, permission, hidden, visible_to, leaders)| RawDepartment {
            id_key,
            array_key,
            parent,
            order,
            permission,
            hidden,
            visible_to,
            leaders,
        })
}

fn status() -> impl Strategy<Value = u8> {
    prop_oneof![6 => Just(1u8), 1 => Just(2u8), 1 => Just(4u8), 2 => Just(5u8)]
}

fn raw_member() -> impl Strategy<Value = RawMember> {
    (
        0..PREFIXES.len(),
        prop::collection::vec((any::<Index>(), 0u32..5), 1..=3),
        prop::bool::weighted(0.8),
        status(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.4, raw_visible_to()),
    )
        .prop_map(|(prefix, departments, with_order, status, hidden, visible_to)| RawMember {
            prefix,
            departments,
            with_order,
            status,
            hidden,
            visible_to,
        })
}

/// Sizes are chosen by the collections themselves (no `prop_flat_map`), and every reference is an
/// [`Index`] resolved against the final lengths, so that shrinking can drop departments and members.
fn raw_directory() -> impl Strategy<Value = RawDirectory> {
    (
        prop::collection::vec(raw_department(), 1..=25),
        prop::collection::vec(raw_member(), 1..=40),
        prop::collection::vec(prop::collection::vec(any::<Index>(), 0..6), 0..4),
        prop::collection::vec((0..PolicyField::ALL.len(), any::<bool>()), 0..4),
    )
        .prop_map(|(departments, members, groups, policy)| RawDirectory { departments, members, groups, policy })
}

/// The rank of each element when sorted by (key, position): a permutation of 0..len.
fn ranks(keys: impl Iterator<Item = u8>) -> Vec<usize> {
    let mut by_key: Vec<(u8, usize)> = keys.enumerate().map(|(t, k)| (k, t)).collect();
    by_key.sort();
    let mut rank = vec![0; by_key.len()];
    for (r, &(_, t)) in by_key.iter().enumerate() {
        rank[t] = r;
    }
    rank
}

fn permission_name(p: Permission) -> &'static str {
    match p {
        Permission::All => "all",
        Permission::Department => "department",
        Permission::Subdepartment => "subdepartment",
    }
}

/// Turns the raw choices into a directory file and reads it with the crate's own reader.
fn build(raw: &RawDirectory) -> Directory {
    let nd = raw.departments.len();
    let nm = raw.members.len();
    let first_of_each = |accounts: &mut dyn Iterator<Item = String>| {
        let mut out: Vec<String> = Vec::new();
        for a in accounts {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    };
    let ids = ranks(raw.departments.iter().map(|d| d.id_key));
    let array_position = ranks(raw.departments.iter().map(|d| d.array_key));
    let id = |t: usize| ids[t] as DepartmentId + 1;
    let account = |i: usize| format!("{}{}", PREFIXES[raw.members[i].prefix], i);
    let visible_to = |v: &RawVisibleTo| {
        let users: Vec<String> = v.users.iter().map(|u| account(u.index(nm))).collect();
        let departments: Vec<DepartmentId> = v.departments.iter().map(|d| id(d.index(nd))).collect();
        json!({"userid": users, "department": departments})
    };

    let mut departments = vec![Value::Null; nd];
    for (t, d) in raw.departments.iter().enumerate() {
        let parentid = if t == 0 { 0 } else { id(d.parent.index(t)) };
        let mut obj = json!({"id": id(t), "name": format!("部门{}", id(t)), "parentid": parentid, "order": d.order});
        if let Some(p) = d.permission {
            obj["permission"] = json!(permission_name(p));
        }
        if d.hidden {
            obj["hidden"] = json!(true);
        }
        if let Some(v) = &d.visible_to {
            obj["visible_to"] = visible_to(v);
        }
        if !d.leaders.is_empty() {
            // The directory refuses an account listed twice, so keep the first of each.
            let leaders = first_of_each(&mut d.leaders.iter().map(|l| account(l.index(nm))));
            obj["department_leader"] = json!(leaders);
        }
        departments[array_position[t]] = obj;
    }

    let mut userlist = Vec::with_capacity(nm);
    for (i, m) in raw.members.iter().enumerate() {
        let mut ids = Vec::new();
        let mut orders = Vec::new();
        for (d, order) in &m.departments {
            let d = id(d.index(nd));
            if !ids.contains(&d) {
                ids.push(d);
                orders.push(*order);
            }
        }
        let mut obj = json!({
            "userid": account(i),
            "name": format!("成员{i}"),
            "department": ids,
            "mobile": format!("138{i:08}"),
            "status": m.status,
        });
        if m.with_order {
            obj["order"] = json!(orders);
        }
        if m.hidden {
            obj["hidden"] = json!(true);
        }
        if let Some(v) = &m.visible_to {
            obj["visible_to"] = visible_to(v);
        }
        userlist.push(obj);
    }

    let groups: Vec<Value> = raw
        .groups
        .iter()
        .enumerate()
        .map(|(g, members)| {
            let users = first_of_each(&mut members.iter().map(|u| account(u.index(nm))));
            json!({"id": g + 1, "name": format!("群组{}", g + 1), "userid": users})
        })
        .collect();

    let mut policy = serde_json::Map::new();
    for &(field, visible) in &raw.policy {
        policy.insert(PolicyField::ALL[field].key().to_owned(), json!({"visible": visible, "editable": true}));
    }

    let value = json!({
        "corp_name": "测试公司",
        "department": departments,
        "userlist": userlist,
        "group": groups,
        "field_policy": policy,
    });
    let dir = match Directory::from_value(value.clone()) {
        Ok(dir) => dir,
        Err(e) => panic!("the generator made an invalid directory:\n{e:#}\n{value:#}"),
    };
    dir.validate().expect("a directory read by from_value validates");
    dir
}

/// A generated directory whose Debug output is the directory file, one record a line.
#[derive(Clone)]
struct Case {
    dir: Directory,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = serde_json::to_value(&self.dir).map_err(|_| fmt::Error)?;
        writeln!(f, "directory {{")?;
        for key in ["department", "userlist", "group"] {
            if let Some(Value::Array(items)) = value.get(key) {
                writeln!(f, "  {key}:")?;
                for item in items {
                    writeln!(f, "    {item},")?;
                }
            }
        }
        if let Some(policy) = value.get("field_policy") {
            writeln!(f, "  field_policy: {policy}")?;
        }
        write!(f, "}}")
    }
}

fn directories() -> impl Strategy<Value = Case> {
    raw_directory().prop_map(|raw| Case { dir: build(&raw) })
}

/// A directory and the tree position of one of its departments (for the metamorphic test).
fn directory_and_department() -> impl Strategy<Value = (Case, Index)> {
    (directories(), any::<Index>())
}

fn config(debug_cases: u32, release_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { debug_cases } else { release_cases });
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// The reference: docs/visibility.md read literally, one slow question at a time
// ---------------------------------------------------------------------------------------------

struct Reference<'a> {
    dir: &'a Directory,
    department: HashMap<DepartmentId, &'a Department>,
    member: HashMap<&'a str, &'a Member>,
}

/// What a viewer sees, by ids and accounts (never positions), so both sides can be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    /// Visible accounts → their visible memberships (department id, sort number), in the
    /// member's own order.
    members: BTreeMap<String, Vec<(DepartmentId, u32)>>,
    listed: BTreeSet<DepartmentId>,
    labels: BTreeSet<DepartmentId>,
    /// Every view department → its parent's id (None for the topmost).
    parent: BTreeMap<DepartmentId, Option<DepartmentId>>,
    headcount: BTreeMap<DepartmentId, u32>,
    /// Listed departments → visible leaders, in the department's order. Labels: none.
    leaders: BTreeMap<DepartmentId, Vec<String>>,
    /// (group id, visible members in the group's order), groups in directory order.
    groups: Vec<(u32, Vec<String>)>,
    visible_fields: Vec<PolicyField>,
    /// The view departments in their expected order (preorder, siblings by (order, id)).
    order: Vec<DepartmentId>,
}

impl<'a> Reference<'a> {
    fn new(dir: &'a Directory) -> Reference<'a> {
        Reference {
            dir,
            department: dir.department.iter().map(|d| (d.id, d)).collect(),
            member: dir.userlist.iter().map(|m| (m.userid.as_str(), m)).collect(),
        }
    }

    fn parent_of(&self, d: DepartmentId) -> Option<DepartmentId> {
        match self.department[&d].parentid {
            0 => None,
            p => Some(p),
        }
    }

    /// Whether `d` is `root` or lies below it.
    fn in_subtree(&self, d: DepartmentId, root: DepartmentId) -> bool {
        d == root || self.parent_of(d).is_some_and(|p| self.in_subtree(p, root))
    }

    /// "A department without one inherits its nearest ancestor's; the root default is all."
    /// Returns the permission and the department that carries it.
    fn permission_of(&self, d: DepartmentId) -> (Permission, Option<DepartmentId>) {
        match self.department[&d].permission {
            Some(p) => (p, Some(d)),
            None => match self.parent_of(d) {
                Some(p) => self.permission_of(p),
                None => (Permission::All, None),
            },
        }
    }

    /// Whether one of the viewer's memberships grants department `d`.
    fn granted(&self, viewer: &Member, d: DepartmentId) -> bool {
        viewer.department.iter().any(|&m| match self.permission_of(m) {
            (Permission::All, _) => true,
            (Permission::Department, Some(carrier)) => self.in_subtree(d, carrier),
            (Permission::Department, None) => unreachable!("only the root default has no carrier"),
            (Permission::Subdepartment, _) => self.in_subtree(d, m),
        })
    }

    /// Whether a `visible_to` list lets the viewer in: named, or in a named department's subtree.
    fn allows(&self, visible_to: Option<&VisibleTo>, viewer: &Member) -> bool {
        let Some(to) = visible_to else { return false };
        to.userid.contains(&viewer.userid)
            || to.department.iter().any(|&named| viewer.department.iter().any(|&m| self.in_subtree(m, named)))
    }

    /// Whether department `h` itself is hidden from the viewer.
    fn hides(&self, h: DepartmentId, viewer: &Member) -> bool {
        let department = self.department[&h];
        department.hidden
            && !(viewer.department.iter().any(|&m| self.in_subtree(m, h))
                || self.allows(department.visible_to.as_ref(), viewer))
    }

    /// Whether `d` or any ancestor of it is hidden from the viewer.
    fn blocked(&self, d: DepartmentId, viewer: &Member) -> bool {
        self.hides(d, viewer) || self.parent_of(d).is_some_and(|p| self.blocked(p, viewer))
    }

    fn listed(&self, d: DepartmentId, viewer: &Member) -> bool {
        self.granted(viewer, d) && !self.blocked(d, viewer)
    }

    fn sort_number(member: &Member, d: DepartmentId) -> u32 {
        let i = member.department.iter().position(|&x| x == d).expect("a membership of the member");
        member.order.get(i).copied().unwrap_or(0)
    }

    /// The member's visible memberships, or None when the member is not visible at all.
    fn visible_memberships(&self, member: &Member, viewer: &Member) -> Option<Vec<(DepartmentId, u32)>> {
        let memberships: Vec<(DepartmentId, u32)> = member
            .department
            .iter()
            .filter(|&&d| self.listed(d, viewer))
            .map(|&d| (d, Self::sort_number(member, d)))
            .collect();
        if member.userid == viewer.userid {
            return Some(memberships);
        }
        if member.status == Status::Resigned {
            return None;
        }
        if member.hidden && !self.allows(member.visible_to.as_ref(), viewer) {
            return None;
        }
        if memberships.is_empty() {
            return None;
        }
        Some(memberships)
    }

    /// The included departments in preorder, siblings by (order, id).
    fn preorder(&self, d: DepartmentId, included: &BTreeSet<DepartmentId>, out: &mut Vec<DepartmentId>) {
        if included.contains(&d) {
            out.push(d);
        }
        let mut children: Vec<&Department> = self.dir.department.iter().filter(|c| c.parentid == d).collect();
        children.sort_by_key(|c| (c.order, c.id));
        for c in children {
            self.preorder(c.id, included, out);
        }
    }

    fn view(&self, account: &str) -> Result<Outcome, ViewError> {
        let Some(&viewer) = self.member.get(account) else {
            return Err(ViewError::UnknownViewer(account.to_owned()));
        };
        match viewer.status {
            Status::Resigned => return Err(ViewError::ResignedViewer(account.to_owned())),
            Status::Disabled => return Err(ViewError::DisabledViewer(account.to_owned())),
            Status::Active | Status::NotFollowed => {}
        }

        let mut members = BTreeMap::new();
        for member in &self.dir.userlist {
            if let Some(memberships) = self.visible_memberships(member, viewer) {
                members.insert(member.userid.clone(), memberships);
            }
        }

        let listed: BTreeSet<DepartmentId> =
            self.dir.department.iter().map(|d| d.id).filter(|&d| self.listed(d, viewer)).collect();
        let mut labels = BTreeSet::new();
        for &d in &listed {
            let mut at = self.parent_of(d);
            while let Some(a) = at {
                if !listed.contains(&a) {
                    labels.insert(a);
                }
                at = self.parent_of(a);
            }
        }
        let included: BTreeSet<DepartmentId> = listed.union(&labels).copied().collect();

        let parent = included.iter().map(|&d| (d, self.parent_of(d))).collect();
        let headcount = included
            .iter()
            .map(|&d| {
                let count = members
                    .values()
                    .filter(|memberships| memberships.iter().any(|&(m, _)| self.in_subtree(m, d)))
                    .count();
                (d, count as u32)
            })
            .collect();
        let leaders = listed
            .iter()
            .map(|&d| {
                let visible: Vec<String> = self.department[&d]
                    .department_leader
                    .iter()
                    .filter(|u| members.contains_key(u.as_str()))
                    .cloned()
                    .collect();
                (d, visible)
            })
            .collect();
        let groups = self
            .dir
            .group
            .iter()
            .filter_map(|g| {
                let visible: Vec<String> =
                    g.userid.iter().filter(|u| members.contains_key(u.as_str())).cloned().collect();
                (!visible.is_empty()).then_some((g.id, visible))
            })
            .collect();
        let visible_fields = PolicyField::ALL
            .into_iter()
            .filter(|f| self.dir.field_policy.get(f.key()).is_none_or(|rule| rule.visible))
            .collect();
        let root = self.dir.department.iter().find(|d| d.parentid == 0).expect("one root").id;
        let mut order = Vec::new();
        self.preorder(root, &included, &mut order);

        Ok(Outcome { members, listed, labels, parent, headcount, leaders, groups, visible_fields, order })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the crate's view
// ---------------------------------------------------------------------------------------------

/// Checks that every position in the view points where it should, that departments are in a
/// preorder (parent before child) and members sorted by account.
fn check_structure(dir: &Directory, view: &View, viewer: &str) -> Result<(), TestCaseError> {
    let nd = view.departments.len();
    let nm = view.members.len();
    let mut seen = HashSet::new();
    for (i, vd) in view.departments.iter().enumerate() {
        prop_assert!(vd.department < dir.department.len(), "viewer {}: department index out of range", viewer);
        prop_assert!(seen.insert(vd.department), "viewer {}: department {} listed twice", viewer, vd.department);
        let department = &dir.department[vd.department];
        match vd.parent {
            None => prop_assert!(
                i == 0 && department.parentid == 0,
                "viewer {}: view department {} has no parent",
                viewer,
                i
            ),
            Some(p) => {
                prop_assert!(
                    p < i,
                    "viewer {}: view department {} has parent position {} (not a preorder)",
                    viewer,
                    i,
                    p
                );
                prop_assert_eq!(dir.department[view.departments[p].department].id, department.parentid);
            }
        }
        if vd.role == DepartmentRole::PathLabel {
            prop_assert!(vd.leaders.is_empty(), "viewer {}: path label {} has leaders", viewer, department.id);
        }
        for &l in &vd.leaders {
            prop_assert!(l < nm, "viewer {}: leader position out of range", viewer);
        }
    }
    for pair in view.members.windows(2) {
        let (a, b) = (&dir.userlist[pair[0].member].userid, &dir.userlist[pair[1].member].userid);
        prop_assert!(a.as_bytes() < b.as_bytes(), "viewer {}: members not sorted by account: {} then {}", viewer, a, b);
    }
    for vm in &view.members {
        prop_assert!(vm.member < dir.userlist.len(), "viewer {}: member index out of range", viewer);
        for &(d, _) in &vm.memberships {
            prop_assert!(d < nd, "viewer {}: membership position out of range", viewer);
            prop_assert_eq!(
                view.departments[d].role,
                DepartmentRole::Listed,
                "viewer {}: membership in a label",
                viewer
            );
        }
    }
    for pair in view.groups.windows(2) {
        prop_assert!(pair[0].group < pair[1].group, "viewer {}: groups out of directory order", viewer);
    }
    for g in &view.groups {
        prop_assert!(g.group < dir.group.len(), "viewer {}: group index out of range", viewer);
        for &m in &g.members {
            prop_assert!(m < nm, "viewer {}: group member position out of range", viewer);
        }
    }
    Ok(())
}

/// The crate's view, by ids and accounts. Call after [`check_structure`].
fn observe(dir: &Directory, view: &View) -> Outcome {
    let dept_id = |pos: usize| dir.department[view.departments[pos].department].id;
    let account = |pos: usize| dir.userlist[view.members[pos].member].userid.clone();
    let mut outcome = Outcome {
        members: BTreeMap::new(),
        listed: BTreeSet::new(),
        labels: BTreeSet::new(),
        parent: BTreeMap::new(),
        headcount: BTreeMap::new(),
        leaders: BTreeMap::new(),
        groups: Vec::new(),
        visible_fields: view.visible_fields.clone(),
        order: Vec::new(),
    };
    for (pos, vm) in view.members.iter().enumerate() {
        let memberships = vm.memberships.iter().map(|&(d, order)| (dept_id(d), order)).collect();
        outcome.members.insert(account(pos), memberships);
    }
    for (pos, vd) in view.departments.iter().enumerate() {
        let id = dept_id(pos);
        outcome.order.push(id);
        match vd.role {
            DepartmentRole::Listed => {
                outcome.listed.insert(id);
                outcome.leaders.insert(id, vd.leaders.iter().map(|&l| account(l)).collect());
            }
            DepartmentRole::PathLabel => {
                outcome.labels.insert(id);
            }
        }
        outcome.parent.insert(id, vd.parent.map(dept_id));
        outcome.headcount.insert(id, vd.headcount);
    }
    for g in &view.groups {
        outcome.groups.push((dir.group[g.group].id, g.members.iter().map(|&m| account(m)).collect()));
    }
    outcome
}

fn viewers(dir: &Directory) -> Vec<String> {
    let mut viewers: Vec<String> = dir.userlist.iter().map(|m| m.userid.clone()).collect();
    viewers.push(UNKNOWN_VIEWER.to_owned());
    viewers
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn matches_reference(dir: &Directory) -> Result<(), TestCaseError> {
    let org = Organisation::new(dir);
    let reference = Reference::new(dir);
    for viewer in viewers(dir) {
        let viewer = viewer.as_str();
        match (reference.view(viewer), org.view(viewer)) {
            (Err(expected), Err(actual)) => prop_assert_eq!(expected, actual, "viewer {}", viewer),
            (Ok(expected), Ok(view)) => {
                check_structure(dir, &view, viewer)?;
                let actual = observe(dir, &view);
                prop_assert_eq!(
                    &actual.members,
                    &expected.members,
                    "viewer {}: visible members and memberships",
                    viewer
                );
                prop_assert_eq!(&actual.listed, &expected.listed, "viewer {}: listed departments", viewer);
                prop_assert_eq!(&actual.labels, &expected.labels, "viewer {}: path labels", viewer);
                prop_assert_eq!(&actual.parent, &expected.parent, "viewer {}: parents", viewer);
                prop_assert_eq!(&actual.order, &expected.order, "viewer {}: department order", viewer);
                prop_assert_eq!(&actual.headcount, &expected.headcount, "viewer {}: headcounts", viewer);
                prop_assert_eq!(&actual.leaders, &expected.leaders, "viewer {}: leaders", viewer);
                prop_assert_eq!(&actual.groups, &expected.groups, "viewer {}: groups", viewer);
                prop_assert_eq!(&actual.visible_fields, &expected.visible_fields, "viewer {}: visible fields", viewer);
            }
            (expected, actual) => {
                prop_assert!(false, "viewer {}: reference says {:?}, crate says {:?}", viewer, expected, actual)
            }
        }
    }
    Ok(())
}

/// Views of every viewer that may sign in, with their member record.
fn views<'d>(dir: &'d Directory, org: &Organisation<'d>) -> Vec<(&'d Member, View)> {
    dir.userlist
        .iter()
        .filter(|m| m.status.can_sign_in())
        .map(|m| (m, org.view(&m.userid).unwrap_or_else(|e| panic!("viewer {} refused: {e}", m.userid))))
        .collect()
}

/// Parent links by id, for the properties below (independent of the reference).
fn parents(dir: &Directory) -> HashMap<DepartmentId, DepartmentId> {
    dir.department.iter().map(|d| (d.id, d.parentid)).collect()
}

/// `d` and its ancestors, nearest first.
fn ancestors_or_self(parents: &HashMap<DepartmentId, DepartmentId>, d: DepartmentId) -> Vec<DepartmentId> {
    let mut out = vec![d];
    let mut at = d;
    while let Some(&p) = parents.get(&at) {
        if p == 0 {
            break;
        }
        out.push(p);
        at = p;
    }
    out
}

/// Whether a `visible_to` list names the viewer or a department above one of their memberships.
fn named_in(parents: &HashMap<DepartmentId, DepartmentId>, to: Option<&VisibleTo>, viewer: &Member) -> bool {
    let Some(to) = to else { return false };
    to.userid.contains(&viewer.userid)
        || viewer.department.iter().any(|&m| ancestors_or_self(parents, m).iter().any(|a| to.department.contains(a)))
}

/// (a) A viewer with a membership under an effective `all` sees every member that is neither
/// resigned nor hidden, in every one of that member's departments that no hidden department
/// lies above (or is).
fn all_is_everything(dir: &Directory) -> Result<(), TestCaseError> {
    let org = Organisation::new(dir);
    let reference = Reference::new(dir);
    let parents = parents(dir);
    let by_id: HashMap<DepartmentId, &Department> = dir.department.iter().map(|d| (d.id, d)).collect();
    let open = |d: DepartmentId| ancestors_or_self(&parents, d).iter().all(|a| !by_id[a].hidden);
    for (viewer, view) in views(dir, &org) {
        let sees_all = viewer.department.iter().any(|&m| {
            // The nearest permission at or above m.
            let nearest = ancestors_or_self(&parents, m).into_iter().find_map(|a| by_id[&a].permission);
            nearest.unwrap_or(Permission::All) == Permission::All
        });
        if !sees_all {
            continue;
        }
        // Cross-check with the reference's notion, so that the property is not vacuous.
        prop_assert!(viewer.department.iter().any(|&m| reference.permission_of(m).0 == Permission::All));
        let visible: HashMap<&str, Vec<DepartmentId>> = view
            .members
            .iter()
            .map(|vm| {
                let ids =
                    vm.memberships.iter().map(|&(d, _)| dir.department[view.departments[d].department].id).collect();
                (dir.userlist[vm.member].userid.as_str(), ids)
            })
            .collect();
        for member in &dir.userlist {
            if member.status == Status::Resigned || member.hidden {
                continue;
            }
            let open_departments: Vec<DepartmentId> = member.department.iter().copied().filter(|&d| open(d)).collect();
            if open_departments.is_empty() {
                continue;
            }
            let shown = visible.get(member.userid.as_str());
            prop_assert!(shown.is_some(), "viewer {} (all) does not see {}", viewer.userid, member.userid);
            let shown = shown.unwrap();
            for d in open_departments {
                prop_assert!(
                    shown.contains(&d),
                    "viewer {} (all) does not see {}'s membership in {}",
                    viewer.userid,
                    member.userid,
                    d
                );
            }
        }
    }
    Ok(())
}

/// (a') Monotonicity: setting one department's permission to `all` never takes anything away
/// from any viewer (members, memberships, listed departments).
fn all_is_monotone(dir: &Directory, department: Index) -> Result<(), TestCaseError> {
    let mut wider = dir.clone();
    let k = department.index(wider.department.len());
    wider.department[k].permission = Some(Permission::All);
    wider.validate().expect("changing a permission keeps the directory valid");
    let (before_org, after_org) = (Organisation::new(dir), Organisation::new(&wider));
    for viewer in dir.userlist.iter().filter(|m| m.status.can_sign_in()) {
        let before = observe(dir, &before_org.view(&viewer.userid).expect("viewer may sign in"));
        let after = observe(&wider, &after_org.view(&viewer.userid).expect("viewer may sign in"));
        for (account, memberships) in &before.members {
            let later = after.members.get(account);
            prop_assert!(
                later.is_some(),
                "viewer {}: {} disappears when department {} gets `all`",
                viewer.userid,
                account,
                wider.department[k].id
            );
            let later = later.unwrap();
            for m in memberships {
                prop_assert!(
                    later.contains(m),
                    "viewer {}: {}'s membership {:?} disappears",
                    viewer.userid,
                    account,
                    m
                );
            }
        }
        prop_assert!(
            before.listed.is_subset(&after.listed),
            "viewer {}: listed departments shrink when department {} gets `all`",
            viewer.userid,
            wider.department[k].id
        );
    }
    Ok(())
}

/// (b) No resigned member is ever visible (a resigned viewer is refused); (c) hidden members and
/// departments appear only to those their `visible_to` (or they themselves) let in.
fn privacy(dir: &Directory) -> Result<(), TestCaseError> {
    let org = Organisation::new(dir);
    let parents = parents(dir);
    let by_id: HashMap<DepartmentId, &Department> = dir.department.iter().map(|d| (d.id, d)).collect();
    for member in &dir.userlist {
        let result = org.view(&member.userid);
        match member.status {
            Status::Resigned => prop_assert_eq!(result, Err(ViewError::ResignedViewer(member.userid.clone()))),
            Status::Disabled => prop_assert_eq!(result, Err(ViewError::DisabledViewer(member.userid.clone()))),
            Status::Active | Status::NotFollowed => prop_assert!(result.is_ok()),
        }
    }
    prop_assert_eq!(org.view(UNKNOWN_VIEWER), Err(ViewError::UnknownViewer(UNKNOWN_VIEWER.to_owned())));

    for (viewer, view) in views(dir, &org) {
        for vm in &view.members {
            let member = &dir.userlist[vm.member];
            if member.userid == viewer.userid {
                continue;
            }
            prop_assert!(member.status != Status::Resigned, "viewer {} sees resigned {}", viewer.userid, member.userid);
            if member.hidden {
                prop_assert!(
                    named_in(&parents, member.visible_to.as_ref(), viewer),
                    "viewer {} sees hidden member {} without being in its visible_to",
                    viewer.userid,
                    member.userid
                );
            }
        }
        // Every department in the view (listed or label), and every membership shown, lies under
        // no hidden department that keeps this viewer out.
        for vd in &view.departments {
            let id = dir.department[vd.department].id;
            for a in ancestors_or_self(&parents, id) {
                let hidden = by_id[&a];
                if !hidden.hidden {
                    continue;
                }
                let inside = viewer.department.iter().any(|&m| ancestors_or_self(&parents, m).contains(&a));
                prop_assert!(
                    inside || named_in(&parents, hidden.visible_to.as_ref(), viewer),
                    "viewer {} is shown department {} below hidden department {}",
                    viewer.userid,
                    id,
                    a
                );
            }
        }
    }
    Ok(())
}

/// (d) The topmost view department is the root and counts every visible member; every visible
/// member has a visible membership; the viewer sees themself in every one of their departments.
fn headcount_of_top(dir: &Directory) -> Result<(), TestCaseError> {
    let org = Organisation::new(dir);
    for (viewer, view) in views(dir, &org) {
        prop_assert!(!view.departments.is_empty(), "viewer {}: empty view", viewer.userid);
        let top = &view.departments[0];
        prop_assert_eq!(
            dir.department[top.department].parentid,
            0,
            "viewer {}: topmost is not the root",
            &viewer.userid
        );
        prop_assert_eq!(top.headcount as usize, view.members.len(), "viewer {}: root headcount", &viewer.userid);
        for vm in &view.members {
            prop_assert!(
                !vm.memberships.is_empty(),
                "viewer {}: {} is visible without a visible membership",
                viewer.userid,
                dir.userlist[vm.member].userid
            );
        }
        let me = view.members.iter().find(|vm| dir.userlist[vm.member].userid == viewer.userid);
        prop_assert!(me.is_some(), "viewer {} does not see themself", viewer.userid);
        let mine: Vec<DepartmentId> =
            me.unwrap().memberships.iter().map(|&(d, _)| dir.department[view.departments[d].department].id).collect();
        prop_assert_eq!(&mine, &viewer.department, "viewer {}: own memberships", &viewer.userid);
        // Every count is bounded by the root's, and a child never counts more than its parent.
        for vd in &view.departments {
            if let Some(p) = vd.parent {
                prop_assert!(
                    vd.headcount <= view.departments[p].headcount,
                    "viewer {}: child outnumbers parent",
                    viewer.userid
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512, 2048))]

    #[test]
    fn crate_view_matches_reference(case in directories()) {
        matches_reference(&case.dir)?;
    }

    #[test]
    fn all_sees_every_open_member(case in directories()) {
        all_is_everything(&case.dir)?;
    }

    #[test]
    fn granting_all_never_hides_anything((case, department) in directory_and_department()) {
        all_is_monotone(&case.dir, department)?;
    }

    #[test]
    fn resigned_and_hidden_stay_private(case in directories()) {
        privacy(&case.dir)?;
    }

    #[test]
    fn top_headcount_counts_every_visible_member(case in directories()) {
        headcount_of_top(&case.dir)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The docs/visibility.md recipes, answered by hand, to keep the reference itself honest
// ---------------------------------------------------------------------------------------------

fn recipe_directory() -> Directory {
    Directory::from_value(json!({
        "department": [
            {"id": 1, "name": "公司", "parentid": 0},
            {"id": 2, "name": "高管", "parentid": 1, "permission": "all"},
            {"id": 3, "name": "销售部", "parentid": 1, "permission": "department"},
            {"id": 4, "name": "销售一组", "parentid": 3},
            {"id": 5, "name": "技术部", "parentid": 1, "permission": "subdepartment"},
            {"id": 6, "name": "前端组", "parentid": 5},
            {"id": 10, "name": "供应商", "parentid": 1, "permission": "subdepartment"},
            {"id": 11, "name": "供应商甲", "parentid": 10},
            {"id": 12, "name": "供应商乙", "parentid": 10},
            {"id": 20, "name": "教师组", "parentid": 1, "permission": "department"},
            {"id": 21, "name": "语文组", "parentid": 20},
            {"id": 22, "name": "数学组", "parentid": 20},
            {"id": 30, "name": "班级组", "parentid": 1, "permission": "subdepartment"},
            {"id": 31, "name": "一班", "parentid": 30},
            {"id": 32, "name": "二班", "parentid": 30},
            {"id": 40, "name": "董事会", "parentid": 2, "hidden": true, "visible_to": {"userid": ["sales1"]}}
        ],
        "userlist": [
            {"userid": "boss", "name": "老板", "department": [2], "mobile": "13800000001"},
            {"userid": "sales1", "name": "销售甲", "department": [3], "mobile": "13800000002"},
            {"userid": "sales2", "name": "销售乙", "department": [4], "mobile": "13800000003"},
            {"userid": "dev1", "name": "开发甲", "department": [5], "mobile": "13800000004"},
            {"userid": "fe1", "name": "前端甲", "department": [6], "mobile": "13800000005"},
            {"userid": "sup1", "name": "供应商甲", "department": [11], "mobile": "13800000006"},
            {"userid": "sup2", "name": "供应商乙", "department": [12], "mobile": "13800000007"},
            {"userid": "t1", "name": "语文老师", "department": [21], "mobile": "13800000008"},
            {"userid": "t2", "name": "数学老师", "department": [22], "mobile": "13800000009"},
            {"userid": "p1", "name": "一班家长", "department": [31], "mobile": "13800000010"},
            {"userid": "p2", "name": "二班家长", "department": [32], "mobile": "13800000011"},
            {"userid": "gone", "name": "离职", "department": [2], "mobile": "13800000012", "status": 5},
            {"userid": "off", "name": "停用", "department": [4], "mobile": "13800000013", "status": 2},
            {"userid": "ghost", "name": "隐身", "department": [4], "mobile": "13800000014", "hidden": true,
             "visible_to": {"department": [2]}},
            {"userid": "chair", "name": "董事长", "department": [40], "mobile": "13800000015"}
        ]
    }))
    .expect("the recipe directory is valid")
}

#[test]
fn recipes_hold_for_reference_and_crate() {
    let dir = recipe_directory();
    let reference = Reference::new(&dir);
    let org = Organisation::new(&dir);
    let expect = |viewer: &str, accounts: &[&str]| {
        let expected: BTreeSet<String> = accounts.iter().map(|a| a.to_string()).collect();
        let by_reference: BTreeSet<String> = reference.view(viewer).unwrap().members.into_keys().collect();
        assert_eq!(by_reference, expected, "reference, viewer {viewer}");
        let by_crate: BTreeSet<String> = observe(&dir, &org.view(viewer).unwrap()).members.into_keys().collect();
        assert_eq!(by_crate, expected, "crate, viewer {viewer}");
    };
    // Executives see everyone but the resigned, including the hidden member whose visible_to names
    // their department; the hidden board (40, below 2) does not name the boss, who is not inside
    // it, so the chair stays hidden from them.
    expect(
        "boss",
        &["boss", "sales1", "sales2", "dev1", "fe1", "sup1", "sup2", "t1", "t2", "p1", "p2", "off", "ghost"],
    );
    // Sales (department) see the whole sales subtree, not the executives; ghost is hidden from them.
    expect("sales2", &["sales1", "sales2", "off"]);
    // sales1 is named by the hidden board, but their permission does not grant it.
    expect("sales1", &["sales1", "sales2", "off"]);
    // Technology (subdepartment): dev1 sees 5's subtree, fe1 only 6's.
    expect("dev1", &["dev1", "fe1"]);
    expect("fe1", &["fe1"]);
    // Suppliers do not see one another.
    expect("sup1", &["sup1"]);
    expect("sup2", &["sup2"]);
    // Teachers see every teacher; classes keep to themselves.
    expect("t1", &["t1", "t2"]);
    expect("p1", &["p1"]);
    // The chair is inside the hidden board, inherits `all` from 2, and is inside 2's subtree, which
    // ghost's visible_to names.
    expect(
        "chair",
        &["boss", "sales1", "sales2", "dev1", "fe1", "sup1", "sup2", "t1", "t2", "p1", "p2", "off", "ghost", "chair"],
    );
    // The hidden member sees themself and their department's subtree.
    expect("ghost", &["sales1", "sales2", "off", "ghost"]);

    assert_eq!(reference.view("gone"), Err(ViewError::ResignedViewer("gone".into())));
    assert_eq!(reference.view("off"), Err(ViewError::DisabledViewer("off".into())));

    // Path labels: fe1 sees 6 under the label 5 under the label 1.
    let fe1 = reference.view("fe1").unwrap();
    assert_eq!(fe1.listed, BTreeSet::from([6]));
    assert_eq!(fe1.labels, BTreeSet::from([1, 5]));
    assert_eq!(fe1.order, vec![1, 5, 6]);
    assert_eq!(observe(&dir, &org.view("fe1").unwrap()), fe1);
}

#[test]
fn recipe_directory_matches_reference() {
    let dir = recipe_directory();
    if let Err(e) = matches_reference(&dir) {
        panic!("{e}");
    }
}
