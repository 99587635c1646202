//! Pure decoding of call data: Base64, charset, structure and hex. No I/O, no egui, no tokio;
//! every step is linear in the input so 20 MiB payloads stay fast.

pub mod base64;
pub mod charset;
pub mod hex;
pub mod structure;

pub use self::base64::{Base64Decoded, Base64Error, Base64Reason, Base64Variant, decode_base64};
pub use charset::TextGuess;
pub use structure::Structure;

use encoding_rs::Encoding;

/// Call data after Base64 and charset decoding, with what was detected on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The call data bytes: after Base64 when encoded, else the UTF-8 of the JSON string.
    pub bytes: Vec<u8>,
    /// The data as text.
    pub text: String,
    /// The charset used to turn `bytes` into `text`.
    pub encoding: &'static Encoding,
    /// How sure the charset guess is (1.0 for an override or certain detection).
    pub confidence: f32,
    /// Whether malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
    /// The Base64 alphabet, when the data was Base64.
    pub base64: Option<Base64Variant>,
    /// The recognised shape of `text`.
    pub structure: Structure,
}

/// Why call data could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// `isEncodeResult=true` but the result is not valid Base64.
    #[error("{0}")]
    Base64(#[from] Base64Error),
    /// A charset was forced and the bytes are not valid in it.
    #[error(
        "{}",
        t!("decode.undecodable", charset = encoding.name(), offset = first_bad_offset)
    )]
    Undecodable {
        /// The forced charset.
        encoding: &'static Encoding,
        /// Byte offset in the call data bytes of the first malformed sequence.
        first_bad_offset: usize,
    },
}

/// Decodes the `result` string of an appdata reply.
///
/// With `encoded`, `result` is Base64 and the bytes' charset is detected (or forced by
/// `charset_override`). Without, the JSON string already is text; an override then
/// reinterprets its UTF-8 bytes, which only matters for odd gateways. Auto-detection never
/// fails; a forced charset the bytes are not valid in is [`DecodeError::Undecodable`].
pub fn decode_result(
    result: &str,
    encoded: bool,
    charset_override: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    let (bytes, base64) = if encoded {
        let d = decode_base64(result.as_bytes())?;
        (d.bytes, Some(d.variant))
    } else {
        (result.as_bytes().to_vec(), None)
    };
    decode_bytes(bytes, base64, charset_override)
}

