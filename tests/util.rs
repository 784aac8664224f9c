//! The helpers the tests share, one section per kind of fixture:
//!
//! - small hand-made directories with the seed's permission recipes (上海顺城物流, a school), and
//!   the views and snapshots of their members;
//! - the business cards: the named cards, the longest card the fields allow, the 5,000-member
//!   sample, and the independent readers — a vCard parser (`calcard`), an SVG rasteriser
//!   (`resvg`) and two QR decoders (`rxing`, a port of ZXing, and `rqrr`, a port of quirc);
//! - the roster: a small directory to import into, rosters written as CSV text or as real
//!   workbooks (through rust_xlsxwriter, with number and date cells as Excel stores them), and
//!   look-ups by account and by department path.

use std::sync::OnceLock;

use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use serde_json::{json, Value};
use tongxunlu::model::{Directory, Member};
use tongxunlu::roster::{self, Format, ImportOptions, ImportReport, Mode, RowError};
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::snapshot::{self, Snapshot};
use tongxunlu::visibility::{Organisation, View};

// ---- directories with the seed's permission recipes -------------------------------------------

/// A fresh, empty directory for one test's files: `area/name` under the integration tests'
/// temporary directory (emptied first, so that a run never sees the last one's files).
pub fn workdir(area: &str, name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(area).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A member record with a unique mobile derived from the account.
pub fn member(userid: &str, name: &str, departments: &[u32]) -> Value {
    let digits: u64 = userid.bytes().fold(7, |h, b| (h * 131 + b as u64) % 100_000_000);
    json!({
        "userid": userid, "name": name, "department": departments,
        "mobile": format!("139{digits:08}"), "email": format!("{userid}@example.com")
    })
}

pub fn with(mut record: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        record[k] = v.clone();
    }
    record
}

pub fn department(id: u32, name: &str, parent: u32, order: u32) -> Value {
    json!({"id": id, "name": name, "parentid": parent, "order": order})
}

pub fn directory(departments: Vec<Value>, members: Vec<Value>) -> Value {
    json!({"corp_name": "上海顺城物流有限公司", "department": departments, "userlist": members})
}

pub fn parse(value: Value) -> Directory {
    Directory::from_value(value).unwrap_or_else(|e| panic!("fixture is invalid: {e:#}"))
}

/// 上海顺城物流: executives with `all`; 销售中心 with `department`; 技术部 with `subdepartment`;
/// suppliers each in their own `subdepartment` department.
pub fn company() -> Directory {
    let mut departments = vec![
        department(1, "上海顺城物流有限公司", 0, 1),
        department(2, "总经理办公室", 1, 1),
        department(3, "销售中心", 1, 2),
        department(4, "华东大区", 3, 1),
        department(5, "华南大区", 3, 2),
        department(6, "技术部", 1, 3),
        department(7, "前端组", 6, 1),
        department(8, "后端组", 6, 2),
        department(9, "供应商", 1, 9),
        department(10, "宏达包装", 9, 1),
        department(11, "速运车队", 9, 2),
    ];
    for (id, permission) in
        [(2, "all"), (3, "department"), (6, "subdepartment"), (10, "subdepartment"), (11, "subdepartment")]
    {
        departments[id - 1]["permission"] = json!(permission);
    }
    departments[2]["department_leader"] = json!(["sales.head"]);
    parse(directory(
        departments,
        vec![
            with(member("ceo", "陈总", &[2]), json!({"position": "总经理"})),
            member("sales.head", "李明", &[3]),
            member("east1", "王芳", &[4]),
            member("south1", "张伟", &[5]),
            member("tech.head", "刘洋", &[6]),
            member("fe1", "赵敏", &[7]),
            member("be1", "孙磊", &[8]),
            member("pack1", "周杰", &[10]),
            member("truck1", "吴刚", &[11]),
            with(member("gone", "郑离", &[4]), json!({"status": 5})),
            with(member("off", "冯停", &[4]), json!({"status": 2})),
            with(member("new", "何新", &[4]), json!({"status": 4})),
        ],
    ))
}

