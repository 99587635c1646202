//! The reply: HTTP status, body charset, the `{message, retcode, result}` envelope, decoding.

use std::time::Duration;

use encoding_rs::Encoding;
use serde_json::Value;

use super::error::ReplyError;
use crate::decode::{self, Decoded};
use crate::secret::Guid;

/// One HTTP response exactly as received.
#[derive(Debug, Clone)]
pub struct RawReply {
    /// HTTP status code.
    pub status: u16,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// A new GUID from a `Set-GUID` header (`JSESSIONID=` stripped). Redacted in Debug.
    pub set_guid: Option<Guid>,
    /// From sending the request to the end of the body.
    pub elapsed: Duration,
    /// The URL queried (holds no secret: the GUID travels in a header).
    pub url: String,
}

/// The parsed envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `"0"` on success, else `NNN-NNN`.
    pub retcode: String,
    /// The gateway's message (often empty).
    pub message: String,
    /// The `result` string; `None` when absent or null.
    pub result: Option<String>,
    /// The charset the body was read with.
    pub body_charset: &'static Encoding,
}

/// Successfully decoded call data with the envelope it came in.
#[derive(Debug, Clone)]
pub struct AppData {
    /// Always `"0"`.
    pub retcode: String,
    /// The gateway's message.
    pub message: String,
    /// The charset the HTTP body was read with (normally UTF-8).
    pub body_charset: &'static Encoding,
    /// The call data, decoded.
    pub decoded: Decoded,
}

/// Longest body excerpt quoted in an error message.
const EXCERPT_CHARS: usize = 160;

impl RawReply {
    /// Status check, body charset, envelope JSON and retcode presence; does not judge the
    /// retcode (a failed query still has a useful envelope).
    pub fn envelope(&self) -> Result<Envelope, ReplyError> {
        if !(200..300).contains(&self.status) {
            return Err(ReplyError::HttpStatus {
                status: self.status,
                excerpt: excerpt(&String::from_utf8_lossy(&self.body)),
                hint: status_hint(self.status),
            });
        }
        let (text, body_charset) = body_text(&self.body, self.content_type.as_deref())?;
        parse_envelope(&text, body_charset)
    }

    /// The whole interpretation: [`Self::envelope`], retcode "0", then Base64/charset decoding.
    pub fn interpret(
        &self,
        encoded: bool,
        charset_override: Option<&'static Encoding>,
    ) -> Result<AppData, ReplyError> {
        self.envelope()?.decode(encoded, charset_override)
    }
}

impl Envelope {
    /// Fails with the retcode unless it is "0"; then decodes `result` (absent = empty data).
    pub fn decode(
        self,
        encoded: bool,
        charset_override: Option<&'static Encoding>,
    ) -> Result<AppData, ReplyError> {
        if self.retcode != "0" {
            return Err(ReplyError::Retcode {
                code: self.retcode,
                message: self.message,
            });
        }
        let result = self.result.unwrap_or_default();
        let decoded = decode::decode_result(&result, encoded, charset_override)?;
        Ok(AppData {
            retcode: self.retcode,
            message: self.message,
            body_charset: self.body_charset,
            decoded,
        })
    }
}

/// The charset named by a Content-Type header, if encoding_rs knows it.
pub fn declared_charset(content_type: Option<&str>) -> Option<&'static Encoding> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(v.trim().trim_matches('"').as_bytes())
    })
}

/// The body as text: in the declared charset when one other than UTF-8 is named (some
/// deployments label replies GBK), else strict UTF-8.
fn body_text(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<(String, &'static Encoding), ReplyError> {
    let enc = declared_charset(content_type).unwrap_or(encoding_rs::UTF_8);
    if enc == encoding_rs::UTF_8 {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        return match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_owned(), enc)),
            Err(e) => Err(ReplyError::Malformed {
                what: t!("reply.not_utf8", offset = e.valid_up_to()).into_owned(),
            }),
        };
    }
    let (text, used, had_errors) = enc.decode(body);
    if had_errors {
        return Err(ReplyError::Malformed {
            what: t!("reply.bad_charset", charset = used.name()).into_owned(),
        });
    }
    Ok((text.into_owned(), used))
}

fn parse_envelope(text: &str, body_charset: &'static Encoding) -> Result<Envelope, ReplyError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ReplyError::Malformed {
        what: if e.is_eof() {
            t!(
                "reply.cut_off",
                error = e,
                bytes = text.len(),
                start = excerpt(text)
            )
            .into_owned()
        } else {
            t!("reply.not_json", error = e, start = excerpt(text)).into_owned()
        },
    })?;
    let Value::Object(mut map) = value else {
        return Err(ReplyError::Malformed {
            what: t!("reply.not_object", start = excerpt(text)).into_owned(),
        });
    };
    let retcode = match map.remove("retcode") {
        Some(Value::String(s)) => s,
        // Documented as a string; tolerate a number rather than reject a usable reply.
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(ReplyError::Malformed {
                what: t!("reply.retcode_kind", kind = json_kind(&other)).into_owned(),
            });
        }
        None => {
            return Err(ReplyError::Malformed {
                what: t!("reply.no_retcode", start = excerpt(text)).into_owned(),
            });
        }
    };
    let message = match map.remove("message") {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let result = match map.remove("result") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => {
            return Err(ReplyError::Malformed {
                what: t!("reply.result_kind", kind = json_kind(&other)).into_owned(),
            });
        }
    };
    Ok(Envelope {
        retcode: retcode.trim().to_owned(),
        message,
        result,
        body_charset,
    })
}

