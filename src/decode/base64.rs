//! Base64 with the alphabet (standard or URL-safe) and padding detected from the input, and
//! the exact byte offset of the first character that cannot be Base64.
//!
//! `base64-simd` decodes the canonical form gateways send; the `base64` crate decodes the
//! rest (URL-safe, unpadded, lenient trailing bits). Our own scan runs only when the crate refuses the
//! input as it stands: to find which alphabet it is, to skip line breaks, or to say precisely
//! which character is wrong (the crate's offsets are relative to what it was given, not to
//! the line-wrapped original a user can see).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::fmt;

/// Padded or not, and lenient about the unused low bits of the last character: those bits
/// carry no data, and some encoders leave them set, so rejecting them would hide readable data.
const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);

/// Which Base64 alphabet an input used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base64Variant {
    /// `+` and `/` (RFC 4648 §4); also reported when the input has neither alphabet's extra characters.
    Standard,
    /// `-` and `_` (RFC 4648 §5).
    UrlSafe,
}

impl Base64Variant {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::UrlSafe => "URL-safe",
        }
    }

    fn engine(self) -> &'static GeneralPurpose {
        match self {
            Self::Standard => &STANDARD,
            Self::UrlSafe => &URL_SAFE,
        }
    }
}

impl fmt::Display for Base64Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decoded bytes plus the alphabet they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Decoded {
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// The detected alphabet.
    pub variant: Base64Variant,
}

/// What was wrong with a Base64 input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base64Reason {
    /// A character that belongs to no Base64 alphabet and is not whitespace.
    BadChar,
    /// The number of Base64 characters cannot encode whole bytes (one character too many or few).
    BadLength,
    /// `=` followed by more data, more than two `=`, or the wrong number of `=` for the data.
    BadPadding,
    /// Both `+`/`/` (standard) and `-`/`_` (URL-safe) appear.
    MixedAlphabets,
}

/// A Base64 decoding failure, located in the original input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Base64Error {
    /// Byte offset in the original input (whitespace included) of the offending character.
    pub offset: usize,
    /// The offending character, when the input is UTF-8 there (`None` for a stray non-UTF-8 byte).
    pub found: Option<char>,
    /// The offending raw byte (the first byte of `found`).
    pub byte: u8,
    /// What kind of problem it is.
    pub reason: Base64Reason,
}

impl Base64Error {
    fn at(input: &[u8], offset: usize, reason: Base64Reason) -> Self {
        Self {
            offset,
            found: char_at(input, offset),
            byte: input.get(offset).copied().unwrap_or(0),
            reason,
        }
    }

    /// The offending character quoted for a message: `'*'`, `'中'`, or `byte 0xff`.
    pub fn shown(&self) -> String {
        match self.found {
            Some(c) if !c.is_control() => format!("'{c}'"),
            Some(c) => format!("{:?}", c),
            None => t!("decode.byte", hex = format!("0x{:02x}", self.byte)).into_owned(),
        }
    }
}

/// The UTF-8 character starting at `offset`, if one does.
fn char_at(input: &[u8], offset: usize) -> Option<char> {
    let rest = input.get(offset..)?;
    let len = match *rest.first()? {
        b if b < 0x80 => 1,
        b if b >> 5 == 0b110 => 2,
        b if b >> 4 == 0b1110 => 3,
        b if b >> 3 == 0b11110 => 4,
        _ => return None,
    };
    std::str::from_utf8(rest.get(..len)?).ok()?.chars().next()
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, at) = (self.shown(), self.offset);
        let text = match self.reason {
            Base64Reason::BadChar => t!("decode.base64_bad_char", shown = shown, at = at),
            Base64Reason::MixedAlphabets => t!("decode.base64_mixed", shown = shown, at = at),
            Base64Reason::BadPadding => t!("decode.base64_padding", shown = shown, at = at),
            Base64Reason::BadLength => t!("decode.base64_length", shown = shown, at = at),
        };
        f.write_str(&text)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
}

