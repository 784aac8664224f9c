//! The state a sample is built in, and the organisation chart: departments are added parent
//! first, each with a [`Unit`] that says what its members will be like, and team budgets are
//! split over sibling subtrees.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use rand::distr::weighted::WeightedIndex;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Map;

use super::names::SURNAMES;
use super::sizing::apportion;
use super::suppliers::Supplier;
use crate::model::{Department, Directory, FieldRule, Group, Member, Permission, ROOT_PARENT};

/// What the members of a department are; decides which fields they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An employee: corporate email, 工号, often a desk phone.
    Staff,
    /// A teacher: an employee of the school.
    Teacher,
    /// A contact at the supplier with this index in [`Builder::suppliers`].
    Supplier(usize),
    /// A pupil's parent: a mobile, the pupil's name, no email.
    Parent,
    /// A former pupil of the class of this year (0 for the 校友会 itself).
    Alumni(u16),
}

/// What a new department is like; children made with [`Builder::teams`] copy their parent's.
#[derive(Clone, Copy)]
pub(super) struct Unit {
    kind: Kind,
    /// The positions (职位) its ordinary members hold.
    positions: &'static [&'static str],
    /// The telephone area code; inherited from the parent when absent.
    area: Option<&'static str>,
    /// How densely it is staffed relative to an ordinary team; 0 for departments whose head
    /// count is set explicitly (executives, suppliers, teachers, …).
    density: f64,
}

impl Unit {
    pub(super) fn new(kind: Kind, positions: &'static [&'static str], density: f64) -> Unit {
        Unit { kind, positions, area: None, density }
    }

    pub(super) fn staff(positions: &'static [&'static str], density: f64) -> Unit {
        Unit::new(Kind::Staff, positions, density)
    }

    pub(super) fn in_area(self, area: &'static str) -> Unit {
        Unit { area: Some(area), ..self }
    }
}

/// A department's [`Unit`] once placed in the tree.
#[derive(Clone, Copy)]
pub(super) struct Info {
    pub(super) kind: Kind,
    pub(super) positions: &'static [&'static str],
    pub(super) area: &'static str,
    pub(super) density: f64,
    /// The index of its ancestor directly under the root (itself when it is one).
    pub(super) division: usize,
}

/// A sample being generated: the departments and members so far, and what the passes over them
/// need to remember. The other files of this module add its passes (`impl Builder`).
pub(super) struct Builder {
    /// The one random stream every choice is drawn from, in a fixed order.
    pub(super) rng: ChaCha8Rng,
    corp_name: &'static str,
    /// The mail domain of the organisation's own staff.
    pub(super) domain: &'static str,
    pub(super) departments: Vec<Department>,
    /// Parallel to `departments`.
    pub(super) info: Vec<Info>,
    /// Parallel to `departments`: how many children each has (the next child's sort number).
    pub(super) children: Vec<u32>,
    /// Parallel to `departments`: the next member sort number; 1 is kept for the head.
    next_order: Vec<u32>,
    pub(super) members: Vec<Member>,
    /// Parallel to `members`: whether the member heads a department.
    pub(super) heads: Vec<bool>,
    /// How many personas lead `members`.
    pub(super) personas: usize,
    /// Account base (`zhangwei`) → how many accounts use it so far.
    pub(super) accounts: HashMap<String, u32>,
    /// Every mobile handed out, as its 11 digits.
    pub(super) mobiles: HashSet<u64>,
    /// The last 工号 handed out.
    pub(super) staff_number: u32,
    /// The supplier companies, in the order of their departments.
    pub(super) suppliers: Vec<Supplier>,
    /// Draws an index of `SURNAMES` by census frequency.
    pub(super) surname_weights: WeightedIndex<u32>,
    /// Ordinal of a generated person → index in `SURNAMES` of the surname they must have.
    pub(super) planted: HashMap<usize, usize>,
    /// How many people `person` has made.
    pub(super) people: usize,
    pub(super) groups: Vec<Group>,
}

