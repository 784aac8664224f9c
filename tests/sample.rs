//! The sample generator: deterministic, exact in size, always valid, and realistic in the ways
//! the demo, the search tests and the visibility tests rely on.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use proptest::prelude::*;
use tongxunlu::model::{phone_digits, Department, DepartmentId, Directory, Permission, Status};
use tongxunlu::sample::{
    generate, Preset, SampleSpec, COMPOUND_SURNAMES, PERSONAS, POLYPHONIC_SURNAMES, SCHOOL_PERSONAS, TODAY,
};

fn company(members: usize, seed: u64) -> Directory {
    generate(&SampleSpec { members, seed, preset: Preset::Company })
}

fn school(members: usize, seed: u64) -> Directory {
    generate(&SampleSpec { members, seed, preset: Preset::School })
}

/// One 5,000-member company, shared by the tests that only read it.
fn company_5k() -> &'static Directory {
    static DIR: OnceLock<Directory> = OnceLock::new();
    DIR.get_or_init(|| company(5000, 42))
}

fn school_1k() -> &'static Directory {
    static DIR: OnceLock<Directory> = OnceLock::new();
    DIR.get_or_init(|| school(1000, 42))
}

fn departments(dir: &Directory) -> HashMap<DepartmentId, &Department> {
    dir.department.iter().map(|d| (d.id, d)).collect()
}

/// The department's names from below the root down to itself: `销售中心/华东大区/…`.
fn path(dir: &Directory, id: DepartmentId) -> String {
    let by_id = departments(dir);
    let mut names = Vec::new();
    let mut d = by_id[&id];
    while d.parentid != 0 {
        names.push(d.name.as_str());
        d = by_id[&d.parentid];
    }
    names.reverse();
    names.join("/")
}

fn find<'a>(dir: &'a Directory, wanted: &str) -> &'a Department {
    dir.department.iter().find(|d| path(dir, d.id) == wanted).unwrap_or_else(|| panic!("no department {wanted}"))
}

/// The permission in force in a department: its own or its nearest ancestor's.
fn effective(dir: &Directory, id: DepartmentId) -> Permission {
    let by_id = departments(dir);
    let mut d = by_id[&id];
    loop {
        if let Some(p) = d.permission {
            return p;
        }
        assert_ne!(d.parentid, 0, "the root has no permission");
        d = by_id[&d.parentid];
    }
}

fn depth(dir: &Directory, id: DepartmentId) -> usize {
    let by_id = departments(dir);
    let mut n = 0;
    let mut d = by_id[&id];
    while d.parentid != 0 {
        n += 1;
        d = by_id[&d.parentid];
    }
    n
}

fn share(dir: &Directory, pred: impl Fn(&tongxunlu::model::Member) -> bool) -> f64 {
    dir.userlist.iter().filter(|m| pred(m)).count() as f64 / dir.userlist.len() as f64
}

#[test]
fn the_same_spec_gives_the_same_directory() {
    for preset in [Preset::Company, Preset::School] {
        let spec = SampleSpec { members: 700, seed: 7, preset };
        let (a, b) = (generate(&spec), generate(&spec));
        assert_eq!(a, b);
        assert_eq!(a.to_json_pretty(), b.to_json_pretty());
    }
}

#[test]
fn different_seeds_give_different_directories() {
    assert_ne!(company(300, 1).to_json_pretty(), company(300, 2).to_json_pretty());
    assert_ne!(school(300, 1).to_json_pretty(), school(300, 2).to_json_pretty());
    assert_ne!(company(300, 1).userlist, school(300, 1).userlist);
}

