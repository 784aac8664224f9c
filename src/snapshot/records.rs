//! The records layer: the departments, members and public groups of a snapshot (the `META`,
//! `DEPT`, `MEMB` and `GRUP` sections), checked once when opened and decoded on demand.
//!
//! [`Records::open`] reads the record sections of an opened [`Container`] (see the module doc
//! of [`crate::snapshot`] for what it checks and what it trusts) and keeps only where each
//! record starts. The accessors decode a record when asked for it and borrow its strings from
//! the file's bytes. Nothing here knows of search: the index layer reads the records through
//! these accessors, and takes what it is checked against and built from out of [`Structure`].

use std::borrow::Cow;
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
    email_domain: Range<usize>,
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
    /// The text fields present, in [`TextField::ALL`] order. Borrowed from the file but for an
    /// e-mail address stored as the account at the snapshot's domain.
    #[serde(skip)]
    pub fields: Vec<(TextField, Cow<'s, str>)>,
    /// (department position, sort number in that department).
    pub departments: Vec<(usize, u32)>,
    /// The custom attributes the viewer may see, as (name, value) in directory order.
    pub extattr: Vec<(&'s str, &'s str)>,
}

impl<'s> MemberRecord<'s> {
    /// The value of a text field, if the snapshot holds it.
    pub fn text(&self, field: TextField) -> Option<&str> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_ref())
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
        let (corp_name, email_domain) = {
            let mut r = Reader::new(&bytes[meta.clone()]);
            let mut string = || {
                let text = r.str().map_err(|e| SnapshotError::in_record("META", 0, e))?;
                let end = meta.start + r.position();
                Ok::<_, SnapshotError>(end - text.len()..end)
            };
            (string()?, string()?)
        };
        let departments = index_records(bytes, container.section(TAG_DEPARTMENTS, "DEPT")?, "DEPT")?;
        let (members, memberships) = index_members(bytes, container.section(TAG_MEMBERS, "MEMB")?, departments.len())?;
        let groups = index_records(bytes, container.section(TAG_GROUPS, "GRUP")?, "GRUP")?;
        let records = Records { container, corp_name, email_domain, departments, members, groups };
        let departments = records.check()?;
        Ok((records, Structure { departments, memberships }))
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
        let (mut stored, mut departments, mut extattr) = (Vec::new(), Vec::new(), Vec::new());
        let mut r = Reader::new(self.members.body(self.bytes(), position));
        read_memberships(&mut r, &mut |department, order| departments.push((department, order)))
            .expect("memberships are checked when opening");
        let mut head = MemberHead::UNREAD;
        let _ = read_texts(&mut r, &mut head, &mut |field, value| stored.push((field, value)), &mut |name, value| {
            extattr.push((stored_text(name), stored_text(value)))
        });
        MemberRecord {
            userid: stored_text(head.userid),
            name: stored_text(head.name),
            gender: head.gender,
            disabled: head.flags & MEMBER_DISABLED != 0,
            followed: head.flags & MEMBER_FOLLOWED != 0,
            pinned: head.flags & MEMBER_PINNED != 0,
            fields: stored
                .into_iter()
                .map(|(field, value)| (field, self.field_text(field, value, head.userid)))
                .collect(),
            departments,
            extattr,
        }
    }

    /// Only the name of the member at `position`: cheaper than [`Self::member`] where many
    /// candidates are looked at and few kept.
    pub(crate) fn member_name(&self, position: usize) -> &str {
        stored_text(self.member_account_and_name(position).1)
    }

    /// Only one text field of the member at `position`: [`Self::member`] without its lists.
    pub(crate) fn member_text(&self, position: usize, wanted: TextField) -> Option<Cow<'_, str>> {
        let mut found = None;
        let head =
            self.member_texts(position, &mut |field, value| found = found.or((field == wanted).then_some(value)));
        found.map(|value| self.field_text(wanted, value, head.userid))
    }

    /// The group at `position` (0 ≤ position < [`Self::group_count`]).
    pub(crate) fn group(&self, position: usize) -> GroupRecord<'_> {
        decode_group(self.groups.body(self.bytes(), position)).expect("records are checked when opening")
    }

    /// Calls `f` with each of `fields` that the member at `position` has: one decoding of the
    /// record for what the derived lookups of search read.
    pub(crate) fn each_member_text(&self, position: usize, fields: &[TextField], mut f: impl FnMut(TextField, &str)) {
        let mut found: [Option<&[u8]>; TextField::ALL.len()] = Default::default();
        let head = self.member_texts(position, &mut |field, value| found[field as usize] = Some(value));
        for &field in fields {
            if let Some(value) = found[field as usize] {
                f(field, &self.field_text(field, value, head.userid));
            }
        }
    }

    /// A text field's value as the record stores it, made whole: an e-mail address stored empty
    /// is the account at the snapshot's e-mail domain (`META`).
    fn field_text<'s>(&'s self, field: TextField, stored: &'s [u8], userid: &'s [u8]) -> Cow<'s, str> {
        if field == TextField::Email && stored.is_empty() {
            Cow::Owned(format!("{}@{}", stored_text(userid), self.email_domain()))
        } else {
            Cow::Borrowed(stored_text(stored))
        }
    }

    /// The e-mail domain of the snapshot's addresses stored empty (`META`); empty when there is none.
    fn email_domain(&self) -> &str {
        std::str::from_utf8(&self.bytes()[self.email_domain.clone()]).unwrap_or_default()
    }

    /// Only the account of the member at `position`.
    pub(crate) fn member_account(&self, position: usize) -> &str {
        stored_text(self.member_account_and_name(position).0)
    }

    /// The account and the name of the member at `position`, as stored, read without the rest
    /// of the record: the derivations of search read them for every member. As in
    /// [`read_texts`], what does not decode reads as U+FFFD.
    fn member_account_and_name(&self, position: usize) -> (&[u8], &[u8]) {
        let mut r = Reader::new(self.members.body(self.bytes(), position));
        let mut head = MemberHead::UNREAD;
        let _ = skip_memberships(&mut r).and_then(|()| read_account_and_name(&mut r, &mut head));
        (head.userid, head.name)
    }

    /// Reads the texts of the member at `position` as far as they decode (see [`read_texts`]),
    /// handing each text field to `field`.
    fn member_texts<'s>(&'s self, position: usize, field: &mut dyn FnMut(TextField, &'s [u8])) -> MemberHead<'s> {
        let mut r = Reader::new(self.members.body(self.bytes(), position));
        let mut head = MemberHead::UNREAD;
        let _ = skip_memberships(&mut r).and_then(|()| read_texts(&mut r, &mut head, field, &mut |_, _| {}));
        head
    }

    /// Checks what opening leaves to be checked when read: that every member's texts decode,
    /// as UTF-8, and fill the record exactly. Answers the first record that does not, with
    /// what is wrong. `tongxunlu inspect` runs it; the page has no need to (see the module doc
    /// of [`crate::snapshot`]).
    pub(crate) fn check_member_texts(&self) -> Result<(), SnapshotError> {
        let utf8 = |text: &[u8]| std::str::from_utf8(text).map(|_| ()).map_err(|_| Malformed::NotUtf8);
        for i in 0..self.member_count() {
            let mut r = Reader::new(self.members.body(self.bytes(), i));
            let bad_text = std::cell::Cell::new(Ok(()));
            let check = |text: &[u8]| bad_text.set(bad_text.get().and(utf8(text)));
            let mut head = MemberHead::UNREAD;
            skip_memberships(&mut r)
                .and_then(|()| {
                    read_texts(&mut r, &mut head, &mut |_, value| check(value), &mut |name, value| {
                        check(name);
                        check(value)
                    })
                })
                .and_then(|()| finish(&r))
                .and_then(|()| utf8(head.userid))
                .and_then(|()| utf8(head.name))
                .and(bad_text.get())
                .map_err(|e| SnapshotError::in_record("MEMB", i, e))?;
        }
        Ok(())
    }

    /// Checks every department and group record once, so that the accessors above cannot fail
    /// later (the members were checked as they were found, by [`index_members`]), and answers
    /// each department's parent and whether it is a label.
    fn check(&self) -> Result<Vec<(Option<usize>, bool)>, SnapshotError> {
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
        for i in 0..self.group_count() {
            let g = decode_group(self.groups.body(bytes, i)).map_err(|e| SnapshotError::in_record("GRUP", i, e))?;
            g.members.iter().try_for_each(|&m| member_ref(m, "GRUP", i))?;
        }
        Ok(tree)
    }
}

