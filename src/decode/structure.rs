//! Recognises the shapes call data takes in practice (JSON, `k=v` lists joined by `&`, `|` or
//! `;`, a percent-encoded string) and renders them readably.

use percent_encoding::percent_decode_str;

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

/// Detects the structure of `text`. Linear in the length of the text.
pub fn detect(text: &str) -> Structure {
    let t = text.trim();
    if t.is_empty() {
        return Structure::Text;
    }
    if ((t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']')))
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
    {
        return Structure::Json(v);
    }
    if let Some(kv) = key_values(t) {
        return kv;
    }
    if t.contains('%')
        && !t.contains(char::is_whitespace)
        && let Ok(decoded) = percent_decode_str(t).decode_utf8()
        && decoded != t
    {
        return Structure::PercentEncoded(decoded.into_owned());
    }
    Structure::Text
}

fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 64
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn decode_value(v: &str, form: bool) -> String {
    if !v.contains('%') && (!form || !v.contains('+')) {
        return v.to_owned();
    }
    let spaced;
    let v = if form {
        spaced = v.replace('+', " ");
        spaced.as_str()
    } else {
        v
    };
    percent_decode_str(v)
        .decode_utf8()
        .map_or_else(|_| v.to_owned(), |d| d.into_owned())
}

fn key_values(t: &str) -> Option<Structure> {
    if t.contains('\n') {
        return None;
    }
    // The separator is the candidate that occurs most; a lone pair counts only when the
    // whole text is that pair.
    let separator = ['&', '|', ';']
        .into_iter()
        .max_by_key(|s| t.matches(*s).count())
        .filter(|s| t.contains(*s));
    let parts: Vec<&str> = match separator {
        Some(s) => t.split(s).filter(|p| !p.is_empty()).collect(),
        None => vec![t],
    };
    let mut pairs = Vec::with_capacity(parts.len());
    for p in parts {
        let (k, v) = p.split_once('=')?;
        let k = k.trim();
        if !is_key(k) {
            return None;
        }
        pairs.push((k.to_owned(), decode_value(v.trim(), separator == Some('&'))));
    }
    if pairs.is_empty() {
        return None;
    }
    Some(Structure::KeyValue {
        separator: separator.unwrap_or('&'),
        pairs,
    })
}

/// Renders a structure for reading: indented JSON, aligned `key = value` lines, decoded text.
/// `original` is returned as-is for plain text.
pub fn pretty(structure: &Structure, original: &str) -> String {
    match structure {
        Structure::Json(v) => {
            serde_json::to_string_pretty(v).unwrap_or_else(|_| original.to_owned())
        }
        Structure::KeyValue { pairs, .. } => {
            let width = pairs
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            let mut out = String::new();
            for (k, v) in pairs {
                out.push_str(&format!("{k:<width$} = {v}\n"));
            }
            out
        }
        Structure::PercentEncoded(s) => s.clone(),
        Structure::Text => original.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_key_order_and_chinese() {
        let s = detect(r#"{"z":1,"客户":"张伟","a":[1,2]}"#);
        let Structure::Json(_) = &s else {
            panic!("{s:?}")
        };
        let p = pretty(&s, "");
        assert!(p.find("\"z\"").unwrap() < p.find("\"客户\"").unwrap());
        assert!(p.contains("\"张伟\""));
    }

    #[test]
    fn key_values_with_each_separator() {
        for (text, sep) in [
            ("customerId=C1&level=VIP&intent=%E9%80%80%E6%AC%BE", '&'),
            ("customerId=C1|level=VIP|intent=%E9%80%80%E6%AC%BE", '|'),
            ("customerId=C1;level=VIP;intent=%E9%80%80%E6%AC%BE;", ';'),
        ] {
            let s = detect(text);
            assert_eq!(
                s,
                Structure::KeyValue {
                    separator: sep,
                    pairs: vec![
                        ("customerId".into(), "C1".into()),
                        ("level".into(), "VIP".into()),
                        ("intent".into(), "退款".into()),
                    ]
                },
                "{text}"
            );
        }
        assert_eq!(pretty(&detect("a=1&bbb=2"), ""), "a   = 1\nbbb = 2\n");
    }

    #[test]
    fn form_plus_is_a_space_only_in_ampersand_lists() {
        let Structure::KeyValue { pairs, .. } = detect("q=a+b&n=1") else {
            panic!()
        };
        assert_eq!(pairs[0].1, "a b");
        let Structure::KeyValue { pairs, .. } = detect("q=a+b|n=1") else {
            panic!()
        };
        assert_eq!(pairs[0].1, "a+b");
    }

    #[test]
    fn percent_encoded_text() {
        assert_eq!(
            detect("%E4%B8%AD%E6%96%87"),
            Structure::PercentEncoded("中文".into())
        );
    }

    #[test]
    fn plain_and_csv_records_stay_text() {
        assert_eq!(detect("Hello from CC-Gateway"), Structure::Text);
        assert_eq!(
            detect(
                "106,358,0,,1,7,71,nizong,T_C0000000000000054_77927,test,,1,0,0,02120502151,2,60"
            ),
            Structure::Text
        );
        assert_eq!(detect("a = b means nothing & more"), Structure::Text);
        assert_eq!(detect("{not json"), Structure::Text);
        assert_eq!(detect(""), Structure::Text);
    }
}
