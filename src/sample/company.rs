//! The [`Preset::Company`](super::Preset::Company) sample, 上海顺城物流有限公司: a logistics
//! company with sales regions, warehouses, fleets, an IT centre, functional departments and
//! suppliers, and the seed's permission recipes (see the module documentation).

use super::builder::{Builder, Kind, Unit};
use super::numbering::{chinese_number, nth_or, nth_team};
use super::personas::PersonaRecord;
use super::sizing::{apportion, fanout, take};
use crate::model::{Directory, Gender, Permission, VisibleTo};

const COMPANY_NAME: &str = "上海顺城物流有限公司";
const COMPANY_DOMAIN: &str = "shunchengwl.com";

/// Members per team budget unit. With the internal departments each division adds, this gives
/// about one department per 20 members.
const MEMBERS_PER_TEAM: usize = 24;

/// The company of `n` members, every random choice drawn from the stream seeded with `seed`.
pub(super) fn generate(seed: u64, n: usize) -> Directory {
    let mut b = Builder::new(seed, COMPANY_NAME, COMPANY_DOMAIN);
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
    b.supplier_contacts(&suppliers, 3, n, &mut counts, &mut rest);
    b.populate(counts, rest);

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
        b.add_group(name, &pool, 5..=30, if i == 0 { &cross_team } else { &[] });
    }
    b.finish()
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

/// The well-known accounts every Company sample contains, first in `userlist` and in this order:
/// (userid, what the account illustrates, in Chinese: the demo's sign-in shows it under the
/// name). Fewer when `members` is below 4.
pub const PERSONAS: &[(&str, &str)] = &[
    ("exec001", "总经理办公室·总经理（权限：所有人）：看得到全公司，包括隐藏的董事会秘书处"),
    (
        "staff001",
        "销售中心/华东大区/上海分公司/大客户部·客户经理（权限：仅本部门，设在销售中心）：\
         看得到整个销售中心，看不到高管和其他中心",
    ),
    ("dev001", "技术中心/研发部/前端组·前端工程师（权限：仅子部门，设在技术中心）：只看得到前端组"),
    ("supplier001", "供应商/上海恒通包装材料有限公司·业务经理（权限：仅子部门）：只看得到自己公司，看不到别的供应商"),
];

/// The records behind [`PERSONAS`], in the same order.
pub(super) const COMPANY_PERSONAS: [PersonaRecord; 4] = [
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

/// A city and its telephone area code.
type City = (&'static str, &'static str);
/// What the members of a unit may be (职位).
type Positions = &'static [&'static str];
/// A team and the positions it hires for.
type Team = (&'static str, Positions);

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

/// Public groups, the first three and one more per 2,000 members.
#[rustfmt::skip]
const COMPANY_GROUPS: &[&str] = &[
    "新品项目组", "年会筹备组", "安全生产委员会", "数字化转型项目组", "工会委员会", "质量改进小组",
    "双十一保障组", "新员工导师团", "读书会", "羽毛球俱乐部",
];

/// Where supplier companies are registered.
#[rustfmt::skip]
const SUPPLIER_PLACES: &[&str] = &[
    "上海", "苏州", "杭州", "宁波", "广州", "深圳", "北京", "天津", "武汉", "成都", "南京", "青岛",
    "厦门", "无锡", "东莞", "佛山", "合肥", "长沙", "郑州", "重庆",
];

/// What supplier companies trade in, and its ASCII (for the mail domain).
#[rustfmt::skip]
const COMPANY_INDUSTRIES: &[(&str, &str)] = &[
    ("包装材料", "pack"), ("物流设备", "equip"), ("油品", "oil"), ("轮胎", "tyre"),
    ("软件", "soft"), ("保安服务", "guard"), ("餐饮管理", "food"), ("劳务派遣", "staffing"),
    ("办公用品", "office"), ("印刷", "print"), ("叉车", "forklift"), ("汽车配件", "autoparts"),
    ("托盘", "pallet"), ("冷链", "coldchain"), ("信息技术", "it"), ("清洁服务", "clean"),
    ("货运代理", "freight"),
];
