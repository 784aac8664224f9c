//! The records layer: the departments, members and public groups of a snapshot (the `META`,
//! `DEPT`, `MEMB` and `GRUP` sections), checked once when opened and decoded on demand.
//!
//! [`Records::open`] reads the record sections of an opened [`Container`] (see the module doc
//! of [`crate::snapshot`] for what it checks and what it trusts) and keeps only where each
//! record starts. The accessors decode a record when asked for it and borrow its strings from
//! the file's bytes. Nothing here knows of search: the index layer reads the records through
//! these accessors, and takes what it is checked against and built from out of [`Structure`].

use std::ops::Range;

use serde::Serialize;

use super::container::Container;
use super::format::*;
use crate::fields::{Gender, TextField};

#[cfg(feature = "builder")]
pub(crate) mod write;

/// The record sections of an opened snapshot, and the file they lie in.
pub(crate) struct Records {
    container: Container,
    corp_name: Range<usize>,
    departments: Table,
    members: Table,
    groups: Table,
}

/// What checking the records learnt of the organisation's shape and the records do not keep:
/// each department's parent position and whether it is a label, and each member's departments.
/// The search tables are checked against it and built from it when a snapshot is opened.
pub(crate) struct Structure {
    /// Parent position and whether it is a label, per department.
    pub(crate) departments: Vec<(Option<usize>, bool)>,
    pub(crate) memberships: Memberships,
}

/// The department positions of each member's memberships, in one array rather than a `Vec` per
/// member: member `m`'s are `departments[starts[m]..starts[m + 1]]`.
pub(crate) struct Memberships {
    starts: Vec<u32>,
    departments: Vec<u32>,
}

impl Memberships {
    fn with_capacity(members: usize) -> Memberships {
        let mut starts = Vec::with_capacity(members + 1);
        starts.push(0);
        Memberships { starts, departments: Vec::with_capacity(members) }
    }

    /// Adds a department of the member being read.
    fn push(&mut self, department: u32) {
        self.departments.push(department);
    }

    /// Ends the member being read: the next push is the next member's.
    fn end_member(&mut self) {
        self.starts.push(self.departments.len() as u32);
    }

    /// The department positions of member `member`.
    pub(crate) fn of(&self, member: usize) -> &[u32] {
        &self.departments[self.starts[member] as usize..self.starts[member + 1] as usize]
    }
}

/// Where the records of one record section lie: record `i`, its length prefix included, is
/// `bytes[starts[i]..starts[i + 1]]`.
struct Table {
    starts: Vec<u32>,
}

impl Table {
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The body of record `i`, without its length prefix.
    fn body<'b>(&self, bytes: &'b [u8], i: usize) -> &'b [u8] {
        let record = &bytes[self.starts[i] as usize..self.starts[i + 1] as usize];
        let mut r = Reader::new(record);
        let len = r.index().expect("record lengths are checked when opening");
        &record[record.len() - len..]
    }
}

/// One department, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentRecord<'s> {
    /// The department's id in the directory file.
    pub id: u32,
    /// The displayed name.
    pub name: &'s str,
    /// Position of the parent department in the snapshot; None for the topmost one.
    pub parent: Option<usize>,
    /// The sort number among its siblings (smaller first).
    pub order: u32,
    /// Only a step of a breadcrumb: the viewer sees its name, not its members or other children.
    pub is_label: bool,
    /// Visible members in the subtree, each counted once.
    pub headcount: u32,
    /// Member positions of the department's heads.
    pub leaders: Vec<usize>,
}

/// One member, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord<'s> {
    /// The account (userid), unique in the directory.
    pub userid: &'s str,
    /// The displayed name.
    pub name: &'s str,
    /// The gender; [`Gender::Unknown`] where it is not given or the viewer may not see it.
    pub gender: Gender,
    /// Still listed, but cannot sign in (directory status 2).
    pub disabled: bool,
    /// Follows the organisation's app (关注).
    pub followed: bool,
    /// Pinned (置顶): ranks before the others.
    pub pinned: bool,
    /// The text fields present, in [`TextField::ALL`] order.
    #[serde(skip)]
    pub fields: Vec<(TextField, &'s str)>,
    /// (department position, sort number in that department).
    pub departments: Vec<(usize, u32)>,
    /// The custom attributes the viewer may see, as (name, value) in directory order.
    pub extattr: Vec<(&'s str, &'s str)>,
}

