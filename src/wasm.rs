//! The JavaScript facade (SPEC §9), built with `wasm-bindgen`.
//!
//! Results cross the boundary as plain JavaScript objects (through `serde-wasm-bindgen`, from
//! the same serialisable descriptions the CLI prints), and failures as `Error`s whose message is
//! the Rust error's sentence. The browser build carries only the opener; the Node build
//! (`--features wasm,builder`) adds [`build_snapshot`].

use wasm_bindgen::prelude::*;

use crate::snapshot::Snapshot;

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

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    // Maps become plain objects, not `Map`s, so results read like any JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}