/// Decodes standard or URL-safe Base64, padded or not; ASCII whitespace (line-wrapped MIME
/// style) is skipped. Errors give the offset of the first offending character in `input`.
pub fn decode_base64(input: &[u8]) -> Result<Base64Decoded, Base64Error> {
    // What gateways send, canonical padded standard Base64 on one line, goes through a SIMD
    // decoder at about three times the base64 crate's speed. It accepts only that form (a
    // subset of what the paths below take, decoded to the same bytes: a test checks it), so
    // anything else falls through to them unchanged.
    if let Ok(bytes) = base64_simd::STANDARD.decode_to_vec(input) {
        return Ok(Base64Decoded {
            bytes,
            variant: Base64Variant::Standard,
        });
    }
    // The common case, one standard line, costs one crate decode and an O(1) look at the
    // padding (the crate's indifferent mode also takes a wrong number of '=', which we report).
    if let Ok(bytes) = STANDARD.decode(input)
        && canonical_padding(input)
    {
        return Ok(Base64Decoded {
            bytes,
            variant: Base64Variant::Standard,
        });
    }
    let scan = scan(input)?;
    let engine = scan.variant.engine();
    let result = if scan.has_ws {
        engine.decode(strip_ws(input))
    } else {
        engine.decode(input)
    };
    match result {
        Ok(bytes) => Ok(Base64Decoded {
            bytes,
            variant: scan.variant,
        }),
        // The scan accepts only what the engine accepts; this is a safety net that still
        // names a real position rather than panicking.
        Err(e) => {
            let compact_offset = match e {
                base64::DecodeError::InvalidByte(o, _) => o,
                base64::DecodeError::InvalidLastSymbol { offset, .. } => offset,
                _ => usize::MAX,
            };
            let offset = original_offset(input, compact_offset);
            Err(Base64Error::at(input, offset, Base64Reason::BadLength))
        }
    }
}

/// No padding, or one or two '=' completing the last group of four (for input the crate
/// accepted, so every '=' is already at the end).
fn canonical_padding(input: &[u8]) -> bool {
    let pads = input.iter().rev().take_while(|&&b| b == b'=').count();
    pads == 0 || (pads <= 2 && input.len().is_multiple_of(4))
}

struct Scan {
    variant: Base64Variant,
    has_ws: bool,
}

/// One pass that validates exactly the rules the engine enforces, but over the original
/// input with whitespace skipped, so every error is located where the user can see it.
fn scan(input: &[u8]) -> Result<Scan, Base64Error> {
    let mut variant: Option<Base64Variant> = None;
    let mut has_ws = false;
    let mut first_pad: Option<usize> = None;
    let mut pads = 0usize;
    let mut data = 0usize;
    let mut last_data = 0usize;
    for (i, &b) in input.iter().enumerate() {
        let this = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => None,
            b'+' | b'/' => Some(Base64Variant::Standard),
            b'-' | b'_' => Some(Base64Variant::UrlSafe),
            b'=' => {
                first_pad.get_or_insert(i);
                pads += 1;
                if pads > 2 {
                    return Err(Base64Error::at(input, i, Base64Reason::BadPadding));
                }
                continue;
            }
            _ if is_ws(b) => {
                has_ws = true;
                continue;
            }
            _ => return Err(Base64Error::at(input, i, Base64Reason::BadChar)),
        };
        if let Some(p) = first_pad {
            return Err(Base64Error::at(input, p, Base64Reason::BadPadding));
        }
        match (variant, this) {
            (None, Some(v)) => variant = Some(v),
            (Some(seen), Some(v)) if seen != v => {
                return Err(Base64Error::at(input, i, Base64Reason::MixedAlphabets));
            }
            _ => {}
        }
        data += 1;
        last_data = i;
    }
    if data % 4 == 1 {
        return Err(Base64Error::at(input, last_data, Base64Reason::BadLength));
    }
    if let Some(p) = first_pad
        && !(data + pads).is_multiple_of(4)
    {
        return Err(Base64Error::at(input, p, Base64Reason::BadPadding));
    }
    Ok(Scan {
        variant: variant.unwrap_or(Base64Variant::Standard),
        has_ws,
    })
}

