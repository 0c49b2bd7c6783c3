//! Lexer, validator, acknowledgments and writer round trip over arbitrary
//! bytes: `cargo fuzz run x12_validate`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    edigate::fuzzing::exercise(data);
});
