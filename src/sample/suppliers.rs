//! 供应商: the supplier companies under the root, each its own `subdepartment` so that
//! suppliers cannot see one another, and the contacts they send.

use std::collections::HashSet;

use rand::seq::IndexedRandom;
use rand::Rng;

use super::builder::{Builder, Kind, Unit};
use super::sizing::take;
use crate::model::Permission;

/// A supplier company: its department's name and its mail domain.
pub(super) struct Supplier {
    pub(super) name: String,
    pub(super) domain: String,
}

impl Builder {
    /// 供应商 with `count` supplier companies under it, each its own `subdepartment`; the first
    /// is always `first`. Returns the companies' departments.
    pub(super) fn suppliers(
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

    /// Takes from `rest` the head counts of the supplier companies `suppliers`: 1 to `most`
    /// contacts each, none in a sample of fewer than 30 members (`n`).
    pub(super) fn supplier_contacts(
        &mut self,
        suppliers: &[usize],
        most: usize,
        n: usize,
        counts: &mut [usize],
        rest: &mut usize,
    ) {
        for (i, &d) in suppliers.iter().enumerate() {
            // supplier001 is already the first contact of the first supplier.
            let want = if n >= 30 { self.rng.random_range(1..=most) - usize::from(i == 0) } else { 0 };
            counts[d] = take(rest, want);
        }
    }
}

/// What a supplier's contacts do for the organisation.
#[rustfmt::skip]
pub(super) const SUPPLIER_POSITIONS: &[&str] =
    &["业务经理", "客户代表", "销售经理", "驻场工程师", "项目经理", "商务对接人"];

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
