//! What the business-card tests share: the named cards (the names a card writer gets wrong),
//! the longest card the fields allow, the 5,000-member sample, and the independent readers —
//! a vCard parser (`calcard`), an SVG rasteriser (`resvg`) and two QR decoders (`rxing`, a port of
//! ZXing, and `rqrr`, a port of quirc).

#![allow(dead_code)] // each test binary uses its own subset

use std::sync::OnceLock;

use serde_json::{json, Value};
use tongxunlu::model::Directory;
use tongxunlu::sample::{generate, Preset, SampleSpec};
use tongxunlu::snapshot::{self, Snapshot};
use tongxunlu::visibility::Organisation;

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

fn department(id: u32, name: &str, parent: u32) -> Value {
    json!({"id": id, "name": name, "parentid": parent, "order": id})
}

fn member(userid: &str, name: &str, department: u32, extra: Value) -> Value {
    let mut m = json!({"userid": userid, "name": name, "department": [department]});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
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
        department(1, CORP, 0),
        department(2, "技术中心", 1),
        department(3, "研发部", 2),
        department(4, "前端组", 3),
        department(5, "Sales, EMEA; Europe", 1),
        // Six levels below the root: the card keeps the nearest four.
        department(10, "一级", 1),
        department(11, "二级", 10),
        department(12, "三级", 11),
        department(13, "四级", 12),
        department(14, "五级", 13),
        department(15, "六级", 14),
    ];
    let everything = json!({
        "alias": "Nana", "position": "前端工程师", "mobile": "13800138000",
        "telephone": "021-61234567", "email": "nana@example.com", "weixin_id": "ouyang-nana"
    });
    let members = vec![
        member("ouyang", "欧阳娜娜", 4, everything),
        member("sima", "司馬懿", 3, json!({"mobile": "13900139000", "position": "主簿"})),
        member("zhang", "張學友", 2, json!({"email": "jacky@example.com", "weixin_id": "jacky-cheung"})),
        member("zhuge", "诸葛亮", 3, json!({"mobile": "+86 139 0000 0001"})),
        member("anna", "Anna Müller", 5, json!({"position": "Head of Sales, EMEA", "email": "anna@example.de"})),
        member("fang", "王芳", 4, json!({"alias": "芳芳🌸✨", "mobile": "13700137000"})),
        member(
            "tricky",
            "李\\四",
            4,
            json!({"alias": "a;b,c", "position": "总监, 华东区; 兼\\顾问\r\n第二行\n第三行\u{7}!", "email": "x@y.cn"}),
        ),
        member("deep", "赵六", 15, json!({"mobile": "13600136000"})),
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
        department(1, &name(0x20000), 0),
        department(2, &name(0x20100), 1),
        department(3, &name(0x20200), 2),
        department(4, &name(0x20300), 3),
        department(5, &name(0x20400), 4),
        department(6, &name(0x20500), 5),
    ];
    let members = vec![member("longest", &four_byte_chars(64, 0x2B740), 6, longest_fields())];
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

pub fn snapshot_of(dir: &Directory, viewer: &str) -> Snapshot {
    let view = Organisation::new(dir).view(viewer).unwrap_or_else(|e| panic!("{e}"));
    Snapshot::open(snapshot::build(dir, &view).bytes).expect("a built snapshot opens")
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
