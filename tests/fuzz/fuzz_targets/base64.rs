//! Base64 decoding of hostile `result` strings: both alphabets, padding, whitespace.
#![no_main]

use base64::Engine as _;
use calldata_inspector_fuzz::decode::decode_base64;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    match decode_base64(input) {
        Ok(d) => {
            // Four characters carry at most three bytes.
            assert!(d.bytes.len() <= input.len() / 4 * 3 + 2);
        }
        Err(e) => {
            // The reported offset points into the input, and the message says something.
            assert!(e.offset <= input.len(), "{e}");
            assert!(!e.to_string().is_empty());
        }
    }
    // Anything the standard encoder produces decodes back to the same bytes.
    let encoded = base64::engine::general_purpose::STANDARD.encode(input);
    let back = decode_base64(encoded.as_bytes()).map(|d| d.bytes);
    assert_eq!(back.as_deref(), Ok(input));
});
