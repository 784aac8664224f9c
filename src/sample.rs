//! A deterministic, realistic synthetic directory: the embedded default for the demo, the tests
//! and the benchmarks (`tongxunlu sample --members N --seed S -o dir.json`).
//!
//! # The idea
//!
//! A sample is a pure function of a [`SampleSpec`]: a preset (a logistics company or a primary
//! school), a number of members and a seed. Every random choice is drawn from one ChaCha8 stream
//! seeded with `seed`, in a fixed order, and nothing depends on the iteration order of a hash map
//! or on the clock, so the same spec gives the same [`Directory`] — and byte-identical JSON — on
//! every machine and every run. Dates are as of [`TODAY`].
//!
//! Generation runs in three passes.
//!
//! 1. **The organisation chart.** The tree is laid out first and sized from `members`: about one
//!    department per 20 members. Each division (销售中心, 运营中心, 技术中心, …) receives a budget
//!    of teams and spreads it down its levels (大区 → 分公司 → 部) so that every level fans
//!    out about equally. A small sample is a narrow tree and a large one a wide tree of the same
//!    shape and depth, and the first branch of each division always exists, so the personas
//!    below always have the same departments.
//! 2. **The people.** Each department gets a head count — fixed for the executives, the board
//!    office and the suppliers, proportional to a jittered weight for everyone else — and the
//!    counts add up to `members` exactly. Members are then made department by department: the
//!    first one is often the department's head (负责人), names have surnames drawn by census
//!    frequency, accounts are pinyin, mobiles are unique and carry real carrier prefixes,
//!    positions fit the department.
//! 3. **The extras** that make the directory worth testing against: second departments (~5%),
//!    hidden members (~0.5%), public groups and the field policy.
//!
//! # What a company sample illustrates
//!
//! The [`Preset::Company`] sample is 上海顺城物流有限公司, and it carries the seed's permission
//! recipes (SPEC §3):
//!
//! - the root has `all`, and so has 总经理办公室 (the executives), who see everyone;
//! - 董事会秘书处 is a hidden department that only the executives may see;
//! - 销售中心, 运营中心 and the four functional departments (财务部, 人力资源部, 行政部, 法务部)
//!   carry `department`, 技术中心 and 客服中心 carry `subdepartment`, so no ordinary member can
//!   see the executives or another division;
//! - 供应商 holds one department per supplier company, each with `subdepartment`, so suppliers
//!   cannot see one another.
//!
//! Names are what a Chinese directory search must cope with: the polyphonic surnames read the
//! surname way (单 Shàn, 曾 Zēng, 解 Xiè, 区 Ōu, 仇 Qiú, 朴 Piáo, 查 Zhā, 乐 Yuè, 覃 Qín, 盖 Gě,
//! 缪 Miào, 翟 Zhái — see [`POLYPHONIC_SURNAMES`]), compound surnames ([`COMPOUND_SURNAMES`]),
//! heteronyms in given names (乐, 长, 重, 行, 朝, 和), about 2% names in traditional characters,
//! about 1% Latin names and about 15% English aliases. In every sample of 1,000 generated
//! members or more, each polyphonic and compound surname is also planted once, so a 5,000-member
//! sample always contains all of them whatever the seed.
//!
//! # Personas
//!
//! The first members of a company sample are well-known accounts ([`PERSONAS`]), always active
//! and followed, each in exactly one department, with the same names, mobiles and departments
//! whatever the seed:
//!
//! | userid | name | department | illustrates |
//! |---|---|---|---|
//! | `exec001` | 陈建国 (总经理) | 总经理办公室 (`all`) | sees everyone, the hidden 董事会秘书处 too |
//! | `staff001` | 张伟 (客户经理) | 销售中心/华东大区/上海分公司/大客户部 (`department` from 销售中心) | sees all of 销售中心, not the executives or another centre |
//! | `dev001` | 李娜 (前端工程师) | 技术中心/研发部/前端组 (`subdepartment` from 技术中心) | sees only 前端组 |
//! | `supplier001` | 王磊 (业务经理) | 供应商/上海恒通包装材料有限公司 (`subdepartment`) | sees only their own company |
//!
//! The [`Preset::School`] sample (示例市第一实验小学) has its own, [`SCHOOL_PERSONAS`]:
//! `principal001` (校长室, `all`), `teacher001` (语文教研组 under 教师组 with `department`, and
//! head teacher of 一年级1班), `parent001` (a father in 一年级1班 under 班级组 with
//! `subdepartment`) and `supplier001`.
//!
//! # Sizes
//!
//! Any size works, from 0 members up; the result always passes [`Directory::validate`]. The
//! personas come first, so below four members there are fewer personas (1 member: only `exec001`
//! or `principal001`). The department skeleton exists at every size, so a tiny sample has more
//! departments than people. A school of 1,000 members has 30 teachers and 18 classes.
//!
//! ```
//! use tongxunlu::sample::{generate, Preset, SampleSpec};
//!
//! let spec = SampleSpec { members: 300, seed: 7, preset: Preset::Company };
//! let dir = generate(&spec);
//! assert_eq!(dir.userlist.len(), 300);
//! assert_eq!(dir.userlist[0].userid, "exec001");
//! assert!(dir.validate().is_ok());
//! assert_eq!(dir, generate(&spec));
//! ```

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use indexmap::IndexMap;
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Map;

use crate::model::{
    Department, Directory, FieldRule, Gender, Group, Member, Permission, Status, VisibleTo, ROOT_PARENT,
};

/// Which kind of organisation to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// 上海顺城物流有限公司: a logistics company with sales regions, warehouses, fleets, an IT
    /// centre, functional departments and suppliers.
    Company,
    /// 示例市第一实验小学: a primary school with teachers, classes of parents, alumni and
    /// suppliers.
    School,
}

impl FromStr for Preset {
    type Err = String;

    /// `company` or `school`, as the CLI spells them.
    fn from_str(s: &str) -> Result<Preset, String> {
        match s {
            "company" => Ok(Preset::Company),
            "school" => Ok(Preset::School),
            other => Err(format!("unknown preset {other:?}; expected company or school")),
        }
    }
}

/// Everything a sample is a function of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleSpec {
    /// The exact number of members in `userlist`, resigned members included.
    pub members: usize,
    /// The seed of the one random stream every choice is drawn from.
    pub seed: u64,
    pub preset: Preset,
}

/// The well-known accounts every Company sample contains, first in `userlist` and in this order:
/// (userid, what the account illustrates). Fewer when `members` is below 4.
pub const PERSONAS: &[(&str, &str)] = &[
    (
        "exec001",
        "陈建国, 总经理 in 总经理办公室 (permission all): sees everyone, \
         including the hidden 董事会秘书处",
    ),
    (
        "staff001",
        "张伟, 客户经理 in 销售中心/华东大区/上海分公司/大客户部 (department, from 销售中心): \
         sees all of 销售中心 but not the executives or any other centre",
    ),
    (
        "dev001",
        "李娜, 前端工程师 in 技术中心/研发部/前端组 (subdepartment, from 技术中心): \
         sees only 前端组",
    ),
    (
        "supplier001",
        "王磊, 业务经理 in 供应商/上海恒通包装材料有限公司 (subdepartment): \
         sees only their own company, no other supplier",
    ),
];

/// The well-known accounts every School sample contains, first in `userlist` and in this order.
pub const SCHOOL_PERSONAS: &[(&str, &str)] = &[
    ("principal001", "王建华, 校长 in 校长室 (permission all): sees the whole school"),
    (
        "teacher001",
        "刘芳, 语文教师 in 教师组/语文教研组 (department, from 教师组) and head teacher of \
         班级组/一年级1班 (subdepartment): sees every teacher and her own class, no other class",
    ),
    (
        "parent001",
        "赵磊, 赵子轩爸爸 in 班级组/一年级1班 (subdepartment, from 班级组): \
         sees only his child's class, its head teacher included",
    ),
    (
        "supplier001",
        "孙强, 业务经理 in 供应商/示例市阳光校服有限公司 (subdepartment): \
         sees only his own company",
    ),
];

/// The polyphonic surnames every sample of 1,000 generated members or more contains, each read
/// the surname way (单 Shàn, not dān).
pub const POLYPHONIC_SURNAMES: &[&str] = &["单", "曾", "解", "区", "仇", "朴", "查", "乐", "覃", "盖", "缪", "翟"];

/// The compound (two-character) surnames every sample of 1,000 generated members or more
/// contains.
pub const COMPOUND_SURNAMES: &[&str] = &["欧阳", "司马", "诸葛", "上官", "尉迟", "万俟", "长孙", "东方"];

/// The date a sample is "as of": no hire date is later, and nothing depends on the clock.
pub const TODAY: &str = "2025-06-30";
const TODAY_YEAR: u16 = 2025;
const TODAY_MONTH: u32 = 6;
/// Hire dates start when the organisation was founded.
const FOUNDED: u16 = 2006;

/// Generates the directory `spec` describes. The same spec always gives the same directory.
pub fn generate(spec: &SampleSpec) -> Directory {
    let mut b = Builder::new(spec.seed, spec.preset);
    match spec.preset {
        Preset::Company => company(&mut b, spec.members),
        Preset::School => school(&mut b, spec.members),
    }
    let dir = b.finish();
    debug_assert_eq!(dir.userlist.len(), spec.members);
    dir
}

// ---------------------------------------------------------------------------------------------
// The company
// ---------------------------------------------------------------------------------------------

const COMPANY_NAME: &str = "上海顺城物流有限公司";
const COMPANY_DOMAIN: &str = "shunchengwl.com";

/// Members per team budget unit. With the internal departments each division adds, this gives
/// about one department per 20 members.
const MEMBERS_PER_TEAM: usize = 24;