impl<'s> MemberRecord<'s> {
    /// The value of a text field, if the snapshot holds it.
    pub fn text(&self, field: TextField) -> Option<&'s str> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, v)| *v)
    }
}

/// One public group, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRecord<'s> {
    /// The group's id in the directory file.
    pub id: u32,
    /// The displayed name.
    pub name: &'s str,
    /// Member positions.
    pub members: Vec<usize>,
}

impl Records {
    /// Reads and checks the record sections of `container`: the records, and what checking
    /// them learnt of the organisation's shape.
    pub(crate) fn open(container: Container) -> Result<(Records, Structure), SnapshotError> {
        let bytes = container.bytes();
        let meta = container.section(TAG_META, "META")?;
        let corp_name = {
            let mut r = Reader::new(&bytes[meta.clone()]);
            let name = r.str().map_err(|e| SnapshotError::in_record("META", 0, e))?;
            let start = meta.start + r.position() - name.len();
            start..start + name.len()
        };
        let departments = index_records(bytes, container.section(TAG_DEPARTMENTS, "DEPT")?, "DEPT")?;
        let members = index_records(bytes, container.section(TAG_MEMBERS, "MEMB")?, "MEMB")?;
        let groups = index_records(bytes, container.section(TAG_GROUPS, "GRUP")?, "GRUP")?;
        let records = Records { container, corp_name, departments, members, groups };
        let structure = records.check()?;
        Ok((records, structure))
    }

    /// The file the records lie in.
    pub(crate) fn container(&self) -> &Container {
        &self.container
    }