/// 示例市第一实验小学: 教师组 with `department` (every teacher sees every teacher), 班级组 with
/// `subdepartment` (each class keeps to itself).
pub fn school() -> Directory {
    let mut departments = vec![
        department(1, "示例市第一实验小学", 0, 1),
        department(2, "教师组", 1, 1),
        department(3, "语文教研组", 2, 1),
        department(4, "数学教研组", 2, 2),
        department(5, "班级组", 1, 2),
        department(6, "一年级1班", 5, 1),
        department(7, "一年级2班", 5, 2),
    ];
    departments[1]["permission"] = json!("department");
    departments[4]["permission"] = json!("subdepartment");
    parse(directory(
        departments,
        vec![
            member("chinese1", "林老师", &[3]),
            member("maths1", "黄老师", &[4]),
            // A head teacher: a teacher and in charge of class 1.
            with(member("head1", "曾老师", &[4, 6]), json!({"order": [2, 1]})),
            member("parent1a", "欧阳家长", &[6]),
            member("parent1b", "司马家长", &[6]),
            member("parent2a", "单家长", &[7]),
        ],
    ))
}

pub fn view_of(dir: &Directory, viewer: &str) -> View {
    Organisation::new(dir).view(viewer).unwrap_or_else(|e| panic!("{e}"))
}

pub fn snapshot_of(dir: &Directory, viewer: &str) -> Snapshot {
    let built = snapshot::build(dir, &view_of(dir, viewer));
    Snapshot::open(built.bytes).expect("a built snapshot opens")
}

/// The accounts a viewer sees, sorted.
pub fn visible_accounts(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.members.iter().map(|m| dir.userlist[m.member].userid.clone()).collect()
}

/// The names of the departments a viewer sees listed (not labels), in view order.
pub fn listed_departments(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.departments
        .iter()
        .filter(|d| d.role == tongxunlu::visibility::DepartmentRole::Listed)
        .map(|d| dir.department[d.department].name.clone())
        .collect()
}

/// The names of the path labels a viewer gets.
pub fn label_departments(dir: &Directory, viewer: &str) -> Vec<String> {
    let view = view_of(dir, viewer);
    view.departments
        .iter()
        .filter(|d| d.role == tongxunlu::visibility::DepartmentRole::PathLabel)
        .map(|d| dir.department[d.department].name.clone())
        .collect()
}

// ---- the business cards -----------------------------------------------------------------------

pub const CORP: &str = "上海顺城物流有限公司";

/// The named cards: (account, what it exercises).
pub const NAMED: &[(&str, &str)] = &[
    ("ouyang", "a compound surname in simplified characters, every field present"),
    ("sima", "a compound surname in traditional characters"),
    ("zhang", "a single surname in traditional characters"),
    ("zhuge", "诸葛, and only a mobile"),
    ("anna", "a Latin name with a diacritic, a comma in the title"),
    ("fang", "emoji in the nickname"),
    ("tricky", "every character vCard escapes, a line break, a control character"),
    ("deep", "a department deeper than the card's ORG_LEVELS"),
];

/// A member record for a card: the account, the name, one department, then `extra`.
fn card_member(userid: &str, name: &str, department: u32, extra: Value) -> Value {
    with(json!({"userid": userid, "name": name, "department": [department]}), extra)
}

/// `n` copies of a character that takes four bytes in UTF-8 (so a field of `n` characters is as
/// many bytes as it can be), cycling through a few so that the text is not one repeated code.
fn four_byte_chars(n: usize, first: u32) -> String {
    (0..n).map(|i| char::from_u32(first + (i as u32 % 50)).unwrap()).collect()
}

/// The limits of the longest card. The directory file checks the name (64 characters),
/// department names (25 CJK characters) and phone numbers (20 digits); for the fields it leaves
/// open these are WeChat Work's own limits, which the admin console enforces: alias 64
/// characters, position 128, email 64 bytes, telephone 32 characters, WeChat id 20.
pub fn longest_fields() -> Value {
    json!({
        "alias": "😀".repeat(64),
        "position": four_byte_chars(128, 0x2A700),
        // 32 characters, 20 of them digits.
        "mobile": "+8-6-1-3-8-0-0-1-3-8-0-001234567",
        "telephone": "0-2-1-6-1-2-3-4-5-6-7-8-90123456",
        "email": format!("{}@shunchengwl.com", "z".repeat(64 - "@shunchengwl.com".len())),
        "weixin_id": "w1234567890123456789",
    })
}

