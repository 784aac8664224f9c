//! Raw bytes into `Snapshot::open`: every input is refused with an error or opens to a snapshot
//! whose every record reads without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tongxunlu_fuzz::open_and_read(data);
});
