//! The JavaScript facade (docs/javascript.md), built with `wasm-bindgen`.
//!
//! Results cross the boundary as plain JavaScript objects (through `serde-wasm-bindgen`, from
//! the same serialisable descriptions the CLI prints), and failures as `Error`s whose message is
//! the Rust error's sentence. The browser build carries the opener and `apply_patch`
//! (`applyPatch`, to update a snapshot by difference); the Node build (`--features
//! wasm,builder`) adds `build_snapshot` (`buildSnapshot`).
//!
//! Options objects coming *in* are read field by field with `js_sys` rather than deserialised
//! with serde: serde's deserializer, and the float formatting its error messages bring along,
//! cost the browser build about 12 KB gzipped for four small objects. Results still go out
//! through `serde-wasm-bindgen`: the alternative, `serde_json` text parsed by `JSON.parse`, was
//! measured the same size (0.4 KB more gzipped) and 4 µs faster on an 80 µs search of 10
//! results at 200,000 members — not worth a second way of writing results.
//!
//! The TypeScript declarations the package ships come from here too: the interfaces from
//! `src/wasm.d.ts` (included as `TYPES`), and each method's argument and result types from its
//! `unchecked_param_type` / `unchecked_return_type`, so that `wasm-bindgen` writes a `.d.ts`
//! without `any` for both builds.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::card::qr::{QrCode, QUIET_ZONE};
use crate::card::{Card, Format};
use crate::fields::Gender;
use crate::search::{Filter, SearchOptions};
use crate::snapshot::{DepartmentInfo, MemberInfo, Snapshot};

/// The interfaces the methods' TypeScript types name (`Stats`, `Member`, `SearchHit`, …), written
/// in a declarations file of their own so that `tsc` checks them (tests/node/types/tsconfig.json).
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("wasm.d.ts");

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
struct GroupView<'s> {
    id: u32,
    name: &'s str,
    members: Vec<MemberInfo<'s>>,
}

#[derive(serde::Serialize)]
struct MentionView<'s> {
    start: usize,
    end: usize,
    query: String,
    suggestions: Vec<MemberInfo<'s>>,
}

/// A JavaScript options object (`undefined` and `null` mean "all defaults"), read one field at a
/// time; unknown keys are refused, so a misspelt option fails loudly instead of being ignored.
struct Options {
    object: Option<Object>,
    what: &'static str,
}