    /// The whole file.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.container.bytes()
    }

    /// The organisation's name (the `META` section).
    pub(crate) fn corp_name(&self) -> &str {
        std::str::from_utf8(&self.bytes()[self.corp_name.clone()]).unwrap_or_default()
    }

    /// How many departments the snapshot holds, breadcrumb labels included.
    pub(crate) fn department_count(&self) -> usize {
        self.departments.len()
    }

    /// How many members the snapshot holds.
    pub(crate) fn member_count(&self) -> usize {
        self.members.len()
    }

    /// How many public groups the snapshot holds.
    pub(crate) fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The department at `position` (0 ≤ position < [`Self::department_count`]).
    pub(crate) fn department(&self, position: usize) -> DepartmentRecord<'_> {
        decode_department(self.departments.body(self.bytes(), position)).expect("records are checked when opening")
    }

    /// The member at `position` (0 ≤ position < [`Self::member_count`]).
    pub(crate) fn member(&self, position: usize) -> MemberRecord<'_> {
        decode_member(self.members.body(self.bytes(), position)).expect("records are checked when opening")
    }

    /// Only the name of the member at `position`: cheaper than [`Self::member`] where many
    /// candidates are looked at and few kept.
    pub(crate) fn member_name(&self, position: usize) -> &str {
        let mut r = Reader::new(self.members.body(self.bytes(), position));
        stored_text(r.str_bytes().and_then(|_userid| r.str_bytes()).expect("records are checked when opening"))
    }

    /// Only one text field of the member at `position`: [`Self::member`] without allocating.
    pub(crate) fn member_text(&self, position: usize, wanted: TextField) -> Option<&str> {
        let mut found = None;
        let body = self.members.body(self.bytes(), position);
        let read = read_member_dyn(
            body,
            &mut |field, value| found = found.or((field == wanted).then_some(value)),
            &mut |_, _| {},
            &mut |_, _| {},
        );
        read.expect("records are checked when opening");
        found.map(stored_text)
    }

    /// The group at `position` (0 ≤ position < [`Self::group_count`]).
    pub(crate) fn group(&self, position: usize) -> GroupRecord<'_> {
        decode_group(self.groups.body(self.bytes(), position)).expect("records are checked when opening")
    }

    /// Calls `f` with each text field of the member at `position`, and answers the account:
    /// one decoding of the record for what the derived lookups of search read.
    pub(crate) fn each_member_text<'s>(&'s self, position: usize, mut f: impl FnMut(TextField, &'s str)) -> &'s str {
        let body = self.members.body(self.bytes(), position);
        let head =
            read_member_dyn(body, &mut |field, value| f(field, stored_text(value)), &mut |_, _| {}, &mut |_, _| {});
        stored_text(head.expect("records are checked when opening").userid)
    }

    /// Only the account of the member at `position`.
    pub(crate) fn member_account(&self, position: usize) -> &str {
        stored_text(
            Reader::new(self.members.body(self.bytes(), position))
                .str_bytes()
                .expect("records are checked when opening"),
        )
    }

    /// Checks every record once, so that the accessors above cannot fail later, and answers
    /// what that learnt of the organisation's shape.
    fn check(&self) -> Result<Structure, SnapshotError> {
        let (departments, members) = (self.department_count(), self.member_count());
        let bytes = self.bytes();
        let member_ref = |m: usize, section, i| {
            if m < members {
                Ok(())
            } else {
                Err(SnapshotError::in_record(section, i, Malformed::MemberOutOfRange))
            }
        };
        let mut tree = Vec::with_capacity(departments);
        for i in 0..departments {
            let d = decode_department(self.departments.body(bytes, i))
                .map_err(|e| SnapshotError::in_record("DEPT", i, e))?;
            if d.parent.is_some_and(|p| p >= i) {
                return Err(SnapshotError::in_record("DEPT", i, Malformed::ParentAfterChild));
            }
            d.leaders.iter().try_for_each(|&m| member_ref(m, "DEPT", i))?;
            tree.push((d.parent, d.is_label));
        }
        // Members are most of the file: read without building a record, keeping only where
        // each one belongs.
        let mut memberships = Memberships::with_capacity(members);
        for i in 0..members {
            let mut out_of_range = false;
            let body = self.members.body(bytes, i);
            let mut membership = |d: usize, _| {
                if d < departments {
                    memberships.push(d as u32);
                } else {
                    out_of_range = true;
                }
            };
            read_member(body, &mut |_, _| {}, &mut membership, &mut |_, _| {})
                .map_err(|e| SnapshotError::in_record("MEMB", i, e))?;
            if out_of_range {
                return Err(SnapshotError::in_record("MEMB", i, Malformed::DepartmentOutOfRange));
            }
            memberships.end_member();
        }
        for i in 0..self.group_count() {
            let g = decode_group(self.groups.body(bytes, i)).map_err(|e| SnapshotError::in_record("GRUP", i, e))?;
            g.members.iter().try_for_each(|&m| member_ref(m, "GRUP", i))?;
        }
        Ok(Structure { departments: tree, memberships })
    }
}

/// Finds where each record of a record section starts.
fn index_records(bytes: &[u8], section: Range<usize>, name: &'static str) -> Result<Table, SnapshotError> {
    Ok(Table { starts: record_starts(bytes, section, name)? })
}

fn decode_department(body: &[u8]) -> Result<DepartmentRecord<'_>, Malformed> {
    let mut r = Reader::new(body);
    let id = r.uint()?.try_into().map_err(|_| Malformed::DepartmentIdOutOfRange)?;
    let name = r.str()?;
    let parent = r.index()?.checked_sub(1);
    let order = r.uint()?.try_into().map_err(|_| Malformed::SortNumberOutOfRange)?;
    let flags = r.byte()?;
    if flags & !DEPARTMENT_IS_LABEL != 0 {
        return Err(Malformed::UnknownDepartmentFlags);
    }
    let headcount = r.uint()?.try_into().map_err(|_| Malformed::HeadcountOutOfRange)?;
    let leaders = (0..r.count()?).map(|_| r.index()).collect::<Result<_, _>>()?;
    finish(&r)?;
    Ok(DepartmentRecord { id, name, parent, order, is_label: flags & DEPARTMENT_IS_LABEL != 0, headcount, leaders })
}