#[test]
fn every_size_is_exact_and_valid() {
    for preset in [Preset::Company, Preset::School] {
        for members in [0, 1, 2, 3, 4, 5, 10, 29, 30, 50, 100, 999, 1000, 1003] {
            for seed in [0, 1, 42] {
                let dir = generate(&SampleSpec { members, seed, preset });
                assert_eq!(dir.userlist.len(), members, "{preset:?} {members} {seed}");
                if let Err(e) = dir.validate() {
                    panic!("{preset:?} members {members} seed {seed}: {e:#}");
                }
            }
        }
    }
    for seed in [3, 4] {
        let dir = company(5000, seed);
        assert_eq!(dir.userlist.len(), 5000);
        dir.validate().unwrap_or_else(|e| panic!("seed {seed}: {e:#}"));
    }
    assert_eq!(company_5k().userlist.len(), 5000);
    company_5k().validate().unwrap();
}

#[test]
fn mobiles_are_unique_and_look_chinese() {
    let dir = company_5k();
    let mut seen = HashSet::new();
    let mut plus86 = 0;
    for m in &dir.userlist {
        let Some(mobile) = &m.mobile else { continue };
        let digits = phone_digits(mobile);
        assert!(seen.insert(digits.clone()), "{mobile} twice");
        assert_eq!(digits.len(), 11, "{mobile}");
        let prefix: u32 = digits[..3].parse().unwrap();
        let known = (130..=139).contains(&prefix)
            || [145, 147, 166, 191, 192, 198, 199].contains(&prefix)
            || ((150..=159).contains(&prefix) && prefix != 154)
            || (170..=178).contains(&prefix)
            || (180..=189).contains(&prefix);
        assert!(known, "{mobile} has no carrier prefix");
        plus86 += usize::from(mobile.starts_with("+86 "));
    }
    assert!(seen.len() > 4800, "most members have a mobile");
    assert!(plus86 > 20, "a few mobiles are written with +86: {plus86}");
}

#[test]
fn rare_surnames_appear_at_5000_whatever_the_seed() {
    // The reading a member's account is made from, to check the surname way is used.
    let readings: HashMap<&str, &str> = [
        ("单", "shan"),
        ("曾", "zeng"),
        ("解", "xie"),
        ("区", "ou"),
        ("仇", "qiu"),
        ("朴", "piao"),
        ("查", "zha"),
        ("乐", "yue"),
        ("覃", "qin"),
        ("盖", "ge"),
        ("缪", "miao"),
        ("翟", "zhai"),
        ("欧阳", "ouyang"),
        ("司马", "sima"),
        ("诸葛", "zhuge"),
        ("上官", "shangguan"),
        ("尉迟", "yuchi"),
        ("万俟", "moqi"),
        ("长孙", "zhangsun"),
        ("东方", "dongfang"),
    ]
    .into();
    for seed in [1, 2] {
        let dir = if seed == 1 { company(5000, 1) } else { school(5000, 2) };
        for surname in POLYPHONIC_SURNAMES.iter().chain(COMPOUND_SURNAMES) {
            let bearers: Vec<_> = dir.userlist.iter().filter(|m| m.name.starts_with(surname)).collect();
            assert!(!bearers.is_empty(), "seed {seed}: nobody is called {surname}");
            let reading = readings[surname];
            assert!(
                bearers.iter().any(|m| m.userid.starts_with(reading)),
                "seed {seed}: no {surname} has an account read {reading}"
            );
        }
    }
}

#[test]
fn names_mix_scripts_and_aliases_in_realistic_shares() {
    let dir = company_5k();
    const TRADITIONAL: &str = "張陳劉黃楊趙吳許鄭謝羅葉蘇鍾賴盧馮蕭孫歐陽馬";
    let traditional = share(dir, |m| m.name.chars().any(|c| TRADITIONAL.contains(c)));
    let latin = share(dir, |m| m.name.chars().any(|c| c.is_ascii_alphabetic()));
    let alias = share(dir, |m| m.alias.is_some());
    assert!((0.01..0.035).contains(&traditional), "traditional {traditional}");
    assert!((0.004..0.02).contains(&latin), "latin {latin}");
    assert!((0.12..0.19).contains(&alias), "alias {alias}");
    assert!(dir.userlist.iter().any(|m| m.name.contains(' ') && m.name.is_ascii()));
    // Heteronyms in given names.
    for c in ["乐", "长", "重", "行", "朝", "和"] {
        assert!(dir.userlist.iter().any(|m| m.name.chars().skip(1).any(|x| x.to_string() == c)), "{c}");
    }
    // One- and two-character given names.
    assert!(dir.userlist.iter().any(|m| m.name.chars().count() == 2));
    assert!(dir.userlist.iter().any(|m| m.name.chars().count() == 3));
}

