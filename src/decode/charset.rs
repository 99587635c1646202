//! Charset detection for call data bytes: BOM, UTF-8, then GB18030 (a superset of GBK and
//! GB2312, what Chinese deployments write), with a confidence and a manual override.
//!
//! UTF-16 without a BOM is never guessed: ASCII-heavy UTF-16 looks like binary and Chinese
//! UTF-16 can decode as GB18030, so it is only reachable through the override.

use encoding_rs::{DecoderResult, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
use std::sync::OnceLock;

/// Text decoded from bytes, with how it was decoded and how sure the guess is.
#[derive(Debug, Clone, PartialEq)]
pub struct TextGuess {
    /// The decoded text (malformed sequences replaced by U+FFFD).
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// 0.0 (a guess among failures) to 1.0 (certain: a BOM, valid UTF-8, or the user's choice).
    pub confidence: f32,
    /// Whether any sequence was malformed and replaced.
    pub had_errors: bool,
    /// Byte offset (in the bytes given, BOM included) of the first malformed sequence, when `had_errors`.
    pub first_bad_offset: Option<usize>,
}

/// Confidence of a lossy UTF-8 fallback: nothing decoded cleanly.
pub const LOSSY_CONFIDENCE: f32 = 0.2;

/// How much of a GB18030 text is sampled for its confidence: about 85,000 characters of
/// Chinese, plenty to judge, and bounded so the heuristic stays a small part of a 20 MiB decode.
const CONFIDENCE_SAMPLE: usize = 1 << 18;

/// Guesses the charset of `bytes` and decodes them; never fails.
pub fn detect(bytes: &[u8]) -> TextGuess {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let mut g = decode_as(bytes, enc);
        debug_assert!(bom_len > 0);
        g.confidence = if g.had_errors { 0.5 } else { 1.0 };
        return g;
    }
    // Pure ASCII is valid in every candidate: UTF-8 is still right, and certain.
    if let Some(text) = owned_utf8(bytes) {
        return certain(text, UTF_8);
    }
    let (text, had_errors) = decode_gb(bytes, GB18030);
    if !had_errors {
        let confidence = gb18030_confidence(&text);
        return TextGuess {
            text,
            encoding: GB18030,
            confidence,
            had_errors: false,
            first_bad_offset: None,
        };
    }
    TextGuess {
        text: String::from_utf8_lossy(bytes).into_owned(),
        encoding: UTF_8,
        confidence: LOSSY_CONFIDENCE,
        had_errors: true,
        first_bad_offset: Some(Encoding::utf8_valid_up_to(bytes)),
    }
}

fn certain(text: String, encoding: &'static Encoding) -> TextGuess {
    TextGuess {
        text,
        encoding,
        confidence: 1.0,
        had_errors: false,
        first_bad_offset: None,
    }
}

/// GB18030 decodes many byte strings that are not Chinese, so its result is trusted only as
/// far as it looks like Chinese text: the share of non-ASCII characters that are CJK
/// ideographs, CJK punctuation or full-width forms.
fn gb18030_confidence(text: &str) -> f32 {
    let mut end = text.len().min(CONFIDENCE_SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut non_ascii, mut cjk) = (0usize, 0usize);
    for c in text[..end].chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if matches!(c as u32,
            0x4E00..=0x9FFF      // CJK unified ideographs
            | 0x3400..=0x4DBF    // extension A
            | 0x3000..=0x303F    // CJK symbols and punctuation (、。「」)
            | 0xFF00..=0xFFEF    // full-width forms (，：！)
            | 0x2010..=0x2027)
        // dashes, quotes, ellipsis used in Chinese text
        {
            cjk += 1;
        }
    }
    if non_ascii == 0 {
        return 0.9;
    }
    (0.3 + 0.65 * (cjk as f32 / non_ascii as f32)).min(0.95)
}

