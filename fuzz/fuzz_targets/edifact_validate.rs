//! EDIFACT lexer, validator, CONTRL and writer round trip over arbitrary
//! bytes: `cargo fuzz run edifact_validate`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    edigate::fuzzing::exercise_edifact(data);
});
