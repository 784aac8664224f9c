//! The JavaScript facade (SPEC §9), built with `wasm-bindgen`.
//!
//! Results cross the boundary as plain JavaScript objects (through `serde-wasm-bindgen`, from
//! the same serialisable descriptions the CLI prints), and failures as `Error`s whose message is
//! the Rust error's sentence. The browser build carries only the opener; the Node build
//! (`--features wasm,builder`) adds [`build_snapshot`].

use wasm_bindgen::prelude::*;

use crate::card::qr::{QrCode, QUIET_ZONE};
use crate::card::{Card, Format};
use crate::search::SearchOptions;
use crate::snapshot::{DepartmentInfo, MemberInfo, Snapshot};

#[derive(serde::Serialize)]
struct DepartmentView<'s> {
    department: DepartmentInfo<'s>,
    breadcrumbs: Vec<DepartmentInfo<'s>>,
}

#[derive(serde::Serialize)]
struct Children<'s> {
    departments: Vec<DepartmentInfo<'s>>,
    members: Vec<MemberInfo<'s>>,
}

#[derive(serde::Serialize)]
struct MentionView<'s> {
    start: usize,
    end: usize,
    query: String,
    suggestions: Vec<MemberInfo<'s>>,
}

/// `{ offset, limit }` for paged lists; either may be left out.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsPage {
    offset: Option<usize>,
    limit: Option<usize>,
}

fn from_js_or_default<T: Default + serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
    }
}

/// The options `search` takes from JavaScript; every one may be left out.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsSearchOptions {
    limit: Option<usize>,
    offset: Option<usize>,
    #[serde(default)]
    frequent: std::collections::BTreeMap<String, f64>,
}

/// An opened snapshot: the directory one viewer may see.
#[wasm_bindgen(js_name = Directory)]
pub struct JsDirectory {
    snapshot: Snapshot,
}

#[wasm_bindgen(js_class = Directory)]
impl JsDirectory {
    /// Opens snapshot bytes, or throws an `Error` that says what is wrong with them.
    pub fn open(bytes: Box<[u8]>) -> Result<JsDirectory, JsError> {
        Snapshot::open(bytes).map(|snapshot| JsDirectory { snapshot }).map_err(|e| JsError::new(&e.to_string()))
    }