impl Options {
    fn read(value: JsValue, what: &'static str, known: &[&str]) -> Result<Options, JsError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Options { object: None, what });
        }
        if !value.is_object() || Array::is_array(&value) {
            return Err(JsError::new(&format!("{what}: expected an object, got {}", describe(&value))));
        }
        let object = Object::from(value);
        for key in Object::keys(&object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(JsError::new(&format!("{what}: unknown option \"{key}\" (expected {})", known.join(", "))));
            }
        }
        Ok(Options { object: Some(object), what })
    }

    /// The field's value; `undefined` and `null` count as not given.
    fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(self.object.as_ref()?, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// How error messages name the field: `search options: limit`.
    fn name(&self, key: &str) -> String {
        format!("{}: {key}", self.what)
    }

    fn invalid(&self, key: &str, expected: &str, value: &JsValue) -> JsError {
        invalid(&self.name(key), expected, value)
    }

    /// A whole number from 0 (a limit, an offset, an id).
    fn count(&self, key: &str) -> Result<Option<u32>, JsError> {
        self.get(key).map(|value| count_arg(&value, &self.name(key))).transpose()
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, JsError> {
        self.get(key).map(|value| value.as_bool().ok_or_else(|| self.invalid(key, "true or false", &value))).transpose()
    }

    fn text(&self, key: &str) -> Result<Option<String>, JsError> {
        self.get(key).map(|value| string_arg(&value, &self.name(key))).transpose()
    }

    /// `{ key: number }` pairs, the numbers finite.
    fn weights(&self, key: &str) -> Result<Vec<(String, f64)>, JsError> {
        let Some(value) = self.get(key) else { return Ok(Vec::new()) };
        let expected = "an object of account → finite number";
        if !value.is_object() || Array::is_array(&value) {
            return Err(self.invalid(key, expected, &value));
        }
        Object::entries(&Object::from(value))
            .iter()
            .map(|entry| {
                let entry = Array::from(&entry);
                let weight = entry.get(1);
                match (entry.get(0).as_string(), weight.as_f64()) {
                    (Some(userid), Some(w)) if w.is_finite() => Ok((userid, w)),
                    _ => Err(self.invalid(key, expected, &weight)),
                }
            })
            .collect()
    }

    fn offset(&self) -> Result<usize, JsError> {
        Ok(self.count("offset")?.unwrap_or(0) as usize)
    }

    fn limit(&self, default: usize) -> Result<usize, JsError> {
        Ok(self.count("limit")?.map_or(default, |n| n as usize))
    }
}

/// A JavaScript value as a short text for an error message (`JSON.stringify`, else its type);
/// formatted on the JavaScript side, so that no float formatting is compiled in.
fn describe(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .or_else(|| value.js_typeof().as_string())
        .unwrap_or_else(|| "a value".to_owned())
}

fn invalid(what: &str, expected: &str, value: &JsValue) -> JsError {
    JsError::new(&format!("{what} must be {expected}, got {}", describe(value)))
}

// Arguments are taken as `JsValue`s and checked here, not as `&str` or `u32`: for a `&str`,
// wasm-bindgen's glue reads any non-string as memory and the module traps, and a `u32` turns
// "x" into 0 without a word.

fn string_arg(value: &JsValue, what: &str) -> Result<String, JsError> {
    value.as_string().ok_or_else(|| invalid(what, "a string", value))
}

/// A whole number from 0: an id, a cursor, a limit.
fn count_arg(value: &JsValue, what: &str) -> Result<u32, JsError> {
    match value.as_f64() {
        Some(n) if (0.0..=f64::from(u32::MAX)).contains(&n) && n.fract() == 0.0 => Ok(n as u32),
        _ => Err(invalid(what, "a whole number from 0", value)),
    }
}

/// An optional argument: `undefined` and `null` are `None`.
fn optional<T>(value: &JsValue, read: impl FnOnce(&JsValue) -> Result<T, JsError>) -> Result<Option<T>, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        read(value).map(Some)
    }
}

/// An opened snapshot: the directory one viewer may see.
#[wasm_bindgen(js_name = Directory)]
pub struct JsDirectory {
    snapshot: Snapshot,
}

