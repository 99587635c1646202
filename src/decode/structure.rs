//! Recognises the shapes call data takes in practice (JSON, `k=v` lists joined by `&`, `|` or
//! `;`, a percent-encoded string) and renders them readably.
//!
//! Detection is linear and cheap to reject: a 20 MiB plain text is turned down after a
//! byte scan or two, and nothing is copied until a shape has been confirmed.

use percent_encoding::percent_decode;
use std::fmt::Write as _;

/// The recognised shape of a decoded text.
#[derive(Debug, Clone, PartialEq)]
pub enum Structure {
    /// A JSON object or array (key order preserved).
    Json(serde_json::Value),
    /// `key=value` pairs joined by `separator`; values percent-decoded where they were encoded.
    KeyValue {
        /// `&`, `|` or `;`.
        separator: char,
        /// The pairs in their original order.
        pairs: Vec<(String, String)>,
    },
    /// The whole text was percent-encoded; this is it decoded.
    PercentEncoded(String),
    /// Plain text with no recognised structure.
    Text,
}

impl Structure {
    /// A short human name of the shape.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Json(_) => "JSON",
            Self::KeyValue { .. } => "key=value list",
            Self::PercentEncoded(_) => "percent-encoded text",
            Self::Text => "plain text",
        }
    }
}

/// The separators a `k=v` list may use, in order of preference on a tie.
const SEPARATORS: [char; 3] = ['&', '|', ';'];

/// Keys longer than this are prose, not identifiers.
const MAX_KEY_LEN: usize = 64;

/// Detects the structure of `text`. Linear in the length of the text.
pub fn detect(text: &str) -> Structure {
    let t = text.trim();
    if t.is_empty() {
        return Structure::Text;
    }
    if let Some(v) = json(t) {
        return Structure::Json(v);
    }
    if let Some(kv) = key_values(t) {
        return kv;
    }
    if let Some(decoded) = percent_encoded(t) {
        return Structure::PercentEncoded(decoded);
    }
    Structure::Text
}

fn json(t: &str) -> Option<serde_json::Value> {
    let bracketed =
        (t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']'));
    // serde_json's recursion limit turns hostile nesting into an error, not a stack overflow.
    bracketed.then(|| serde_json::from_str(t).ok()).flatten()
}

/// Identifier-like: a letter or `_` first, then letters, digits, `_`, `-`, `.`.
fn is_key(k: &str) -> bool {
    let mut chars = k.chars();
    k.len() <= MAX_KEY_LEN
        && chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn pair(part: &str) -> Option<(&str, &str)> {
    let (k, v) = part.split_once('=')?;
    let k = k.trim();
    is_key(k).then(|| (k, v.trim()))
}

/// The list's items; one trailing separator is tolerated (`a=1;b=2;`).
fn items(t: &str, separator: char) -> std::str::Split<'_, char> {
    t.strip_suffix(separator).unwrap_or(t).split(separator)
}

fn key_values(t: &str) -> Option<Structure> {
    if !t.contains('=') || t.contains(['\n', '\r']) {
        return None;
    }
    let mut counts = [0usize; 3];
    for b in t.bytes() {
        match b {
            b'&' => counts[0] += 1,
            b'|' => counts[1] += 1,
            b';' => counts[2] += 1,
            _ => {}
        }
    }
    // The most frequent separator is the likeliest; the others are tried in turn because a
    // value may itself contain another separator (`note=a;b&x=1`). Each try stops at the
    // first item that is not a pair, and nothing is allocated until one succeeds.
    let mut candidates: Vec<(char, usize)> = SEPARATORS
        .into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .collect();
    candidates.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let separator = candidates
        .into_iter()
        .map(|(s, _)| s)
        .find(|&s| items(t, s).all(|p| pair(p).is_some()))
        .or_else(|| {
            // One pair that is the whole text: no separator and a one-word value, so prose
            // with an '=' in it is not mistaken for data.
            let lone =
                counts == [0; 3] && pair(t).is_some_and(|(_, v)| !v.contains(char::is_whitespace));
            lone.then_some('&')
        })?;
    let form = separator == '&';
    let pairs = items(t, separator)
        .filter_map(pair)
        .map(|(k, v)| (k.to_owned(), decode_value(v, form)))
        .collect();
    Some(Structure::KeyValue { separator, pairs })
}