#[test]
fn accounts_are_pinyin_with_a_counter() {
    let dir = company_5k();
    for m in &dir.userlist[PERSONAS.len()..] {
        let letters = m.userid.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = &m.userid[letters.len()..];
        assert!(!letters.is_empty() && letters.bytes().all(|b| b.is_ascii_lowercase()), "{}", m.userid);
        assert!(digits.len() >= 3, "{}", m.userid);
        if let Some(email) = &m.email {
            assert!(email.starts_with(&format!("{}@", m.userid)), "{email}");
        }
    }
    let zhang: Vec<_> = dir.userlist[PERSONAS.len()..].iter().filter(|m| m.name.starts_with('张')).collect();
    assert!(zhang.len() > 100);
    assert!(zhang.iter().all(|m| m.userid.starts_with("zhang")), "张 is read zhang");
}

#[test]
fn statuses_and_contact_fields_have_realistic_shares() {
    let dir = company_5k();
    let resigned = share(dir, |m| m.status == Status::Resigned);
    let disabled = share(dir, |m| m.status == Status::Disabled);
    let not_followed = share(dir, |m| m.status == Status::NotFollowed);
    assert!((0.01..0.03).contains(&resigned), "resigned {resigned}");
    assert!((0.004..0.02).contains(&disabled), "disabled {disabled}");
    assert!((0.03..0.07).contains(&not_followed), "not followed {not_followed}");
    assert!(dir.userlist.iter().all(|m| m.is_followed() == (m.status != Status::NotFollowed)));

    let weixin = share(dir, |m| m.weixin_id.is_some());
    let telephone = share(dir, |m| m.telephone.is_some());
    let staff_number = share(dir, |m| m.extattr.contains_key("工号"));
    let multi = share(dir, |m| m.department.len() > 1);
    let hidden = share(dir, |m| m.hidden);
    assert!((0.5..0.7).contains(&weixin), "weixin {weixin}");
    assert!((0.2..0.4).contains(&telephone), "telephone {telephone}");
    assert!(staff_number > 0.8, "工号 {staff_number}");
    assert!((0.03..0.07).contains(&multi), "second departments {multi}");
    assert!((0.002..0.01).contains(&hidden), "hidden {hidden}");
    for m in &dir.userlist {
        assert_eq!(m.order.len(), m.department.len(), "{}", m.userid);
        if let Some(tel) = &m.telephone {
            assert!(tel.starts_with('0') && tel.contains('-'), "{tel}");
        }
    }
}

#[test]
fn dates_are_plausible() {
    for dir in [company_5k(), school_1k()] {
        for m in &dir.userlist {
            if let Some(hired) = &m.hire_date {
                assert!(hired.as_str() <= TODAY, "{} hired {hired}", m.userid);
                if let Some(born) = &m.birthday {
                    let age: i32 = hired[..4].parse::<i32>().unwrap() - born[..4].parse::<i32>().unwrap();
                    assert!(age >= 18, "{} hired at {age}", m.userid);
                }
            }
        }
    }
}