fn company(b: &mut Builder, n: usize) {
    let root = b.department(None, COMPANY_NAME, Some(Permission::All), Unit::staff(EXEC_POSITIONS, 0.0).in_area("021"));
    let exec = b.department(Some(root), "总经理办公室", Some(Permission::All), Unit::staff(EXEC_POSITIONS, 0.0));
    // The board office is hidden from everyone but the executives: the directory's example of
    // a hidden department.
    let board = b.department(Some(root), "董事会秘书处", None, Unit::staff(BOARD_POSITIONS, 0.0));
    b.departments[board].hidden = true;
    b.departments[board].visible_to = Some(VisibleTo { userid: Vec::new(), department: vec![b.departments[exec].id] });

    let teams = (n / MEMBERS_PER_TEAM).max(1);
    let key_accounts = b.sales(root, share(teams, 0.36));
    b.operations(root, share(teams, 0.33));
    let frontend = b.tech(root, share(teams, 0.12));
    b.customer_service(root, share(teams, 0.08));
    for &(name, team_names, positions, density, weight) in FUNCTIONS {
        let d = b.department(Some(root), name, Some(Permission::Department), Unit::staff(positions, density));
        b.teams(d, share(teams, weight), |i| nth_team(team_names, i));
    }
    let suppliers = b.suppliers(
        root,
        (2 + n / 500).min(300),
        ("上海恒通包装材料有限公司", "hengtong-pack.com"),
        SUPPLIER_PLACES,
        COMPANY_INDUSTRIES,
    );

    let persona_departments = [exec, key_accounts, frontend, suppliers[0]];
    let mut rest = b.personas(&COMPANY_PERSONAS, &persona_departments, n);
    let mut counts = vec![0; b.departments.len()];
    counts[exec] = take(&mut rest, if n >= 10 { (n / 2500).clamp(2, 15) } else { 0 });
    counts[board] = take(&mut rest, if n >= 50 { 2 } else { 0 });
    for (i, &d) in suppliers.iter().enumerate() {
        // supplier001 is already the first contact of the first supplier.
        let want = if n >= 30 { b.rng.random_range(1..=3) - usize::from(i == 0) } else { 0 };
        counts[d] = take(&mut rest, want);
    }
    b.plant_rare_surnames(n - b.personas);
    b.spread(&mut counts, rest);
    b.populate(&counts);

    // 置顶: the executives are pinned to the top of every list they appear in.
    let exec_id = b.departments[exec].id;
    for m in b.members.iter_mut().filter(|m| m.department[0] == exec_id) {
        m.pinned = true;
    }
    b.second_departments(&[exec, board]);
    b.hide_some(exec);

    let pool = b.group_pool(|kind| kind == Kind::Staff);
    let cross_team: Vec<usize> = (1..b.personas.min(3)).collect(); // staff001, dev001
    for (i, &name) in COMPANY_GROUPS.iter().take(3 + n / 2000).enumerate() {
        let size = b.rng.random_range(5..=30);
        b.add_group(name, &pool, size, if i == 0 { &cross_team } else { &[] });
    }
}

/// A division's share of the company's team budget: at least one team, so every division exists.
fn share(teams: usize, weight: f64) -> usize {
    ((teams as f64 * weight).round() as usize).max(1)
}

impl Builder {
    /// 销售中心 → 大区 → 分公司 → 部. Returns 华东大区/上海分公司/大客户部, which always
    /// exists: the first branch at every level is made first and gets at least one team.
    fn sales(&mut self, root: usize, budget: usize) -> usize {
        let unit = Unit::staff(SALES_POSITIONS, 1.0);
        let center = self.department(Some(root), "销售中心", Some(Permission::Department), unit);
        let mut first = None;
        let regions = fanout(budget, 3, REGIONS.len());
        let weights: Vec<f64> = REGIONS[..regions].iter().map(|r| r.1).collect();
        for (r, region_budget) in self.split_by(budget, &weights).into_iter().enumerate() {
            let (region_name, _, cities) = REGIONS[r];
            let region = self.department(Some(center), region_name, None, unit);
            let branches = fanout(region_budget, 2, cities.len());
            for (c, branch_budget) in self.split(region_budget, branches).into_iter().enumerate() {
                let (city, area) = cities[c];
                let branch = self.department(Some(region), format!("{city}分公司"), None, unit.in_area(area));
                // The 部 are the teams: a fifth level would make the tree deeper than sales
                // organisations usually are.
                for i in 0..branch_budget {
                    let name = nth_or(SALES_DEPARTMENTS, i, |k| format!("销售{}部", chinese_number(k)));
                    let part = self.department(Some(branch), name, None, unit);
                    first.get_or_insert(part);
                }
            }
        }
        first.expect("a budget of at least one makes at least one sales department")
    }

    /// 运营中心 → 仓储中心 → {city}仓 → (组), 运输部 → {city}车队 → (班), 调度中心 → (组).
    fn operations(&mut self, root: usize, budget: usize) {
        let center =
            self.department(Some(root), "运营中心", Some(Permission::Department), Unit::staff(DISPATCH_POSITIONS, 1.0));
        let parts = apportion(budget.saturating_sub(3), &[0.55, 0.30, 0.15]);
        let (warehousing, transport, dispatch) = (parts[0] + 1, parts[1] + 1, parts[2] + 1);

        let unit = Unit::staff(WAREHOUSE_POSITIONS, 1.3);
        let hub = self.department(Some(center), "仓储中心", None, unit);
        let sites = fanout(warehousing, 2, LOGISTICS_CITIES.len());
        for (i, site_budget) in self.split(warehousing, sites).into_iter().enumerate() {
            let (city, area) = LOGISTICS_CITIES[i];
            let site = self.department(Some(hub), format!("{city}仓"), None, unit.in_area(area));
            self.teams(site, site_budget, |k| nth_team(WAREHOUSE_TEAMS, k));
        }

        let unit = Unit::staff(TRANSPORT_POSITIONS, 1.2);
        let fleet = self.department(Some(center), "运输部", None, unit);
        let sites = fanout(transport, 2, LOGISTICS_CITIES.len());
        for (i, site_budget) in self.split(transport, sites).into_iter().enumerate() {
            let (city, area) = LOGISTICS_CITIES[i];
            let site = self.department(Some(fleet), format!("{city}车队"), None, unit.in_area(area));
            self.teams(site, site_budget, |k| format!("{}班", chinese_number(k + 1)));
        }

        let unit = Unit::staff(DISPATCH_POSITIONS, 0.8);
        let control = self.department(Some(center), "调度中心", None, unit);
        self.teams(control, dispatch, |k| nth_team(DISPATCH_TEAMS, k));
    }

    /// 技术中心 → 部 → 组, each team with its own trade. Returns 研发部/前端组, which always exists.
    fn tech(&mut self, root: usize, budget: usize) -> usize {
        let center = self.department(
            Some(root),
            "技术中心",
            Some(Permission::Subdepartment),
            Unit::staff(&["技术总监助理", "项目经理"], 0.9),
        );
        let mut first = None;
        let parts = fanout(budget, 2, TECH_DEPARTMENTS.len());
        let weights: Vec<f64> = TECH_DEPARTMENTS[..parts].iter().map(|d| d.1).collect();
        for (i, part_budget) in self.split_by(budget, &weights).into_iter().enumerate() {
            let (name, _, teams) = TECH_DEPARTMENTS[i];
            let part = self.department(Some(center), name, None, Unit::staff(teams[0].1, 0.9));
            let names: Vec<&str> = teams.iter().map(|t| t.0).collect();
            // Teams are a mandatory level here: an engineer always belongs to a team.
            for k in 0..part_budget {
                let (_, positions) = teams[k % teams.len()];
                let team = self.department(Some(part), nth_team(&names, k), None, Unit::staff(positions, 0.9));
                first.get_or_insert(team);
            }
        }
        first.expect("a budget of at least one makes at least one team")
    }

