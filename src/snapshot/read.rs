//! Opening a snapshot and reading its records.
//!
//! [`Snapshot::open`] checks the file once (see the module doc of [`crate::snapshot`] for what
//! it checks and what it trusts) and keeps only where each record starts. The record accessors
//! decode on demand and borrow their strings from the snapshot's bytes.

use std::ops::Range;

use serde::Serialize;

use super::format::*;
use crate::fields::{Gender, TextField};
use crate::search::tables::{Counts, Memberships, SearchTables};

/// An opened snapshot.
pub struct Snapshot {
    /// A `Vec` rather than a boxed slice: cutting a signature block off the end must not
    /// reallocate (and so perhaps copy) the whole file to drop its last 80 bytes.
    bytes: Vec<u8>,
    version: u16,
    corp_name: Range<usize>,
    departments: Table,
    members: Table,
    groups: Table,
    search: SearchTables,
}

/// Each department's parent position and whether it is a label, by position: what the search
/// tables are checked against and built from.
type DepartmentTree = Vec<(Option<usize>, bool)>;

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

impl Snapshot {
    /// Checks `bytes` and opens them, or says what is wrong with them.
    pub fn open(bytes: impl Into<Box<[u8]>>) -> Result<Snapshot, SnapshotError> {
        // A signed file is the snapshot and then a signature block, which opening takes off
        // without verifying it: that is for whoever holds the key (signature.rs).
        let mut bytes = bytes.into().into_vec();
        bytes.truncate(super::signature::snapshot_len(&bytes));
        let header = check_header(&bytes)?;
        let sections = read_section_table(&bytes, header.section_count)?;
        let section = |tag: [u8; 4], name: &'static str| {
            sections
                .iter()
                .find(|(t, _)| *t == tag)
                .map(|(_, r)| r.clone())
                .ok_or_else(|| SnapshotError::corrupt(name, "the section is missing"))
        };

        let meta = section(TAG_META, "META")?;
        let corp_name = {
            let mut r = Reader::new(&bytes[meta.clone()]);
            let name = r.str().map_err(|e| SnapshotError::in_record("META", 0, e))?;
            let start = meta.start + r.position() - name.len();
            start..start + name.len()
        };
        let departments = index_records(&bytes, section(TAG_DEPARTMENTS, "DEPT")?, "DEPT")?;
        let members = index_records(&bytes, section(TAG_MEMBERS, "MEMB")?, "MEMB")?;
        let groups = index_records(&bytes, section(TAG_GROUPS, "GRUP")?, "GRUP")?;
        let mut snapshot = Snapshot {
            version: header.version,
            corp_name,
            departments,
            members,
            groups,
            bytes,
            search: SearchTables::default(),
        };
        let (department_tree, memberships) = snapshot.check_records()?;
        let counts = Counts {
            members: snapshot.member_count(),
            groups: snapshot.group_count(),
            departments: &department_tree,
            memberships: &memberships,
        };
        snapshot.search = SearchTables::open(&snapshot.bytes, &section, &counts)?;
        Ok(snapshot)
    }

    pub(crate) fn tables(&self) -> &SearchTables {
        &self.search
    }

    /// The layout version of the file.
    pub fn format_version(&self) -> u16 {
        self.version
    }

    /// The whole file.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Every section of the file's table, in its order: the tag and the section's bytes.
    pub fn sections(&self) -> Vec<([u8; 4], &[u8])> {
        let count = check_header(&self.bytes).expect("checked when opened").section_count;
        let table = read_section_table(&self.bytes, count).expect("checked when opened");
        table.into_iter().map(|(tag, range)| (tag, &self.bytes[range])).collect()
    }

    /// The header and the section table: the bytes that no section holds.
    pub fn header_len(&self) -> usize {
        HEADER_LEN + SECTION_ENTRY_LEN * self.sections().len()
    }

    /// The visibility-class key: equal for every viewer who sees the same thing.
    pub fn class_key(&self) -> &[u8] {
        &self.bytes[CLASS_KEY]
    }

    /// The digest of the directory this snapshot was cut from.
    pub fn directory_etag(&self) -> &[u8] {
        &self.bytes[ETAG]
    }

    /// The organisation's name (the `META` section).
    pub fn corp_name(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.corp_name.clone()]).unwrap_or_default()
    }

    /// How many departments the snapshot holds, breadcrumb labels included.
    pub fn department_count(&self) -> usize {
        self.departments.len()
    }

    /// How many members the snapshot holds.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// How many public groups the snapshot holds.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The department at `position` (0 ≤ position < [`Self::department_count`]).
    pub fn department(&self, position: usize) -> DepartmentRecord<'_> {
        decode_department(self.departments.body(&self.bytes, position)).expect("records are checked when opening")
    }

    /// The member at `position` (0 ≤ position < [`Self::member_count`]).
    pub fn member(&self, position: usize) -> MemberRecord<'_> {
        decode_member(self.members.body(&self.bytes, position)).expect("records are checked when opening")
    }

    /// Only the name of the member at `position`: cheaper than [`Self::member`] where many
    /// candidates are looked at and few kept.
    pub(crate) fn member_name(&self, position: usize) -> &str {
        let mut r = Reader::new(self.members.body(&self.bytes, position));
        stored_text(r.str_bytes().and_then(|_userid| r.str_bytes()).expect("records are checked when opening"))
    }

    /// Only one text field of the member at `position`: [`Self::member`] without allocating.
    pub(crate) fn member_text(&self, position: usize, wanted: TextField) -> Option<&str> {
        let mut found = None;
        let body = self.members.body(&self.bytes, position);
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
    pub fn group(&self, position: usize) -> GroupRecord<'_> {
        decode_group(self.groups.body(&self.bytes, position)).expect("records are checked when opening")
    }

    /// The position of the member with this account. (The first lookup sorts the accounts:
    /// see `search::lookup`.)
    pub fn find_member(&self, userid: &str) -> Option<usize> {
        self.search.lookups.find_account(self, userid)
    }

    /// Calls `f` with each text field of the member at `position`, and answers the account:
    /// one decoding of the record for what the derived lookups of search read.
    pub(crate) fn each_member_text<'s>(&'s self, position: usize, mut f: impl FnMut(TextField, &'s str)) -> &'s str {
        let body = self.members.body(&self.bytes, position);
        let head =
            read_member_dyn(body, &mut |field, value| f(field, stored_text(value)), &mut |_, _| {}, &mut |_, _| {});
        stored_text(head.expect("records are checked when opening").userid)
    }

    /// Only the account of the member at `position`.
    pub(crate) fn member_account(&self, position: usize) -> &str {
        stored_text(
            Reader::new(self.members.body(&self.bytes, position))
                .str_bytes()
                .expect("records are checked when opening"),
        )
    }

    /// Checks every record once, so that the accessors above cannot fail later. Returns what
    /// the search tables are checked against and built from: each department's parent and
    /// whether it is a label, and each member's department positions.
    fn check_records(&self) -> Result<(DepartmentTree, Memberships), SnapshotError> {
        let (departments, members) = (self.department_count(), self.member_count());
        let member_ref = |m: usize, section, i| {
            if m < members {
                Ok(())
            } else {
                Err(SnapshotError::in_record(section, i, Malformed::MemberOutOfRange))
            }
        };
        let mut tree = Vec::with_capacity(departments);
        for i in 0..departments {
            let d = decode_department(self.departments.body(&self.bytes, i))
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
            let body = self.members.body(&self.bytes, i);
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
            let g =
                decode_group(self.groups.body(&self.bytes, i)).map_err(|e| SnapshotError::in_record("GRUP", i, e))?;
            g.members.iter().try_for_each(|&m| member_ref(m, "GRUP", i))?;
        }
        Ok((tree, memberships))
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("bytes", &self.bytes.len())
            .field("departments", &self.department_count())
            .field("members", &self.member_count())
            .field("groups", &self.group_count())
            .finish()
    }
}