#[test]
fn the_company_carries_the_permission_recipes() {
    let dir = company_5k();
    let root = dir.root().expect("one root");
    assert_eq!(root.name, "上海顺城物流有限公司");
    assert_eq!(dir.corp_name, root.name);
    assert_eq!(root.permission, Some(Permission::All));

    let exec = find(dir, "总经理办公室");
    assert_eq!(exec.permission, Some(Permission::All));
    let board = find(dir, "董事会秘书处");
    assert!(board.hidden);
    assert_eq!(board.visible_to.as_ref().unwrap().department, vec![exec.id]);

    assert_eq!(find(dir, "销售中心").permission, Some(Permission::Department));
    assert_eq!(find(dir, "运营中心").permission, Some(Permission::Department));
    assert_eq!(find(dir, "技术中心").permission, Some(Permission::Subdepartment));
    assert_eq!(find(dir, "客服中心").permission, Some(Permission::Subdepartment));
    for name in ["财务部", "人力资源部", "行政部", "法务部"] {
        assert_eq!(find(dir, name).permission, Some(Permission::Department), "{name}");
    }

    // Nobody outside the executives (and the hidden board office they alone see) is in a
    // department where `all` is in force.
    let privileged: HashSet<DepartmentId> = [root.id, exec.id, board.id].into();
    for d in &dir.department {
        if !privileged.contains(&d.id) {
            assert_ne!(effective(dir, d.id), Permission::All, "{}", path(dir, d.id));
        }
    }

    // One department per supplier, each its own `subdepartment`.
    let suppliers = find(dir, "供应商");
    let companies: Vec<&Department> = dir.department.iter().filter(|d| d.parentid == suppliers.id).collect();
    assert!(companies.len() >= 10, "{} suppliers", companies.len());
    let names: HashSet<&str> = companies.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), companies.len(), "supplier names are distinct");
    for c in &companies {
        assert_eq!(c.permission, Some(Permission::Subdepartment), "{}", c.name);
        assert!(c.name.ends_with("有限公司"), "{}", c.name);
        assert!(!dir.department.iter().any(|d| d.parentid == c.id), "suppliers have no sub-units");
    }
    let in_companies =
        dir.userlist.iter().filter(|m| m.department.iter().any(|d| companies.iter().any(|c| c.id == *d))).count();
    assert!(in_companies >= companies.len(), "suppliers have contacts");
}

#[test]
fn the_company_tree_has_a_realistic_shape() {
    let dir = company_5k();
    let n = dir.department.len();
    assert!((5000 / 25..=5000 / 15).contains(&n), "{n} departments for 5000 members");
    let deepest = dir.department.iter().map(|d| depth(dir, d.id)).max().unwrap();
    assert!((3..=4).contains(&deepest), "depth {deepest}");
    for wanted in [
        "销售中心/华东大区/上海分公司/大客户部",
        "运营中心/仓储中心/上海仓",
        "运营中心/运输部",
        "技术中心/研发部/前端组",
    ] {
        find(dir, wanted);
    }
    // Siblings have distinct names and sort numbers.
    let mut siblings: HashMap<DepartmentId, Vec<&Department>> = HashMap::new();
    for d in &dir.department {
        siblings.entry(d.parentid).or_default().push(d);
    }
    for kids in siblings.values() {
        let names: HashSet<&str> = kids.iter().map(|d| d.name.as_str()).collect();
        let orders: HashSet<u32> = kids.iter().map(|d| d.order).collect();
        assert_eq!(names.len(), kids.len());
        assert_eq!(orders.len(), kids.len());
    }
    // Heads are active members of the department they head, and there are many of them.
    let heads: usize = dir.department.iter().map(|d| d.department_leader.len()).sum();
    assert!(heads > n / 2, "{heads} heads for {n} departments");
    let by_id: HashMap<&str, &tongxunlu::model::Member> = dir.userlist.iter().map(|m| (m.userid.as_str(), m)).collect();
    for d in &dir.department {
        for head in &d.department_leader {
            let m = by_id[head.as_str()];
            assert!(m.department.contains(&d.id), "{head} heads {} without being in it", d.name);
            assert_eq!(m.status, Status::Active, "{head}");
        }
    }
}