/// Turns call data bytes into text (detected or forced charset) and detects its structure;
/// the step after Base64, also used to re-decode kept bytes with another charset.
pub fn decode_bytes(
    bytes: Vec<u8>,
    base64: Option<Base64Variant>,
    charset_override: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    let guess = match charset_override {
        Some(encoding) => {
            let g = charset::decode_as(&bytes, encoding);
            if g.had_errors {
                return Err(DecodeError::Undecodable {
                    encoding,
                    first_bad_offset: g.first_bad_offset.unwrap_or(0),
                });
            }
            g
        }
        None => charset::detect(&bytes),
    };
    let structure = structure::detect(&guess.text);
    Ok(Decoded {
        bytes,
        text: guess.text,
        encoding: guess.encoding,
        confidence: guess.confidence,
        had_errors: guess.had_errors,
        base64,
        structure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::base64::Engine as _;
    use ::base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    #[test]
    fn encoded_gbk_becomes_chinese_text() {
        let (gbk, _, _) = encoding_rs::GBK.encode("中文随路数据");
        let d = decode_result(&STANDARD.encode(&gbk), true, None).unwrap();
        assert_eq!(d.text, "中文随路数据");
        assert_eq!(d.bytes, gbk.as_ref());
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert!(d.confidence > 0.9 && !d.had_errors);
        assert_eq!(d.base64, Some(Base64Variant::Standard));
        assert_eq!(d.structure, Structure::Text);
    }

    #[test]
    fn encoded_utf8_url_safe_json() {
        let json = r#"{"客户":"张伟","级别":"VIP?>?"}"#;
        let encoded = URL_SAFE_NO_PAD.encode(json);
        assert!(encoded.contains(['-', '_']), "{encoded}");
        let d = decode_result(&encoded, true, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (json, encoding_rs::UTF_8));
        assert_eq!(d.base64, Some(Base64Variant::UrlSafe));
        assert_eq!(
            structure::pretty(&d.structure),
            "{\n  \"客户\": \"张伟\",\n  \"级别\": \"VIP?>?\"\n}"
        );
    }

    #[test]
    fn plain_result_is_its_own_text() {
        let d = decode_result("level=VIP&lang=zh", false, None).unwrap();
        assert_eq!(d.bytes, b"level=VIP&lang=zh");
        assert_eq!((d.encoding, d.confidence), (encoding_rs::UTF_8, 1.0));
        assert!(matches!(
            d.structure,
            Structure::KeyValue { separator: '&', .. }
        ));
        assert_eq!(d.base64, None);
        // Not Base64 even though it would be invalid as such: not encoded means not decoded.
        let d = decode_result("SGVsbG8g*", false, None).unwrap();
        assert_eq!(d.text, "SGVsbG8g*");
    }

    #[test]
    fn empty_result_decodes_to_empty_text() {
        for encoded in [false, true] {
            let d = decode_result("", encoded, None).unwrap();
            assert!(d.bytes.is_empty() && d.text.is_empty());
            assert_eq!(d.structure, Structure::Text);
        }
    }

    #[test]
    fn bad_base64_is_an_error_with_its_offset() {
        let e = decode_result("SGVsbG8g*V29ybGQ=", true, None).unwrap_err();
        let DecodeError::Base64(b) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            (b.offset, b.found, b.reason),
            (8, Some('*'), Base64Reason::BadChar)
        );
        assert!(e.to_string().contains("'*' at byte offset 8"), "{e}");
    }

    #[test]
    fn forced_charset_that_fails_is_undecodable() {
        let (gbk, _, _) = encoding_rs::GBK.encode("ab中文");
        let encoded = STANDARD.encode(&gbk);
        let e = decode_result(&encoded, true, Some(encoding_rs::UTF_8)).unwrap_err();
        assert_eq!(
            e,
            DecodeError::Undecodable {
                encoding: encoding_rs::UTF_8,
                first_bad_offset: 2
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("not valid UTF-8") && msg.contains("offset 2"),
            "{msg}"
        );
        // The same bytes forced to GBK are fine, with full confidence.
        let d = decode_result(&encoded, true, Some(encoding_rs::GBK)).unwrap();
        assert_eq!((d.text.as_str(), d.confidence), ("ab中文", 1.0));
    }

    #[test]
    fn forced_utf16_reads_bomless_utf16() {
        let bytes: Vec<u8> = "随路"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let d = decode_result(&STANDARD.encode(&bytes), true, charset::lookup("utf16be")).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("随路", encoding_rs::UTF_16BE)
        );
    }

    #[test]
    fn undecodable_auto_detection_still_succeeds_lossily() {
        let d = decode_result(&STANDARD.encode([0x41, 0xFF, 0x42]), true, None).unwrap();
        assert!(d.had_errors);
        assert!(d.confidence < 0.5);
        assert_eq!(d.text, "A\u{FFFD}B");
    }

    #[test]
    fn twenty_mib_wrapped_payload_round_trips() {
        let line = "客户张伟来电咨询订单 20241125 的退款进度，IVR 路径 1-3-2。\n";
        let text: String = line.repeat(20 * 1024 * 1024 / line.len() + 1);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let one_line = STANDARD.encode(&gbk);
        assert!(one_line.len() > 20 * 1024 * 1024);
        let d = decode_result(&one_line, true, None).unwrap();
        assert_eq!(d.bytes.len(), gbk.len());
        assert!(d.text == text, "20 MiB text differs");
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert_eq!(d.structure, Structure::Text);

        let mut wrapped = String::with_capacity(one_line.len() / 76 * 78 + 80);
        for chunk in one_line.as_bytes().chunks(76) {
            wrapped.push_str(std::str::from_utf8(chunk).unwrap());
            wrapped.push_str("\r\n");
        }
        let d = decode_result(&wrapped, true, None).unwrap();
        assert!(d.bytes == gbk.as_ref(), "wrapped 20 MiB bytes differ");
        let rows = hex::row_count(d.bytes.len());
        assert!(hex::hex_line(&d.bytes, rows - 1).starts_with(&format!("{:08x}", (rows - 1) * 16)));
    }

    #[test]
    fn twenty_mib_bad_character_near_the_end_is_located() {
        let mut encoded = STANDARD.encode(vec![7u8; 15 * 1024 * 1024]);
        let at = encoded.len() - 10;
        encoded.replace_range(at..at + 1, "!");
        let e = decode_result(&encoded, true, None).unwrap_err();
        let DecodeError::Base64(b) = e else { panic!() };
        assert_eq!((b.offset, b.found), (at, Some('!')));
    }

    /// Bytes that read as both UTF-8 and GBK are taken as UTF-8 (almost all real UTF-8 is
    /// also valid GB18030); the user can force GBK, and the forced reading is exact.
    #[test]
    fn gbk_that_is_also_utf8_reads_as_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("小");
        assert_eq!(&gbk[..], [0xD0, 0xA1]);
        let auto = decode_result(&STANDARD.encode(&gbk), true, None).unwrap();
        assert_eq!(
            (auto.text.as_str(), auto.encoding),
            ("С", encoding_rs::UTF_8)
        );
        let forced = decode_result(&STANDARD.encode(&gbk), true, Some(encoding_rs::GBK)).unwrap();
        assert_eq!(forced.text, "小");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use ::base64::Engine as _;
    use ::base64::engine::general_purpose as gp;
    use proptest::prelude::*;

    fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..max)
    }

    /// Bytes that are mostly GBK two-byte sequences, with the odd stray byte mixed in.
    fn gbkish() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                4 => (0x81u8..=0xFE, 0x40u8..=0xFE).prop_map(|(a, b)| vec![a, b]),
                2 => (0x20u8..0x7F).prop_map(|a| vec![a]),
                1 => any::<u8>().prop_map(|a| vec![a]),
                1 => (0x81u8..=0xFE, 0x30u8..=0x39, 0x81u8..=0xFE, 0x30u8..=0x39)
                    .prop_map(|(a, b, c, d)| vec![a, b, c, d]),
            ],
            0..64,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn base64_round_trips_both_alphabets_padded_or_not_wrapped_or_not(
            data in bytes(300), shape in 0usize..4, wrap in proptest::option::of(1usize..80),
        ) {
            let engine = [&gp::STANDARD, &gp::STANDARD_NO_PAD, &gp::URL_SAFE, &gp::URL_SAFE_NO_PAD][shape];
            let mut text = engine.encode(&data);
            if let Some(w) = wrap {
                text = text.as_bytes().chunks(w).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n");
            }
            let d = decode_base64(text.as_bytes()).unwrap();
            prop_assert_eq!(&d.bytes, &data);
            let has_url = text.contains(['-', '_']);
            let has_std = text.contains(['+', '/']);
            prop_assert!(!(has_url && has_std));
            if has_url {
                prop_assert_eq!(d.variant, Base64Variant::UrlSafe);
            }
            if has_std {
                prop_assert_eq!(d.variant, Base64Variant::Standard);
            }
        }

        #[test]
        fn base64_errors_point_at_a_real_non_whitespace_byte(input in bytes(200)) {
            if let Err(e) = decode_base64(&input) {
                prop_assert!(e.offset < input.len());
                prop_assert_eq!(input[e.offset], e.byte);
                prop_assert!(!e.byte.is_ascii_whitespace());
                if let Some(c) = e.found {
                    prop_assert_eq!(c.to_string().as_bytes()[0], e.byte);
                }
                let at = format!("byte offset {}", e.offset);
                prop_assert!(e.to_string().contains(&at), "{} lacks {}", e, at);
            }
        }

        #[test]
        fn base64_alphabet_noise_agrees_with_whitespace_free_input(
            input in proptest::collection::vec(prop_oneof![
                Just(b'A'), Just(b'z'), Just(b'0'), Just(b'+'), Just(b'/'),
                Just(b'-'), Just(b'_'), Just(b'='), Just(b'\n'), Just(b' '),
            ], 0..40),
        ) {
            // Whether whitespace is present must not change what is accepted or decoded.
            let compact: Vec<u8> = input.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
            let (a, b) = (decode_base64(&input), decode_base64(&compact));
            prop_assert_eq!(a.is_ok(), b.is_ok());
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert_eq!(a, b);
            }
        }

        #[test]
        fn gbk_fast_path_matches_encoding_rs(input in gbkish()) {
            let (want, want_err) = encoding_rs::GB18030.decode_without_bom_handling(&input);
            let g = charset::decode_as(&input, encoding_rs::GB18030);
            prop_assert_eq!(&g.text, &want);
            prop_assert_eq!(g.had_errors, want_err);
            let d = charset::detect(&input);
            if std::str::from_utf8(&input).is_err() && !want_err {
                prop_assert_eq!(d.encoding, encoding_rs::GB18030);
                prop_assert_eq!(&d.text, &want);
            }
        }

        #[test]
        fn chinese_survives_gbk_and_utf8(s in "[\\u{4e00}-\\u{9fa5}a-z0-9，。：]{1,64}") {
            let (gbk, _, _) = encoding_rs::GBK.encode(&s);
            // A few GBK characters are also valid UTF-8 ("小" = D0 A1 = Cyrillic "С"); such
            // bytes are ambiguous and UTF-8 wins (see `gbk_that_is_also_utf8_reads_as_utf8`).
            prop_assume!(std::str::from_utf8(&gbk).is_err());
            prop_assert_eq!(&charset::detect(&gbk).text, &s);
            prop_assert_eq!(&charset::detect(s.as_bytes()).text, &s);
            let d = decode_result(&gp::STANDARD.encode(&gbk), true, None).unwrap();
            prop_assert_eq!(&d.text, &s);
        }

        #[test]
        fn no_public_function_panics_on_arbitrary_input(input in bytes(400), row in 0usize..40, pick in 0usize..7) {
            let text = String::from_utf8_lossy(&input);
            let g = charset::detect(&input);
            prop_assert!((0.0..=1.0).contains(&g.confidence));
            let forced = charset::COMMON[pick];
            let f = charset::decode_as(&input, forced);
            prop_assert_eq!(f.had_errors, f.first_bad_offset.is_some());
            if let Some(o) = f.first_bad_offset {
                prop_assert!(o < input.len());
            }
            let _ = charset::lookup(&text);
            let s = structure::detect(&text);
            let _ = structure::pretty(&s);
            let _ = structure::render(&s, &text);
            let _ = structure::detect(&g.text);
            prop_assert_eq!(hex::hex_dump(&input).lines().count(), hex::row_count(input.len()));
            let _ = hex::hex_line(&input, row);
            let _ = decode_base64(&input);
            for encoded in [false, true] {
                let _ = decode_result(&text, encoded, None);
                let _ = decode_result(&text, encoded, Some(forced));
            }
            let _ = decode_bytes(input.clone(), None, Some(forced));
            prop_assert!(decode_bytes(input, None, None).is_ok());
        }

        #[test]
        fn structure_detection_never_panics_on_structured_looking_text(
            s in "[a-z=&|;%0-9A-F+ {}\\[\\]\",:中]{0,80}",
        ) {
            let st = structure::detect(&s);
            if let Structure::KeyValue { pairs, .. } = &st {
                prop_assert!(!pairs.is_empty());
            }
            let _ = structure::pretty(&st);
        }
    }
}
