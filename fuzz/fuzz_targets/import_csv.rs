//! Any bytes as a CSV roster: see `import_check.rs` for what must hold.
#![no_main]

mod import_check;

use libfuzzer_sys::fuzz_target;
use tongxunlu::roster::Format;

fuzz_target!(|data: &[u8]| {
    import_check::check(data, Format::Csv);
});
