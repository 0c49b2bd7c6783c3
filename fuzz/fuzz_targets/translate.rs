//! Translation through the shipped mappings over arbitrary bytes, with the
//! documents written back and read again: `cargo fuzz run translate`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    edigate::fuzzing::exercise_translation(data);
});
