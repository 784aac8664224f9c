//! The members: head counts for every department below the personas, and the members that fill
//! them, each with the fields their kind of department has.

use indexmap::IndexMap;
use rand::Rng;
use serde_json::Map;

use super::builder::{Builder, Kind};
use super::sizing::apportion;
use super::suppliers::SUPPLIER_POSITIONS;
use crate::model::{Gender, Member, Status};

impl Builder {
    /// Generates the members after the personas: `counts[d]` for each department `d`, and
    /// `rest` more spread over the departments by density, department by department.
    pub(super) fn populate(&mut self, mut counts: Vec<usize>, rest: usize) {
        self.plant_rare_surnames(counts.iter().sum::<usize>() + rest);
        self.spread(&mut counts, rest);
        self.members.reserve(counts.iter().sum());
        for (d, &count) in counts.iter().enumerate() {
            for j in 0..count {
                let head = j == 0 && self.departments[d].department_leader.is_empty() && self.wants_head(d);
                self.member(d, head);
            }
        }
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

    /// Whether a department gets a head (负责人): always above the teams, often in a team.
    fn wants_head(&mut self, d: usize) -> bool {
        match self.info[d].kind {
            Kind::Parent | Kind::Alumni(_) => false,
            _ if self.children[d] > 0 => true,
            Kind::Supplier(_) => self.rng.random_bool(0.5),
            _ => self.rng.random_bool(0.7),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
