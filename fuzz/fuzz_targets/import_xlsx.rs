//! Any bytes as an .xlsx roster — the zip archive and its XML as calamine reads them: see
//! `import_check.rs` for what must hold. Seeds whose entries are stored uncompressed let the
//! mutations reach the XML.
#![no_main]

mod import_check;

use libfuzzer_sys::fuzz_target;
use tongxunlu::roster::Format;

fuzz_target!(|data: &[u8]| {
    import_check::check(data, Format::Xlsx);
});