    /// `{ formatVersion, bytes, classKey, directoryEtag, corpName, departments, labels, members, groups }`.
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.snapshot.stats())
    }

    /// The member with this account as a plain object, or `undefined`.
    pub fn member(&self, userid: &str) -> Result<JsValue, JsError> {
        match self.snapshot.find_member(userid) {
            Some(position) => to_js(&self.snapshot.member_info(position)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Finds members, departments and groups (SPEC §4). `options`: `{ limit = 20, offset = 0,
    /// frequent: { userid: weight } }`. Returns `[{ kind, userid | id, name, field, text,
    /// ranges, score }]`, best first.
    pub fn search(&self, query: &str, options: JsValue) -> Result<JsValue, JsError> {
        let options: JsSearchOptions = from_js_or_default(options, "search options")?;
        let defaults = SearchOptions::default();
        let options = SearchOptions {
            limit: options.limit.unwrap_or(defaults.limit),
            offset: options.offset.unwrap_or(defaults.offset),
            frequent: options.frequent.into_iter().collect(),
        };
        let hits = self.snapshot.search(query, &options);
        to_js(&hits.iter().map(|hit| self.snapshot.hit_info(hit)).collect::<Vec<_>>())
    }

    /// The A–Z bar: `[{ letter, count }]` for the letters that have members, then `#`.
    pub fn initials(&self) -> Result<JsValue, JsError> {
        to_js(&self.snapshot.initials())
    }

    /// The members filed under a letter, in pinyin order: `options` `{ offset = 0, limit = 50 }`.
    #[wasm_bindgen(js_name = byInitial)]
    pub fn by_initial(&self, letter: &str, options: JsValue) -> Result<JsValue, JsError> {
        let page: JsPage = from_js_or_default(options, "byInitial options")?;
        let letter = letter.chars().next().unwrap_or('#');
        let members = self.snapshot.by_initial(letter, page.offset.unwrap_or(0), page.limit.unwrap_or(50));
        to_js(&members.into_iter().map(|m| self.snapshot.member_info(m)).collect::<Vec<_>>())
    }

    /// A department by id, with its headcount and the breadcrumb above it, or `undefined`.
    pub fn department(&self, id: u32) -> Result<JsValue, JsError> {
        match self.department_position(id) {
            Some(d) => to_js(&DepartmentView {
                department: self.snapshot.department_info(d),
                breadcrumbs: self
                    .snapshot
                    .breadcrumbs(d)
                    .into_iter()
                    .map(|b| self.snapshot.department_info(b))
                    .collect(),
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// A department's child departments (with headcounts) and its own members in sort order:
    /// `{ departments, members }`; throws for an unknown id.
    pub fn children(&self, id: u32) -> Result<JsValue, JsError> {
        let d = self
            .department_position(id)
            .ok_or_else(|| JsError::new(&format!("no department {id} in this snapshot")))?;
        let (departments, members) = self.snapshot.children(d);
        to_js(&Children {
            departments: departments.into_iter().map(|c| self.snapshot.department_info(c)).collect(),
            members: members.into_iter().map(|m| self.snapshot.member_info(m)).collect(),
        })
    }

    /// The `@mention` being typed at `cursor` (a character offset) in `text`, or `undefined`:
    /// `{ start, end, query, suggestions: [member] }`.
    pub fn mentions(&self, text: &str, cursor: usize) -> Result<JsValue, JsError> {
        match self.snapshot.mentions(text, cursor, 8) {
            Some(m) => to_js(&MentionView {
                start: m.start,
                end: m.end,
                query: m.query,
                suggestions: m.suggestions.into_iter().map(|p| self.snapshot.member_info(p)).collect(),
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The member's business card as vCard 3.0 text (CRLF line ends): what "save to phone"
    /// downloads as a `.vcf`. Throws an `Error` naming an account the snapshot does not hold.
    pub fn vcard(&self, userid: &str) -> Result<String, JsError> {
        Ok(Card::of(&self.snapshot, userid)?.vcard())
    }

    /// The same card as MECARD text: fewer bytes than the vCard, so a smaller QR code.
    pub fn mecard(&self, userid: &str) -> Result<String, JsError> {
        Ok(Card::of(&self.snapshot, userid)?.mecard())
    }

    /// The card's QR code as an SVG document, quiet zone included; it scales to the size the page
    /// gives it. `format`: `"vcard"` (the default) or `"mecard"`.
    #[wasm_bindgen(js_name = qrSvg)]
    pub fn qr_svg(&self, userid: &str, format: Option<String>) -> Result<String, JsError> {
        Ok(qr_of(&self.snapshot, userid, format)?.svg())
    }

    /// The card's QR code for drawing on a canvas: `{ version, errorCorrection, size, quietZone,
    /// modules }`, where `modules` is a `Uint8Array` of `size × size` entries row by row (1 dark)
    /// and the drawing must leave `quietZone` light modules around them.
    #[wasm_bindgen(js_name = qrMatrix)]
    pub fn qr_matrix(&self, userid: &str, format: Option<String>) -> Result<JsValue, JsError> {
        let code = qr_of(&self.snapshot, userid, format)?;
        let matrix = js_sys::Object::new();
        for (key, value) in [
            ("version", JsValue::from(code.version())),
            ("errorCorrection", JsValue::from(code.error_correction().to_string())),
            ("size", JsValue::from(code.size() as u32)),
            ("quietZone", JsValue::from(QUIET_ZONE as u32)),
            ("modules", js_sys::Uint8Array::from(code.modules()).into()),
        ] {
            js_sys::Reflect::set(&matrix, &JsValue::from_str(key), &value)
                .map_err(|_| JsError::new("could not build the QR matrix object"))?;
        }
        Ok(matrix.into())
    }
}

impl JsDirectory {
    fn department_position(&self, id: u32) -> Option<usize> {
        (0..self.snapshot.department_count()).find(|&d| self.snapshot.department(d).id == id)
    }
}

/// Builds the snapshot `viewer` may see from a directory file's JSON text (Node build only).
#[cfg(feature = "builder")]
#[wasm_bindgen(js_name = buildSnapshot)]
pub fn build_snapshot(directory_json: &str, viewer: &str) -> Result<Vec<u8>, JsError> {
    let directory = crate::model::Directory::from_json(directory_json).map_err(|e| JsError::new(&e.to_string()))?;
    let organisation = crate::visibility::Organisation::new(&directory);
    let view = organisation.view(viewer).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(crate::snapshot::build(&directory, &view).bytes)
}

/// The QR code of a member's card in `format` (`vcard` when not given).
fn qr_of(snapshot: &Snapshot, userid: &str, format: Option<String>) -> Result<QrCode, JsError> {
    let format = match format {
        Some(name) => name.parse()?,
        None => Format::default(),
    };
    let text = Card::of(snapshot, userid)?.write(format);
    Ok(QrCode::encode(text.as_bytes())?)
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so results read like any JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}
