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
//! recipes (docs/visibility.md):
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

mod builder;
mod company;
mod contact;
mod dates;
mod extras;
mod names;
mod numbering;
mod people;
mod personas;
mod school;
mod sizing;
mod suppliers;

use std::str::FromStr;

use crate::model::Directory;

pub use company::PERSONAS;
pub use dates::TODAY;
pub use names::{COMPOUND_SURNAMES, POLYPHONIC_SURNAMES};
pub use school::SCHOOL_PERSONAS;

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

/// What can go wrong in asking for a sample.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    /// A preset name other than `company` and `school`.
    #[error("unknown preset {name:?}; expected company or school")]
    UnknownPreset {
        /// The name given.
        name: String,
    },
}

impl FromStr for Preset {
    type Err = SampleError;

    /// `company` or `school`, as the CLI spells them.
    fn from_str(s: &str) -> Result<Preset, SampleError> {
        match s {
            "company" => Ok(Preset::Company),
            "school" => Ok(Preset::School),
            other => Err(SampleError::UnknownPreset { name: other.to_owned() }),
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
    /// The kind of organisation.
    pub preset: Preset,
}

/// Generates the directory `spec` describes. The same spec always gives the same directory.
pub fn generate(spec: &SampleSpec) -> Directory {
    let dir = match spec.preset {
        Preset::Company => company::generate(spec.seed, spec.members),
        Preset::School => school::generate(spec.seed, spec.members),
    };
    debug_assert_eq!(dir.userlist.len(), spec.members);
    dir
}