fn has_escape(s: &[u8]) -> bool {
    s.windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Percent-decodes a value that contains `%XX` (and, in `&` lists, the form encoding's `+`
/// for space); a value that does not decode to UTF-8 is kept as written.
fn decode_value(v: &str, form: bool) -> String {
    let plus = form && v.contains('+');
    if !plus && !has_escape(v.as_bytes()) {
        return v.to_owned();
    }
    let spaced;
    let source = if plus {
        spaced = v.replace('+', " ");
        spaced.as_str()
    } else {
        v
    };
    percent_decode(source.as_bytes())
        .decode_utf8()
        .map_or_else(|_| v.to_owned(), |d| d.into_owned())
}

/// The decoded text when all of `t` is percent-encoding: printable ASCII only, every `%`
/// starting a valid escape, at least one escape, decoding to UTF-8 (or, failing that,
/// cleanly to GB18030, which Chinese systems also percent-encode).
fn percent_encoded(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let mut escapes = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if !(b.get(i + 1)?.is_ascii_hexdigit() && b.get(i + 2)?.is_ascii_hexdigit()) {
                    return None;
                }
                escapes += 1;
                i += 3;
            }
            0x21..=0x7E => i += 1,
            _ => return None,
        }
    }
    if escapes == 0 {
        return None;
    }
    let bytes: Vec<u8> = percent_decode(b).collect();
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(e.as_bytes());
            (!had_errors).then(|| text.into_owned())
        }
    }
}

