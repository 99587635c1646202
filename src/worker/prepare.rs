//! Turns the decoder's output into what the views show (rows split off the UI thread) and
//! builds the JSON report an export writes.

use std::sync::Arc;

use super::{CallData, DecodedView, Inspection, QuerySummary, StructureView, TextRows};
use crate::decode::{self, Decoded, Structure};
use crate::export::{self, Report};
use crate::gateway::{RawReply, ReplyError, retcode};

/// Largest decoded text (bytes) whose JSON is also kept as a value for the collapsible tree;
/// bigger payloads show the pretty text only, which is laid out row by row.
const TREE_MAX_BYTES: usize = 256 * 1024;

/// The views' form of decoded call data. Takes the decoder's output so its (possibly 20 MiB)
/// text moves into the views, and `bytes`, the call data it was decoded from (the
/// inspection's own), so the views share them instead of holding a second copy.
pub fn decoded_view(d: Decoded, bytes: Arc<Vec<u8>>) -> DecodedView {
    debug_assert!(d.bytes == *bytes);
    let pretty = matches!(d.structure, Structure::Json(_))
        .then(|| Arc::new(TextRows::new(decode::structure::pretty(&d.structure))));
    let Decoded {
        text,
        encoding,
        confidence,
        had_errors,
        base64,
        structure,
        ..
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
        bytes,
        text: Arc::new(TextRows::new(text)),
        charset: encoding.name(),
        confidence,
        had_errors,
        base64: base64.map(|v| v.name().to_owned()),
        structure,
    }
}

/// The JSON report of one inspection (`query --output json` shape; no GUID, as `Report` has
/// no field for one), built when it is exported: most replies never are, and a 20 MiB one
/// would hold a second copy of its text.
pub fn report_of(i: &Inspection) -> Vec<u8> {
    let (charset, bytes, sha256, data) = match &i.decoded {
        Some(d) => (
            d.charset.to_owned(),
            d.bytes.len(),
            export::sha256_hex(&d.bytes),
            d.text.text.clone(),
        ),
        None => (String::new(), 0, export::sha256_hex(&[]), String::new()),
    };
    let summary = &i.spec_summary;
    Report {
        host: summary.host.clone(),
        port: summary.port,
        // The agent was validated before the query; 0 only for a hand-made summary.
        agent: summary.agent.trim().parse().unwrap_or(0),
        call_id: summary.call_id.clone(),
        encoded: summary.encoded,
        http_status: i.http_status,
        retcode: i.retcode.clone().unwrap_or_default(),
        message: i.message.clone().unwrap_or_default(),
        charset,
        bytes,
        sha256,
        data,
        elapsed_ms: u64::try_from(i.elapsed.as_millis()).unwrap_or(u64::MAX),
        time: export::rfc3339_of(i.at),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
    .to_json_bytes()
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
                        Ok(d) => decoded = Some(decoded_view(d, Arc::clone(&bytes))),
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
            next.decoded = Some(decoded_view(d, Arc::clone(&data.bytes)));
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
    use std::time::Duration;

    use super::*;

    /// The view of `d`, sharing bytes that are a copy of its own.
    fn view(d: Decoded) -> DecodedView {
        let bytes = Arc::new(d.bytes.clone());
        decoded_view(d, bytes)
    }

    /// A successful reply to agent 1001 whose call data is `data` (decoded with detection).
    fn inspection_of(data: &[u8]) -> Inspection {
        let bytes = Arc::new(data.to_vec());
        let d = decode::decode_bytes(data.to_vec(), None, None).unwrap();
        Inspection {
            spec_summary: QuerySummary {
                host: "h".into(),
                port: 8043,
                agent: "1001".into(),
                call_id: "c".into(),
                encoded: true,
            },
            at: std::time::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
            http_status: 200,
            elapsed: Duration::from_millis(5),
            content_type: None,
            raw: Arc::new(Vec::new()),
            raw_rows: Arc::new(TextRows::default()),
            retcode: Some("0".into()),
            retcode_meaning: None,
            message: Some("success".into()),
            error: None,
            decoded: Some(decoded_view(d, Arc::clone(&bytes))),
            data: Some(super::super::CallData {
                bytes,
                base64: None,
            }),
        }
    }

    #[test]
    fn json_becomes_pretty_rows_and_a_tree() {
        let d = decode::decode_result(r#"{"客户":"张三","n":1}"#, false, None).unwrap();
        let v = view(d);
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
        let prev = inspection_of(&gbk);
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
        let i = inspection_of("客户".as_bytes());
        // The views share the inspection's bytes rather than holding a copy.
        let shared = (
            i.decoded.as_ref().unwrap().bytes.clone(),
            i.data.as_ref().unwrap().bytes.clone(),
        );
        assert!(Arc::ptr_eq(&shared.0, &shared.1));
        let bytes = report_of(&i);
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
