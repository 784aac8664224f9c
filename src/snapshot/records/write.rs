//! Writing the record sections (`META`, `DEPT`, `MEMB`, `GRUP`) of a [`View`]: the records
//! layer's writer. Only what the view lets through is ever written: it reads the directory
//! solely through the view's indices and field list.

use crate::fields::{Gender, TextField};
use crate::model::{Directory, PolicyField, Status};
use crate::snapshot::container::ContainerWriter;
use crate::snapshot::format::*;
use crate::visibility::{DepartmentRole, View};

/// How many sections [`sections`] writes.
pub(crate) const SECTION_COUNT: usize = 4;

/// Appends the record sections of `view`, made from `directory`, to `file`. `order` is the
/// members' stored order: `order[p]` is the view member stored at position `p`.
pub(crate) fn sections(file: &mut ContainerWriter, directory: &Directory, view: &View, order: &[usize]) {
    // `position[i]` is where view member `i` is stored.
    let mut position = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let domain = email_domain(directory, view);
    // The sections are written straight into the file (the members' are nearly half of it).
    file.section(TAG_META, |w| meta(w, directory, &domain));
    file.section(TAG_DEPARTMENTS, |w| departments(w, directory, view, &position));
    file.section(TAG_MEMBERS, |w| members(w, directory, view, order, &domain));
    file.section(TAG_GROUPS, |w| groups(w, directory, view, &position));
}

fn meta(section: &mut Writer, directory: &Directory, email_domain: &str) {
    section.str(&directory.corp_name);
    section.str(email_domain);
}

/// The e-mail domain of the snapshot (`META`): the one most of the view's members have an
/// address at whose local part is their account (ties to the smaller), empty when no visible
/// address is of that form. Such an address is stored empty ([`stored_email`]): it was a
/// quarter of the file. Taken from what the view shows alone, so that it says nothing of members
/// or fields the viewer may not see; and a change to a few members does not move it, so that
/// it does not turn an update by difference into a rewrite.
fn email_domain(directory: &Directory, view: &View) -> String {
    if !view.visible_fields.contains(&PolicyField::Text(TextField::Email)) {
        return String::new();
    }
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for vm in &view.members {
        let member = &directory.userlist[vm.member];
        if let Some(domain) = member.email.as_deref().and_then(|e| account_domain(&member.userid, e)) {
            *counts.entry(domain).or_default() += 1;
        }
    }
    let most = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)));
    most.map(|(domain, _)| domain.to_owned()).unwrap_or_default()
}

/// The domain of `email` when its local part is `userid`.
fn account_domain<'e>(userid: &str, email: &'e str) -> Option<&'e str> {
    email.strip_prefix(userid)?.strip_prefix('@').filter(|domain| !domain.is_empty())
}

/// A member's e-mail address as stored: empty when it is the account at the snapshot's e-mail
/// domain (a directory's addresses are never empty: they are checked to be `name@domain`).
fn stored_email<'e>(userid: &str, email: &'e str, domain: &str) -> &'e str {
    if !domain.is_empty() && account_domain(userid, email) == Some(domain) {
        ""
    } else {
        email
    }
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

fn members(section: &mut Writer, directory: &Directory, view: &View, order: &[usize], email_domain: &str) {
    let shows = |field: PolicyField| view.visible_fields.contains(&field);
    let text_fields: Vec<TextField> = TextField::ALL.into_iter().filter(|&f| shows(PolicyField::Text(f))).collect();
    let shows_gender = shows(PolicyField::Gender);
    let shows_extattr = shows(PolicyField::Extattr);

    let mut r = Writer::default(); // one record, reused
    for vm in order.iter().map(|&i| &view.members[i]) {
        let member = &directory.userlist[vm.member];
        r.bytes.clear();
        // The memberships first: they are all that opening reads of a member.
        r.uint(vm.memberships.len() as u64);
        for &(department, order) in &vm.memberships {
            r.uint(department as u64);
            r.uint(order.into());
        }
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
        for (field, value) in present() {
            r.str(if field == TextField::Email { stored_email(&member.userid, value, email_domain) } else { value });
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
