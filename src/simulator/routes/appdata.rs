//! `GET calldata/{agentid}/appdata?isEncodeResult=&callId=`: the call-associated data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{check_query, failure, json_reply, with_set_guid};
use crate::simulator::data::{BAD_BASE64_CHAR, BAD_BASE64_OFFSET, Behaviour, HTML_502_BODY};
use crate::simulator::state::SimState;

/// Query parameters as the gateway reads them.
struct Params {
    call_id: String,
    encoded: bool,
}

fn params(uri: &Uri) -> Option<Params> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?;
    // The URI template spells it `callId`, the parameter table `callid`: accept both.
    let call_id = pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("callid"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // "Values other than true are processed as false": exactly `true`, nothing else.
    let encoded = pairs
        .iter()
        .find(|(k, _)| k == "isEncodeResult")
        .is_some_and(|(_, v)| v == "true");
    Some(Params { call_id, encoded })
}

/// The answer of the route.
pub(crate) async fn appdata(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let (_agent, set_guid) = match check_query(&state, &raw_agent, &headers) {
        Ok(ok) => ok,
        Err(resp) => return *resp,
    };
    let Some(p) = params(&uri) else {
        return with_set_guid(
            failure("000-002", "The query string could not be parsed."),
            set_guid,
        );
    };
    let Some(behaviour) = crate::simulator::data::behaviour(&p.call_id) else {
        return with_set_guid(
            failure(
                "100-007",
                "An exception occurred during the agent's operation: the call does not exist.",
            ),
            set_guid,
        );
    };
    let key = if p.call_id.is_empty() {
        crate::simulator::data::CALL_CURRENT.to_owned()
    } else {
        p.call_id.clone()
    };
    let resp = match behaviour {
        Behaviour::Data(data) => ok_reply(key, data, p.encoded).await,
        Behaviour::Slow(data) => {
            tokio::select! {
                _ = tokio::time::sleep(state.cfg.slow_delay) => {}
                _ = state.cancel.cancelled() => {}
            }
            ok_reply(key, data, p.encoded).await
        }
        Behaviour::WrongContentType(data) => {
            let mut r = ok_reply(key, data, p.encoded).await;
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html;charset=UTF-8"),
            );
            r
        }
        Behaviour::Html502 => {
            let mut r = (StatusCode::BAD_GATEWAY, HTML_502_BODY).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r
        }
        Behaviour::Truncated(data) => {
            let full = envelope_body(data, p.encoded);
            json_reply(StatusCode::OK, "0", truncate_in_result(&full))
        }
        Behaviour::BadBase64(data) => {
            if p.encoded {
                let mut b64 = STANDARD.encode(data);
                b64.replace_range(
                    BAD_BASE64_OFFSET..BAD_BASE64_OFFSET + 1,
                    &BAD_BASE64_CHAR.to_string(),
                );
                json_reply(StatusCode::OK, "0", success_json(&b64))
            } else {
                ok_reply(key, data, false).await
            }
        }
    };
    with_set_guid(resp, set_guid)
}

/// `{"message":"","retcode":"0","result":"…"}` for `result`.
fn success_json(result: &str) -> String {
    serde_json::json!({"message": "", "retcode": "0", "result": result}).to_string()
}

/// The success envelope for `data`: Base64 when `encoded`, otherwise the bytes read as UTF-8
/// (lossily, as a Java gateway building a `String` from GBK bytes would).
fn envelope_body(data: &[u8], encoded: bool) -> String {
    if encoded {
        success_json(&STANDARD.encode(data))
    } else {
        success_json(&String::from_utf8_lossy(data))
    }
}

type BodyCache = Mutex<HashMap<(String, bool), Arc<OnceLock<Bytes>>>>;

/// Success bodies are cached: the data set is static, and the 20 MiB call must not be
/// re-encoded on every request.
async fn ok_reply(key: String, data: &'static [u8], encoded: bool) -> Response {
    static CACHE: OnceLock<BodyCache> = OnceLock::new();
    let slot = {
        let mut map = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.entry((key, encoded)).or_default().clone()
    };
    let body = if let Some(b) = slot.get() {
        b.clone()
    } else {
        // Building a 20 MiB body is CPU work: keep it off the async workers.
        let slot2 = slot.clone();
        let built = tokio::task::spawn_blocking(move || {
            slot2
                .get_or_init(|| Bytes::from(envelope_body(data, encoded)))
                .clone()
        })
        .await;
        match built {
            Ok(b) => b,
            Err(_) => Bytes::from(envelope_body(data, encoded)),
        }
    };
    json_reply(StatusCode::OK, "0", body)
}

/// Cuts the body in the middle of the `result` string (at a character boundary).
fn truncate_in_result(full: &str) -> String {
    let start = full
        .find("\"result\":\"")
        .map(|i| i + "\"result\":\"".len())
        .unwrap_or(0);
    let mut cut = start + (full.len() - start) / 2;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    full[..cut].to_owned()
}
