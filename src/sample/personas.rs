//! The well-known accounts every sample starts with (exec001, principal001, …): fixed records,
//! the same whatever the seed, so that demos and tests can sign in as them.

use serde_json::Map;

use super::builder::Builder;
use crate::model::{Gender, Member, Status};

/// A persona's fixed record: the same whatever the seed, so demos and tests can rely on it.
pub(super) struct PersonaRecord {
    pub(super) userid: &'static str,
    pub(super) name: &'static str,
    pub(super) alias: Option<&'static str>,
    pub(super) gender: Gender,
    pub(super) position: &'static str,
    pub(super) mobile: &'static str,
    pub(super) email: Option<&'static str>,
    pub(super) telephone: Option<&'static str>,
    pub(super) weixin_id: Option<&'static str>,
    pub(super) birthday: Option<&'static str>,
    pub(super) hire_date: Option<&'static str>,
    pub(super) extattr: &'static [(&'static str, &'static str)],
    /// Whether the persona is its department's head (负责人).
    pub(super) head: bool,
}

impl Builder {
    /// Adds the first `n` (at most all) personas to the given departments; returns how many
    /// members are left to generate.
    pub(super) fn personas(&mut self, records: &[PersonaRecord], departments: &[usize], n: usize) -> usize {
        for (r, &d) in records.iter().zip(departments).take(n) {
            let digits: String = r.mobile.chars().filter(char::is_ascii_digit).collect();
            self.mobiles.insert(digits.parse().expect("a persona's mobile is digits"));
            let base = r.userid.trim_end_matches(|c: char| c.is_ascii_digit());
            self.accounts.insert(base.to_owned(), 1);
            let order = if r.head { 1 } else { self.next_order(d) };
            if r.head {
                self.departments[d].department_leader.push(r.userid.to_owned());
            }
            let owned = |s: Option<&str>| s.map(str::to_owned);
            self.members.push(Member {
                userid: r.userid.to_owned(),
                name: r.name.to_owned(),
                alias: owned(r.alias),
                department: vec![self.departments[d].id],
                order: vec![order],
                position: Some(r.position.to_owned()),
                gender: r.gender,
                mobile: Some(r.mobile.to_owned()),
                email: owned(r.email),
                telephone: owned(r.telephone),
                weixin_id: owned(r.weixin_id),
                birthday: owned(r.birthday),
                hire_date: owned(r.hire_date),
                status: Status::Active,
                followed: Some(true),
                pinned: false,
                hidden: false,
                visible_to: None,
                extattr: r.extattr.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect(),
                extra: Map::new(),
            });
            self.heads.push(r.head);
        }
        self.personas = self.members.len();
        n - self.personas
    }
}

#[cfg(test)]
mod tests {
    use super::super::company::{COMPANY_PERSONAS, PERSONAS};
    use super::super::school::{SCHOOL_PERSONAS, SCHOOL_PERSONAS_RECORDS};

    #[test]
    fn persona_records_match_the_public_tables() {
        let ids: Vec<&str> = COMPANY_PERSONAS.iter().map(|p| p.userid).collect();
        assert_eq!(ids, PERSONAS.iter().map(|p| p.0).collect::<Vec<_>>());
        let ids: Vec<&str> = SCHOOL_PERSONAS_RECORDS.iter().map(|p| p.userid).collect();
        assert_eq!(ids, SCHOOL_PERSONAS.iter().map(|p| p.0).collect::<Vec<_>>());
        for p in COMPANY_PERSONAS.iter().chain(&SCHOOL_PERSONAS_RECORDS) {
            assert!(PERSONAS
                .iter()
                .chain(SCHOOL_PERSONAS)
                .any(|(id, what)| *id == p.userid && what.contains(p.position)));
        }
    }
}
