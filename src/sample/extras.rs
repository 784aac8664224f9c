//! The passes after the people, which make a directory worth testing against: second
//! departments, hidden members and public groups.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::Map;

use super::builder::{Builder, Kind};
use crate::model::{Group, Status, VisibleTo};

impl Builder {
    /// Gives ~5% of the ordinary staff a second department, most often in their own division
    /// (a 渠道部 salesperson who also covers 电商部), sometimes anywhere.
    pub(super) fn second_departments(&mut self, excluded: &[usize]) {
        let eligible: Vec<bool> = (0..self.departments.len())
            .map(|d| d != 0 && self.info[d].kind == Kind::Staff && !excluded.contains(&d))
            .collect();
        let candidates: Vec<usize> = (0..eligible.len()).filter(|&d| eligible[d]).collect();
        let mut by_division: HashMap<usize, Vec<usize>> = HashMap::new();
        for &d in &candidates {
            by_division.entry(self.info[d].division).or_default().push(d);
        }
        for i in self.personas..self.members.len() {
            let first = self.members[i].department[0] as usize - 1;
            if !eligible[first] || !self.rng.random_bool(0.05) {
                continue;
            }
            let pool = if self.rng.random_bool(0.6) { &by_division[&self.info[first].division] } else { &candidates };
            let second = *pool.choose(&mut self.rng).expect("the pool holds `first`");
            if second == first {
                continue;
            }
            let order = self.next_order(second);
            let m = &mut self.members[i];
            m.department.push(self.departments[second].id);
            m.order.push(order);
        }
    }

    /// Hides ~0.5% of the members (never a persona or a head, never someone who left): a third
    /// visible to nobody but themselves, a third to the executives' department, a third to a
    /// few named accounts (the first persona and their own department's head).
    pub(super) fn hide_some(&mut self, executives: usize) {
        let executives = self.departments[executives].id;
        for i in self.personas..self.members.len() {
            if self.heads[i] || self.members[i].status == Status::Resigned {
                continue;
            }
            if !self.rng.random_bool(0.005) {
                continue;
            }
            let visible_to = match self.rng.random_range(0..3) {
                0 => None,
                1 => Some(VisibleTo { userid: Vec::new(), department: vec![executives] }),
                _ => {
                    let first = self.members[i].department[0] as usize - 1;
                    let mut userid: Vec<String> = Vec::new();
                    if self.personas > 0 {
                        userid.push(self.members[0].userid.clone());
                    }
                    if let Some(head) = self.departments[first].department_leader.first() {
                        if !userid.contains(head) {
                            userid.push(head.clone());
                        }
                    }
                    if userid.is_empty() {
                        Some(VisibleTo { userid, department: vec![executives] })
                    } else {
                        Some(VisibleTo { userid, department: Vec::new() })
                    }
                }
            };
            let m = &mut self.members[i];
            m.hidden = true;
            m.visible_to = visible_to;
        }
    }

    /// The members a group may draw from: of the given kind, neither hidden nor resigned.
    pub(super) fn group_pool(&self, kind: impl Fn(Kind) -> bool) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&i| {
                let m = &self.members[i];
                kind(self.kind_of(i)) && !m.hidden && m.status != Status::Resigned
            })
            .collect()
    }

    /// Adds a public group of the members `include` (indices that exist) and up to a number
    /// drawn from `sizes` more drawn from `pool`; no group when it would have fewer than two
    /// members.
    pub(super) fn add_group(&mut self, name: &str, pool: &[usize], sizes: RangeInclusive<usize>, include: &[usize]) {
        let size = self.rng.random_range(sizes);
        let mut userid: Vec<String> =
            include.iter().filter(|&&i| i < self.members.len()).map(|&i| self.members[i].userid.clone()).collect();
        for &i in pool.choose_multiple(&mut self.rng, size) {
            let id = &self.members[i].userid;
            if !userid.contains(id) {
                userid.push(id.clone());
            }
        }
        // A group of one is no group; tiny samples go without.
        if userid.len() < 2 {
            return;
        }
        let id = self.groups.len() as u32 + 1;
        self.groups.push(Group { id, name: name.to_owned(), userid, extra: Map::new() });
    }
}