fn decode_member(body: &[u8]) -> Result<MemberRecord<'_>, Malformed> {
    let (mut fields, mut departments, mut extattr) = (Vec::new(), Vec::new(), Vec::new());
    let head = read_member_dyn(
        body,
        &mut |field, value| fields.push((field, stored_text(value))),
        &mut |department, order| departments.push((department, order)),
        &mut |name, value| extattr.push((stored_text(name), stored_text(value))),
    )?;
    Ok(MemberRecord {
        userid: stored_text(head.userid),
        name: stored_text(head.name),
        gender: head.gender,
        disabled: head.flags & MEMBER_DISABLED != 0,
        followed: head.flags & MEMBER_FOLLOWED != 0,
        pinned: head.flags & MEMBER_PINNED != 0,
        fields,
        departments,
        extattr,
    })
}

/// What a member record holds besides its lists; the texts as stored (see [`stored_text`]).
struct MemberHead<'s> {
    userid: &'s [u8],
    name: &'s [u8],
    flags: u8,
    gender: Gender,
}

/// A text of a member record, as read. Unlike every other string of a snapshot, these are not
/// checked to be UTF-8 when it is opened but here, when one is read: they are most of the file,
/// and checking each one took a fifth of opening a large directory in the browser, to look at
/// texts of which a session shows a few hundred. One that is not UTF-8 — which only a buggy or
/// hostile writer can produce behind a matching checksum — reads as U+FFFD.
fn stored_text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("\u{FFFD}")
}

/// Reads and checks a member record, handing each item of its lists to a callback: the text
/// fields, the memberships as (department position, sort number), the custom attributes. The
/// one reading of the layout, shared by the accessors, which keep what they ask for, and the
/// opener, which keeps the memberships alone and so allocates nothing per member.
///
/// Two copies of it are compiled: the opener's, whose callbacks are inlined (it reads every
/// member, and calling a `dyn` callback per field was a third of its time), and
/// [`read_member_dyn`], the one every accessor shares, which the browser build's size counts.
fn read_member<'s, Field, Membership, Attribute>(
    body: &'s [u8],
    field: &mut Field,
    membership: &mut Membership,
    attribute: &mut Attribute,
) -> Result<MemberHead<'s>, Malformed>
where
    Field: FnMut(TextField, &'s [u8]) + ?Sized,
    Membership: FnMut(usize, u32) + ?Sized,
    Attribute: FnMut(&'s [u8], &'s [u8]) + ?Sized,
{
    let mut r = Reader::new(body);
    let userid = r.str_bytes()?;
    let name = r.str_bytes()?;
    let flags = r.byte()?;
    if flags & !MEMBER_KNOWN_FLAGS != 0 {
        return Err(Malformed::UnknownMemberFlags);
    }
    let gender = Gender::from_code(flags >> MEMBER_GENDER_SHIFT).ok_or(Malformed::UnknownGender)?;
    let mask = r.byte()?;
    for f in TextField::ALL {
        if mask & f.bit() != 0 {
            field(f, r.str_bytes()?);
        }
    }
    for _ in 0..r.count()? {
        let department = r.index()?;
        membership(department, r.uint()?.try_into().map_err(|_| Malformed::SortNumberOutOfRange)?);
    }
    for _ in 0..r.count()? {
        attribute(r.str_bytes()?, r.str_bytes()?);
    }
    finish(&r)?;
    Ok(MemberHead { userid, name, flags, gender })
}

/// [`read_member`] with `dyn` callbacks: the copy the accessors share.
fn read_member_dyn<'s>(
    body: &'s [u8],
    field: &mut dyn FnMut(TextField, &'s [u8]),
    membership: &mut dyn FnMut(usize, u32),
    attribute: &mut dyn FnMut(&'s [u8], &'s [u8]),
) -> Result<MemberHead<'s>, Malformed> {
    read_member(body, field, membership, attribute)
}

fn decode_group(body: &[u8]) -> Result<GroupRecord<'_>, Malformed> {
    let mut r = Reader::new(body);
    let id = r.uint()?.try_into().map_err(|_| Malformed::GroupIdOutOfRange)?;
    let name = r.str()?;
    let members = (0..r.count()?).map(|_| r.index()).collect::<Result<_, _>>()?;
    finish(&r)?;
    Ok(GroupRecord { id, name, members })
}

/// A record must be used up exactly; leftover bytes mean the writer and reader disagree.
fn finish(r: &Reader<'_>) -> Result<(), Malformed> {
    if r.is_empty() {
        Ok(())
    } else {
        Err(Malformed::LeftOver)
    }
}