impl Builder {
    /// An empty organisation called `corp_name`, whose staff mail is at `domain`, drawing every
    /// random choice from one stream seeded with `seed`.
    pub(super) fn new(seed: u64, corp_name: &'static str, domain: &'static str) -> Builder {
        Builder {
            rng: ChaCha8Rng::seed_from_u64(seed),
            corp_name,
            domain,
            departments: Vec::new(),
            info: Vec::new(),
            children: Vec::new(),
            next_order: Vec::new(),
            members: Vec::new(),
            heads: Vec::new(),
            personas: 0,
            accounts: HashMap::new(),
            mobiles: HashSet::new(),
            staff_number: 100,
            suppliers: Vec::new(),
            surname_weights: WeightedIndex::new(SURNAMES.iter().map(|s| s.2))
                .expect("the surname weights are positive"),
            planted: HashMap::new(),
            people: 0,
            groups: Vec::new(),
        }
    }

    /// The directory built, with the sample's field policy.
    pub(super) fn finish(self) -> Directory {
        let rule = |visible, editable| FieldRule { visible, editable };
        let mut field_policy = IndexMap::new();
        field_policy.insert("mobile".to_owned(), rule(true, true));
        field_policy.insert("birthday".to_owned(), rule(false, true));
        field_policy.insert("hire_date".to_owned(), rule(false, false));
        Directory {
            corp_name: self.corp_name.to_owned(),
            department: self.departments,
            userlist: self.members,
            group: self.groups,
            field_policy,
            extra: Map::new(),
        }
    }

    /// Adds a department as the last child of `parent` (the root when `None`); returns its
    /// index. Ids are index + 1, and departments are made parent first.
    pub(super) fn department(
        &mut self,
        parent: Option<usize>,
        name: impl Into<String>,
        permission: Option<Permission>,
        unit: Unit,
    ) -> usize {
        let index = self.departments.len();
        let (parentid, order, area, division) = match parent {
            None => (ROOT_PARENT, 1, unit.area.unwrap_or("021"), index),
            Some(p) => {
                self.children[p] += 1;
                let division = if self.departments[p].parentid == ROOT_PARENT { index } else { self.info[p].division };
                let area = unit.area.unwrap_or(self.info[p].area);
                (self.departments[p].id, self.children[p], area, division)
            }
        };
        self.departments.push(Department {
            id: index as u32 + 1,
            name: name.into(),
            parentid,
            order,
            department_leader: Vec::new(),
            permission,
            hidden: false,
            visible_to: None,
            extra: Map::new(),
        });
        let Unit { kind, positions, density, .. } = unit;
        self.info.push(Info { kind, positions, area, density, division });
        self.children.push(0);
        self.next_order.push(2);
        index
    }

    /// The optional last level of a division: `budget` teams under `parent`, or none when the
    /// budget is a single team (then `parent` is the team).
    pub(super) fn teams(&mut self, parent: usize, budget: usize, name: impl Fn(usize) -> String) {
        if budget <= 1 {
            return;
        }
        let info = self.info[parent];
        let unit = Unit::new(info.kind, info.positions, info.density);
        for k in 0..budget {
            self.department(Some(parent), name(k), None, unit);
        }
    }

    /// Splits a team budget over `parts` children: each gets at least one team, the rest is
    /// shared with some jitter so that sibling subtrees differ in size.
    pub(super) fn split(&mut self, budget: usize, parts: usize) -> Vec<usize> {
        self.split_by(budget, &vec![1.0; parts])
    }

    /// Like `split`, with one part per weight, in proportion to the weights.
    pub(super) fn split_by(&mut self, budget: usize, weights: &[f64]) -> Vec<usize> {
        let weights: Vec<f64> = weights.iter().map(|w| w * self.rng.random_range(0.6..1.4)).collect();
        let mut out = apportion(budget.saturating_sub(weights.len()), &weights);
        for part in &mut out {
            *part += 1;
        }
        out
    }

    /// The next member sort number in department `d`.
    pub(super) fn next_order(&mut self, d: usize) -> u32 {
        let order = self.next_order[d];
        self.next_order[d] += 1;
        order
    }

    /// The kind of member `i`, from their first department.
    pub(super) fn kind_of(&self, i: usize) -> Kind {
        self.info[self.members[i].department[0] as usize - 1].kind
    }

    /// One of `items`, or 职员 when there are none.
    pub(super) fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items.choose(&mut self.rng).copied().unwrap_or("职员")
    }
}
