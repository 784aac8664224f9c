//! Admitting a member: the rules every imported member must pass, whichever file it came from.
//!
//! A member is admitted when it passes the directory's own per-member rules
//! ([`member_field_problems`]: account characters, WeChat id never all digits, at least one of
//! WeChat id, mobile and email, …) and takes no account, mobile or email that another member
//! already has — the rules [`Directory::validate`](crate::model::Directory::validate) checks
//! across records. [`Members`] keeps the indexes that make the uniqueness checks a hash look-up,
//! so a 70,000-row roster is admitted in one pass, and a directory built only from admitted
//! members always validates.

use std::collections::HashMap;

use crate::model::{member_field_problems, phone_digits, FieldProblem, Member};

/// The members of the directory being built, indexed by account, mobile and email.
#[derive(Debug)]
pub struct Members {
    list: Vec<Member>,
    by_account: HashMap<String, usize>,
    /// By [`phone_digits`], so `+86 138…` and `138…` are one number.
    by_mobile: HashMap<String, usize>,
    /// Lower-cased.
    by_email: HashMap<String, usize>,
}

impl Members {
    /// Indexes `list`, which must already be free of duplicates (a validated directory's is).
    pub fn new(list: Vec<Member>) -> Members {
        let mut members = Members {
            by_account: HashMap::with_capacity(list.len()),
            by_mobile: HashMap::with_capacity(list.len()),
            by_email: HashMap::with_capacity(list.len()),
            list: Vec::with_capacity(list.len()),
        };
        for member in list {
            members.insert(member);
        }
        members
    }

    /// The index of the member with `account`.
    pub fn find(&self, account: &str) -> Option<usize> {
        self.by_account.get(account).copied()
    }

    /// The member at `index` (from [`find`](Members::find)).
    pub fn get(&self, index: usize) -> &Member {
        &self.list[index]
    }

    /// Everything that keeps `candidate` out. `replacing` is the member it would replace (an
    /// update), whose own account, mobile and email it may keep.
    pub fn problems(&self, candidate: &Member, replacing: Option<usize>) -> Vec<FieldProblem> {
        let mut problems = member_field_problems(candidate);
        let taken = |index: Option<&usize>| index.filter(|&&i| Some(i) != replacing).map(|&i| &self.list[i].userid);
        if let Some(other) = taken(self.by_account.get(&candidate.userid)) {
            problems.push(FieldProblem {
                fields: &["userid"],
                message: format!("userid {other:?} is already taken by another member"),
            });
        }
        if let Some(mobile) = &candidate.mobile {
            if let Some(other) = taken(self.by_mobile.get(&phone_digits(mobile))) {
                problems.push(FieldProblem {
                    fields: &["mobile"],
                    message: format!("mobile {mobile:?} is already used by {other}"),
                });
            }
        }
        if let Some(email) = &candidate.email {
            if let Some(other) = taken(self.by_email.get(&email.to_lowercase())) {
                problems.push(FieldProblem {
                    fields: &["email"],
                    message: format!("email {email:?} is already used by {other}"),
                });
            }
        }
        problems
    }

    /// Adds a member that [`problems`](Members::problems) found nothing wrong with.
    pub fn insert(&mut self, member: Member) {
        self.list.push(member);
        self.index(self.list.len() - 1);
    }

    /// Replaces member `index` with an updated one that [`problems`](Members::problems) (given
    /// `Some(index)`) found nothing wrong with.
    pub fn replace(&mut self, index: usize, member: Member) {
        let old = std::mem::replace(&mut self.list[index], member);
        if let Some(mobile) = &old.mobile {
            self.by_mobile.remove(&phone_digits(mobile));
        }
        if let Some(email) = &old.email {
            self.by_email.remove(&email.to_lowercase());
        }
        self.index(index);
    }

    fn index(&mut self, index: usize) {
        let member = &self.list[index];
        self.by_account.insert(member.userid.clone(), index);
        if let Some(mobile) = &member.mobile {
            self.by_mobile.insert(phone_digits(mobile), index);
        }
        if let Some(email) = &member.email {
            self.by_email.insert(email.to_lowercase(), index);
        }
    }

    /// The members, in the order they were inserted.
    pub fn into_list(self) -> Vec<Member> {
        self.list
    }
}