/// Finds where each member record starts and checks its memberships, the front of the record,
/// keeping where each member belongs: members are most of the file, and this one pass over
/// them, which builds no record and skips their texts, is most of opening one. The texts are
/// checked where they are read (see [`read_texts`]).
fn index_members(
    bytes: &[u8],
    section: Range<usize>,
    departments: usize,
) -> Result<(Table, Memberships), SnapshotError> {
    let mut reader = Reader::new(&bytes[section.clone()]);
    // Room for members of a few fields each, which saves regrowing the lists at the sizes where
    // that costs, without reserving much that a directory of sparser records leaves unused
    // (a page's memory after opening counts it).
    let expected = section.len() / 64;
    let mut starts = Vec::with_capacity(expected + 1);
    let mut memberships = Memberships::with_capacity(expected);
    while !reader.is_empty() {
        let i = starts.len();
        starts.push((section.start + reader.position()) as u32);
        let body =
            reader.index().and_then(|len| reader.bytes(len)).map_err(|e| SnapshotError::in_record("MEMB", i, e))?;
        let mut out_of_range = false;
        let mut membership = |d: usize, _| {
            if d < departments {
                memberships.push(d as u32);
            } else {
                out_of_range = true;
            }
        };
        read_memberships(&mut Reader::new(body), &mut membership)
            .map_err(|e| SnapshotError::in_record("MEMB", i, e))?;
        if out_of_range {
            return Err(SnapshotError::in_record("MEMB", i, Malformed::DepartmentOutOfRange));
        }
        memberships.end_member();
    }
    starts.push(section.end as u32);
    Ok((Table { starts }, memberships))
}

