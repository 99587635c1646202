//! Charset detection for call data bytes: BOM, UTF-8, then GB18030 (a superset of GBK and
//! GB2312, what Chinese deployments write), with a confidence and a manual override.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// Text decoded from bytes, with how it was decoded and how sure the guess is.
#[derive(Debug, Clone, PartialEq)]
pub struct TextGuess {
    /// The decoded text (malformed sequences replaced by U+FFFD).
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// 0.0 (a guess among failures) to 1.0 (certain, e.g. a BOM).
    pub confidence: f32,
    /// Whether any sequence was malformed and replaced.
    pub had_errors: bool,
    /// Byte offset of the first malformed sequence, when `had_errors`.
    pub first_bad_offset: Option<usize>,
}

/// Guesses the charset of `bytes` and decodes them; never fails.
pub fn detect(bytes: &[u8]) -> TextGuess {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let mut g = decode_as(&bytes[bom_len..], enc);
        g.confidence = if g.had_errors { 0.5 } else { 1.0 };
        return g;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            // Pure ASCII is valid in every candidate: UTF-8 is still right, and certain.
            TextGuess {
                text: text.to_owned(),
                encoding: UTF_8,
                confidence: 1.0,
                had_errors: false,
                first_bad_offset: None,
            }
        }
        Err(utf8_err) => {
            let gb = decode_as(bytes, GB18030);
            if !gb.had_errors {
                let confidence = gb18030_confidence(&gb.text);
                return TextGuess { confidence, ..gb };
            }
            let mut g = decode_as(bytes, UTF_8);
            g.first_bad_offset = Some(utf8_err.valid_up_to());
            g.confidence = 0.2;
            g
        }
    }
}

/// GB18030 decodes almost any byte string, so its result is only trusted as far as it looks
/// like Chinese text: the share of non-ASCII characters that are CJK ideographs or CJK
/// punctuation/full-width forms.
fn gb18030_confidence(text: &str) -> f32 {
    let (mut non_ascii, mut cjk) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if matches!(c as u32,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2000..=0x206F)
        {
            cjk += 1;
        }
    }
    if non_ascii == 0 {
        return 0.9;
    }
    (0.3 + 0.65 * (cjk as f32 / non_ascii as f32)).min(0.95)
}

/// Decodes `bytes` with a chosen encoding (the manual override), BOM left in place removed.
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> TextGuess {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let first_bad_offset = if had_errors {
        first_malformed(bytes, encoding)
    } else {
        None
    };
    TextGuess {
        text: text.into_owned(),
        encoding,
        confidence: 1.0,
        had_errors,
        first_bad_offset,
    }
}

/// Finds the offset of the first malformed sequence with a streaming decoder, without
/// materialising another copy of the text.
fn first_malformed(bytes: &[u8], encoding: &'static Encoding) -> Option<usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(4096);
    let mut consumed = 0usize;
    loop {
        out.clear();
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[consumed..], &mut out, true);
        consumed += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return None,
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Some(consumed.saturating_sub(bad as usize + after as usize));
            }
        }
    }
}

/// Looks up an encoding by a label a user would type (`utf-8`, `gbk`, `GB2312`, `utf16le`, `big5`…).
pub fn lookup(name: &str) -> Option<&'static Encoding> {
    let label = name.trim().to_ascii_lowercase();
    let label = match label.as_str() {
        "utf16le" | "utf-16-le" => "utf-16le",
        "utf16be" | "utf-16-be" => "utf-16be",
        "utf8" => "utf-8",
        "cp936" | "ms936" => "gbk",
        other => other,
    };
    Encoding::for_label(label.as_bytes())
}

/// The encodings offered in override pickers, most useful first.
pub const COMMON: &[&Encoding] = &[
    UTF_8,
    GB18030,
    encoding_rs::GBK,
    UTF_16LE,
    UTF_16BE,
    encoding_rs::BIG5,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_chinese_is_certain() {
        let g = detect("客户：张伟，订单号 20241125".as_bytes());
        assert_eq!(g.encoding, UTF_8);
        assert_eq!(g.confidence, 1.0);
        assert_eq!(g.text, "客户：张伟，订单号 20241125");
    }

    #[test]
    fn gbk_chinese_is_detected_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GBK.encode("中文随路数据：客户要求退款。");
        let g = detect(&bytes);
        assert_eq!(g.encoding, GB18030);
        assert_eq!(g.text, "中文随路数据：客户要求退款。");
        assert!(g.confidence > 0.9, "{}", g.confidence);
        assert!(!g.had_errors);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "呼叫 ok".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let g = detect(&bytes);
        assert_eq!(
            (g.encoding, g.text.as_str(), g.confidence),
            (UTF_16LE, "呼叫 ok", 1.0)
        );
    }

    #[test]
    fn garbage_falls_back_to_lossy_utf8_with_low_confidence() {
        let g = detect(&[0x41, 0xFF, 0xFF, 0x80, 0x42]);
        assert_eq!(g.encoding, UTF_8);
        assert!(g.had_errors && g.confidence < 0.5);
        assert_eq!(g.first_bad_offset, Some(1));
    }

    #[test]
    fn override_reports_first_bad_offset() {
        let (bytes, _, _) = encoding_rs::GBK.encode("ab中文");
        let g = decode_as(&bytes, UTF_8);
        assert!(g.had_errors);
        assert_eq!(g.first_bad_offset, Some(2));
        assert_eq!(decode_as(&bytes, encoding_rs::GBK).text, "ab中文");
    }

    #[test]
    fn lookup_accepts_common_spellings() {
        assert_eq!(lookup("GBK"), Some(encoding_rs::GBK));
        assert_eq!(lookup("gb2312"), Some(encoding_rs::GBK));
        assert_eq!(lookup("utf16le"), Some(UTF_16LE));
        assert_eq!(lookup(" UTF8 "), Some(UTF_8));
        assert_eq!(lookup("klingon"), None);
    }
}