fn json_kind(v: &Value) -> String {
    let key = match v {
        Value::Null => "reply.kind.null",
        Value::Bool(_) => "reply.kind.boolean",
        Value::Number(_) => "reply.kind.number",
        Value::String(_) => "reply.kind.string",
        Value::Array(_) => "reply.kind.array",
        Value::Object(_) => "reply.kind.object",
    };
    t!(key).into_owned()
}

/// The catalogue key of what to do about an HTTP status.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => "http.refused",
        404 => "http.not_found",
        405 => "http.bad_method",
        429 => "http.too_many",
        502..=504 => "http.proxy",
        500..=599 => "http.internal",
        _ => "http.other",
    }
}

/// A short one-line excerpt: tags stripped, whitespace collapsed, cut at a char boundary.
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut last_space = true;
    let looks_html = text.trim_start().starts_with('<');
    for c in text.chars().take(64 * 1024) {
        if looks_html {
            match c {
                '<' => {
                    in_tag = true;
                    continue;
                }
                '>' => {
                    in_tag = false;
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                    continue;
                }
                _ if in_tag => continue,
                _ => {}
            }
        }
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
        if out.chars().count() >= EXCERPT_CHARS {
            out.push('…');
            break;
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DecodeError;

    fn reply(status: u16, body: &[u8], ct: Option<&str>) -> RawReply {
        RawReply {
            status,
            body: body.to_vec(),
            content_type: ct.map(str::to_owned),
            set_guid: None,
            elapsed: Duration::ZERO,
            url: String::new(),
        }
    }

    #[test]
    fn success_with_and_without_base64() {
        let r = reply(
            200,
            br#"{"message":"","retcode":"0","result":"1234"}"#,
            None,
        );
        let d = r.interpret(false, None).unwrap();
        assert_eq!(d.decoded.text, "1234");
        let r = reply(
            200,
            br#"{"message":"","retcode":"0","result":"5Lit5paH"}"#,
            None,
        );
        assert_eq!(r.interpret(true, None).unwrap().decoded.text, "中文");
        let r = reply(200, br#"{"message":"","retcode":"0"}"#, None);
        assert_eq!(r.interpret(false, None).unwrap().decoded.bytes, b"");
    }

    #[test]
    fn both_base64_alphabets_pass_through_the_envelope() {
        use crate::decode::Base64Variant;
        // 0xFB 0xFF 0xBF encodes to "+/+/" (standard) and "-_-_" (URL-safe).
        let bytes = [0xFBu8, 0xFF, 0xBF, b'o', b'k'];
        for (b64, variant) in [
            ("+/+/b2s=", Base64Variant::Standard),
            ("-_-_b2s", Base64Variant::UrlSafe),
        ] {
            let body = format!(r#"{{"message":"","retcode":"0","result":"{b64}"}}"#);
            let d = reply(200, body.as_bytes(), None)
                .interpret(true, None)
                .unwrap();
            assert_eq!(d.decoded.bytes, bytes, "{b64}");
            assert_eq!(d.decoded.base64, Some(variant), "{b64}");
        }
    }

    #[test]
    fn failures_get_the_right_kind() {
        let e = reply(
            200,
            br#"{"message":"agent not login","retcode":"100-006"}"#,
            None,
        )
        .interpret(false, None)
        .unwrap_err();
        assert_eq!(e.exit_code(), 3);
        let e = reply(
            502,
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            None,
        )
        .interpret(false, None)
        .unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(
            e.to_string().contains("HTTP 502 (\"502 Bad Gateway\")"),
            "{e}"
        );
        let e = reply(200, br#"{"message":"","retcode":"0","result":"ab"#, None)
            .interpret(false, None)
            .unwrap_err();
        assert_eq!(e.exit_code(), 5);
        assert!(e.to_string().contains("not complete JSON"), "{e}");
        let e = reply(200, br#"{"message":""}"#, None)
            .interpret(false, None)
            .unwrap_err();
        assert!(e.to_string().contains("no \"retcode\""), "{e}");
        let e = reply(200, br#"{"retcode":"0","result":{"a":1}}"#, None)
            .interpret(false, None)
            .unwrap_err();
        assert!(e.to_string().contains("an object"), "{e}");
        let e = reply(
            200,
            br#"{"retcode":"0","result":"SGVsbG8g*V29ybGQ="}"#,
            None,
        )
        .interpret(true, None)
        .unwrap_err();
        assert!(matches!(e, ReplyError::Decode(DecodeError::Base64(_))));
        assert!(e.to_string().contains("offset 8"), "{e}");
    }

    #[test]
    fn gbk_labelled_bodies_are_read_as_gbk() {
        let json = r#"{"message":"成功","retcode":"0","result":"客户"}"#;
        let (gbk, _, _) = encoding_rs::GBK.encode(json);
        let r = reply(200, &gbk, Some("application/json; charset=GBK"));
        let d = r.interpret(false, None).unwrap();
        assert_eq!(d.decoded.text, "客户");
        assert_eq!(d.message, "成功");
        assert_eq!(d.body_charset, encoding_rs::GBK);
        // The same bytes without the label are not UTF-8: say so, with the offset.
        let e = reply(200, &gbk, None).interpret(false, None).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn content_type_parsing() {
        assert_eq!(
            declared_charset(Some("application/json; charset=\"gb2312\"")),
            Some(encoding_rs::GBK)
        );
        assert_eq!(declared_charset(Some("text/html")), None);
        assert_eq!(excerpt("  a \n\n b  "), "a b");
    }
}