/// A small directory holding the named cards; `field_policy` as given.
pub fn named_directory(field_policy: Value) -> Directory {
    let departments = vec![
        department(1, CORP, 0, 1),
        department(2, "技术中心", 1, 2),
        department(3, "研发部", 2, 3),
        department(4, "前端组", 3, 4),
        department(5, "Sales, EMEA; Europe", 1, 5),
        // Six levels below the root: the card keeps the nearest four.
        department(10, "一级", 1, 10),
        department(11, "二级", 10, 11),
        department(12, "三级", 11, 12),
        department(13, "四级", 12, 13),
        department(14, "五级", 13, 14),
        department(15, "六级", 14, 15),
    ];
    let everything = json!({
        "alias": "Nana", "position": "前端工程师", "mobile": "13800138000",
        "telephone": "021-61234567", "email": "nana@example.com", "weixin_id": "ouyang-nana"
    });
    let members = vec![
        card_member("ouyang", "欧阳娜娜", 4, everything),
        card_member("sima", "司馬懿", 3, json!({"mobile": "13900139000", "position": "主簿"})),
        card_member("zhang", "張學友", 2, json!({"email": "jacky@example.com", "weixin_id": "jacky-cheung"})),
        card_member("zhuge", "诸葛亮", 3, json!({"mobile": "+86 139 0000 0001"})),
        card_member("anna", "Anna Müller", 5, json!({"position": "Head of Sales, EMEA", "email": "anna@example.de"})),
        card_member("fang", "王芳", 4, json!({"alias": "芳芳🌸✨", "mobile": "13700137000"})),
        card_member(
            "tricky",
            "李\\四",
            4,
            json!({"alias": "a;b,c", "position": "总监, 华东区; 兼\\顾问\r\n第二行\n第三行\u{7}!", "email": "x@y.cn"}),
        ),
        card_member("deep", "赵六", 15, json!({"mobile": "13600136000"})),
    ];
    let value =
        json!({"corp_name": CORP, "department": departments, "userlist": members, "field_policy": field_policy});
    Directory::from_value(value).unwrap_or_else(|e| panic!("the named directory is invalid: {e:#}"))
}

/// A directory whose one member, `longest`, has the longest card the fields allow: every
/// field at its limit (see [`longest_fields`]) in characters of four UTF-8 bytes, the
/// organisation and every department as long as a department's name may be (25 CJK
/// characters), and a department deeper than the card names.
pub fn longest_directory() -> Directory {
    let name = |first| four_byte_chars(25, first);
    let departments = vec![
        department(1, &name(0x20000), 0, 1),
        department(2, &name(0x20100), 1, 2),
        department(3, &name(0x20200), 2, 3),
        department(4, &name(0x20300), 3, 4),
        department(5, &name(0x20400), 4, 5),
        department(6, &name(0x20500), 5, 6),
    ];
    let members = vec![card_member("longest", &four_byte_chars(64, 0x2B740), 6, longest_fields())];
    let value = json!({"corp_name": name(0x20600), "department": departments, "userlist": members});
    Directory::from_value(value).unwrap_or_else(|e| panic!("the longest directory is invalid: {e:#}"))
}

pub fn longest_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| snapshot_of(&longest_directory(), "longest"))
}

/// The named directory as the member `viewer` sees it, every field visible.
pub fn named_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| snapshot_of(&named_directory(json!({})), "ouyang"))
}

/// The 5,000-member sample company (seed 1), as the executive who sees everyone sees it.
pub fn sample_dir() -> &'static Directory {
    static DIR: OnceLock<Directory> = OnceLock::new();
    DIR.get_or_init(|| generate(&SampleSpec { members: 5000, seed: 1, preset: Preset::Company }))
}

pub fn sample_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| snapshot_of(sample_dir(), "exec001"))
}

// ---- the independent readers ------------------------------------------------------------------

/// A greyscale image, row by row: 0 black to 255 white.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
}

/// Rasterises an SVG document with `resvg` at `scale` pixels per user unit (one unit is one
/// module in the card's SVG).
pub fn rasterise(svg: &str, scale: f32) -> Result<Image, String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (width, height) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).ok_or("an empty image")?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    // Unpainted pixels are transparent: seen on a white page.
    let luma = pixmap.pixels().iter().map(|p| 255 - p.alpha() + p.red()).collect();
    Ok(Image { width: width as usize, height: height as usize, luma })
}

/// The module matrix drawn the way a page draws it on a canvas: `scale` pixels a module, and
/// the quiet zone left white.
pub fn draw_matrix(code: &tongxunlu::card::qr::QrCode, scale: usize) -> Image {
    use tongxunlu::card::qr::QUIET_ZONE;
    let width = (code.size() + 2 * QUIET_ZONE) * scale;
    let module = |pixel: usize| (pixel / scale).wrapping_sub(QUIET_ZONE);
    let luma =
        (0..width * width).map(|i| if code.is_dark(module(i % width), module(i / width)) { 0 } else { 255 }).collect();
    Image { width, height: width, luma }
}

