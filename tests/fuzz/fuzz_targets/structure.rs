//! Structure detection (JSON, key=value lists, percent-encoding) and rendering of any text.
#![no_main]

use calldata_inspector_fuzz::decode::structure;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let text = String::from_utf8_lossy(input);
    let shape = structure::detect(&text);
    assert!(!shape.kind().is_empty());
    let _ = structure::pretty(&shape);
    let _ = structure::render(&shape, &text);
});
