//! The [`Preset::School`](super::Preset::School) sample, 示例市第一实验小学: a primary school
//! with teachers in their 教研组, classes of parents whose head teacher (班主任) is a member of
//! the class too, the alumni association and suppliers.

use super::builder::{Builder, Kind, Unit};
use super::personas::PersonaRecord;
use super::sizing::{apportion, take};
use crate::model::{Directory, Gender, Permission};

const SCHOOL_NAME: &str = "示例市第一实验小学";
const SCHOOL_DOMAIN: &str = "syxx.edu.cn";
const GRADES: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
/// The classes of the alumni association: grown-ups who left the school every five years.
const ALUMNI_YEARS: [u16; 6] = [1990, 1995, 2000, 2005, 2010, 2015];

/// The school of `n` members, every random choice drawn from the stream seeded with `seed`.
pub(super) fn generate(seed: u64, n: usize) -> Directory {
    let mut b = Builder::new(seed, SCHOOL_NAME, SCHOOL_DOMAIN);
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
    b.supplier_contacts(&suppliers, 2, n, &mut counts, &mut rest);
    b.populate(counts, rest); // the rest are the parents, spread over the classes

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
    b.add_group("家委会", &parents, 8..=15, &[]);
    b.add_group("运动会筹备组", &teachers, 6..=12, &[]);
    b.add_group("课后服务组", &teachers, 5..=10, &[]);
    b.add_group("校园安全小组", &teachers, 4..=8, &[0]);
    b.add_group("校友联络组", &alumni, 5..=10, &[]);
    b.finish()
}

/// The well-known accounts every School sample contains, first in `userlist` and in this order,
/// as [`super::PERSONAS`] has them.
pub const SCHOOL_PERSONAS: &[(&str, &str)] = &[
    ("principal001", "校长室·校长（权限：所有人）：看得到全校"),
    (
        "teacher001",
        "教师组/语文教研组·语文教师（权限：仅本部门，设在教师组），兼班级组/一年级1班班主任\
         （权限：仅子部门）：看得到所有教师和自己的班，看不到别的班",
    ),
    ("parent001", "班级组/一年级1班·赵子轩爸爸（权限：仅子部门，设在班级组）：只看得到孩子所在的班，班主任也在内"),
    ("supplier001", "供应商/示例市阳光校服有限公司·业务经理（权限：仅子部门）：只看得到自己公司"),
];

/// The records behind [`SCHOOL_PERSONAS`], in the same order.
pub(super) const SCHOOL_PERSONAS_RECORDS: [PersonaRecord; 4] = [
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

/// What supplier companies trade in, and its ASCII (for the mail domain).
#[rustfmt::skip]
const SCHOOL_INDUSTRIES: &[(&str, &str)] = &[
    ("校服", "uniform"), ("教育图书", "books"), ("餐饮管理", "catering"), ("保安服务", "guard"),
    ("校车服务", "bus"), ("体育器材", "sports"), ("信息技术", "it"), ("文具", "stationery"),
    ("保洁服务", "clean"), ("教学设备", "edu-equip"),
];