/// Renders a structure for reading: indented JSON (key order kept, Chinese unescaped),
/// aligned `key = value` lines, the decoded text. `Text` renders as an empty string: there
/// is nothing beyond the text itself to show (see [`render`]).
pub fn pretty(structure: &Structure) -> String {
    match structure {
        Structure::Json(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        Structure::KeyValue { pairs, .. } => {
            let width = pairs
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            let mut out = String::with_capacity(
                pairs
                    .iter()
                    .map(|(k, v)| k.len() + v.len() + 4)
                    .sum::<usize>()
                    + pairs.len() * width,
            );
            for (k, v) in pairs {
                let _ = writeln!(out, "{k:<width$} = {v}");
            }
            out
        }
        Structure::PercentEncoded(s) => s.clone(),
        Structure::Text => String::new(),
    }
}

/// [`pretty`], or `original` itself for plain text.
pub fn render(structure: &Structure, original: &str) -> String {
    match structure {
        Structure::Text => original.to_owned(),
        other => pretty(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(separator: char, pairs: &[(&str, &str)]) -> Structure {
        Structure::KeyValue {
            separator,
            pairs: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn json_object_pretty_keeps_key_order_and_chinese() {
        let s = detect(r#" {"z":1,"客户":"张伟","a":[1,2],"m":{"y":true,"b":null}} "#);
        assert_eq!(s.kind(), "JSON");
        let p = pretty(&s);
        assert_eq!(
            p,
            "{\n  \"z\": 1,\n  \"客户\": \"张伟\",\n  \"a\": [\n    1,\n    2\n  ],\n  \
             \"m\": {\n    \"y\": true,\n    \"b\": null\n  }\n}"
        );
    }

    #[test]
    fn json_array_and_broken_json() {
        assert!(matches!(detect("[1,\"二\"]"), Structure::Json(_)));
        assert_eq!(detect("{not json}"), Structure::Text);
        assert_eq!(detect("{\"a\":1"), Structure::Text);
        assert_eq!(detect("42"), Structure::Text);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(detect(&deep), Structure::Text);
    }

    #[test]
    fn key_values_with_each_separator() {
        let want = [("customerId", "C1"), ("level", "VIP"), ("intent", "退款")];
        for (text, sep) in [
            ("customerId=C1&level=VIP&intent=%E9%80%80%E6%AC%BE", '&'),
            ("customerId=C1|level=VIP|intent=%E9%80%80%E6%AC%BE", '|'),
            ("customerId=C1;level=VIP;intent=%E9%80%80%E6%AC%BE", ';'),
        ] {
            assert_eq!(detect(text), kv(sep, &want), "{text}");
        }
    }

    #[test]
    fn trailing_separator_and_spaces_are_tolerated() {
        assert_eq!(detect("a=1;b=2;"), kv(';', &[("a", "1"), ("b", "2")]));
        assert_eq!(
            detect(" a = 1 | b = x y |"),
            kv('|', &[("a", "1"), ("b", "x y")])
        );
        assert_eq!(detect("a=1&"), kv('&', &[("a", "1")]));
    }

    #[test]
    fn single_pair_counts_only_as_the_whole_text() {
        assert_eq!(detect("customerId=C1"), kv('&', &[("customerId", "C1")]));
        assert_eq!(detect("客户=张伟"), kv('&', &[("客户", "张伟")]));
        assert_eq!(detect("x=1 means y; so"), Structure::Text);
        assert_eq!(detect("x=1 means y"), Structure::Text);
    }

    #[test]
    fn the_other_separator_is_tried_when_values_contain_the_frequent_one() {
        assert_eq!(
            detect("note=a;b;c&x=1"),
            kv('&', &[("note", "a;b;c"), ("x", "1")])
        );
    }

    #[test]
    fn values_may_contain_equals_signs() {
        assert_eq!(
            detect("sql=a=b&n=1"),
            kv('&', &[("sql", "a=b"), ("n", "1")])
        );
    }

    #[test]
    fn percent_and_form_decoding_of_values() {
        assert_eq!(
            detect("q=a+b%21&n=%E4%B8%AD"),
            kv('&', &[("q", "a b!"), ("n", "中")])
        );
        // '+' means space only in the form (`&`) encoding.
        assert_eq!(detect("q=a+b|n=1"), kv('|', &[("q", "a+b"), ("n", "1")]));
        // Not UTF-8 once decoded, or not an escape at all: kept as written.
        assert_eq!(
            detect("a=%FF%FE&b=100%&c=%zz"),
            kv('&', &[("a", "%FF%FE"), ("b", "100%"), ("c", "%zz")])
        );
    }

    #[test]
    fn keys_must_look_like_identifiers() {
        assert_eq!(detect("1=2&3=4"), Structure::Text);
        assert_eq!(detect("a b=1&c=2"), Structure::Text);
        assert_eq!(detect("a=1&&b=2"), Structure::Text);
        assert_eq!(detect("&a=1&b=2"), Structure::Text);
        assert_eq!(detect("=1&=2"), Structure::Text);
        assert_eq!(
            detect(&format!("{}=1&b=2", "k".repeat(65))),
            Structure::Text
        );
        assert_eq!(detect("a=1\nb=2"), Structure::Text);
    }

    #[test]
    fn whole_percent_encoded_text() {
        assert_eq!(
            detect("%E4%B8%AD%E6%96%87%E9%9A%8F%E8%B7%AF%E6%95%B0%E6%8D%AE"),
            Structure::PercentEncoded("中文随路数据".into())
        );
        assert_eq!(
            detect("https://x/y?q=%E4%B8%AD"),
            Structure::PercentEncoded("https://x/y?q=中".into())
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("中文");
        let escaped: String = gbk.iter().map(|b| format!("%{b:02X}")).collect();
        assert_eq!(detect(&escaped), Structure::PercentEncoded("中文".into()));
        assert_eq!(detect("100%"), Structure::Text);
        assert_eq!(detect("50%off"), Structure::Text);
        assert_eq!(detect("a%20b c"), Structure::Text);
        assert_eq!(detect("%FF%FF%FF"), Structure::Text);
    }

    #[test]
    fn huawei_outbound_record_and_prose_stay_text() {
        let record = "106,358,0,,1,7,71,nizong,T_C0000000000000054_77927,test,,1,0,0,\
                      02120502151,2,60,02120502152,1,0";
        assert_eq!(detect(record), Structure::Text);
        assert_eq!(detect("Hello from CC-Gateway"), Structure::Text);
        assert_eq!(detect("a = b means nothing & more"), Structure::Text);
        assert_eq!(detect("尊敬的客户您好；请稍候"), Structure::Text);
        assert_eq!(detect(""), Structure::Text);
        assert_eq!(detect(" \n "), Structure::Text);
    }

    #[test]
    fn pretty_key_values_are_aligned() {
        assert_eq!(pretty(&detect("a=1&bbb=2")), "a   = 1\nbbb = 2\n");
        assert_eq!(pretty(&detect("%41%42")), "AB");
        assert_eq!(pretty(&Structure::Text), "");
        assert_eq!(render(&Structure::Text, "plain"), "plain");
        assert_eq!(render(&detect("a=1"), "a=1"), "a = 1\n");
    }

    #[test]
    fn large_inputs_are_linear() {
        let big_kv = "k=v&".repeat(1 << 20);
        let Structure::KeyValue { pairs, separator } = detect(&big_kv) else {
            panic!("not kv")
        };
        assert_eq!((pairs.len(), separator), (1 << 20, '&'));
        let prose = "x=1 ".repeat(1 << 20);
        assert_eq!(detect(&prose), Structure::Text);
        let json = format!("[{}1]", "{\"k\":\"中\"},".repeat(1 << 18));
        assert!(matches!(detect(&json), Structure::Json(_)));
    }
}
