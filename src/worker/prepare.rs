//! Turns the decoder's output into what the views show (rows split off the UI thread) and
//! builds the JSON report an export writes.

use std::sync::Arc;
use std::time::Duration;

use super::{CallData, DecodedView, Inspection, QuerySummary, StructureView, TextRows};
use crate::decode::{self, Decoded, Structure};
use crate::export::{self, Report};
use crate::gateway::{RawReply, ReplyError, retcode};

/// Largest decoded text (bytes) whose JSON is also kept as a value for the collapsible tree;
/// bigger payloads show the pretty text only, which is laid out row by row.
const TREE_MAX_BYTES: usize = 256 * 1024;

/// The views' form of decoded call data; takes the decoder's output so its (possibly
/// 20 MiB) bytes and text move into the views instead of being copied.
pub fn decoded_view(d: Decoded) -> DecodedView {
    let pretty = matches!(d.structure, Structure::Json(_))
        .then(|| Arc::new(TextRows::new(decode::structure::pretty(&d.structure))));
    let Decoded {
        bytes,
        text,
        encoding,
        confidence,
        had_errors,
        base64,
        structure,
    } = d;
    let structure = match structure {
        Structure::Json(value) => StructureView::Json {
            pretty: pretty.unwrap_or_default(),
            tree: (text.len() <= TREE_MAX_BYTES).then(|| Arc::new(value)),
        },
        Structure::KeyValue { separator, pairs } => StructureView::KeyValue {
            separator,
            pairs: Arc::new(pairs),
        },
        Structure::PercentEncoded(s) => StructureView::Percent(Arc::new(TextRows::new(s))),
        Structure::Text => StructureView::Text,
    };
    DecodedView {
        bytes: Arc::new(bytes),
        text: Arc::new(TextRows::new(text)),
        charset: encoding.name(),
        confidence,
        had_errors,
        base64: base64.map(|v| v.name().to_owned()),
        structure,
    }
}

/// What a report says about one reply.
#[derive(Debug, Clone, Copy)]
pub struct ReportFacts<'a> {
    /// What was asked.
    pub summary: &'a QuerySummary,
    /// HTTP status.
    pub http_status: u16,
    /// Envelope retcode ("" when the body was no envelope).
    pub retcode: &'a str,
    /// Envelope message.
    pub message: &'a str,
    /// Round-trip time.
    pub elapsed: Duration,
    /// When the reply arrived.
    pub at: std::time::SystemTime,
}

