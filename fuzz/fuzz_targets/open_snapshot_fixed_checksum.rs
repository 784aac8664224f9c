//! Like `open_snapshot`, but the length field and checksum are recomputed first, so that almost
//! every input gets past the header into the section-table and record checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    tongxunlu_fuzz::fix_length_and_checksum(&mut bytes);
    tongxunlu_fuzz::open_and_read(&bytes);
});