struct Header {
    version: u16,
    section_count: usize,
}

fn check_header(bytes: &[u8]) -> Result<Header, SnapshotError> {
    let magic_seen = bytes.len().min(MAGIC.len());
    if bytes.is_empty() || bytes[..magic_seen] != MAGIC[..magic_seen] {
        return Err(SnapshotError::NotASnapshot);
    }
    // Until the length field (bytes 12..16) is there, all that is known is the header's size.
    if bytes.len() < 16 {
        return Err(SnapshotError::Truncated { at: bytes.len(), expected: HEADER_LEN });
    }
    let version = u16_at(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedVersion { found: version });
    }
    let expected = u32_at(bytes, 12) as usize;
    if expected < HEADER_LEN {
        return Err(SnapshotError::corrupt(
            "header",
            format!("the total length {expected} is shorter than the header itself"),
        ));
    }
    if bytes.len() < expected {
        return Err(SnapshotError::Truncated { at: bytes.len(), expected });
    }
    if bytes.len() > expected {
        return Err(SnapshotError::TrailingBytes { length: bytes.len(), expected });
    }
    let stored = u32_at(bytes, 16);
    let computed = checksum(&bytes[CHECKSUMMED_FROM..]);
    if stored != computed {
        return Err(SnapshotError::ChecksumMismatch { stored, computed });
    }
    Ok(Header { version, section_count: u16_at(bytes, 10) as usize })
}

/// The sections of a file: each one's tag and byte range, in the order of the section table.
type SectionTable = Vec<([u8; 4], Range<usize>)>;

fn read_section_table(bytes: &[u8], count: usize) -> Result<SectionTable, SnapshotError> {
    let table_end = HEADER_LEN + count * SECTION_ENTRY_LEN;
    let bad = |detail: String| SnapshotError::corrupt("section table", detail);
    if table_end > bytes.len() {
        return Err(bad(format!("{count} sections do not fit in {} bytes", bytes.len())));
    }
    let mut sections: SectionTable = Vec::with_capacity(count);
    for i in 0..count {
        let at = HEADER_LEN + i * SECTION_ENTRY_LEN;
        let tag = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        let offset = u32_at(bytes, at + 4) as usize;
        let len = u32_at(bytes, at + 8) as usize;
        // Computed in u64: on wasm32 a usize sum of two u32 fields can wrap.
        let end = offset as u64 + len as u64;
        if offset < table_end || end > bytes.len() as u64 {
            return Err(bad(format!("section {i} ({}) lies outside the file", tag.escape_ascii())));
        }
        let range = offset..offset + len;
        if let Some((other, _)) =
            sections.iter().find(|(t, r)| *t == tag || (r.start < range.end && range.start < r.end))
        {
            return Err(bad(format!(
                "section {i} ({}) overlaps or repeats section {}",
                tag.escape_ascii(),
                other.escape_ascii()
            )));
        }
        sections.push((tag, range));
    }
    Ok(sections)
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