/// Decodes `bytes` with a chosen encoding (the manual override); a leading BOM of that
/// same encoding is removed, any other bytes are taken literally.
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> TextGuess {
    let bom_len = match Encoding::for_bom(bytes) {
        Some((enc, len)) if enc == encoding => len,
        _ => 0,
    };
    let body = &bytes[bom_len..];
    let (text, had_errors) = if encoding == GB18030 || encoding == GBK {
        decode_gb(body, encoding)
    } else {
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        (text.into_owned(), had_errors)
    };
    let first_bad_offset = if had_errors {
        first_malformed(body, encoding).map(|o| o + bom_len)
    } else {
        None
    };
    TextGuess {
        text,
        encoding,
        confidence: 1.0,
        had_errors,
        first_bad_offset,
    }
}

/// Decodes GBK/GB18030: a table-driven fast path for the usual ASCII + two-byte text, the
/// crate's decoder for everything else (four-byte sequences, the lone 0x80, malformed input).
///
/// encoding_rs decodes GB18030 at roughly a sixth of the speed of a Base64 decode, which made
/// it the cost of a 20 MiB query; the table is filled from encoding_rs itself, so the mapping
/// is the crate's and only the loop is ours (a property test checks they agree).
fn decode_gb(bytes: &[u8], encoding: &'static Encoding) -> (String, bool) {
    if let Some(text) = gbk_two_byte_fast(bytes) {
        return (text, false);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}

/// Entries of [`pair_table`]: one per possible (lead, trail) byte pair.
const PAIRS: usize = 1 << 16;

/// The UTF-8 of every two-byte GBK sequence, indexed by `lead << 8 | trail` (lead
/// 0x81..=0xFE, trail 0x40..=0xFE), packed little-endian with its length in the top byte;
/// 0 for every pair the crate does not decode to one non-ASCII character.
///
/// Indexing by the raw pair (256 KiB, of which real text touches a few cache lines) costs
/// no range checks in the loop: an impossible pair simply finds 0.
fn pair_table() -> &'static [u32; PAIRS] {
    static TABLE: OnceLock<Box<[u32; PAIRS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Built on the heap: a 256 KiB array literal would pass through the stack first.
        let mut table: Box<[u32; PAIRS]> = vec![0u32; PAIRS]
            .into_boxed_slice()
            .try_into()
            .expect("a Vec of PAIRS elements converts to [u32; PAIRS]");
        for lead in 0x81u8..=0xFE {
            for trail in 0x40u8..=0xFE {
                let pair = [lead, trail];
                let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(&pair)
                else {
                    continue;
                };
                let mut chars = text.chars();
                if let (Some(c), None) = (chars.next(), chars.next())
                    && !c.is_ascii()
                {
                    let mut utf8 = [0u8; 4];
                    let len = c.encode_utf8(&mut utf8).len() as u32;
                    table[usize::from(u16::from_be_bytes(pair))] =
                        u32::from_le_bytes(utf8) | (len << 24);
                }
            }
        }
        table
    })
}

/// Inputs are cut into pieces of at least this many bytes, decoded on their own threads: a
/// 20 MiB payload then costs about half the wall time, while small replies never pay for
/// a thread.
const PIECE_MIN: usize = 4 << 20;

/// How far past its ideal position a cut may move to find a safe byte before that piece is
/// simply merged into the previous one.
const CUT_SEARCH: usize = 64 << 10;

/// ASCII and two-byte sequences only; `None` at the first byte that needs the full decoder.
fn gbk_two_byte_fast(bytes: &[u8]) -> Option<String> {
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores =
        *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)));
    gbk_two_byte_in_pieces(bytes, cut_points(bytes, cores, PIECE_MIN))
}

