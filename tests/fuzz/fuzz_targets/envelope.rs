//! A whole hostile reply: any status, Content-Type and body through envelope parsing, retcode,
//! Base64 and charset decoding and structure detection, as the client interprets it.
#![no_main]

use std::time::Duration;

use calldata_inspector_fuzz::gateway::RawReply;
use libfuzzer_sys::fuzz_target;

/// Content-Type headers real and broken gateways send.
const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json; charset=UTF-8"),
    Some("application/json;charset=GBK"),
    Some("text/html; charset=\"utf-16le\""),
    Some("application/json; charset=no-such-charset"),
    Some("text/plain"),
];

fuzz_target!(|input: &[u8]| {
    let Some((&flags, body)) = input.split_first() else {
        return;
    };
    let status = if flags & 0x80 != 0 { 502 } else { 200 };
    let reply = RawReply {
        status,
        body: body.to_vec(),
        content_type: CONTENT_TYPES[usize::from(flags & 0x07) % CONTENT_TYPES.len()]
            .map(str::to_owned),
        set_guid: None,
        elapsed: Duration::ZERO,
        url: String::new(),
    };
    let encoded = flags & 0x08 != 0;
    let forced = (flags & 0x10 != 0).then_some(encoding_rs::GB18030);
    match reply.interpret(encoded, forced) {
        // Whatever goes wrong must still be a message a person can read.
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(data) => {
            assert_eq!(data.retcode, "0");
            assert!((0.0..=1.0).contains(&data.decoded.confidence));
        }
    }
});
