//! The cXML reader (and the OCI form readers) over arbitrary bytes, with a
//! write/read round trip: `cargo fuzz run cxml_read`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    edigate::fuzzing::exercise_cxml(data);
});
