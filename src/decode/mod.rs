//! Pure decoding of call data: Base64, charset, structure and hex. No I/O, no egui, no tokio;
//! every step is linear in the input so 20 MiB payloads stay fast.

pub mod base64;
pub mod charset;
pub mod hex;
pub mod structure;

pub use self::base64::{Base64Decoded, Base64Error, Base64Variant, decode_base64};
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
        "the data is not valid {encoding} (first bad byte at offset {first_bad_offset}): \
         choose another charset or let it be detected"
    )]
    Undecodable {
        /// Name of the forced charset.
        encoding: &'static str,
        /// Offset of the first malformed byte sequence.
        first_bad_offset: usize,
    },
}

/// Decodes the `result` string of an appdata reply.
///
/// With `encoded`, `result` is Base64 and the bytes' charset is detected (or forced by
/// `charset_override`). Without, the JSON string already is text; an override then
/// reinterprets its UTF-8 bytes, which only matters for odd gateways.
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

/// Turns call data bytes into text (detected or forced charset) and detects its structure.
pub fn decode_bytes(
    bytes: Vec<u8>,
    base64: Option<Base64Variant>,
    charset_override: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    let guess = match charset_override {
        Some(enc) => {
            let g = charset::decode_as(&bytes, enc);
            if g.had_errors {
                return Err(DecodeError::Undecodable {
                    encoding: enc.name(),
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
    use ::base64::engine::general_purpose::STANDARD;

    #[test]
    fn encoded_gbk_becomes_chinese_text() {
        let (gbk, _, _) = encoding_rs::GBK.encode("尊敬的客户您好");
        let d = decode_result(&STANDARD.encode(&gbk), true, None).unwrap();
        assert_eq!(d.text, "尊敬的客户您好");
        assert_eq!(d.bytes, gbk.as_ref());
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert_eq!(d.base64, Some(Base64Variant::Standard));
    }

    #[test]
    fn plain_result_is_its_own_text() {
        let d = decode_result("level=VIP&lang=zh", false, None).unwrap();
        assert_eq!(d.bytes, b"level=VIP&lang=zh");
        assert!(matches!(d.structure, Structure::KeyValue { .. }));
        assert_eq!(d.base64, None);
    }

    #[test]
    fn bad_base64_and_forced_charset_errors() {
        let e = decode_result("SGVsbG8g*V29ybGQ=", true, None).unwrap_err();
        assert!(e.to_string().contains("offset 8"), "{e}");
        let (gbk, _, _) = encoding_rs::GBK.encode("中文");
        let e = decode_result(&STANDARD.encode(&gbk), true, Some(encoding_rs::UTF_8)).unwrap_err();
        assert_eq!(
            e,
            DecodeError::Undecodable {
                encoding: "UTF-8",
                first_bad_offset: 0
            }
        );
    }

    #[test]
    fn twenty_mib_payload_round_trips() {
        let line = "客户张伟来电咨询订单 20241125 的退款进度，IVR 路径 1-3-2。\n";
        let text: String = line.repeat(20 * 1024 * 1024 / line.len() + 1);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let encoded = STANDARD.encode(&gbk);
        let d = decode_result(&encoded, true, None).unwrap();
        assert_eq!(d.bytes.len(), gbk.len());
        assert_eq!(d.text.len(), text.len());
        assert!(d.text == text);
        assert_eq!(d.structure, Structure::Text);
    }
}
