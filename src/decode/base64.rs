//! Base64 with the alphabet (standard or URL-safe) and padding detected from the input, and
//! the exact byte offset of the first character that cannot be Base64.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use std::fmt;

/// Which Base64 alphabet an input used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Variant {
    /// `+` and `/` (RFC 4648 §4).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Problem {
    /// A byte that belongs to no Base64 alphabet.
    InvalidCharacter,
    /// Both `+`/`/` and `-`/`_` appear.
    MixedAlphabets,
    /// `=` somewhere other than the last one or two positions.
    MisplacedPadding,
    /// The number of Base64 characters cannot encode whole bytes.
    BadLength,
}

/// A Base64 decoding failure located in the original input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Base64Error {
    /// Byte offset of the offending character in the original input (for `BadLength`: the input length).
    pub offset: usize,
    /// The offending byte, if there is one.
    pub found: Option<u8>,
    /// What kind of problem it is.
    pub problem: Base64Problem,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.found.map(|b| {
            if b.is_ascii_graphic() {
                format!("'{}'", b as char)
            } else {
                format!("byte 0x{b:02x}")
            }
        });
        match (self.problem, shown) {
            (Base64Problem::InvalidCharacter, Some(s)) => write!(
                f,
                "invalid Base64 character {s} at byte offset {}: the data is not Base64 \
                 (query without isEncodeResult, or check what wrote this call data)",
                self.offset
            ),
            (Base64Problem::MixedAlphabets, Some(s)) => write!(
                f,
                "Base64 mixes the standard and URL-safe alphabets: {s} at byte offset {} \
                 does not match the characters before it",
                self.offset
            ),
            (Base64Problem::MisplacedPadding, _) => write!(
                f,
                "Base64 padding '=' at byte offset {} is followed by more data: the value \
                 is probably two Base64 strings joined or truncated",
                self.offset
            ),
            _ => write!(
                f,
                "Base64 input ends after {} bytes with an incomplete group: the value is \
                 probably truncated",
                self.offset
            ),
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c')
}

/// Decodes standard or URL-safe Base64, padded or not; ASCII whitespace (line-wrapped
/// MIME style) is skipped. Errors name the offset of the first bad byte in `input`.
pub fn decode_base64(input: &[u8]) -> Result<Base64Decoded, Base64Error> {
    // One linear scan validates and classifies; the copy without whitespace is made only
    // when there is whitespace, so the common single-line case decodes in place.
    let mut variant: Option<(Base64Variant, usize)> = None;
    let mut has_ws = false;
    let mut pad_at: Option<usize> = None;
    let mut pad_count = 0usize;
    let mut data_chars = 0usize;
    for (i, &b) in input.iter().enumerate() {
        let this = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => None,
            b'+' | b'/' => Some(Base64Variant::Standard),
            b'-' | b'_' => Some(Base64Variant::UrlSafe),
            b'=' => {
                pad_at.get_or_insert(i);
                pad_count += 1;
                if pad_count > 2 {
                    return Err(Base64Error {
                        offset: i,
                        found: Some(b),
                        problem: Base64Problem::MisplacedPadding,
                    });
                }
                continue;
            }
            _ if is_ws(b) => {
                has_ws = true;
                continue;
            }
            _ => {
                return Err(Base64Error {
                    offset: i,
                    found: Some(b),
                    problem: Base64Problem::InvalidCharacter,
                });
            }
        };
        if let Some(p) = pad_at {
            return Err(Base64Error {
                offset: p,
                found: Some(b'='),
                problem: Base64Problem::MisplacedPadding,
            });
        }
        data_chars += 1;
        if let Some(v) = this {
            match variant {
                None => variant = Some((v, i)),
                Some((seen, _)) if seen != v => {
                    return Err(Base64Error {
                        offset: i,
                        found: Some(b),
                        problem: Base64Problem::MixedAlphabets,
                    });
                }
                _ => {}
            }
        }
    }
    if data_chars % 4 == 1 || (pad_count > 0 && !(data_chars + pad_count).is_multiple_of(4)) {
        return Err(Base64Error {
            offset: input.len(),
            found: None,
            problem: Base64Problem::BadLength,
        });
    }
    let variant = variant.map_or(Base64Variant::Standard, |(v, _)| v);
    let engine = match variant {
        Base64Variant::Standard => &STANDARD_PAD_INDIFFERENT,
        Base64Variant::UrlSafe => &URL_SAFE_PAD_INDIFFERENT,
    };
    let compact;
    let clean: &[u8] = if has_ws {
        compact = input
            .iter()
            .copied()
            .filter(|b| !is_ws(*b))
            .collect::<Vec<u8>>();
        &compact
    } else {
        input
    };
    // The scan above has already rejected everything the engine would; a remaining failure
    // (non-canonical trailing bits) is reported at the end of the data.
    let bytes = engine.decode(clean).map_err(|_| Base64Error {
        offset: input.len(),
        found: None,
        problem: Base64Problem::BadLength,
    })?;
    Ok(Base64Decoded { bytes, variant })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    #[test]
    fn decodes_all_four_shapes() {
        let data: Vec<u8> = (0u8..=255).collect();
        for (text, variant) in [
            (STANDARD.encode(&data), Base64Variant::Standard),
            (
                STANDARD.encode(&data).trim_end_matches('=').to_owned(),
                Base64Variant::Standard,
            ),
            (URL_SAFE_NO_PAD.encode(&data), Base64Variant::UrlSafe),
            (
                base64::engine::general_purpose::URL_SAFE.encode(&data),
                Base64Variant::UrlSafe,
            ),
        ] {
            let d = decode_base64(text.as_bytes()).unwrap();
            assert_eq!(d.bytes, data, "{text}");
            assert_eq!(d.variant, variant);
        }
    }

    #[test]
    fn wrapped_lines_are_accepted() {
        let text = "SGVsbG8g\r\nV29y\n bGQ=\n";
        assert_eq!(
            decode_base64(text.as_bytes()).unwrap().bytes,
            b"Hello World"
        );
    }

    #[test]
    fn bad_character_offset_is_in_original_coordinates() {
        let e = decode_base64(b"SGVsbG8g*V29ybGQ=").unwrap_err();
        assert_eq!(
            (e.offset, e.found, e.problem),
            (8, Some(b'*'), Base64Problem::InvalidCharacter)
        );
        assert!(e.to_string().contains("'*' at byte offset 8"), "{e}");
        let e = decode_base64(b"SGVs\nbG8g\n*V29ybGQ=").unwrap_err();
        assert_eq!(e.offset, 10);
    }

    #[test]
    fn mixed_alphabets_and_padding_and_length_are_reported() {
        assert_eq!(
            decode_base64(b"ab+c-d__").unwrap_err().problem,
            Base64Problem::MixedAlphabets
        );
        assert_eq!(decode_base64(b"ab+c-d__").unwrap_err().offset, 4);
        let e = decode_base64(b"SGk=SGk=").unwrap_err();
        assert_eq!((e.problem, e.offset), (Base64Problem::MisplacedPadding, 3));
        assert_eq!(
            decode_base64(b"SGVsb").unwrap_err().problem,
            Base64Problem::BadLength
        );
        assert_eq!(
            decode_base64(b"SGk==").unwrap_err().problem,
            Base64Problem::BadLength
        );
    }

    #[test]
    fn empty_input_is_empty_data() {
        assert!(decode_base64(b"").unwrap().bytes.is_empty());
    }
}