#[test]
fn company_personas_are_fixed_and_placed() {
    let expected = [
        ("exec001", "陈建国", "总经理办公室", Permission::All),
        ("staff001", "张伟", "销售中心/华东大区/上海分公司/大客户部", Permission::Department),
        ("dev001", "李娜", "技术中心/研发部/前端组", Permission::Subdepartment),
        ("supplier001", "王磊", "供应商/上海恒通包装材料有限公司", Permission::Subdepartment),
    ];
    assert_eq!(PERSONAS.iter().map(|p| p.0).collect::<Vec<_>>(), expected.map(|e| e.0));
    let mut records = Vec::new();
    for (members, seed) in [(4, 9), (100, 1), (5000, 42)] {
        let dir = if members == 5000 { company_5k().clone() } else { company(members, seed) };
        for (m, (userid, name, department, permission)) in dir.userlist.iter().zip(expected) {
            assert_eq!(m.userid, userid);
            assert_eq!(m.name, name);
            assert_eq!(m.status, Status::Active);
            assert!(m.is_followed() && !m.hidden);
            assert_eq!(m.department.len(), 1, "{userid} is in exactly one department");
            assert_eq!(path(&dir, m.department[0]), department, "{userid}");
            assert_eq!(effective(&dir, m.department[0]), permission, "{userid}");
        }
        // Department ids depend on the size of the tree; everything else is fixed.
        let mut fixed = dir.userlist[..4].to_vec();
        fixed.iter_mut().for_each(|m| m.department.clear());
        records.push(fixed);
    }
    assert!(records.windows(2).all(|w| w[0] == w[1]), "personas do not depend on size or seed");
    let exec = company_5k().department.iter().find(|d| d.name == "总经理办公室").unwrap();
    assert_eq!(exec.department_leader, vec!["exec001"]);
    let ids: Vec<String> = company(2, 5).userlist.into_iter().map(|m| m.userid).collect();
    assert_eq!(ids, ["exec001", "staff001"], "below four members, fewer personas");
}

#[test]
fn groups_cross_departments() {
    let dir = company_5k();
    assert!(dir.group.len() >= 3);
    let launch = dir.group.iter().find(|g| g.name == "新品项目组").expect("新品项目组");
    assert!(launch.userid.iter().any(|u| u == "staff001") && launch.userid.iter().any(|u| u == "dev001"));
    let first_department: HashMap<&str, DepartmentId> =
        dir.userlist.iter().map(|m| (m.userid.as_str(), m.department[0])).collect();
    for g in &dir.group {
        let spanned: HashSet<DepartmentId> = g.userid.iter().map(|u| first_department[u.as_str()]).collect();
        assert!(spanned.len() >= 2, "{} spans one department", g.name);
        assert_eq!(g.userid.iter().collect::<HashSet<_>>().len(), g.userid.len(), "{}", g.name);
    }
}

#[test]
fn hidden_members_and_the_field_policy() {
    let dir = company_5k();
    let exec = find(dir, "总经理办公室").id;
    let hidden: Vec<_> = dir.userlist.iter().filter(|m| m.hidden).collect();
    assert!(hidden.iter().any(|m| m.visible_to.as_ref().is_some_and(|v| v.department == [exec])));
    assert!(hidden.iter().any(|m| m.visible_to.as_ref().is_some_and(|v| !v.userid.is_empty())));
    // Checked through the file's keys (docs/directory-file.md), which do not change.
    assert!(!dir.field_policy["birthday"].visible);
    assert!(!dir.field_policy["hire_date"].visible);
    assert!(dir.field_policy.get("mobile").is_none_or(|rule| rule.visible));
}

