//! Charset detection and forced decoding of arbitrary call data bytes.
#![no_main]

use calldata_inspector_fuzz::decode::charset;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let guess = charset::detect(input);
    assert!((0.0..=1.0).contains(&guess.confidence));
    assert_eq!(guess.had_errors, guess.first_bad_offset.is_some());
    if let Some(at) = guess.first_bad_offset {
        assert!(at <= input.len());
    }
    for name in ["UTF-8", "GBK", "GB18030", "UTF-16LE", "UTF-16BE"] {
        if let Some(enc) = charset::lookup(name) {
            let g = charset::decode_as(input, enc);
            if let Some(at) = g.first_bad_offset {
                assert!(at <= input.len());
            }
        }
    }
});