/// Where to cut `bytes` into at most `pieces` parts of at least `min_piece` bytes: right
/// after a byte below 0x80. Such a byte is never a lead byte, so it ends a character (an
/// ASCII one, or a pair as its trail) and the cut is a character boundary in any input the
/// fast path accepts; in an input it does not accept, some piece fails and so does the whole.
fn cut_points(bytes: &[u8], pieces: usize, min_piece: usize) -> Vec<usize> {
    let pieces = pieces.min(bytes.len() / min_piece.max(1)).max(1);
    let step = bytes.len() / pieces;
    let mut cuts = Vec::with_capacity(pieces + 1);
    cuts.push(0);
    for k in 1..pieces {
        let from = (k * step).max(cuts.last().copied().unwrap_or(0) + 1);
        let window = &bytes[from.min(bytes.len())..(from + CUT_SEARCH).min(bytes.len())];
        if let Some(at) = window.iter().position(|&b| b < 0x80) {
            cuts.push(from + at + 1);
        }
    }
    cuts.push(bytes.len());
    cuts.dedup();
    cuts
}

/// Room [`gbk_two_byte_piece`] needs for `n` input bytes: a pair becomes at most three
/// bytes, so the text is at most 1.5 n, plus the spare bytes of its wide writes.
fn piece_capacity(n: usize) -> usize {
    n + n / 2 + 8
}

/// Decodes the pieces between consecutive `cuts` (the first on this thread, the others on
/// scoped threads) into one buffer, then closes the gaps between their texts.
fn gbk_two_byte_in_pieces(bytes: &[u8], cuts: Vec<usize>) -> Option<String> {
    let spans: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let mut out = vec![0u8; spans.iter().map(|&(a, b)| piece_capacity(b - a)).sum()];
    let mut lens = Vec::with_capacity(spans.len());
    std::thread::scope(|scope| {
        let mut rest = out.as_mut_slice();
        let mut jobs = Vec::with_capacity(spans.len());
        for &(a, b) in &spans {
            let (mine, others) = std::mem::take(&mut rest).split_at_mut(piece_capacity(b - a));
            rest = others;
            jobs.push((&bytes[a..b], mine));
        }
        let mut jobs = jobs.into_iter();
        let first = jobs.next();
        // A thread that cannot be started decodes its piece here instead: never a panic.
        let handles: Vec<_> = jobs
            .map(|(input, room)| {
                let run = move || gbk_two_byte_piece(input, room);
                std::thread::Builder::new().spawn_scoped(scope, run)
            })
            .collect();
        lens.push(first.and_then(|(input, room)| gbk_two_byte_piece(input, room)));
        for handle in handles {
            lens.push(match handle {
                Ok(h) => h.join().ok().flatten(),
                Err(_) => None,
            });
        }
    });
    let mut o = 0usize;
    let mut start = 0usize;
    for (len, &(a, b)) in lens.into_iter().zip(&spans) {
        let len = len?;
        out.copy_within(start..start + len, o);
        o += len;
        start += piece_capacity(b - a);
    }
    out.truncate(o);
    debug_assert!(std::str::from_utf8(&out).is_ok());
    // SAFETY: each piece's `len` bytes are whole characters (see `gbk_two_byte_piece`), and
    // every piece starts at a character boundary (see `cut_points`), so their concatenation
    // is UTF-8. Validating 30 MiB again would cost as much as the decode itself (the debug
    // assertion and the property tests check it).
    Some(unsafe { String::from_utf8_unchecked(out) })
}

