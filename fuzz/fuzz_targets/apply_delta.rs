//! Any bytes as a patch (docs/snapshot.md#differences) to a fixed base snapshot: a clean error,
//! or exactly the declared number of bytes — never a panic, a huge allocation or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tongxunlu_fuzz::apply_patch(data);
});