/// What `rqrr` (a port of the quirc library) read.
#[derive(Debug)]
pub struct QuircRead {
    pub version: usize,
    /// L, M, Q or H.
    pub level: char,
    /// The payload's bytes, undecoded.
    pub bytes: Vec<u8>,
}

/// Finds and decodes the one QR code in `image` with `rqrr`.
pub fn read_with_quirc(image: &Image) -> Result<QuircRead, String> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(image.width, image.height, |x, y| image.luma[y * image.width + x]);
    let grids = prepared.detect_grids();
    if grids.len() != 1 {
        return Err(format!("quirc found {} QR codes in the image, not one", grids.len()));
    }
    let mut bytes = Vec::new();
    let meta = grids[0].decode_to(&mut bytes).map_err(|e| format!("quirc: {e:?}"))?;
    // The format information's two bits: 00 M, 01 L, 10 H, 11 Q.
    let level = ['M', 'L', 'H', 'Q'][meta.ecc_level as usize & 3];
    Ok(QuircRead { version: meta.version.0, level, bytes })
}

/// What `rxing` (a port of ZXing, the decoder inside most Android scanners) read.
#[derive(Debug)]
pub struct ZxingRead {
    /// The text, as ZXing decodes the bytes (by the ECI's character set).
    pub text: String,
    /// The payload's bytes before any character decoding.
    pub bytes: Vec<u8>,
    pub level: String,
    /// `]Q1` for a plain code, `]Q2` for one that announces its character set by ECI.
    pub symbology: String,
}

/// Finds and decodes a QR code in `image` with `rxing`.
pub fn read_with_zxing(image: &Image) -> Result<ZxingRead, String> {
    use rxing::{RXingResultMetadataType as Key, RXingResultMetadataValue as Value};
    let mut hints = rxing::DecodeHints { TryHarder: Some(false), ..Default::default() };
    let result = rxing::helpers::detect_in_luma_with_hints(
        image.luma.clone(),
        image.width as u32,
        image.height as u32,
        Some(rxing::BarcodeFormat::QR_CODE),
        &mut hints,
    )
    .map_err(|e| format!("zxing: {e}"))?;
    let metadata = result.getRXingResultMetadata();
    let level = match metadata.get(&Key::ERROR_CORRECTION_LEVEL) {
        Some(Value::ErrorCorrectionLevel(level)) => level.clone(),
        _ => String::new(),
    };
    let symbology = match metadata.get(&Key::SYMBOLOGY_IDENTIFIER) {
        Some(Value::SymbologyIdentifier(id)) => id.clone(),
        _ => String::new(),
    };
    Ok(ZxingRead { text: result.getText().to_owned(), bytes: result.getRawBytes().to_vec(), level, symbology })
}

/// A parsed vCard, as `calcard` reads it: for each property, its parameters as text and its
/// values (the components of a structured value), unescaped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub properties: Vec<(String, Vec<String>, Vec<String>)>,
}

impl Parsed {
    /// The values of the only property `name`, or None when there is none.
    pub fn one(&self, name: &str) -> Option<Vec<String>> {
        let mut all = self.properties.iter().filter(|(n, _, _)| n == name);
        let first = all.next().map(|(_, _, values)| values.clone());
        assert!(all.next().is_none(), "{name} appears more than once");
        first
    }

    /// The text of the only property `name`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.one(name).map(|values| values.join(";"))
    }

    /// (parameters, value) of every property `name`.
    pub fn all(&self, name: &str) -> Vec<(Vec<String>, String)> {
        self.properties.iter().filter(|(n, _, _)| n == name).map(|(_, p, v)| (p.clone(), v.join(";"))).collect()
    }
}

pub fn parse_vcard(text: &str) -> Result<Parsed, String> {
    use calcard::vcard::{VCard, VCardParameterValue, VCardValue};
    let card = VCard::parse(text).map_err(|e| format!("calcard did not parse the card: {e:?}"))?;
    let mut parsed = Parsed::default();
    for entry in card.entries {
        let name = format!("{:?}", entry.name).to_uppercase();
        let params = entry
            .params
            .iter()
            .map(|p| match &p.value {
                VCardParameterValue::Type(t) => format!("{:?}={:?}", p.name, t).to_uppercase(),
                VCardParameterValue::Text(t) => format!("{:?}={t}", p.name).to_uppercase(),
                other => format!("{:?}={other:?}", p.name).to_uppercase(),
            })
            .collect();
        let values = entry
            .values
            .iter()
            .map(|v| match v {
                VCardValue::Text(t) => Ok(t.clone()),
                VCardValue::Component(c) => Ok(c.join(",")),
                other => Err(format!("{name}: a value that is not text: {other:?}")),
            })
            .collect::<Result<_, _>>()?;
        parsed.properties.push((name, params, values));
    }
    Ok(parsed)
}