    /// 客服中心 → 部 → (组).
    fn customer_service(&mut self, root: usize, budget: usize) {
        let unit = Unit::staff(SERVICE_POSITIONS, 1.1);
        let center = self.department(Some(root), "客服中心", Some(Permission::Subdepartment), unit);
        let parts = fanout(budget, 2, usize::MAX);
        for (i, part_budget) in self.split(budget, parts).into_iter().enumerate() {
            let name = nth_or(SERVICE_DEPARTMENTS, i, |k| format!("客服{}部", chinese_number(k)));
            let part = self.department(Some(center), name, None, unit);
            self.teams(part, part_budget, |k| format!("{}组", chinese_number(k + 1)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The school
// ---------------------------------------------------------------------------------------------

const SCHOOL_NAME: &str = "示例市第一实验小学";
const SCHOOL_DOMAIN: &str = "syxx.edu.cn";
const GRADES: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
/// The classes of the alumni association: grown-ups who left the school every five years.
const ALUMNI_YEARS: [u16; 6] = [1990, 1995, 2000, 2005, 2010, 2015];

fn school(b: &mut Builder, n: usize) {
    let root =
        b.department(None, SCHOOL_NAME, Some(Permission::All), Unit::staff(OFFICE_POSITIONS, 0.0).in_area("0571"));
    let office = b.department(Some(root), "校长室", Some(Permission::All), Unit::staff(OFFICE_POSITIONS, 0.0));
    let staffroom =
        b.department(Some(root), "教师组", Some(Permission::Department), Unit::new(Kind::Teacher, &["教师"], 0.0));
    let subjects: Vec<usize> = TEACHING_GROUPS
        .iter()
        .map(|&(name, positions, _)| {
            b.department(Some(staffroom), name, None, Unit::new(Kind::Teacher, positions, 0.0))
        })
        .collect();

    let persona_count = n.min(SCHOOL_PERSONAS.len());
    let mut rest = n - persona_count;
    let office_staff = take(&mut rest, if n >= 50 { 2 } else { 0 });
    // About three teachers per hundred members, teacher001 included; a class per 1.7 teachers.
    let teachers = take(&mut rest, (n * 3 / 100).max(2) - 1);
    let class_count = ((teachers + 1) * 3 / 5).max(1);

    let classroom =
        b.department(Some(root), "班级组", Some(Permission::Subdepartment), Unit::new(Kind::Parent, &[], 0.0));
    let per_grade = class_count.div_ceil(GRADES.len());
    let classes: Vec<usize> = (0..class_count)
        .map(|i| {
            let name = format!("{}年级{}班", GRADES[i / per_grade], i % per_grade + 1);
            b.department(Some(classroom), name, None, Unit::new(Kind::Parent, &[], 1.0))
        })
        .collect();
    let alumni = b.department(Some(root), "校友会", Some(Permission::Department), Unit::new(Kind::Alumni(0), &[], 0.0));
    let years: Vec<usize> = ALUMNI_YEARS
        .into_iter()
        .map(|y| b.department(Some(alumni), format!("{y}届"), None, Unit::new(Kind::Alumni(y), &[], 0.0)))
        .collect();
    let suppliers = b.suppliers(
        root,
        (3 + n / 2000).min(100),
        ("示例市阳光校服有限公司", "yangguang-uniform.com"),
        &["示例市"],
        SCHOOL_INDUSTRIES,
    );

    let persona_departments = [office, subjects[0], classes[0], suppliers[0]];
    let rest_after_personas = b.personas(&SCHOOL_PERSONAS_RECORDS, &persona_departments, n);
    debug_assert_eq!(rest_after_personas, n - persona_count);

    let mut counts = vec![0; b.departments.len()];
    counts[office] = office_staff;
    let weights: Vec<f64> = TEACHING_GROUPS.iter().map(|g| g.2).collect();
    for (&d, c) in subjects.iter().zip(apportion(teachers, &weights)) {
        counts[d] = c;
    }
    let alumni_count = take(&mut rest, n * 3 / 100);
    for (&d, c) in years.iter().zip(apportion(alumni_count, &[1.0; 6])) {
        counts[d] = c;
    }
    for (i, &d) in suppliers.iter().enumerate() {
        let want = if n >= 30 { b.rng.random_range(1..=2) - usize::from(i == 0) } else { 0 };
        counts[d] = take(&mut rest, want);
    }
    b.plant_rare_surnames(n - b.personas);
    b.spread(&mut counts, rest); // the parents, over the classes
    b.populate(&counts);

    // Each class's head teacher (班主任) is a teacher who is also a member of the class, so the
    // teacher sees the class and the class sees its teacher. teacher001 heads 一年级1班.
    let heads: Vec<usize> =
        (0..b.members.len()).filter(|&i| b.kind_of(i) == Kind::Teacher && b.members[i].status.can_sign_in()).collect();
    for (&class, &teacher) in classes.iter().zip(&heads) {
        let id = b.departments[class].id;
        let m = &mut b.members[teacher];
        m.department.push(id);
        m.order.push(1);
        b.departments[class].department_leader.push(m.userid.clone());
        b.heads[teacher] = true;
    }
    b.hide_some(office);

    let teachers = b.group_pool(|kind| kind == Kind::Teacher);
    let parents = b.group_pool(|kind| kind == Kind::Parent);
    let alumni = b.group_pool(|kind| matches!(kind, Kind::Alumni(_)));
    let size = b.rng.random_range(8..=15);
    b.add_group("家委会", &parents, size, &[]);
    let size = b.rng.random_range(6..=12);
    b.add_group("运动会筹备组", &teachers, size, &[]);
    let size = b.rng.random_range(5..=10);
    b.add_group("课后服务组", &teachers, size, &[]);
    let size = b.rng.random_range(4..=8);
    b.add_group("校园安全小组", &teachers, size, &[0]);
    let size = b.rng.random_range(5..=10);
    b.add_group("校友联络组", &alumni, size, &[]);
}

// ---------------------------------------------------------------------------------------------
// The builder: departments, people, and the passes over them
// ---------------------------------------------------------------------------------------------

/// What the members of a department are; decides which fields they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Unit {
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
    fn new(kind: Kind, positions: &'static [&'static str], density: f64) -> Unit {
        Unit { kind, positions, area: None, density }
    }

    fn staff(positions: &'static [&'static str], density: f64) -> Unit {
        Unit::new(Kind::Staff, positions, density)
    }

    fn in_area(self, area: &'static str) -> Unit {
        Unit { area: Some(area), ..self }
    }
}

/// A department's [`Unit`] once placed in the tree.
#[derive(Clone, Copy)]
struct Info {
    kind: Kind,
    positions: &'static [&'static str],
    area: &'static str,
    density: f64,
    /// The index of its ancestor directly under the root (itself when it is one).
    division: usize,
}

struct Supplier {
    name: String,
    domain: String,
}

/// A generated name and the ASCII the account is made from.
struct Person {
    name: String,
    /// Pinyin-ish ASCII of the name (`zhangwei`, `davidsmith`).
    base: String,
    gender: Gender,
    alias: Option<&'static str>,
    /// The Chinese surname, for a child's name; `None` for a Latin name.
    surname: Option<&'static str>,
}

/// A persona's fixed record: the same whatever the seed, so demos and tests can rely on it.
struct PersonaRecord {
    userid: &'static str,
    name: &'static str,
    alias: Option<&'static str>,
    gender: Gender,
    position: &'static str,
    mobile: &'static str,
    email: Option<&'static str>,
    telephone: Option<&'static str>,
    weixin_id: Option<&'static str>,
    birthday: Option<&'static str>,
    hire_date: Option<&'static str>,
    extattr: &'static [(&'static str, &'static str)],
    /// Whether the persona is its department's head (负责人).
    head: bool,
}

struct Builder {
    rng: ChaCha8Rng,
    corp_name: &'static str,
    domain: &'static str,
    departments: Vec<Department>,
    /// Parallel to `departments`.
    info: Vec<Info>,
    /// Parallel to `departments`: how many children each has (the next child's sort number).
    children: Vec<u32>,
    /// Parallel to `departments`: the next member sort number; 1 is kept for the head.
    next_order: Vec<u32>,
    members: Vec<Member>,
    /// Parallel to `members`: whether the member heads a department.
    heads: Vec<bool>,
    /// How many personas lead `members`.
    personas: usize,
    /// Account base (`zhangwei`) → how many accounts use it so far.
    accounts: HashMap<String, u32>,
    /// Every mobile handed out, as its 11 digits.
    mobiles: HashSet<u64>,
    /// The last 工号 handed out.
    staff_number: u32,
    suppliers: Vec<Supplier>,
    surname_weights: WeightedIndex<u32>,
    /// Ordinal of a generated person → index in `SURNAMES` of the surname they must have.
    planted: HashMap<usize, usize>,
    /// How many people `person` has made.
    people: usize,
    groups: Vec<Group>,
}

impl Builder {
    fn new(seed: u64, preset: Preset) -> Builder {
        let (corp_name, domain) = match preset {
            Preset::Company => (COMPANY_NAME, COMPANY_DOMAIN),
            Preset::School => (SCHOOL_NAME, SCHOOL_DOMAIN),
        };
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

    fn finish(self) -> Directory {
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

    // --- the tree ---

    /// Adds a department as the last child of `parent` (the root when `None`); returns its
    /// index. Ids are index + 1, and departments are made parent first.
    fn department(
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
    fn teams(&mut self, parent: usize, budget: usize, name: impl Fn(usize) -> String) {
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
    fn split(&mut self, budget: usize, parts: usize) -> Vec<usize> {
        self.split_by(budget, &vec![1.0; parts])
    }

    /// Like `split`, with one part per weight, in proportion to the weights.
    fn split_by(&mut self, budget: usize, weights: &[f64]) -> Vec<usize> {
        let weights: Vec<f64> = weights.iter().map(|w| w * self.rng.random_range(0.6..1.4)).collect();
        let mut out = apportion(budget.saturating_sub(weights.len()), &weights);
        for part in &mut out {
            *part += 1;
        }
        out
    }

    /// 供应商 with `count` supplier companies under it, each its own `subdepartment`; the first
    /// is always `first`. Returns the companies' departments.
    fn suppliers(
        &mut self,
        root: usize,
        count: usize,
        first: (&str, &str),
        places: &[&str],
        industries: &[(&str, &str)],
    ) -> Vec<usize> {
        let parent = self.department(
            Some(root),
            "供应商",
            Some(Permission::Subdepartment),
            Unit::new(Kind::Supplier(0), SUPPLIER_POSITIONS, 0.0),
        );
        let mut domains = HashSet::new();
        domains.insert(first.1.to_owned());
        self.suppliers.push(Supplier { name: first.0.to_owned(), domain: first.1.to_owned() });
        // Distinct (brand, trade) pairs give distinct names and mail domains; there are far
        // more pairs than suppliers.
        let count = count.clamp(1, CORES.len() * industries.len() / 2);
        while self.suppliers.len() < count {
            let &(core, core_ascii) = CORES.choose(&mut self.rng).expect("CORES is not empty");
            let &(trade, trade_ascii) = industries.choose(&mut self.rng).expect("not empty");
            let domain = format!("{core_ascii}-{trade_ascii}.com");
            if !domains.insert(domain.clone()) {
                continue;
            }
            let place = places.choose(&mut self.rng).expect("places is not empty");
            let suffix = if self.rng.random_bool(0.2) { "股份有限公司" } else { "有限公司" };
            let name = format!("{place}{core}{trade}{suffix}");
            self.suppliers.push(Supplier { name, domain });
        }
        (0..count)
            .map(|i| {
                let name = self.suppliers[i].name.clone();
                let unit = Unit::new(Kind::Supplier(i), SUPPLIER_POSITIONS, 0.0);
                self.department(Some(parent), name, Some(Permission::Subdepartment), unit)
            })
            .collect()
    }

    // --- the people ---

    /// Adds the first `n` (at most all) personas to the given departments; returns how many
    /// members are left to generate.
    fn personas(&mut self, records: &[PersonaRecord], departments: &[usize], n: usize) -> usize {
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

    /// Chooses which generated people carry each polyphonic and compound surname once, so that
    /// every sample of 1,000 generated members or more has all of them. Smaller samples rely on
    /// the surnames' own (small) frequencies.
    fn plant_rare_surnames(&mut self, generated: usize) {
        let rare: Vec<usize> = POLYPHONIC_SURNAMES
            .iter()
            .chain(COMPOUND_SURNAMES)
            .map(|r| SURNAMES.iter().position(|s| s.0 == *r).expect("every rare surname is in SURNAMES"))
            .collect();
        if generated < 1000 {
            return;
        }
        let slots = rand::seq::index::sample(&mut self.rng, generated, rare.len());
        self.planted = slots.into_iter().zip(rare).collect();
    }

    /// Adds `rest` members to `counts`, spread over the departments by their density: most to
    /// the teams at the leaves, a couple (the heads) to each department above them.
    fn spread(&mut self, counts: &mut [usize], rest: usize) {
        let weights: Vec<f64> = (0..self.departments.len())
            .map(|d| {
                let density = self.info[d].density;
                if density == 0.0 {
                    0.0
                } else if self.info[d].kind == Kind::Parent {
                    // Classes are filled to about the same size, teams are not.
                    density * self.rng.random_range(0.85..1.15)
                } else if self.children[d] == 0 {
                    density * self.rng.random_range(0.6..1.4)
                } else {
                    0.06 * density
                }
            })
            .collect();
        for (count, extra) in counts.iter_mut().zip(apportion(rest, &weights)) {
            *count += extra;
        }
    }

    /// Generates `counts[d]` members for each department `d`, in department order.
    fn populate(&mut self, counts: &[usize]) {
        self.members.reserve(counts.iter().sum());
        for (d, &count) in counts.iter().enumerate() {
            for j in 0..count {
                let head = j == 0 && self.departments[d].department_leader.is_empty() && self.wants_head(d);
                self.member(d, head);
            }
        }
    }

    /// Whether a department gets a head (负责人): always above the teams, often in a team.
    fn wants_head(&mut self, d: usize) -> bool {
        match self.info[d].kind {
            Kind::Parent | Kind::Alumni(_) => false,
            _ if self.children[d] > 0 => true,
            Kind::Supplier(_) => self.rng.random_bool(0.5),
            _ => self.rng.random_bool(0.7),
        }
    }

    fn next_order(&mut self, d: usize) -> u32 {
        let order = self.next_order[d];
        self.next_order[d] += 1;
        order
    }

    /// The kind of member `i`, from their first department.
    fn kind_of(&self, i: usize) -> Kind {
        self.info[self.members[i].department[0] as usize - 1].kind
    }

    /// Generates one member of department `d`.
    fn member(&mut self, d: usize, head: bool) {
        let info = self.info[d];
        let relation = match info.kind {
            Kind::Parent if self.rng.random_bool(0.6) => Some(("妈妈", "母亲", Gender::Female)),
            Kind::Parent => Some(("爸爸", "父亲", Gender::Male)),
            _ => None,
        };
        let person = self.person(relation.map(|r| r.2));
        let userid = self.account(&person.base);
        // Heads are active: a department is not run by someone who left.
        let status = if head { Status::Active } else { self.status() };
        let order = if head { 1 } else { self.next_order(d) };
        if head {
            self.departments[d].department_leader.push(userid.clone());
        }
        let mut m = Member {
            userid,
            name: person.name,
            alias: person.alias.map(str::to_owned),
            department: vec![self.departments[d].id],
            order: vec![order],
            position: None,
            gender: person.gender,
            mobile: None,
            email: None,
            telephone: None,
            weixin_id: None,
            birthday: None,
            hire_date: None,
            status,
            followed: Some(status != Status::NotFollowed),
            pinned: false,
            hidden: false,
            visible_to: None,
            extattr: IndexMap::new(),
            extra: Map::new(),
        };
        let base = person.base;
        match info.kind {
            Kind::Staff | Kind::Teacher => {
                m.position = Some(if head {
                    head_title(&self.departments[d].name).to_owned()
                } else {
                    self.pick(info.positions).to_owned()
                });
                if self.rng.random_bool(0.98) {
                    m.mobile = Some(self.mobile());
                }
                m.email = Some(format!("{}@{}", m.userid, self.domain));
                if self.rng.random_bool(0.3) {
                    m.telephone = Some(self.telephone(info.area));
                }
                // Heads and executives are older than their staff.
                let senior = head || (info.kind == Kind::Staff && info.density == 0.0);
                let born = if senior { self.senior_birth_year() } else { self.birth_year() };
                if self.rng.random_bool(0.6) {
                    m.weixin_id = Some(self.weixin_id(&base, person.alias, born));
                }
                if self.rng.random_bool(0.85) {
                    m.birthday = Some(self.date(born, 12));
                }
                if self.rng.random_bool(0.95) {
                    m.hire_date = Some(self.hire_date(born));
                }
                if self.rng.random_bool(0.92) {
                    self.staff_number += self.rng.random_range(1..=3);
                    m.extattr.insert("工号".into(), format!("{:06}", self.staff_number));
                }
            }
            Kind::Supplier(s) => {
                m.position = Some(if head { "业务负责人" } else { self.pick(SUPPLIER_POSITIONS) }.to_owned());
                m.mobile = Some(self.mobile());
                if self.rng.random_bool(0.6) {
                    m.email = Some(format!("{}@{}", m.userid, self.suppliers[s].domain));
                }
                if self.rng.random_bool(0.4) {
                    m.telephone = Some(self.telephone(info.area));
                }
                if self.rng.random_bool(0.7) {
                    let born = self.birth_year();
                    m.weixin_id = Some(self.weixin_id(&base, person.alias, born));
                }
                m.extattr.insert("所属单位".into(), self.suppliers[s].name.clone());
            }
            Kind::Parent => {
                let (call, relation, _) = relation.expect("a parent has a relation");
                let child = self.child_name(person.surname.filter(|_| call == "爸爸"));
                m.position = Some(format!("{child}{call}"));
                m.mobile = Some(self.mobile());
                if self.rng.random_bool(0.8) {
                    let born = 1978 + self.rng.random_range(0..=16);
                    m.weixin_id = Some(self.weixin_id(&base, person.alias, born));
                }
                m.extattr.insert("学生姓名".into(), child);
                m.extattr.insert("关系".into(), relation.into());
            }
            Kind::Alumni(year) => {
                m.position = Some(format!("{year}届校友"));
                m.mobile = Some(self.mobile());
                let born = year - 12;
                if self.rng.random_bool(0.7) {
                    m.weixin_id = Some(self.weixin_id(&base, person.alias, born));
                }
                if self.rng.random_bool(0.3) {
                    let host = self.pick(&["qq.com", "163.com", "126.com"]);
                    m.email = Some(format!("{}@{host}", m.userid));
                }
                if self.rng.random_bool(0.65) {
                    m.birthday = Some(self.date(born, 12));
                }
            }
        }
        self.members.push(m);
        self.heads.push(head);
    }

    /// ~2% resigned, ~1% disabled, ~5% not yet following, the rest active.
    fn status(&mut self) -> Status {
        match self.rng.random_range(0..1000) {
            0..20 => Status::Resigned,
            20..30 => Status::Disabled,
            30..80 => Status::NotFollowed,
            _ => Status::Active,
        }
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items.choose(&mut self.rng).copied().unwrap_or("职员")
    }

    // --- names ---

    /// A new person's name: ~1% Latin, ~2% traditional characters, the rest simplified, with a
    /// surname drawn by census frequency (or planted, see `plant_rare_surnames`).
    fn person(&mut self, gender: Option<Gender>) -> Person {
        let gender = gender.unwrap_or_else(|| match self.rng.random_range(0..100) {
            0..52 => Gender::Male,
            52..99 => Gender::Female,
            _ => Gender::Unknown,
        });
        let ordinal = self.people;
        self.people += 1;
        if let Some(&s) = self.planted.get(&ordinal) {
            return self.chinese_person(SURNAMES[s].0, SURNAMES[s].1, gender);
        }
        match self.rng.random_range(0..1000) {
            0..10 => self.latin_person(gender),
            10..30 => self.traditional_person(gender),
            _ => {
                let (surname, ascii, _) = SURNAMES[self.surname_weights.sample(&mut self.rng)];
                self.chinese_person(surname, ascii, gender)
            }
        }
    }

    fn chinese_person(&mut self, surname: &'static str, ascii: &str, gender: Gender) -> Person {
        let chars = self.given_characters(gender, MALE_GIVEN, FEMALE_GIVEN);
        let (given, given_ascii) = self.given_name(chars, 0.2);
        let alias = self.rng.random_bool(0.15).then(|| self.english_name(gender));
        Person {
            name: format!("{surname}{given}"),
            base: format!("{ascii}{given_ascii}"),
            gender,
            alias,
            surname: Some(surname),
        }
    }

    /// 張偉, 陳淑芬: a traditional surname and traditional given-name characters. Every surname
    /// in the table is written differently in simplified characters, so every such name has at
    /// least one traditional-only character.
    fn traditional_person(&mut self, gender: Gender) -> Person {
        let &(surname, ascii) = TRADITIONAL_SURNAMES.choose(&mut self.rng).expect("not empty");
        let chars = self.given_characters(gender, TRADITIONAL_MALE_GIVEN, TRADITIONAL_FEMALE_GIVEN);
        let (given, given_ascii) = self.given_name(chars, 0.2);
        // Hong Kong and Taiwan colleagues often go by an English name.
        let alias = self.rng.random_bool(0.4).then(|| self.english_name(gender));
        Person {
            name: format!("{surname}{given}"),
            base: format!("{ascii}{given_ascii}"),
            gender,
            alias,
            surname: Some(surname),
        }
    }

    fn latin_person(&mut self, gender: Gender) -> Person {
        let firsts = if gender == Gender::Female { LATIN_FEMALE } else { LATIN_MALE };
        let &(first, first_ascii) = firsts.choose(&mut self.rng).expect("not empty");
        let &(last, last_ascii) = LATIN_SURNAMES.choose(&mut self.rng).expect("not empty");
        Person {
            name: format!("{first} {last}"),
            base: format!("{first_ascii}{last_ascii}"),
            gender,
            alias: None,
            surname: None,
        }
    }

    fn given_characters(
        &mut self,
        gender: Gender,
        male: &'static [(&'static str, &'static str)],
        female: &'static [(&'static str, &'static str)],
    ) -> &'static [(&'static str, &'static str)] {
        match gender {
            Gender::Male => male,
            Gender::Female => female,
            Gender::Unknown if self.rng.random_bool(0.5) => male,
            Gender::Unknown => female,
        }
    }

    /// A given name of one character (with probability `single`) or two, and its ASCII.
    fn given_name(&mut self, chars: &[(&str, &str)], single: f64) -> (String, String) {
        let len = if self.rng.random_bool(single) { 1 } else { 2 };
        let mut given = String::new();
        let mut ascii = String::new();
        for _ in 0..len {
            let &(c, a) = chars.choose(&mut self.rng).expect("not empty");
            given.push_str(c);
            ascii.push_str(a);
        }
        (given, ascii)
    }

    fn english_name(&mut self, gender: Gender) -> &'static str {
        let names = if gender == Gender::Female { ENGLISH_FEMALE } else { ENGLISH_MALE };
        self.pick(names)
    }

    /// A pupil's name: the father's surname when given, else one drawn by frequency, and one of
    /// the given names popular for children born after 2013.
    fn child_name(&mut self, surname: Option<&str>) -> String {
        let surname = surname.unwrap_or_else(|| SURNAMES[self.surname_weights.sample(&mut self.rng)].0);
        format!("{surname}{}", self.pick(CHILD_GIVEN_NAMES))
    }

    // --- contact fields ---

    /// A unique account: the name's ASCII and a three-digit counter (`zhangwei001`).
    fn account(&mut self, base: &str) -> String {
        let n = match self.accounts.get_mut(base) {
            Some(n) => {
                *n += 1;
                *n
            }
            None => {
                self.accounts.insert(base.to_owned(), 1);
                1
            }
        };
        format!("{base}{n:03}")
    }

    /// A mobile not handed out before, with a real carrier prefix. Most are plain 11 digits; a
    /// few are written with `+86 ` or in 3-4-4 groups, as people type them.
    fn mobile(&mut self) -> String {
        let number = loop {
            let prefix = *MOBILE_PREFIXES.choose(&mut self.rng).expect("not empty");
            let number = prefix * 100_000_000 + self.rng.random_range(0..100_000_000);
            if self.mobiles.insert(number) {
                break number;
            }
        };
        let digits = number.to_string();
        match self.rng.random_range(0..1000) {
            0..25 => format!("+86 {digits}"),
            25..40 => format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
            _ => digits,
        }
    }

    /// A desk phone (座机) in the department's city, sometimes with an extension.
    fn telephone(&mut self, area: &str) -> String {
        // Cities with a three-digit area code have eight-digit numbers; others seven or eight.
        let local = if area.len() == 3 || self.rng.random_bool(0.5) {
            self.rng.random_range(50_000_000..90_000_000)
        } else {
            self.rng.random_range(2_000_000..9_000_000)
        };
        if self.rng.random_bool(0.1) {
            format!("{area}-{local}-{}", self.rng.random_range(100..10_000))
        } else {
            format!("{area}-{local}")
        }
    }

    /// A WeChat id in one of the shapes people choose. Every shape starts with a letter, so
    /// none is all digits.
    fn weixin_id(&mut self, base: &str, alias: Option<&str>, born: u16) -> String {
        match (self.rng.random_range(0..4), alias) {
            (0, _) => {
                // WeChat's own default id.
                const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
                let tail: String =
                    (0..12).map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char).collect();
                format!("wxid_{tail}")
            }
            (1, _) => format!("{base}{:02}", born % 100),
            (2, Some(alias)) => {
                format!("{}{}", alias.to_ascii_lowercase(), self.rng.random_range(10..10_000))
            }
            _ => format!("{base}_{}", self.rng.random_range(100..1000)),
        }
    }

    /// A birth year between 1965 and 2003, most often in the mid-1980s.
    fn birth_year(&mut self) -> u16 {
        1965 + self.rng.random_range(0..=19) + self.rng.random_range(0..=19)
    }

    /// A birth year between 1962 and 1982, for heads and executives.
    fn senior_birth_year(&mut self) -> u16 {
        1962 + self.rng.random_range(0..=10) + self.rng.random_range(0..=10)
    }

    /// A hire date after the member turned 20 and after the company was founded, not after
    /// [`TODAY`].
    fn hire_date(&mut self, born: u16) -> String {
        let earliest = (born + 20).clamp(FOUNDED, TODAY_YEAR);
        let year = self.rng.random_range(earliest..=TODAY_YEAR);
        let last_month = if year == TODAY_YEAR { TODAY_MONTH } else { 12 };
        self.date(year, last_month)
    }

    /// A valid `YYYY-MM-DD` in `year`, no later than `last_month`.
    fn date(&mut self, year: u16, last_month: u32) -> String {
        let month = self.rng.random_range(1..=last_month);
        let day = self.rng.random_range(1..=days_in_month(year, month));
        format!("{year:04}-{month:02}-{day:02}")
    }

    // --- the extra passes ---

    /// Gives ~5% of the ordinary staff a second department, most often in their own division
    /// (a 渠道部 salesperson who also covers 电商部), sometimes anywhere.
    fn second_departments(&mut self, excluded: &[usize]) {
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
    fn hide_some(&mut self, executives: usize) {
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
    fn group_pool(&self, kind: impl Fn(Kind) -> bool) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&i| {
                let m = &self.members[i];
                kind(self.kind_of(i)) && !m.hidden && m.status != Status::Resigned
            })
            .collect()
    }

    /// Adds a public group of the members `include` (indices that exist) and up to `size` more
    /// drawn from `pool`; no group when it would have fewer than two members.
    fn add_group(&mut self, name: &str, pool: &[usize], size: usize, include: &[usize]) {
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

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

/// Takes up to `want` from `rest`; returns how many were taken.
fn take(rest: &mut usize, want: usize) -> usize {
    let got = want.min(*rest);
    *rest -= got;
    got
}

/// How many children a level gets so that `levels` more levels fan out about equally: the
/// smallest `k` with `k^levels >= budget`, at most `cap` and at most `budget`. Integer
/// arithmetic, so the tree never depends on how a platform rounds a floating-point root.
fn fanout(budget: usize, levels: u32, cap: usize) -> usize {
    let mut k = 1usize;
    while k.checked_pow(levels).is_some_and(|p| p < budget) {
        k += 1;
    }
    k.min(cap).min(budget).max(1)
}

/// Splits `total` into parts proportional to `weights` by largest remainder, so the parts add
/// up to `total` exactly. Equal weights are assumed when they are all zero.
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let mut parts = vec![0; weights.len()];
    if weights.is_empty() {
        return parts;
    }
    let sum: f64 = weights.iter().sum();
    let weight = |i: usize| {
        if sum > 0.0 {
            weights[i] / sum
        } else {
            1.0 / weights.len() as f64
        }
    };
    let mut given = 0;
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, part) in parts.iter_mut().enumerate() {
        let exact = total as f64 * weight(i);
        *part = exact.floor() as usize;
        given += *part;
        remainders.push((exact - exact.floor(), i));
    }
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // The remainders are each below one, so one round almost always suffices; the loop only
    // guards against floating-point slack.
    let mut left = total.saturating_sub(given);
    while left > 0 {
        for &(_, i) in remainders.iter().take(left) {
            parts[i] += 1;
        }
        left = left.saturating_sub(remainders.len());
    }
    parts
}

/// `names[i]`, or past the end the `i - len + 1`-th numbered name (`销售一部`, `销售二部`, …).
fn nth_or(names: &[&str], i: usize, numbered: impl Fn(usize) -> String) -> String {
    match names.get(i) {
        Some(name) => (*name).to_owned(),
        None => numbered(i - names.len() + 1),
    }
}

/// The `i`-th team of a level: its own names first, then the same names again numbered, as a
/// growing company calls its second front-end team 前端二组.
fn nth_team(names: &[&str], i: usize) -> String {
    let name = names[i % names.len()];
    let round = i / names.len();
    if round == 0 {
        return name.to_owned();
    }
    let stem = name.strip_suffix('组').unwrap_or(name);
    format!("{stem}{}组", chinese_number(round + 1))
}

/// 1 → 一, 12 → 十二, 40 → 四十; from 100 on, Arabic digits (as in 第120组).
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 if n % 10 == 0 => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The title of a department's head, from how the department's name ends.
fn head_title(department: &str) -> &'static str {
    const TITLES: &[(&str, &str)] = &[
        ("总经理办公室", "总经理"),
        ("秘书处", "董事会秘书"),
        ("校长室", "校长"),
        ("教研组", "教研组长"),
        ("分公司", "分公司总经理"),
        ("大区", "大区总监"),
        ("中心", "总监"),
        ("车队", "车队长"),
        ("仓", "仓库主管"),
        ("办公室", "主任"),
        ("部", "部门经理"),
        ("组", "组长"),
        ("班", "班长"),
    ];
    TITLES.iter().find(|(suffix, _)| department.ends_with(suffix)).map_or("负责人", |t| t.1)
}

fn days_in_month(year: u16, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

const COMPANY_PERSONAS: [PersonaRecord; 4] = [
    PersonaRecord {
        userid: "exec001",
        name: "陈建国",
        alias: None,
        gender: Gender::Male,
        position: "总经理",
        mobile: "13901000001",
        email: Some("exec001@shunchengwl.com"),
        telephone: Some("021-61230001"),
        weixin_id: Some("chenjianguo-sc"),
        birthday: Some("1972-05-16"),
        hire_date: Some("2006-03-01"),
        extattr: &[("工号", "000001")],
        head: true,
    },
    PersonaRecord {
        userid: "staff001",
        name: "张伟",
        alias: Some("Tony"),
        gender: Gender::Male,
        position: "客户经理",
        mobile: "13816000002",
        email: Some("staff001@shunchengwl.com"),
        telephone: Some("021-61230002"),
        weixin_id: Some("zhangwei_tony"),
        birthday: Some("1990-03-08"),
        hire_date: Some("2016-04-25"),
        extattr: &[("工号", "000002")],
        head: false,
    },
    PersonaRecord {
        userid: "dev001",
        name: "李娜",
        alias: Some("Nina"),
        gender: Gender::Female,
        position: "前端工程师",
        mobile: "18621000003",
        email: Some("dev001@shunchengwl.com"),
        telephone: None,
        weixin_id: None,
        birthday: Some("1995-11-20"),
        hire_date: Some("2019-07-01"),
        extattr: &[("工号", "000003")],
        head: false,
    },
    PersonaRecord {
        userid: "supplier001",
        name: "王磊",
        alias: None,
        gender: Gender::Male,
        position: "业务经理",
        mobile: "13761000004",
        email: Some("supplier001@hengtong-pack.com"),
        telephone: Some("021-57001234"),
        weixin_id: Some("wanglei-ht"),
        birthday: None,
        hire_date: None,
        extattr: &[("所属单位", "上海恒通包装材料有限公司")],
        head: false,
    },
];

const SCHOOL_PERSONAS_RECORDS: [PersonaRecord; 4] = [
    PersonaRecord {
        userid: "principal001",
        name: "王建华",
        alias: None,
        gender: Gender::Male,
        position: "校长",
        mobile: "13905710001",
        email: Some("principal001@syxx.edu.cn"),
        telephone: Some("0571-86001001"),
        weixin_id: None,
        birthday: Some("1970-09-10"),
        hire_date: Some("2008-08-20"),
        extattr: &[("工号", "000001")],
        head: true,
    },
    PersonaRecord {
        userid: "teacher001",
        name: "刘芳",
        alias: None,
        gender: Gender::Female,
        position: "语文教师",
        mobile: "13805710002",
        email: Some("teacher001@syxx.edu.cn"),
        telephone: None,
        weixin_id: Some("liufang-yw"),
        birthday: Some("1988-04-12"),
        hire_date: Some("2011-08-25"),
        extattr: &[("工号", "000002")],
        head: false,
    },
    PersonaRecord {
        userid: "parent001",
        name: "赵磊",
        alias: None,
        gender: Gender::Male,
        position: "赵子轩爸爸",
        mobile: "13605710003",
        email: None,
        telephone: None,
        weixin_id: Some("zhaolei1985"),
        birthday: None,
        hire_date: None,
        extattr: &[("学生姓名", "赵子轩"), ("关系", "父亲")],
        head: false,
    },
    PersonaRecord {
        userid: "supplier001",
        name: "孙强",
        alias: None,
        gender: Gender::Male,
        position: "业务经理",
        mobile: "13705710004",
        email: Some("supplier001@yangguang-uniform.com"),
        telephone: None,
        weixin_id: Some("sunqiang-yg"),
        birthday: None,
        hire_date: None,
        extattr: &[("所属单位", "示例市阳光校服有限公司")],
        head: false,
    },
];

/// A city and its telephone area code.
type City = (&'static str, &'static str);
/// What the members of a unit may be (职位).
type Positions = &'static [&'static str];
/// A team and the positions it hires for.
type Team = (&'static str, Positions);

/// Surnames, their ASCII and their approximate share of the population in hundredths of a
/// percent (王 7.25%). The top hundred follow the census; the polyphonic and compound surnames
/// after them are rarer, and are planted as well (see `plant_rare_surnames`).
#[rustfmt::skip]
const SURNAMES: &[(&str, &str, u32)] = &[
    ("王", "wang", 725), ("李", "li", 719), ("张", "zhang", 683), ("刘", "liu", 538),
    ("陈", "chen", 453), ("杨", "yang", 308), ("黄", "huang", 223), ("赵", "zhao", 219),
    ("吴", "wu", 205), ("周", "zhou", 197), ("徐", "xu", 158), ("孙", "sun", 154),
    ("马", "ma", 136), ("朱", "zhu", 128), ("胡", "hu", 125), ("郭", "guo", 118),
    ("何", "he", 116), ("林", "lin", 113), ("高", "gao", 108), ("罗", "luo", 95),
    ("郑", "zheng", 94), ("梁", "liang", 87), ("谢", "xie", 79), ("宋", "song", 76),
    ("唐", "tang", 74), ("许", "xu", 71), ("韩", "han", 70), ("冯", "feng", 70),
    ("邓", "deng", 68), ("曹", "cao", 62), ("彭", "peng", 61), ("曾", "zeng", 59),
    ("肖", "xiao", 58), ("田", "tian", 56), ("董", "dong", 54), ("袁", "yuan", 50),
    ("潘", "pan", 49), ("于", "yu", 48), ("蒋", "jiang", 47), ("蔡", "cai", 46),
    ("余", "yu", 45), ("杜", "du", 44), ("叶", "ye", 43), ("程", "cheng", 42),
    ("苏", "su", 40), ("魏", "wei", 39), ("吕", "lv", 38), ("丁", "ding", 37),
    ("任", "ren", 36), ("沈", "shen", 35), ("姚", "yao", 34), ("卢", "lu", 33),
    ("姜", "jiang", 32), ("崔", "cui", 31), ("钟", "zhong", 30), ("谭", "tan", 29),
    ("陆", "lu", 28), ("汪", "wang", 27), ("范", "fan", 26), ("金", "jin", 25),
    ("石", "shi", 24), ("廖", "liao", 23), ("贾", "jia", 22), ("夏", "xia", 21),
    ("韦", "wei", 21), ("付", "fu", 20), ("方", "fang", 20), ("白", "bai", 19),
    ("邹", "zou", 19), ("孟", "meng", 18), ("熊", "xiong", 18), ("秦", "qin", 17),
    ("邱", "qiu", 17), ("江", "jiang", 17), ("尹", "yin", 16), ("薛", "xue", 16),
    ("闫", "yan", 15), ("段", "duan", 15), ("雷", "lei", 15), ("侯", "hou", 14),
    ("龙", "long", 14), ("史", "shi", 14), ("陶", "tao", 13), ("黎", "li", 13),
    ("贺", "he", 13), ("顾", "gu", 12), ("毛", "mao", 12), ("郝", "hao", 12),
    ("龚", "gong", 11), ("邵", "shao", 11), ("万", "wan", 11), ("钱", "qian", 11),
    ("严", "yan", 10), ("覃", "qin", 10), ("武", "wu", 10), ("戴", "dai", 10),
    ("莫", "mo", 9), ("孔", "kong", 9), ("向", "xiang", 9), ("汤", "tang", 9),
    // Polyphonic: the surname reading differs from the everyday one.
    ("单", "shan", 6), ("解", "xie", 4), ("区", "ou", 3), ("仇", "qiu", 3),
    ("朴", "piao", 4), ("查", "zha", 3), ("乐", "yue", 3), ("盖", "ge", 3),
    ("缪", "miao", 3), ("翟", "zhai", 6),
    // Compound.
    ("欧阳", "ouyang", 3), ("司马", "sima", 2), ("诸葛", "zhuge", 1), ("上官", "shangguan", 1),
    ("尉迟", "yuchi", 1), ("万俟", "moqi", 1), ("长孙", "zhangsun", 1), ("东方", "dongfang", 1),
];

/// Given-name characters; 长 重 行 朝 乐 和 are heteronyms.
#[rustfmt::skip]
const MALE_GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("刚", "gang"), ("平", "ping"), ("辉", "hui"),
    ("鹏", "peng"), ("华", "hua"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("斌", "bin"),
    ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("帆", "fan"),
    ("旭", "xu"), ("宁", "ning"), ("龙", "long"), ("林", "lin"), ("建", "jian"), ("国", "guo"),
    ("志", "zhi"), ("文", "wen"), ("博", "bo"), ("晨", "chen"), ("轩", "xuan"), ("子", "zi"),
    ("天", "tian"), ("泽", "ze"), ("一", "yi"), ("家", "jia"), ("振", "zhen"), ("海", "hai"),
    ("东", "dong"), ("峰", "feng"), ("成", "cheng"), ("亮", "liang"), ("鸿", "hong"), ("毅", "yi"),
    ("嘉", "jia"), ("德", "de"), ("永", "yong"), ("新", "xin"), ("云", "yun"), ("胜", "sheng"),
    ("宏", "hong"), ("晓", "xiao"), ("长", "chang"), ("重", "chong"), ("行", "xing"),
    ("朝", "zhao"), ("和", "he"), ("乐", "le"),
];

#[rustfmt::skip]
const FEMALE_GIVEN: &[(&str, &str)] = &[
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("秀", "xiu"), ("玲", "ling"), ("燕", "yan"), ("婷", "ting"),
    ("雪", "xue"), ("慧", "hui"), ("颖", "ying"), ("琳", "lin"), ("洁", "jie"), ("倩", "qian"),
    ("晶", "jing"), ("欣", "xin"), ("怡", "yi"), ("佳", "jia"), ("梦", "meng"), ("雨", "yu"),
    ("璐", "lu"), ("萍", "ping"), ("红", "hong"), ("淑", "shu"), ("芬", "fen"), ("桂", "gui"),
    ("兰", "lan"), ("英", "ying"), ("莉", "li"), ("薇", "wei"), ("丹", "dan"), ("悦", "yue"),
    ("诗", "shi"), ("涵", "han"), ("思", "si"), ("琪", "qi"), ("晓", "xiao"), ("月", "yue"),
    ("冰", "bing"), ("春", "chun"), ("玉", "yu"), ("珍", "zhen"), ("美", "mei"), ("彤", "tong"),
    ("可", "ke"), ("馨", "xin"), ("蕾", "lei"), ("露", "lu"), ("欢", "huan"), ("乐", "le"),
    ("和", "he"), ("朝", "zhao"),
];

/// Traditional surnames, each written differently in simplified characters.
#[rustfmt::skip]
const TRADITIONAL_SURNAMES: &[(&str, &str)] = &[
    ("張", "zhang"), ("陳", "chen"), ("劉", "liu"), ("黃", "huang"), ("楊", "yang"),
    ("趙", "zhao"), ("吳", "wu"), ("許", "xu"), ("鄭", "zheng"), ("謝", "xie"), ("羅", "luo"),
    ("葉", "ye"), ("蘇", "su"), ("鍾", "zhong"), ("賴", "lai"), ("盧", "lu"), ("馮", "feng"),
    ("蕭", "xiao"), ("孫", "sun"), ("歐陽", "ouyang"), ("司馬", "sima"),
];

#[rustfmt::skip]
const TRADITIONAL_MALE_GIVEN: &[(&str, &str)] = &[
    ("偉", "wei"), ("強", "qiang"), ("國", "guo"), ("華", "hua"), ("傑", "jie"), ("豪", "hao"),
    ("龍", "long"), ("鴻", "hong"), ("榮", "rong"), ("銘", "ming"), ("東", "dong"), ("興", "xing"),
    ("賢", "xian"), ("學", "xue"), ("進", "jin"), ("輝", "hui"), ("駿", "jun"), ("澤", "ze"),
    ("倫", "lun"), ("樂", "le"), ("長", "chang"), ("德", "de"), ("明", "ming"), ("志", "zhi"),
];

#[rustfmt::skip]
const TRADITIONAL_FEMALE_GIVEN: &[(&str, &str)] = &[
    ("淑", "shu"), ("芬", "fen"), ("麗", "li"), ("美", "mei"), ("玲", "ling"), ("婷", "ting"),
    ("儀", "yi"), ("慧", "hui"), ("鳳", "feng"), ("雲", "yun"), ("燕", "yan"), ("穎", "ying"),
    ("詩", "shi"), ("婉", "wan"), ("瑩", "ying"), ("馨", "xin"), ("蓮", "lian"), ("靜", "jing"),
    ("曉", "xiao"), ("雯", "wen"), ("萱", "xuan"), ("寶", "bao"), ("嬌", "jiao"), ("華", "hua"),
];

#[rustfmt::skip]
const LATIN_MALE: &[(&str, &str)] = &[
    ("David", "david"), ("Michael", "michael"), ("James", "james"), ("Thomas", "thomas"),
    ("Peter", "peter"), ("Daniel", "daniel"), ("John", "john"), ("Lukas", "lukas"),
    ("Pierre", "pierre"), ("Marco", "marco"), ("Carlos", "carlos"), ("Ivan", "ivan"),
];

#[rustfmt::skip]
const LATIN_FEMALE: &[(&str, &str)] = &[
    ("Anna", "anna"), ("Sarah", "sarah"), ("Maria", "maria"), ("Laura", "laura"),
    ("Julia", "julia"), ("Emma", "emma"), ("Sophie", "sophie"), ("Olivia", "olivia"),
    ("Chloé", "chloe"), ("Elena", "elena"), ("Hannah", "hannah"), ("Lucy", "lucy"),
];

#[rustfmt::skip]
const LATIN_SURNAMES: &[(&str, &str)] = &[
    ("Smith", "smith"), ("Müller", "muller"), ("Johnson", "johnson"), ("Brown", "brown"),
    ("Schmidt", "schmidt"), ("Wilson", "wilson"), ("Martin", "martin"), ("Dubois", "dubois"),
    ("Rossi", "rossi"), ("García", "garcia"), ("Kim", "kim"), ("Nguyen", "nguyen"),
    ("Fischer", "fischer"), ("Taylor", "taylor"), ("Williams", "williams"), ("Novak", "novak"),
    ("Lefèvre", "lefevre"), ("O'Brien", "obrien"),
];

#[rustfmt::skip]
const ENGLISH_MALE: &[&str] = &[
    "Tony", "Jack", "Kevin", "Eric", "Jason", "Leo", "Alan", "Frank", "Jerry", "Peter", "Steven",
    "Vincent", "Ray", "Sam", "Louis", "Andy", "Mike", "Bruce",
];

#[rustfmt::skip]
const ENGLISH_FEMALE: &[&str] = &[
    "Lily", "Amy", "Coco", "Vicky", "Cindy", "Grace", "Sunny", "Ivy", "Bella", "Helen", "Wendy",
    "Cherry", "Emily", "Nancy", "Jessica", "Tina", "Joyce", "Anna",
];

#[rustfmt::skip]
const CHILD_GIVEN_NAMES: &[&str] = &[
    "子轩", "梓涵", "浩宇", "一诺", "欣怡", "宇轩", "诗涵", "梓萱", "雨桐", "子墨", "俊熙", "若汐",
    "沐宸", "梓睿", "语桐", "思远", "嘉怡", "浩然", "可馨", "明轩", "乐瑶", "子涵",
];

/// 中国移动, 联通, 电信 and 广电 prefixes.
#[rustfmt::skip]
const MOBILE_PREFIXES: &[u64] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156,
    157, 158, 159, 166, 170, 171, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186,
    187, 188, 189, 191, 192, 198, 199,
];

/// Sales regions, their relative size and the cities of their branches, with telephone area
/// codes.
#[rustfmt::skip]
const REGIONS: &[(&str, f64, &[City])] = &[
    ("华东大区", 3.0, &[("上海", "021"), ("杭州", "0571"), ("南京", "025"), ("苏州", "0512"),
        ("宁波", "0574"), ("合肥", "0551"), ("无锡", "0510"), ("济南", "0531"), ("青岛", "0532"),
        ("温州", "0577")]),
    ("华南大区", 2.5, &[("广州", "020"), ("深圳", "0755"), ("东莞", "0769"), ("佛山", "0757"),
        ("厦门", "0592"), ("福州", "0591"), ("南宁", "0771"), ("海口", "0898")]),
    ("华北大区", 2.0, &[("北京", "010"), ("天津", "022"), ("石家庄", "0311"), ("太原", "0351"),
        ("呼和浩特", "0471"), ("唐山", "0315"), ("保定", "0312")]),
    ("华中大区", 1.5, &[("武汉", "027"), ("长沙", "0731"), ("郑州", "0371"), ("南昌", "0791"),
        ("洛阳", "0379"), ("宜昌", "0717")]),
    ("西南大区", 1.2, &[("成都", "028"), ("重庆", "023"), ("昆明", "0871"), ("贵阳", "0851"),
        ("绵阳", "0816")]),
    ("西北大区", 0.8, &[("西安", "029"), ("兰州", "0931"), ("乌鲁木齐", "0991"), ("银川", "0951"),
        ("西宁", "0971")]),
    ("东北大区", 0.8, &[("沈阳", "024"), ("大连", "0411"), ("长春", "0431"), ("哈尔滨", "0451")]),
];

/// Warehouse and fleet sites.
#[rustfmt::skip]
const LOGISTICS_CITIES: &[City] = &[
    ("上海", "021"), ("嘉兴", "0573"), ("昆山", "0512"), ("南京", "025"), ("杭州", "0571"),
    ("武汉", "027"), ("郑州", "0371"), ("广州", "020"), ("东莞", "0769"), ("成都", "028"),
    ("重庆", "023"), ("天津", "022"), ("北京", "010"), ("西安", "029"), ("沈阳", "024"),
    ("长沙", "0731"), ("青岛", "0532"), ("厦门", "0592"), ("合肥", "0551"), ("济南", "0531"),
];

const SALES_DEPARTMENTS: &[&str] = &["大客户部", "渠道部", "电商部", "直营部", "项目部"];
const SERVICE_DEPARTMENTS: &[&str] = &["热线服务部", "在线客服部", "投诉处理部", "大客户服务部"];
const WAREHOUSE_TEAMS: &[&str] = &["收货组", "拣货组", "包装组", "发货组", "库存组", "退货组"];
const DISPATCH_TEAMS: &[&str] = &["干线调度组", "城配调度组", "运输监控组", "异常处理组"];

/// 技术中心's departments, their relative size and their teams, each team with the positions
/// it hires for.
#[rustfmt::skip]
const TECH_DEPARTMENTS: &[(&str, f64, &[Team])] = &[
    ("研发部", 3.0, &[
        ("前端组", &["前端工程师", "高级前端工程师", "前端开发实习生"]),
        ("后端组", &["Java开发工程师", "后端工程师", "Go开发工程师", "高级后端工程师"]),
        ("移动端组", &["iOS开发工程师", "Android开发工程师"]),
        ("架构组", &["架构师", "高级开发工程师"]),
        ("平台组", &["平台开发工程师", "后端工程师"]),
        ("中间件组", &["中间件工程师"]),
    ]),
    ("产品部", 1.0, &[
        ("产品组", &["产品经理", "高级产品经理", "产品助理"]),
        ("设计组", &["UI设计师", "交互设计师"]),
        ("用户研究组", &["用户研究员"]),
    ]),
    ("测试部", 1.2, &[
        ("功能测试组", &["测试工程师"]),
        ("自动化测试组", &["测试开发工程师"]),
        ("性能测试组", &["性能测试工程师"]),
    ]),
    ("运维部", 1.0, &[
        ("系统运维组", &["运维工程师", "SRE工程师"]),
        ("网络组", &["网络工程师"]),
        ("桌面支持组", &["IT支持工程师"]),
        ("数据库组", &["DBA", "数据库工程师"]),
    ]),
    ("数据部", 1.0, &[
        ("数据平台组", &["大数据开发工程师"]),
        ("数据分析组", &["数据分析师"]),
        ("算法组", &["算法工程师"]),
        ("BI组", &["BI工程师"]),
    ]),
    ("信息安全部", 0.5, &[
        ("安全运营组", &["安全工程师"]),
        ("安全合规组", &["安全合规专员"]),
    ]),
];

/// The functional departments under the root: name, teams, positions, density, budget share.
#[rustfmt::skip]
const FUNCTIONS: &[(&str, &[&str], Positions, f64, f64)] = &[
    ("财务部", &["会计组", "出纳组", "税务组", "资金组", "成本组", "审计组"], FINANCE_POSITIONS, 0.6, 0.025),
    ("人力资源部", &["招聘组", "薪酬绩效组", "培训发展组", "员工关系组", "组织发展组"], HR_POSITIONS, 0.6, 0.025),
    ("行政部", &["综合事务组", "后勤保障组", "采购组", "车辆管理组"], ADMIN_POSITIONS, 0.6, 0.025),
    ("法务部", &["合同管理组", "合规组", "诉讼组"], LEGAL_POSITIONS, 0.5, 0.01),
];

const EXEC_POSITIONS: &[&str] = &["副总经理", "总经理助理", "运营总监", "首席财务官", "首席技术官", "董事长助理"];
const BOARD_POSITIONS: &[&str] = &["董事会秘书", "证券事务代表", "董事会办公室主任"];
#[rustfmt::skip]
const SALES_POSITIONS: &[&str] =
    &["客户经理", "销售代表", "大客户经理", "销售专员", "销售助理", "商务专员", "渠道经理"];
#[rustfmt::skip]
const WAREHOUSE_POSITIONS: &[&str] =
    &["仓库管理员", "拣货员", "理货员", "叉车司机", "质检员", "仓储专员", "装卸工", "打包员"];
const TRANSPORT_POSITIONS: &[&str] = &["货车司机", "押运员", "运输专员", "车辆管理员", "安全员", "配送员"];
const DISPATCH_POSITIONS: &[&str] = &["调度员", "调度专员", "监控专员", "异常处理专员"];
const SERVICE_POSITIONS: &[&str] = &["客服专员", "客服代表", "高级客服", "投诉专员", "回访专员"];
const FINANCE_POSITIONS: &[&str] = &["会计", "出纳", "财务专员", "税务专员", "成本会计", "财务分析师", "审计专员"];
const HR_POSITIONS: &[&str] = &["招聘专员", "薪酬专员", "培训专员", "人事专员", "HRBP", "员工关系专员"];
const ADMIN_POSITIONS: &[&str] = &["行政专员", "前台", "行政助理", "采购专员", "后勤专员", "司机"];
const LEGAL_POSITIONS: &[&str] = &["法务专员", "法律顾问", "合规专员"];
#[rustfmt::skip]
const SUPPLIER_POSITIONS: &[&str] =
    &["业务经理", "客户代表", "销售经理", "驻场工程师", "项目经理", "商务对接人"];
const OFFICE_POSITIONS: &[&str] = &["副校长", "教务主任", "德育主任", "总务主任", "办公室主任"];

/// 教研组: name, positions, share of the teachers.
#[rustfmt::skip]
const TEACHING_GROUPS: &[(&str, &[&str], f64)] = &[
    ("语文教研组", &["语文教师"], 5.0),
    ("数学教研组", &["数学教师"], 4.5),
    ("英语教研组", &["英语教师"], 2.5),
    ("科学教研组", &["科学教师"], 1.5),
    ("道德与法治教研组", &["道德与法治教师"], 1.0),
    ("音乐教研组", &["音乐教师"], 1.0),
    ("美术教研组", &["美术教师"], 1.0),
    ("体育教研组", &["体育教师"], 1.5),
    ("信息技术教研组", &["信息技术教师"], 0.8),
];

#[rustfmt::skip]
const COMPANY_GROUPS: &[&str] = &[
    "新品项目组", "年会筹备组", "安全生产委员会", "数字化转型项目组", "工会委员会", "质量改进小组",
    "双十一保障组", "新员工导师团", "读书会", "羽毛球俱乐部",
];

#[rustfmt::skip]
const SUPPLIER_PLACES: &[&str] = &[
    "上海", "苏州", "杭州", "宁波", "广州", "深圳", "北京", "天津", "武汉", "成都", "南京", "青岛",
    "厦门", "无锡", "东莞", "佛山", "合肥", "长沙", "郑州", "重庆",
];

/// Brand words of supplier names and their ASCII (for the mail domain).
#[rustfmt::skip]
const CORES: &[(&str, &str)] = &[
    ("恒达", "hengda"), ("顺发", "shunfa"), ("宏图", "hongtu"), ("华泰", "huatai"),
    ("新锐", "xinrui"), ("鑫源", "xinyuan"), ("永盛", "yongsheng"), ("金桥", "jinqiao"),
    ("利民", "limin"), ("天宇", "tianyu"), ("安达", "anda"), ("捷诚", "jiecheng"),
    ("博远", "boyuan"), ("中联", "zhonglian"), ("汇通", "huitong"), ("嘉禾", "jiahe"),
    ("瑞丰", "ruifeng"), ("振华", "zhenhua"), ("佳信", "jiaxin"), ("鼎盛", "dingsheng"),
    ("东升", "dongsheng"), ("海纳", "haina"), ("长青", "changqing"), ("百川", "baichuan"),
    ("盛世", "shengshi"), ("德润", "derun"), ("明辉", "minghui"), ("正源", "zhengyuan"),
    ("立信", "lixin"), ("众诚", "zhongcheng"), ("万通", "wantong"), ("联创", "lianchuang"),
    ("华鼎", "huading"), ("凯达", "kaida"), ("祥瑞", "xiangrui"), ("富源", "fuyuan"),
    ("启航", "qihang"), ("卓越", "zhuoyue"), ("同创", "tongchuang"), ("星辰", "xingchen"),
    ("远航", "yuanhang"), ("金盾", "jindun"), ("宝隆", "baolong"), ("信达", "xinda"),
    ("广源", "guangyuan"), ("美达", "meida"), ("润通", "runtong"), ("诚信", "chengxin"),
    ("合力", "heli"), ("新航", "xinhang"),
];

#[rustfmt::skip]
const COMPANY_INDUSTRIES: &[(&str, &str)] = &[
    ("包装材料", "pack"), ("物流设备", "equip"), ("油品", "oil"), ("轮胎", "tyre"),
    ("软件", "soft"), ("保安服务", "guard"), ("餐饮管理", "food"), ("劳务派遣", "staffing"),
    ("办公用品", "office"), ("印刷", "print"), ("叉车", "forklift"), ("汽车配件", "autoparts"),
    ("托盘", "pallet"), ("冷链", "coldchain"), ("信息技术", "it"), ("清洁服务", "clean"),
    ("货运代理", "freight"),
];

#[rustfmt::skip]
const SCHOOL_INDUSTRIES: &[(&str, &str)] = &[
    ("校服", "uniform"), ("教育图书", "books"), ("餐饮管理", "catering"), ("保安服务", "guard"),
    ("校车服务", "bus"), ("体育器材", "sports"), ("信息技术", "it"), ("文具", "stationery"),
    ("保洁服务", "clean"), ("教学设备", "edu-equip"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fanout_is_the_ceiling_root() {
        assert_eq!(fanout(1, 4, 10), 1);
        assert_eq!(fanout(8, 3, 10), 2);
        assert_eq!(fanout(9, 3, 10), 3);
        assert_eq!(fanout(100, 2, 10), 10);
        assert_eq!(fanout(101, 2, 10), 10, "capped");
        assert_eq!(fanout(3, 1, usize::MAX), 3);
        assert_eq!(fanout(0, 2, 5), 1);
    }

    #[test]
    fn apportion_adds_up_exactly() {
        for total in [0, 1, 7, 100, 12345] {
            let weights = [0.3, 1.7, 0.0, 2.2, 0.9, 1e-9];
            assert_eq!(apportion(total, &weights).iter().sum::<usize>(), total);
            assert_eq!(apportion(total, &[0.0, 0.0]).iter().sum::<usize>(), total);
        }
        assert_eq!(apportion(10, &[1.0, 1.0]), vec![5, 5]);
        assert_eq!(apportion(3, &[2.0, 1.0]), vec![2, 1]);
    }

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 2, 10, 11, 19, 20, 21, 40, 99, 120].map(chinese_number).into();
        assert_eq!(got, ["一", "二", "十", "十一", "十九", "二十", "二十一", "四十", "九十九", "120"]);
    }