/// The JSON report (`query --output json` shape); holds no GUID because `Report` has no field for one.
pub fn report_bytes(facts: ReportFacts<'_>, decoded: Option<&DecodedView>) -> Vec<u8> {
    let (charset, bytes, sha256, data) = match decoded {
        Some(d) => (
            d.charset.to_owned(),
            d.bytes.len(),
            export::sha256_hex(&d.bytes),
            d.text.text.clone(),
        ),
        None => (String::new(), 0, export::sha256_hex(&[]), String::new()),
    };
    Report {
        host: facts.summary.host.clone(),
        port: facts.summary.port,
        // The agent was validated before the query; 0 only for a hand-made summary.
        agent: facts.summary.agent.trim().parse().unwrap_or(0),
        call_id: facts.summary.call_id.clone(),
        encoded: facts.summary.encoded,
        http_status: facts.http_status,
        retcode: facts.retcode.to_owned(),
        message: facts.message.to_owned(),
        charset,
        bytes,
        sha256,
        data,
        elapsed_ms: u64::try_from(facts.elapsed.as_millis()).unwrap_or(u64::MAX),
        time: export::rfc3339_of(facts.at),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
    .to_json_bytes()
}

/// The JSON report of one inspection, built when it is exported (most replies never are,
/// and a 20 MiB one would hold a second copy of its text).
pub fn report_of(i: &Inspection) -> Vec<u8> {
    report_bytes(
        ReportFacts {
            summary: &i.spec_summary,
            http_status: i.http_status,
            retcode: i.retcode.as_deref().unwrap_or(""),
            message: i.message.as_deref().unwrap_or(""),
            elapsed: i.elapsed,
            at: i.at,
        },
        i.decoded.as_ref(),
    )
}

/// `s` with its first letter capitalised (engine messages start lower-case so they compose).
pub fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An engine message worded for the window: a capital first letter, and the window's field
/// names where the message names a command-line option.
pub fn gui_message(s: &str) -> String {
    // Each pair is a phrase of a catalogue message and its window wording, in the current
    // language; tests/i18n.rs checks that the options are gone from the window's wording.
    let mut text = s.to_owned();
    for (cli, window) in GUI_PHRASES {
        text = text.replace(&*t!(cli), &t!(window));
    }
    sentence(&text)
}

/// Catalogue keys of (command-line phrase, window phrase) pairs [`gui_message`] swaps.
pub const GUI_PHRASES: [(&str, &str); 4] = [
    ("gui_phrase.ca_file.cli", "gui_phrase.ca_file.window"),
    ("gui_phrase.timeout.cli", "gui_phrase.timeout.window"),
    ("gui_phrase.max_reply.cli", "gui_phrase.max_reply.window"),
    ("gui_phrase.guid.cli", "gui_phrase.guid.window"),
];

/// Everything the views need from one reply. The raw body is always kept, whatever fails
/// later (HTTP status, envelope, retcode, Base64, charset), so the Raw view can show it.
pub fn inspection(
    summary: QuerySummary,
    reply: RawReply,
    encoded: bool,
    charset: Option<&'static encoding_rs::Encoding>,
) -> Inspection {
    let mut retcode_code = None;
    let mut message = None;
    let mut data = None;
    let mut decoded = None;
    let mut error = None;
    match reply.envelope() {
        Err(e) => error = Some(gui_message(&e.to_string())),
        Ok(env) if env.retcode != "0" => {
            retcode_code = Some(env.retcode.clone());
            message = Some(env.message.clone());
            let e = ReplyError::Retcode {
                code: env.retcode,
                message: env.message,
            };
            error = Some(gui_message(&e.to_string()));
        }
        Ok(env) => {
            retcode_code = Some(env.retcode);
            message = Some(env.message);
            let result = env.result.unwrap_or_default();
            // Base64 and charset are separate steps here (decode_result does both) so the
            // bytes survive a forced charset that does not fit them.
            let bytes = if encoded {
                decode::decode_base64(result.as_bytes())
                    .map(|d| (d.bytes, Some(d.variant)))
                    .map_err(|e| ReplyError::Decode(e.into()))
            } else {
                Ok((result.into_bytes(), None))
            };
            match bytes {
                Err(e) => error = Some(gui_message(&e.to_string())),
                Ok((bytes, base64)) => {
                    let bytes = Arc::new(bytes);
                    match decode::decode_bytes(bytes.to_vec(), base64, charset) {
                        Ok(d) => decoded = Some(decoded_view(d)),
                        Err(e) => error = Some(gui_message(&ReplyError::Decode(e).to_string())),
                    }
                    data = Some(CallData { bytes, base64 });
                }
            }
        }
    }
    let retcode_meaning = retcode_code
        .as_deref()
        .and_then(retcode::describe)
        .map(|i| i.meaning());
    let raw_rows = TextRows::new(String::from_utf8_lossy(&reply.body).into_owned());
    Inspection {
        spec_summary: summary,
        at: std::time::SystemTime::now(),
        http_status: reply.status,
        elapsed: reply.elapsed,
        content_type: reply.content_type,
        raw: Arc::new(reply.body),
        raw_rows: Arc::new(raw_rows),
        retcode: retcode_code,
        retcode_meaning,
        message,
        error,
        data,
        decoded,
    }
}

/// The same reply decoded with another charset (None = detect); no network involved.
pub fn redecode(prev: &Inspection, charset: Option<&'static encoding_rs::Encoding>) -> Inspection {
    let mut next = prev.clone();
    let Some(data) = &prev.data else {
        // No call data (an error reply): nothing a charset could change.
        return next;
    };
    match decode::decode_bytes(data.bytes.to_vec(), data.base64, charset) {
        Ok(d) => {
            next.decoded = Some(decoded_view(d));
            next.error = None;
        }
        Err(e) => {
            next.decoded = None;
            next.error = Some(gui_message(&ReplyError::Decode(e).to_string()));
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_becomes_pretty_rows_and_a_tree() {
        let d = decode::decode_result(r#"{"客户":"张三","n":1}"#, false, None).unwrap();
        let v = decoded_view(d);
        let StructureView::Json { pretty, tree } = &v.structure else {
            panic!("{:?}", v.structure)
        };
        assert_eq!(pretty.row(1).trim(), "\"客户\": \"张三\",");
        assert!(tree.is_some());
        assert_eq!(v.charset, "UTF-8");
    }

    #[test]
    fn forced_charset_failure_keeps_the_bytes_for_another_try() {
        let (gbk, _, _) = encoding_rs::GBK.encode("中文");
        let d = decode::decode_bytes(gbk.to_vec(), None, None).unwrap();
        let prev = Inspection {
            spec_summary: QuerySummary {
                host: "h".into(),
                port: 1,
                agent: "1001".into(),
                call_id: String::new(),
                encoded: true,
            },
            at: std::time::SystemTime::now(),
            http_status: 200,
            elapsed: Duration::ZERO,
            content_type: None,
            raw: Arc::new(Vec::new()),
            raw_rows: Arc::new(TextRows::default()),
            retcode: Some("0".into()),
            retcode_meaning: None,
            message: None,
            error: None,
            data: Some(super::super::CallData {
                bytes: Arc::new(gbk.to_vec()),
                base64: None,
            }),
            decoded: Some(decoded_view(d)),
        };
        let utf8 = redecode(&prev, Some(encoding_rs::UTF_8));
        assert!(utf8.decoded.is_none());
        let e = utf8.error.clone().unwrap();
        assert!(e.contains("the data is not valid UTF-8"), "{e}");
        let back = redecode(&utf8, Some(encoding_rs::GBK));
        assert_eq!(back.decoded.unwrap().text.text, "中文");
        assert!(back.error.is_none());
    }

    #[test]
    fn report_has_the_data_and_its_hash() {
        let d = decode::decode_result("5a6i5oi3", true, None).unwrap();
        let v = decoded_view(d);
        let summary = QuerySummary {
            host: "h".into(),
            port: 8043,
            agent: "1001".into(),
            call_id: "c".into(),
            encoded: true,
        };
        let bytes = report_bytes(
            ReportFacts {
                summary: &summary,
                http_status: 200,
                retcode: "0",
                message: "success",
                elapsed: Duration::from_millis(5),
                at: std::time::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
            },
            Some(&v),
        );
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["data"], "客户");
        assert_eq!(json["agent"], 1001);
        assert_eq!(json["sha256"], export::sha256_hex("客户".as_bytes()));
        assert_eq!(json["bytes"], 6);
        assert_eq!(
            json["time"], "2025-11-24T16:00:00Z",
            "the reply's time, not the export's"
        );
    }
}