#[wasm_bindgen(js_class = Directory)]
impl JsDirectory {
    /// Opens snapshot bytes, or throws an `Error` that says what is wrong with them
    /// (`snapshot truncated at byte 1234 of 56789`).
    pub fn open(bytes: Box<[u8]>) -> Result<JsDirectory, JsError> {
        Snapshot::open(bytes).map(|snapshot| JsDirectory { snapshot }).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Builds now what the first search, the first look at the A–Z bar or the first search by
    /// account, WeChat id, e-mail or phone digits would otherwise build — the name index, the
    /// A–Z order and the identifier and phone lookups, all derived from the snapshot: for the
    /// page to call while it is idle after opening.
    pub fn prepare(&self) {
        self.snapshot.prepare_search();
    }

    /// `{ formatVersion, bytes, classKey, directoryEtag, corpName, departments, labels, members, groups }`.
    #[wasm_bindgen(unchecked_return_type = "Stats")]
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.snapshot.stats())
    }

    /// The member with this account as a plain object, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Member | undefined")]
    pub fn member(&self, #[wasm_bindgen(unchecked_param_type = "string")] userid: JsValue) -> Result<JsValue, JsError> {
        match self.snapshot.find_member(&string_arg(&userid, "member: userid")?) {
            Some(position) => to_js(&self.snapshot.member_info(position)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Finds members, departments and groups (docs/search.md). `options`: `{ limit = 20, offset = 0,
    /// frequent: { userid: weight }, viewer: userid }`. Returns `[{ kind, userid | id, name, field, text,
    /// ranges, score }]`, best first.
    #[wasm_bindgen(unchecked_return_type = "SearchHit[]")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SearchOptions")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let query = string_arg(&query, "search: query")?;
        let options = Options::read(options, "search options", &["limit", "offset", "frequent", "viewer"])?;
        let options = SearchOptions {
            limit: options.limit(SearchOptions::default().limit)?,
            offset: options.offset()?,
            frequent: options.weights("frequent")?,
            viewer: options.text("viewer")?,
        };
        let hits = self.snapshot.search(&query, &options);
        to_js(&hits.iter().map(|hit| self.snapshot.hit_info(hit)).collect::<Vec<_>>())
    }

    /// How many members, departments and groups `search(query)` finds in all:
    /// `{ member: { count, exact }, department: …, group: … }`, `exact` false past 1,000 results
    /// ("at least"), for "王 · 446 人" and 查看更多.
    #[wasm_bindgen(unchecked_return_type = "SearchTotals")]
    pub fn count(&self, #[wasm_bindgen(unchecked_param_type = "string")] query: JsValue) -> Result<JsValue, JsError> {
        to_js(&self.snapshot.count(&string_arg(&query, "count: query")?))
    }

    /// The A–Z bar: `[{ letter, count }]` for the letters that have members, then `#`.
    #[wasm_bindgen(unchecked_return_type = "Initial[]")]
    pub fn initials(&self) -> Result<JsValue, JsError> {
        to_js(&self.snapshot.initials())
    }

    /// The members filed under a letter (A–Z in either case, or `#`), in pinyin order:
    /// `options` `{ offset = 0, limit = 50 }`.
    #[wasm_bindgen(js_name = byInitial, unchecked_return_type = "Member[]")]
    pub fn by_initial(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] letter: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Page")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let page = Options::read(options, "byInitial options", &["offset", "limit"])?;
        let letter = match string_arg(&letter, "byInitial: letter")?.as_bytes() {
            [l] if l.is_ascii_alphabetic() || *l == b'#' => char::from(*l),
            _ => return Err(invalid("byInitial: letter", "one of A–Z or #", &letter)),
        };
        let members = self.snapshot.by_initial(letter, page.offset()?, page.limit(50)?);
        self.members(members)
    }

    /// A department by id, with its headcount and the breadcrumb above it, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "DepartmentView | undefined")]
    pub fn department(&self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<JsValue, JsError> {
        match self.department_position(count_arg(&id, "department: id")?) {
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

    /// Every department of the snapshot, path labels included, in the snapshot's order, as
    /// columns: `{ ids, parents, names }` (a parent of -1: none). Enough to lay out each
    /// department's path without asking for it, as the page's shortened paths do; columns,
    /// because ten thousand objects would take tens of milliseconds to make.
    #[wasm_bindgen(js_name = departmentTable, unchecked_return_type = "DepartmentTable")]
    pub fn department_table(&self) -> Result<JsValue, JsError> {
        let (ids, parents, names) = (Array::new(), Array::new(), Array::new());
        for d in 0..self.snapshot.department_count() {
            let department = self.snapshot.department(d);
            ids.push(&JsValue::from(department.id));
            parents.push(&department.parent.map_or(JsValue::from(-1), |p| self.snapshot.department(p).id.into()));
            names.push(&JsValue::from_str(department.name));
        }
        let table = Object::new();
        for (key, value) in [("ids", ids), ("parents", parents), ("names", names)] {
            Reflect::set(&table, &JsValue::from_str(key), &value)
                .map_err(|_| JsError::new("could not build the department table"))?;
        }
        Ok(table.into())
    }

    /// A department's child departments (with headcounts) and its own members in sort order:
    /// `{ departments, members }`; throws for an unknown id.
    #[wasm_bindgen(unchecked_return_type = "Children")]
    pub fn children(&self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<JsValue, JsError> {
        let (departments, members) = self.snapshot.children(self.known_department(count_arg(&id, "children: id")?)?);
        to_js(&Children {
            departments: departments.into_iter().map(|c| self.snapshot.department_info(c)).collect(),
            members: members.into_iter().map(|m| self.snapshot.member_info(m)).collect(),
        })
    }

    /// A public group by id, with its visible members in the group's order, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "GroupView | undefined")]
    pub fn group(&self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Result<JsValue, JsError> {
        let id = count_arg(&id, "group: id")?;
        match (0..self.snapshot.group_count()).map(|g| self.snapshot.group(g)).find(|g| g.id == id) {
            Some(g) => to_js(&GroupView {
                id: g.id,
                name: g.name,
                members: g.members.into_iter().map(|m| self.snapshot.member_info(m)).collect(),
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The `@mention` being typed at `cursor` (a character offset; the end of the text when not
    /// given) in `text`, or `undefined`: `{ start, end, query, suggestions: [member] }`.
    #[wasm_bindgen(unchecked_return_type = "Mention | undefined")]
    pub fn mentions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] cursor: JsValue,
    ) -> Result<JsValue, JsError> {
        let text = string_arg(&text, "mentions: text")?;
        let cursor = optional(&cursor, |c| count_arg(c, "mentions: cursor"))?.map_or(usize::MAX, |c| c as usize);
        match self.snapshot.mentions(&text, cursor, 8) {
            Some(m) => to_js(&MentionView {
                start: m.start,
                end: m.end,
                query: m.query,
                suggestions: m.suggestions.into_iter().map(|p| self.snapshot.member_info(p)).collect(),
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The members who pass every filter given (高级搜索, "birthdays this month"), in rank
    /// order: `{ gender, department, followed, birthdayMonth, offset = 0, limit }`. Throws for
    /// an unknown department id, a month outside 1–12 or a gender other than "0", "1", "2".
    #[wasm_bindgen(unchecked_return_type = "Member[]")]
    pub fn filter(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "MemberFilter")] filter: JsValue,
    ) -> Result<JsValue, JsError> {
        let options =
            Options::read(filter, "filter", &["gender", "department", "followed", "birthdayMonth", "offset", "limit"])?;
        let gender = match options.text("gender")? {
            None => None,
            Some(code) => Some(
                code.parse()
                    .ok()
                    .and_then(Gender::from_code)
                    .ok_or_else(|| options.invalid("gender", "\"0\", \"1\" or \"2\"", &JsValue::from_str(&code)))?,
            ),
        };
        let department = options.count("department")?.map(|id| self.known_department(id)).transpose()?;
        let birthday_month = match options.count("birthdayMonth")? {
            Some(month @ 1..=12) => Some(month as u8),
            Some(month) => return Err(options.invalid("birthdayMonth", "a month from 1 to 12", &month.into())),
            None => None,
        };
        let filter = Filter { gender, department, followed: options.flag("followed")?, birthday_month };
        let members = self.snapshot.filter(&filter);
        self.members(members.into_iter().skip(options.offset()?).take(options.limit(usize::MAX)?))
    }

    /// The member's business card as vCard 3.0 text (CRLF line ends): what "save to phone"
    /// downloads as a `.vcf`. Throws an `Error` naming an account the snapshot does not hold.
    pub fn vcard(&self, #[wasm_bindgen(unchecked_param_type = "string")] userid: JsValue) -> Result<String, JsError> {
        Ok(Card::of(&self.snapshot, &string_arg(&userid, "vcard: userid")?)?.vcard())
    }

    /// The same card as MECARD text: fewer bytes than the vCard, so a smaller QR code.
    pub fn mecard(&self, #[wasm_bindgen(unchecked_param_type = "string")] userid: JsValue) -> Result<String, JsError> {
        Ok(Card::of(&self.snapshot, &string_arg(&userid, "mecard: userid")?)?.mecard())
    }

    /// The card's QR code as an SVG document, quiet zone included; it scales to the size the page
    /// gives it. `format`: `"vcard"` (the default) or `"mecard"`.
    #[wasm_bindgen(js_name = qrSvg)]
    pub fn qr_svg(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] userid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CardFormat")] format: JsValue,
    ) -> Result<String, JsError> {
        Ok(qr_of(&self.snapshot, &userid, &format, "qrSvg")?.svg())
    }

    /// The card's QR code for drawing on a canvas: `{ version, errorCorrection, size, quietZone,
    /// modules }`, where `modules` is a `Uint8Array` of `size × size` entries row by row (1 dark)
    /// and the drawing must leave `quietZone` light modules around them.
    #[wasm_bindgen(js_name = qrMatrix, unchecked_return_type = "QrMatrix")]
    pub fn qr_matrix(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] userid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CardFormat")] format: JsValue,
    ) -> Result<JsValue, JsError> {
        let code = qr_of(&self.snapshot, &userid, &format, "qrMatrix")?;
        let matrix = Object::new();
        for (key, value) in [
            ("version", JsValue::from(code.version())),
            ("errorCorrection", JsValue::from(code.error_correction().to_string())),
            ("size", JsValue::from(code.size() as u32)),
            ("quietZone", JsValue::from(QUIET_ZONE as u32)),
            ("modules", js_sys::Uint8Array::from(code.modules()).into()),
        ] {
            Reflect::set(&matrix, &JsValue::from_str(key), &value)
                .map_err(|_| JsError::new("could not build the QR matrix object"))?;
        }
        Ok(matrix.into())
    }
}

impl JsDirectory {
    fn department_position(&self, id: u32) -> Option<usize> {
        (0..self.snapshot.department_count()).find(|&d| self.snapshot.department(d).id == id)
    }

    fn known_department(&self, id: u32) -> Result<usize, JsError> {
        self.department_position(id).ok_or_else(|| JsError::new(&format!("no department {id} in this snapshot")))
    }

    fn members(&self, positions: impl IntoIterator<Item = usize>) -> Result<JsValue, JsError> {
        to_js(&positions.into_iter().map(|m| self.snapshot.member_info(m)).collect::<Vec<_>>())
    }
}

/// The snapshot a patch from `tongxunlu serve` makes of `base`, the snapshot it was made from
/// (docs/snapshot.md#differences), or throws an `Error` that says what is wrong with the patch
/// (`patch corrupted at byte 57: a copy reaches outside the base`). The patch's structure and
/// lengths are checked here; its SHA-256 digests are not, as the browser build has no SHA-256:
/// compare the result's with the digest the patch declares (the page does, with WebCrypto).
#[wasm_bindgen(js_name = applyPatch)]
pub fn apply_patch(base: &[u8], patch: &[u8]) -> Result<js_sys::Uint8Array, JsError> {
    // Copied out as a `Uint8Array` rather than returned as a `Vec<u8>`, whose glue the browser
    // build would carry for this one function.
    Ok(crate::snapshot::delta::apply(base, patch)?.as_slice().into())
}

/// Builds the snapshot `viewer` may see from a directory file's JSON text (Node build only).
#[cfg(feature = "builder")]
#[wasm_bindgen(js_name = buildSnapshot)]
pub fn build_snapshot(
    #[wasm_bindgen(js_name = directoryJson, unchecked_param_type = "string")] directory_json: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] viewer: JsValue,
) -> Result<Vec<u8>, JsError> {
    let directory_json = string_arg(&directory_json, "buildSnapshot: directoryJson")?;
    let viewer = string_arg(&viewer, "buildSnapshot: viewer")?;
    let directory = crate::model::Directory::from_json(&directory_json).map_err(|e| JsError::new(&e.to_string()))?;
    let organisation = crate::visibility::Organisation::new(&directory);
    let view = organisation.view(&viewer).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(crate::snapshot::build(&directory, &view).bytes)
}

/// The QR code of a member's card in `format` (`vcard` when not given), for the method `what`.
fn qr_of(snapshot: &Snapshot, userid: &JsValue, format: &JsValue, what: &str) -> Result<QrCode, JsError> {
    let userid = string_arg(userid, &format!("{what}: userid"))?;
    let format = match optional(format, |f| string_arg(f, &format!("{what}: format")))? {
        Some(name) => name.parse()?,
        None => Format::default(),
    };
    let text = Card::of(snapshot, &userid)?.write(format);
    Ok(QrCode::encode(text.as_bytes())?)
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so results read like any JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}