/// Finds where each record of a record section starts.
fn index_records(bytes: &[u8], section: Range<usize>, name: &'static str) -> Result<Table, SnapshotError> {
    Ok(Table { starts: record_starts(bytes, section, name, 0)? })
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

/// What a member record holds besides its lists; the texts as stored (see [`stored_text`]).
struct MemberHead<'s> {
    userid: &'s [u8],
    name: &'s [u8],
    flags: u8,
    gender: Gender,
}

impl MemberHead<'_> {
    /// What a record whose texts do not decode gives for what it did not reach: U+FFFD for the
    /// account and the name, no flags.
    const UNREAD: MemberHead<'static> =
        MemberHead { userid: "\u{FFFD}".as_bytes(), name: "\u{FFFD}".as_bytes(), flags: 0, gender: Gender::Unknown };
}

/// A text of a member record, as read. Unlike every other string of a snapshot, these are not
/// checked to be UTF-8 when it is opened but here, when one is read: they are most of the file,
/// and checking each one took a fifth of opening a large directory in the browser, to look at
/// texts of which a session shows a few hundred. One that is not UTF-8 — which only a buggy or
/// hostile writer can produce behind a matching checksum — reads as U+FFFD.
fn stored_text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("\u{FFFD}")
}

/// Reads the front of a member record, the memberships as (department position, sort number),
/// handing each to `membership`. Opening reads these alone and checks them; generic so that
/// the opener's callback, called for every member, is inlined.
fn read_memberships<Membership>(r: &mut Reader<'_>, membership: &mut Membership) -> Result<(), Malformed>
where
    Membership: FnMut(usize, u32) + ?Sized,
{
    for _ in 0..r.count()? {
        let department = r.index()?;
        membership(department, r.uint()?.try_into().map_err(|_| Malformed::SortNumberOutOfRange)?);
    }
    Ok(())
}

/// Moves a reader at the start of a member record past its memberships, to its texts.
fn skip_memberships(r: &mut Reader<'_>) -> Result<(), Malformed> {
    read_memberships(r, &mut |_, _| {})
}

/// Reads the rest of a member record, after its memberships: account, name and flags into
/// `head`, then the text fields and the custom attributes, each handed to a callback — as far
/// as they decode. Opening does not read these (they are most of the file, and reading them
/// was most of opening); a record whose texts do not decode, which only a buggy or hostile
/// writer can make behind a matching checksum, reads the same way in every accessor: as what
/// it holds up to the fault. [`Records::check_member_texts`] finds such a record.
/// Reads the account and the name that begin a member record's texts into `head`, as far as
/// they decode: all that the derivations of search read of every member.
fn read_account_and_name<'s>(r: &mut Reader<'s>, head: &mut MemberHead<'s>) -> Result<(), Malformed> {
    head.userid = r.str_bytes()?;
    head.name = r.str_bytes()?;
    Ok(())
}

fn read_texts<'s>(
    r: &mut Reader<'s>,
    head: &mut MemberHead<'s>,
    field: &mut dyn FnMut(TextField, &'s [u8]),
    attribute: &mut dyn FnMut(&'s [u8], &'s [u8]),
) -> Result<(), Malformed> {
    read_account_and_name(r, head)?;
    let flags = r.byte()?;
    if flags & !MEMBER_KNOWN_FLAGS != 0 {
        return Err(Malformed::UnknownMemberFlags);
    }
    head.gender = Gender::from_code(flags >> MEMBER_GENDER_SHIFT).ok_or(Malformed::UnknownGender)?;
    head.flags = flags;
    let mask = r.byte()?;
    for f in TextField::ALL {
        if mask & f.bit() != 0 {
            field(f, r.str_bytes()?);
        }
    }
    for _ in 0..r.count()? {
        attribute(r.str_bytes()?, r.str_bytes()?);
    }
    Ok(())
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