/// Decodes one piece into `out` and returns how many bytes of it are text, or `None` at
/// the first byte that needs the full decoder.
///
/// Raw pointers because this loop is the whole cost of a GBK reply: with slice indexing its
/// bounds checks made it a third slower. Runs of eight ASCII bytes are copied as one word.
fn gbk_two_byte_piece(bytes: &[u8], out: &mut [u8]) -> Option<usize> {
    let n = bytes.len();
    // Every write below ends before `o + 8` while `i + 8 <= n`, or before `o + 4` while
    // `i + 2 <= n`, and `o <= 1.5 i`: so it ends before 1.5 n + 1, within this room.
    assert!(out.len() >= piece_capacity(n), "room for the decoded piece");
    let table = pair_table();
    let (src, dst) = (bytes.as_ptr(), out.as_mut_ptr());
    let (mut i, mut o) = (0usize, 0usize);
    // SAFETY: reads are at `i..i + 8` only while `i + 8 <= n`, at `i + 1` only while
    // `i + 1 < n`, and at `i` while `i < n`; writes stay in `out` by the bound above.
    // The table index is a u16, always within its 65,536 entries.
    unsafe {
        while i < n {
            if i + 8 <= n {
                let word = src.add(i).cast::<u64>().read_unaligned();
                let high = word & 0x8080_8080_8080_8080;
                if high == 0 {
                    dst.add(o).cast::<u64>().write_unaligned(word);
                    i += 8;
                    o += 8;
                    continue;
                }
            }
            let b = *src.add(i);
            if b < 0x80 {
                *dst.add(o) = b;
                i += 1;
                o += 1;
                continue;
            }
            if i + 1 >= n {
                return None;
            }
            let pair = u16::from_be_bytes([b, *src.add(i + 1)]);
            let e = *table.get_unchecked(usize::from(pair));
            if e == 0 {
                return None;
            }
            // The fourth byte is spare: overwritten by the next character or cut off.
            dst.add(o).cast::<u32>().write_unaligned(e.to_le());
            o += (e >> 24) as usize;
            i += 2;
        }
    }
    Some(o)
}