    #[test]
    fn team_names_repeat_numbered() {
        let names = ["前端组", "后端组"];
        let got: Vec<String> = (0..5).map(|i| nth_team(&names, i)).collect();
        assert_eq!(got, ["前端组", "后端组", "前端二组", "后端二组", "前端三组"]);
        assert_eq!(nth_or(&["大客户部"], 2, |k| format!("销售{}部", chinese_number(k))), "销售二部");
    }

    #[test]
    fn head_titles() {
        assert_eq!(head_title("上海分公司"), "分公司总经理");
        assert_eq!(head_title("华东大区"), "大区总监");
        assert_eq!(head_title("大客户部"), "部门经理");
        assert_eq!(head_title("前端组"), "组长");
        assert_eq!(head_title("语文教研组"), "教研组长");
        assert_eq!(head_title("嘉兴仓"), "仓库主管");
        assert_eq!(head_title("上海车队"), "车队长");
    }

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
                .any(|(id, what)| *id == p.userid && what.starts_with(p.name)));
        }
    }

    #[test]
    fn tables_are_consistent() {
        for rare in POLYPHONIC_SURNAMES.iter().chain(COMPOUND_SURNAMES) {
            assert!(SURNAMES.iter().any(|s| s.0 == *rare), "{rare} missing from SURNAMES");
        }
        for table in [MALE_GIVEN, FEMALE_GIVEN, TRADITIONAL_MALE_GIVEN, TRADITIONAL_FEMALE_GIVEN] {
            for (c, ascii) in table {
                assert_eq!(c.chars().count(), 1, "{c}");
                assert!(ascii.bytes().all(|b| b.is_ascii_lowercase()), "{ascii}");
            }
        }
        for (s, ascii, w) in SURNAMES {
            assert!(*w > 0 && ascii.bytes().all(|b| b.is_ascii_lowercase()), "{s}");
        }
        for (s, _) in TRADITIONAL_SURNAMES {
            assert!(!SURNAMES.iter().any(|t| t.0 == *s), "{s} is also simplified");
        }
    }
}
