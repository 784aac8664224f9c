//! Writing a snapshot from a [`View`]. Only what the view lets through is ever written: the
//! builder reads the directory solely through the view's indices and field list.

use sha2::{Digest, Sha256};

use super::format::*;
use crate::fields::{Gender, TextField};
use crate::model::{Directory, PolicyField, Status};
use crate::search;
use crate::visibility::{DepartmentRole, View};

/// A built snapshot and its visibility-class key.
pub struct Built {
    /// The snapshot file.
    pub bytes: Vec<u8>,
    /// Equal for every viewer who sees exactly the same thing, so a server can cache and a CDN
    /// can serve one snapshot per class.
    pub class_key: [u8; 16],
}

impl Built {
    /// The visibility-class key in lower-case hexadecimal: a cache key or file name.
    pub fn class_key_hex(&self) -> String {
        hex(&self.class_key)
    }
}

/// Writes the snapshot of `view`, which must have been made from `directory`.
///
/// The output depends only on the view's contents, never on who the viewer is or when it was
/// built, so equal views give byte-identical snapshots.
pub fn build(directory: &Directory, view: &View) -> Built {
    // Members are stored in their static ranking order (see `search::build::member_order`);
    // `position[i]` is where view member `i` is stored.
    let names = search::build::NameReadings::new(directory, view);
    let order = search::build::member_order(directory, view, &names);
    let mut position = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    // The search sections first, though they come last in the file: making the index is the
    // build's peak of memory, and the member records need not be held through it.
    let search_sections = search::build::sections(directory, view, &order, names);

    // The file is written in place: the header and section table are filled in at the end, and
    // the record sections are written straight into it (the members' are nearly half the file).
    let count = 4 + search_sections.len();
    let mut file = Writer { bytes: vec![0; HEADER_LEN + SECTION_ENTRY_LEN * count] };
    let mut table = Vec::with_capacity(count);
    section(&mut file, &mut table, TAG_META, |w| meta(w, directory));
    section(&mut file, &mut table, TAG_DEPARTMENTS, |w| departments(w, directory, view, &position));
    section(&mut file, &mut table, TAG_MEMBERS, |w| members(w, directory, view, &order));
    section(&mut file, &mut table, TAG_GROUPS, |w| groups(w, directory, view, &position));
    // Each search section is let go once copied.
    for (tag, body) in search_sections {
        section(&mut file, &mut table, tag, |w| w.bytes.extend_from_slice(&body));
    }
    let mut bytes = file.bytes;
    let total = bytes.len();
    assert!(total <= u32::MAX as usize, "a snapshot of {total} bytes exceeds the 4 GiB the format addresses");

    for (i, (tag, offset, len)) in table.iter().enumerate() {
        let entry = HEADER_LEN + SECTION_ENTRY_LEN * i;
        bytes[entry..entry + 4].copy_from_slice(tag);
        bytes[entry + 4..entry + 8].copy_from_slice(&(*offset as u32).to_le_bytes());
        bytes[entry + 8..entry + 12].copy_from_slice(&(*len as u32).to_le_bytes());
    }
    bytes[..8].copy_from_slice(&MAGIC);
    bytes[8..10].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes[10..12].copy_from_slice(&(count as u16).to_le_bytes());
    bytes[12..16].copy_from_slice(&(total as u32).to_le_bytes());
    // The class key digests the section table and the sections: everything after the header.
    let mut class_key = [0u8; 16];
    class_key.copy_from_slice(&Sha256::digest(&bytes[HEADER_LEN..])[..16]);
    bytes[CLASS_KEY].copy_from_slice(&class_key);
    bytes[ETAG].copy_from_slice(&view.directory_etag);
    let checksum = super::format::checksum(&bytes[CHECKSUMMED_FROM..]);
    bytes[16..20].copy_from_slice(&checksum.to_le_bytes());
    Built { bytes, class_key }
}

/// Appends a section to `file`, written by `write`, and notes its (tag, offset, length) in `table`.
fn section(file: &mut Writer, table: &mut Vec<([u8; 4], usize, usize)>, tag: [u8; 4], write: impl FnOnce(&mut Writer)) {
    let offset = file.bytes.len();
    write(file);
    table.push((tag, offset, file.bytes.len() - offset));
}

fn meta(section: &mut Writer, directory: &Directory) {
    section.str(&directory.corp_name);
}

fn departments(section: &mut Writer, directory: &Directory, view: &View, position: &[usize]) {
    let mut r = Writer::default(); // one record, reused
    for vd in &view.departments {
        let department = &directory.department[vd.department];
        r.bytes.clear();
        r.uint(department.id.into());
        r.str(&department.name);
        r.uint(vd.parent.map_or(0, |p| p as u64 + 1));
        r.uint(department.order.into());
        r.byte(if vd.role == DepartmentRole::PathLabel { DEPARTMENT_IS_LABEL } else { 0 });
        r.uint(vd.headcount.into());
        r.uint(vd.leaders.len() as u64);
        for &leader in &vd.leaders {
            r.uint(position[leader] as u64);
        }
        section.record(&r);
    }
}

fn members(section: &mut Writer, directory: &Directory, view: &View, order: &[usize]) {
    let shows = |field: PolicyField| view.visible_fields.contains(&field);
    let text_fields: Vec<TextField> = TextField::ALL.into_iter().filter(|&f| shows(PolicyField::Text(f))).collect();
    let shows_gender = shows(PolicyField::Gender);
    let shows_extattr = shows(PolicyField::Extattr);

    let mut r = Writer::default(); // one record, reused
    for vm in order.iter().map(|&i| &view.members[i]) {
        let member = &directory.userlist[vm.member];
        r.bytes.clear();
        r.str(&member.userid);
        r.str(&member.name);
        let gender = if shows_gender { member.gender } else { Gender::Unknown };
        let mut flags = gender.code() << MEMBER_GENDER_SHIFT;
        if member.status == Status::Disabled {
            flags |= MEMBER_DISABLED;
        }
        if member.is_followed() {
            flags |= MEMBER_FOLLOWED;
        }
        if member.pinned {
            flags |= MEMBER_PINNED;
        }
        r.byte(flags);
        let present = || text_fields.iter().filter_map(|&f| member.text(f).map(|v| (f, v)));
        r.byte(present().fold(0, |mask, (f, _)| mask | f.bit()));
        for (_, value) in present() {
            r.str(value);
        }
        r.uint(vm.memberships.len() as u64);
        for &(department, order) in &vm.memberships {
            r.uint(department as u64);
            r.uint(order.into());
        }
        let attributes = if shows_extattr { member.extattr.len() } else { 0 };
        r.uint(attributes as u64);
        for (name, value) in member.extattr.iter().take(attributes) {
            r.str(name);
            r.str(value);
        }
        section.record(&r);
    }
}

fn groups(section: &mut Writer, directory: &Directory, view: &View, position: &[usize]) {
    let mut r = Writer::default(); // one record, reused
    for vg in &view.groups {
        let group = &directory.group[vg.group];
        r.bytes.clear();
        r.uint(group.id.into());
        r.str(&group.name);
        r.uint(vg.members.len() as u64);
        for &m in &vg.members {
            r.uint(position[m] as u64);
        }
        section.record(&r);
    }
}