/// The bytes as an owned `String` if they are UTF-8, validated by encoding_rs.
fn owned_utf8(bytes: &[u8]) -> Option<String> {
    UTF_8
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// Finds the offset of the first malformed sequence with a streaming decoder into a small
/// reused buffer, so a late error in 20 MiB does not cost another full copy of the text.
fn first_malformed(bytes: &[u8], encoding: &'static Encoding) -> Option<usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(16 * 1024);
    let mut consumed = 0usize;
    loop {
        out.clear();
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[consumed..], &mut out, true);
        consumed += read;
        match result {
            DecoderResult::InputEmpty => return None,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                return Some(consumed.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

/// Looks up an encoding by a name a user would type (`utf-8`, `gbk`, `GB2312`, `utf16le`,
/// `UTF_16_BE`, `cp936`, `big5`…): WHATWG labels plus common spellings of them.
pub fn lookup(name: &str) -> Option<&'static Encoding> {
    let label = name.trim().to_ascii_lowercase().replace('_', "-");
    let label = match label.as_str() {
        "utf16le" | "utf-16-le" | "utf16-le" | "ucs-2le" | "ucs2le" | "ucs-2" | "ucs2" => {
            "utf-16le"
        }
        "utf16be" | "utf-16-be" | "utf16-be" | "ucs-2be" | "ucs2be" => "utf-16be",
        "utf16" => "utf-16",
        "utf8" | "utf-8-sig" | "utf8-sig" => "utf-8",
        "cp936" | "ms936" | "windows-936" | "gb-2312" => "gbk",
        "gb-18030" | "cp54936" => "gb18030",
        "big-5" | "cp950" => "big5",
        other => other,
    };
    Encoding::for_label(label.as_bytes())
}

/// The encodings offered in override pickers, most useful first.
pub const COMMON: &[&Encoding] = &[
    UTF_8,
    GB18030,
    encoding_rs::GBK,
    encoding_rs::BIG5,
    UTF_16LE,
    UTF_16BE,
    encoding_rs::WINDOWS_1252,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_chinese_is_certain() {
        let g = detect("中文随路数据：客户张伟，订单号 20241125".as_bytes());
        assert_eq!(g.encoding, UTF_8);
        assert_eq!(g.confidence, 1.0);
        assert!(!g.had_errors);
        assert_eq!(g.text, "中文随路数据：客户张伟，订单号 20241125");
    }

    #[test]
    fn ascii_is_utf8_and_certain() {
        let g = detect(b"level=VIP");
        assert_eq!(
            (g.encoding, g.confidence, g.text.as_str()),
            (UTF_8, 1.0, "level=VIP")
        );
        assert_eq!(detect(b"").text, "");
    }

    #[test]
    fn gbk_chinese_is_detected_as_gb18030_with_high_confidence() {
        let (bytes, _, _) = encoding_rs::GBK.encode("中文随路数据");
        assert!(std::str::from_utf8(&bytes).is_err());
        let g = detect(&bytes);
        assert_eq!(g.encoding, GB18030);
        assert_eq!(g.text, "中文随路数据");
        assert!(g.confidence > 0.9, "{}", g.confidence);
        assert!(!g.had_errors && g.first_bad_offset.is_none());
    }

    #[test]
    fn four_byte_gb18030_and_lone_euro_take_the_full_decoder() {
        // "中" + U+00A5 (four-byte 0x81 0x30 0x84 0x36 in GB18030) + the single byte 0x80 (€).
        let bytes = [0xD6, 0xD0, 0x81, 0x30, 0x84, 0x36, 0x80, b'!'];
        let g = detect(&bytes);
        assert_eq!((g.encoding, g.text.as_str()), (GB18030, "中\u{a5}€!"));
        assert_eq!(gbk_two_byte_fast(&bytes), None);
        assert_eq!(
            gbk_two_byte_fast(&[0xD6, 0xD0, b'a']).as_deref(),
            Some("中a")
        );
        assert_eq!(gbk_two_byte_fast(&[0xD6]), None);
    }

    #[test]
    fn pieces_cut_only_after_bytes_that_cannot_be_a_lead() {
        let text = "坐席工号 1001，客户张伟。\n".repeat(50);
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let cuts = cut_points(&bytes, 4, 16);
        assert_eq!(
            (cuts.len(), cuts[0], cuts[cuts.len() - 1]),
            (5, 0, bytes.len())
        );
        for &c in &cuts[1..cuts.len() - 1] {
            assert!(bytes[c - 1] < 0x80, "cut at {c} after {:#x}", bytes[c - 1]);
        }
        assert_eq!(cut_points(&bytes, 4, bytes.len()), [0, bytes.len()]);
        assert_eq!(cut_points(&[], 4, 16), [0]);
        // No safe byte anywhere: one piece, decoded whole.
        let data = "随路数据".repeat(100);
        let chinese_only = encoding_rs::GBK.encode(&data).0;
        assert_eq!(cut_points(&chinese_only, 4, 16), [0, chinese_only.len()]);
        assert_eq!(gbk_two_byte_in_pieces(&bytes, cuts), Some(text.clone()));
    }

    mod pieces {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// The pieces, each on its thread, give exactly what encoding_rs gives for the whole,
            /// or refuse it as the whole would be refused (then the caller uses encoding_rs):
            /// `min_piece` is tiny here so that every input is cut, where real payloads are
            /// cut only above 4 MiB.
            #[test]
            fn pieces_agree_with_encoding_rs(
                parts in proptest::collection::vec(
                    prop_oneof![
                        4 => (0x81u8..=0xFE, 0x40u8..=0xFE).prop_map(|(a, b)| vec![a, b]),
                        3 => proptest::collection::vec(0x20u8..0x7F, 1..12),
                        1 => any::<u8>().prop_map(|a| vec![a]),
                    ],
                    0..200,
                ),
                pieces in 1usize..5,
                min_piece in 1usize..40,
            ) {
                let bytes = parts.concat();
                let cuts = cut_points(&bytes, pieces, min_piece);
                let (want, had_errors) = GB18030.decode_without_bom_handling(&bytes);
                let whole = gbk_two_byte_in_pieces(&bytes, vec![0, bytes.len()]);
                let cut = gbk_two_byte_in_pieces(&bytes, cuts);
                // Cutting never turns an accepted input into a refused one, nor changes it.
                prop_assert_eq!(&cut, &whole);
                if let Some(text) = cut {
                    prop_assert!(!had_errors);
                    prop_assert_eq!(&text, &want);
                }
            }
        }
    }

    #[test]
    fn gb18030_that_is_not_chinese_gets_low_confidence() {
        // Valid GB18030 by accident: two-byte sequences that land outside CJK ideographs.
        let bytes = [0xA8, 0xA2, 0xA8, 0xA6, 0xA1, 0xE8, 0x81, 0x30, 0x81, 0x30];
        let g = detect(&bytes);
        assert_eq!(g.encoding, GB18030);
        assert!(!g.had_errors);
        assert!(g.confidence < 0.5, "{} {:?}", g.confidence, g.text);
    }

    #[test]
    fn utf16_and_utf8_boms() {
        let text = "呼叫 ok";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        for (bytes, enc) in [(le, UTF_16LE), (be, UTF_16BE)] {
            let g = detect(&bytes);
            assert_eq!(
                (g.encoding, g.text.as_str(), g.confidence),
                (enc, text, 1.0)
            );
        }
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(text.as_bytes());
        let g = detect(&bom8);
        assert_eq!((g.encoding, g.text.as_str()), (UTF_8, text));
    }

    #[test]
    fn utf16_with_bom_and_odd_length_has_errors_and_lower_confidence() {
        let g = detect(&[0xFF, 0xFE, 0x41, 0x00, 0x42]);
        assert_eq!(g.encoding, UTF_16LE);
        assert!(g.had_errors);
        assert_eq!(g.confidence, 0.5);
        assert_eq!(g.first_bad_offset, Some(4));
    }

    #[test]
    fn utf16_without_bom_is_not_guessed_but_can_be_forced() {
        let bytes: Vec<u8> = "ok".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(detect(&bytes).encoding, UTF_8);
        assert_eq!(decode_as(&bytes, UTF_16LE).text, "ok");
    }

    #[test]
    fn garbage_falls_back_to_lossy_utf8_with_low_confidence() {
        let g = detect(&[0x41, 0xFF, 0xFF, 0x80, 0x42]);
        assert_eq!(g.encoding, UTF_8);
        assert!(g.had_errors);
        assert_eq!(g.confidence, LOSSY_CONFIDENCE);
        assert_eq!(g.first_bad_offset, Some(1));
        assert!(g.text.starts_with('A') && g.text.ends_with('B') && g.text.contains('\u{FFFD}'));
    }

    #[test]
    fn override_reports_first_bad_offset() {
        let (bytes, _, _) = encoding_rs::GBK.encode("ab中文");
        let g = decode_as(&bytes, UTF_8);
        assert!(g.had_errors);
        assert_eq!(g.first_bad_offset, Some(2));
        let g = decode_as(&bytes, encoding_rs::GBK);
        assert_eq!((g.text.as_str(), g.had_errors), ("ab中文", false));
        // A late error in a long input is still found exactly.
        let mut long = vec![b'x'; 100_000];
        long.push(0xFF);
        assert_eq!(decode_as(&long, UTF_8).first_bad_offset, Some(100_000));
    }

    #[test]
    fn override_strips_only_its_own_bom() {
        let g = decode_as(&[0xFF, 0xFE, 0x41, 0x00], UTF_16LE);
        assert_eq!(g.text, "A");
        let g = decode_as(&[0xFF, 0xFE, 0x41, 0x00, 0xFF], UTF_16LE);
        assert_eq!(g.first_bad_offset, Some(4));
        let g = decode_as(&[0xEF, 0xBB, 0xBF, 0x41], encoding_rs::WINDOWS_1252);
        assert_eq!(g.text, "\u{ef}\u{bb}\u{bf}A");
    }

    #[test]
    fn lookup_accepts_common_spellings() {
        for (name, enc) in [
            ("GBK", encoding_rs::GBK),
            ("gb2312", encoding_rs::GBK),
            ("cp936", encoding_rs::GBK),
            ("GB18030", GB18030),
            ("utf-8", UTF_8),
            (" UTF8 ", UTF_8),
            ("utf-16le", UTF_16LE),
            ("utf16le", UTF_16LE),
            ("UTF_16_LE", UTF_16LE),
            ("utf-16be", UTF_16BE),
            ("utf16be", UTF_16BE),
            ("big5", encoding_rs::BIG5),
            ("latin1", encoding_rs::WINDOWS_1252),
        ] {
            assert_eq!(lookup(name), Some(enc), "{name}");
        }
        assert_eq!(lookup("klingon"), None);
        assert_eq!(lookup(""), None);
    }
}
