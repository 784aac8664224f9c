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
    let order = search::build::member_order(directory, view);
    let mut position = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let mut sections = vec![
        (TAG_META, meta(directory)),
        (TAG_DEPARTMENTS, departments(directory, view, &position)),
        (TAG_MEMBERS, members(directory, view, &order)),
        (TAG_GROUPS, groups(directory, view, &position)),
    ];
    sections.extend(search::build::sections(directory, view, &order));

    let table_len = SECTION_ENTRY_LEN * sections.len();
    let mut table = Vec::with_capacity(table_len);
    let mut offset = HEADER_LEN + table_len;
    for (tag, body) in &sections {
        table.extend_from_slice(tag);
        table.extend_from_slice(&(offset as u32).to_le_bytes());
        table.extend_from_slice(&(body.len() as u32).to_le_bytes());
        offset += body.len();
    }
    let total = offset;
    assert!(total <= u32::MAX as usize, "a snapshot of {total} bytes exceeds the 4 GiB the format addresses");

    let mut hasher = Sha256::new();
    hasher.update(&table);
    for (_, body) in &sections {
        hasher.update(body);
    }
    let mut class_key = [0u8; 16];
    class_key.copy_from_slice(&hasher.finalize()[..16]);

    let mut bytes = Vec::with_capacity(total);
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(sections.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&(total as u32).to_le_bytes());
    bytes.extend_from_slice(&[0; 4]); // the checksum, filled in below
    bytes.extend_from_slice(&class_key);
    bytes.extend_from_slice(&view.directory_etag);
    bytes.extend_from_slice(&table);
    for (_, body) in &sections {
        bytes.extend_from_slice(body);
    }
    let checksum = crc32fast::hash(&bytes[CHECKSUMMED_FROM..]);
    bytes[16..20].copy_from_slice(&checksum.to_le_bytes());
    Built { bytes, class_key }
}

fn meta(directory: &Directory) -> Vec<u8> {
    let mut w = Writer::default();
    w.str(&directory.corp_name);
    w.bytes
}

fn departments(directory: &Directory, view: &View, position: &[usize]) -> Vec<u8> {
    let mut section = Writer::default();
    for vd in &view.departments {
        let department = &directory.department[vd.department];
        let mut r = Writer::default();
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
    section.bytes
}

fn members(directory: &Directory, view: &View, order: &[usize]) -> Vec<u8> {
    let shows = |field: PolicyField| view.visible_fields.contains(&field);
    let text_fields: Vec<TextField> = TextField::ALL.into_iter().filter(|&f| shows(PolicyField::Text(f))).collect();
    let shows_gender = shows(PolicyField::Gender);
    let shows_extattr = shows(PolicyField::Extattr);

    let mut section = Writer::default();
    for vm in order.iter().map(|&i| &view.members[i]) {
        let member = &directory.userlist[vm.member];
        let mut r = Writer::default();
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
        let present: Vec<(TextField, &str)> =
            text_fields.iter().filter_map(|&f| member.text(f).map(|v| (f, v))).collect();
        r.byte(present.iter().fold(0, |mask, (f, _)| mask | f.bit()));
        for (_, value) in &present {
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
    section.bytes
}

fn groups(directory: &Directory, view: &View, position: &[usize]) -> Vec<u8> {
    let mut section = Writer::default();
    for vg in &view.groups {
        let group = &directory.group[vg.group];
        let mut r = Writer::default();
        r.uint(group.id.into());
        r.str(&group.name);
        r.uint(vg.members.len() as u64);
        for &m in &vg.members {
            r.uint(position[m] as u64);
        }
        section.record(&r);
    }
    section.bytes
}