#[test]
fn the_school_has_teachers_classes_alumni_and_suppliers() {
    let dir = school_1k();
    assert_eq!(dir.root().unwrap().name, "示例市第一实验小学");
    assert_eq!(find(dir, "校长室").permission, Some(Permission::All));
    assert_eq!(find(dir, "教师组").permission, Some(Permission::Department));
    assert_eq!(find(dir, "班级组").permission, Some(Permission::Subdepartment));
    let staffroom = find(dir, "教师组").id;
    let classroom = find(dir, "班级组").id;
    let subjects: Vec<DepartmentId> = dir.department.iter().filter(|d| d.parentid == staffroom).map(|d| d.id).collect();
    let classes: Vec<&Department> = dir.department.iter().filter(|d| d.parentid == classroom).collect();
    assert_eq!(classes[0].name, "一年级1班");
    assert_eq!(classes.len(), 18);
    let teachers = dir.userlist.iter().filter(|m| subjects.contains(&m.department[0])).count();
    assert_eq!(teachers, 30);
    for class in &classes {
        assert!(class.name.contains("年级") && class.name.ends_with('班'), "{}", class.name);
        assert_eq!(class.department_leader.len(), 1, "{} has one head teacher", class.name);
        let head = dir.userlist.iter().find(|m| m.userid == class.department_leader[0]).unwrap();
        assert!(subjects.contains(&head.department[0]), "{}'s head is a teacher", class.name);
        let parents = dir.userlist.iter().filter(|m| m.department == [class.id]).count();
        assert!((35..=65).contains(&parents), "{} has {parents} parents", class.name);
    }
    let alumni = find(dir, "校友会").id;
    assert!(dir.department.iter().any(|d| d.parentid == alumni));
    let suppliers = find(dir, "供应商").id;
    for d in dir.department.iter().filter(|d| d.parentid == suppliers) {
        assert_eq!(d.permission, Some(Permission::Subdepartment));
    }
}

#[test]
fn school_personas_are_fixed_and_placed() {
    let dir = school_1k();
    let ids: Vec<&str> = dir.userlist.iter().take(4).map(|m| m.userid.as_str()).collect();
    assert_eq!(ids, SCHOOL_PERSONAS.iter().map(|p| p.0).collect::<Vec<_>>());
    let member = |id: &str| dir.userlist.iter().find(|m| m.userid == id).unwrap();
    let paths = |id: &str| member(id).department.iter().map(|&d| path(dir, d)).collect::<Vec<_>>();
    assert_eq!(paths("principal001"), ["校长室"]);
    assert_eq!(paths("teacher001"), ["教师组/语文教研组", "班级组/一年级1班"]);
    assert_eq!(paths("parent001"), ["班级组/一年级1班"]);
    assert_eq!(paths("supplier001"), ["供应商/示例市阳光校服有限公司"]);
    assert_eq!(find(dir, "班级组/一年级1班").department_leader, ["teacher001"]);
    assert_eq!(member("parent001").extattr["学生姓名"], "赵子轩");
    for id in ["principal001", "teacher001", "parent001", "supplier001"] {
        assert_eq!(member(id).status, Status::Active);
    }
}

#[test]
fn preset_names_parse() {
    assert_eq!("company".parse::<Preset>(), Ok(Preset::Company));
    assert_eq!("school".parse::<Preset>(), Ok(Preset::School));
    let error = "hospital".parse::<Preset>().unwrap_err();
    assert_eq!(error, tongxunlu::sample::SampleError::UnknownPreset { name: "hospital".to_owned() });
    assert_eq!(error.to_string(), r#"unknown preset "hospital"; expected company or school"#);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn any_small_sample_is_exact_and_valid(members in 0usize..400, seed in any::<u64>(), school in any::<bool>()) {
        let preset = if school { Preset::School } else { Preset::Company };
        let dir = generate(&SampleSpec { members, seed, preset });
        prop_assert_eq!(dir.userlist.len(), members);
        if let Err(e) = dir.validate() {
            return Err(TestCaseError::fail(format!("{e:#}")));
        }
    }
}