// ---- the roster -------------------------------------------------------------------------------

/// 上海顺城物流有限公司 with a few departments and members: what the roster tests import into.
pub fn roster_company() -> Directory {
    Directory::from_value(json!({
        "corp_name": "上海顺城物流有限公司",
        "department": [
            department(1, "上海顺城物流有限公司", 0, 1),
            department(2, "销售中心", 1, 1),
            department(3, "华东大区", 2, 1),
            department(4, "技术中心", 1, 2),
        ],
        "userlist": [
            {"userid": "zhangsan", "name": "张三", "department": [3, 4], "order": [5, 7], "position": "客户经理",
             "mobile": "13800138000", "email": "zhangsan@example.com", "gender": "1", "extattr": {"工号": "000123"},
             "x_badge": "B-7", "pinned": true},
            {"userid": "lisi", "name": "李四", "department": [4], "mobile": "+86 139 0013 9000"},
        ],
    }))
    .expect("the fixture is valid")
}

pub fn options(mode: Mode) -> ImportOptions {
    ImportOptions { mode, corp_name: None }
}

/// Imports CSV text (UTF-8).
pub fn import_csv(text: &str, into: Option<Directory>, mode: Mode) -> ImportReport {
    roster::import(text.as_bytes(), Format::Csv, into, &options(mode)).unwrap_or_else(|e| panic!("{e}"))
}

/// Imports a roster whose file-level problem is expected; returns the message.
pub fn refused(bytes: &[u8], format: Format) -> String {
    match roster::import(bytes, format, Some(roster_company()), &options(Mode::Add)) {
        Ok(report) => panic!("expected the file to be refused; got {} errors", report.errors.len()),
        Err(e) => e.to_string(),
    }
}

/// A cell of a workbook written for a test.
#[derive(Debug, Clone)]
pub enum X {
    Text(String),
    Number(f64),
    Date(u16, u8, u8),
    Blank,
}

pub fn t(s: &str) -> X {
    X::Text(s.into())
}

/// A workbook with one sheet holding `rows` from A1 down; `merged_note` first puts an instruction
/// line merged across the first row, as WeChat Work's template has.
pub fn xlsx(merged_note: Option<&str>, rows: &[Vec<X>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let mut first = 0;
    if let Some(note) = merged_note {
        sheet.merge_range(0, 0, 0, 5, note, &CellFormat::new()).unwrap();
        first = 1;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = first + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                X::Text(s) => sheet.write_string(r, c, s).map(|_| ()),
                X::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                X::Date(y, m, d) => {
                    let value = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    sheet.write_datetime_with_format(r, c, &value, &date).map(|_| ())
                }
                X::Blank => Ok(()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// The member with account `userid`.
pub fn member_of<'a>(dir: &'a Directory, userid: &str) -> &'a Member {
    dir.userlist.iter().find(|m| m.userid == userid).unwrap_or_else(|| panic!("{userid} is not in the directory"))
}

/// A department's full path of names, `上海顺城物流有限公司->销售中心`.
pub fn path(dir: &Directory, id: u32) -> String {
    let mut names = Vec::new();
    let mut at = id;
    while at != 0 {
        let d = dir.department.iter().find(|d| d.id == at).expect("the department exists");
        names.push(d.name.clone());
        at = d.parentid;
    }
    names.reverse();
    names.join("->")
}

/// The paths of a member's departments, in its order.
pub fn paths_of(dir: &Directory, userid: &str) -> Vec<String> {
    member_of(dir, userid).department.iter().map(|&d| path(dir, d)).collect()
}

/// The error reported for spreadsheet row `row`.
pub fn error_at(report: &ImportReport, row: u32) -> &RowError {
    report
        .errors
        .iter()
        .find(|e| e.place == roster::Place::Row(row))
        .unwrap_or_else(|| panic!("no error for row {row}; errors: {:#?}", report.errors))
}

/// Asserts that row `row` was refused with a problem in `column` whose reason contains `reason`.
pub fn assert_problem(report: &ImportReport, row: u32, column: Option<&str>, reason: &str) {
    let error = error_at(report, row);
    assert!(
        error.problems.iter().any(|p| p.column.as_deref() == column && p.reason.contains(reason)),
        "row {row}: expected a problem in {column:?} containing {reason:?}; got {:#?}",
        error.problems
    );
}