/// The input without whitespace, copied line by line (one `memcpy` per line, not per byte).
fn strip_ws(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for piece in input.split(|&b| is_ws(b)) {
        out.extend_from_slice(piece);
    }
    out
}

/// Maps an offset in the whitespace-free copy back to the original input.
fn original_offset(input: &[u8], compact: usize) -> usize {
    input
        .iter()
        .enumerate()
        .filter(|(_, b)| !is_ws(**b))
        .nth(compact)
        .map_or(input.len().saturating_sub(1), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose as gp;

    fn all_bytes() -> Vec<u8> {
        (0u8..=255).chain((0u8..=255).rev()).collect()
    }

    #[test]
    fn standard_padded_and_unpadded() {
        let data = all_bytes();
        for text in [
            gp::STANDARD.encode(&data),
            gp::STANDARD_NO_PAD.encode(&data),
        ] {
            let d = decode_base64(text.as_bytes()).unwrap();
            assert_eq!(d.bytes, data, "{text}");
            assert_eq!(d.variant, Base64Variant::Standard);
        }
    }

    #[test]
    fn url_safe_padded_and_unpadded() {
        let data = all_bytes();
        for text in [
            gp::URL_SAFE.encode(&data),
            gp::URL_SAFE_NO_PAD.encode(&data),
        ] {
            let d = decode_base64(text.as_bytes()).unwrap();
            assert_eq!(d.bytes, data, "{text}");
            assert_eq!(d.variant, Base64Variant::UrlSafe);
        }
    }

    #[test]
    fn every_tail_length_decodes_padded_or_not() {
        for len in 0..8 {
            let data: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(37)).collect();
            for text in [
                gp::STANDARD.encode(&data),
                gp::URL_SAFE_NO_PAD.encode(&data),
            ] {
                assert_eq!(
                    decode_base64(text.as_bytes()).unwrap().bytes,
                    data,
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn mime_wrapped_lines_are_accepted() {
        let data = all_bytes();
        let one_line = gp::STANDARD.encode(&data);
        let wrapped: String = one_line
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
            .collect();
        let d = decode_base64(wrapped.as_bytes()).unwrap();
        assert_eq!(
            (d.bytes, d.variant),
            (data.clone(), Base64Variant::Standard)
        );

        let url_wrapped = gp::URL_SAFE_NO_PAD
            .encode(&data)
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n\t ");
        let d = decode_base64(url_wrapped.as_bytes()).unwrap();
        assert_eq!((d.bytes, d.variant), (data, Base64Variant::UrlSafe));

        let text = "  SGVsbG8g\r\nV29y\n bGQ=\n";
        assert_eq!(
            decode_base64(text.as_bytes()).unwrap().bytes,
            b"Hello World"
        );
    }

    #[test]
    fn bad_character_offset_and_message() {
        let e = decode_base64(b"SGVsbG8g*V29ybGQ=").unwrap_err();
        assert_eq!(
            (e.offset, e.found, e.byte, e.reason),
            (8, Some('*'), b'*', Base64Reason::BadChar)
        );
        let msg = e.to_string();
        assert!(
            msg.contains("invalid Base64 character '*' at byte offset 8"),
            "{msg}"
        );
        assert!(msg.contains("isEncodeResult"), "{msg}");
    }

    #[test]
    fn offsets_after_whitespace_are_in_original_coordinates() {
        let e = decode_base64(b"SGVs\r\nbG8g\n*V29ybGQ=").unwrap_err();
        assert_eq!((e.offset, e.found), (11, Some('*')));
        let e = decode_base64(b"  SGVsbG8g V29y.bGQ=").unwrap_err();
        assert_eq!((e.offset, e.found), (15, Some('.')));
    }

    #[test]
    fn non_ascii_characters_are_named() {
        let e = decode_base64("SGVs中文".as_bytes()).unwrap_err();
        assert_eq!((e.offset, e.found, e.byte), (4, Some('中'), 0xE4));
        assert!(e.to_string().contains("'中' at byte offset 4"), "{e}");
        let e = decode_base64(b"SGVs\xffbG8=").unwrap_err();
        assert_eq!((e.offset, e.found), (4, None));
        assert!(e.to_string().contains("byte 0xff at byte offset 4"), "{e}");
        let e = decode_base64(b"SGVs\x00").unwrap_err();
        assert!(e.to_string().contains("'\\0' at byte offset 4"), "{e}");
    }

    #[test]
    fn mixed_alphabets_are_reported_at_the_second_alphabet() {
        let e = decode_base64(b"ab+c-d__").unwrap_err();
        assert_eq!(
            (e.reason, e.offset, e.found),
            (Base64Reason::MixedAlphabets, 4, Some('-'))
        );
        assert!(e.to_string().contains("mixes"), "{e}");
        let e = decode_base64(b"ab_c\nab/c").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::MixedAlphabets, 7));
    }

    #[test]
    fn padding_problems() {
        let e = decode_base64(b"SGk=SGk=").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 3));
        let e = decode_base64(b"SGk===").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 5));
        // Two characters need "==", not "=".
        let e = decode_base64(b"SGVsbG8=AA=").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 7));
        let e = decode_base64(b"SGVsbA=").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 6));
        let e = decode_base64(b"SGVs=").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 4));
        let e = decode_base64(b"=").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 0));
        assert!(e.to_string().contains("padding '='"), "{e}");
    }

    #[test]
    fn bad_length_points_at_the_lone_last_character() {
        let e = decode_base64(b"SGVsb").unwrap_err();
        assert_eq!(
            (e.reason, e.offset, e.found),
            (Base64Reason::BadLength, 4, Some('b'))
        );
        let e = decode_base64(b"SGVs\nb\n").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadLength, 5));
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = decode_base64(b"SGk==").unwrap_err();
        assert_eq!((e.reason, e.offset), (Base64Reason::BadPadding, 3));
    }

    #[test]
    fn simd_fast_path_accepts_only_what_the_crate_path_accepts_with_the_same_bytes() {
        // Every string of up to 7 characters over: data with and without unused low bits set
        // (A, B), the standard-only and URL-safe-only characters, padding and a line break.
        let alphabet = b"AB/-=\n";
        let mut accepted = 0;
        for len in 0..=7u32 {
            for mut n in 0..alphabet.len().pow(len) {
                let input: Vec<u8> = (0..len)
                    .map(|_| {
                        let c = alphabet[n % alphabet.len()];
                        n /= alphabet.len();
                        c
                    })
                    .collect();
                if let Ok(fast) = base64_simd::STANDARD.decode_to_vec(&input) {
                    accepted += 1;
                    let slow = STANDARD
                        .decode(&input)
                        .ok()
                        .filter(|_| canonical_padding(&input));
                    assert_eq!(Some(fast), slow, "{:?}", String::from_utf8_lossy(&input));
                }
            }
        }
        assert!(accepted > 50, "{accepted}");
    }

    #[test]
    fn lenient_about_unused_trailing_bits() {
        // "SGl" has non-zero unused bits in 'l'; the byte values are still unambiguous.
        assert_eq!(decode_base64(b"SGl").unwrap().bytes, b"Hi");
    }

    #[test]
    fn empty_and_whitespace_only_inputs_are_empty_data() {
        assert!(decode_base64(b"").unwrap().bytes.is_empty());
        assert!(decode_base64(b" \r\n").unwrap().bytes.is_empty());
    }

    #[test]
    fn original_offset_maps_back_through_whitespace() {
        assert_eq!(original_offset(b"ab\ncd", 2), 3);
        assert_eq!(original_offset(b"ab", 9), 1);
        assert_eq!(original_offset(b"", 0), 0);
    }
}
