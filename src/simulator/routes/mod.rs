//! The HTTP surface of the simulator: the router, the request-log middleware and the shared
//! reply helpers (envelope, `Set-GUID`, the agent-ID and GUID checks).

mod agentevent;
mod appdata;
mod calls;
mod onlineagent;

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};

use super::state::{AuthError, LoggedRequest, SimState};

/// The path prefix every gateway interface lives under.
pub(crate) const PREFIX: &str = "/agentgateway/resource";

/// The envelope retcode of a reply, for the request log.
#[derive(Clone)]
struct RetcodeTag(String);

/// The content type a Java gateway sends with JSON.
pub(crate) const JSON_CT: &str = "application/json;charset=UTF-8";

/// Builds the whole router over `state`.
pub(crate) fn router(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/calldata/{agent}/appdata", get(appdata::appdata))
        .route("/calldata/{agent}/callinfo", get(calls::callinfo))
        .route(
            "/calldata/{agent}/callinfobycallid/{callid}",
            get(calls::callinfo_by_callid),
        )
        .route("/calldata/{agent}/holdlist", get(calls::holdlist))
        .route(
            "/calldata/{agent}/allcallinfoEx/{workno}",
            get(calls::allcallinfo_ex),
        )
        .route("/onlineagent/{agent}", put(onlineagent::login))
        .route(
            "/onlineagent/{agent}/forcelogin",
            put(onlineagent::force_login),
        )
        .route("/onlineagent/{agent}/loginex", put(onlineagent::login))
        .route("/onlineagent/{agent}/logout", delete(onlineagent::logout))
        .route("/agentevent/{agent}", get(agentevent::poll));
    Router::new()
        .nest(PREFIX, api)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), log_requests))
        .with_state(state)
}

async fn not_found() -> Response {
    // What the servlet container in front of the gateway answers for an unknown path.
    let mut r = (
        StatusCode::NOT_FOUND,
        "<html><head><title>404 Not Found</title></head><body><h1>HTTP Status 404 - Not Found</h1></body></html>",
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    r
}

/// Agent ID from a logged path, e.g. `/agentgateway/resource/calldata/1001/appdata`.
fn agent_in_path(path: &str) -> Option<u32> {
    let rest = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let mut parts = rest.split('/');
    parts.next()?;
    parts.next()?.parse().ok()
}

async fn log_requests(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let entry = LoggedRequest {
        method: req.method().to_string(),
        path: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        agent: agent_in_path(req.uri().path()),
        time: SystemTime::now(),
        at: Instant::now(),
        had_guid: req.headers().contains_key("guid"),
        status: None,
        retcode: None,
    };
    let seq = state.log_start(entry);
    let resp = next.run(req).await;
    let retcode = resp.extensions().get::<RetcodeTag>().map(|t| t.0.clone());
    state.log_finish(seq, resp.status().as_u16(), retcode);
    resp
}

/// A JSON reply with the given body text, tagged with its retcode for the log.
pub(crate) fn json_reply(status: StatusCode, retcode: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CT));
    r.extensions_mut().insert(RetcodeTag(retcode.to_owned()));
    r
}

/// The envelope `{"message","retcode"}` plus `result` (or `event`) when given.
pub(crate) fn envelope(
    retcode: &str,
    message: &str,
    extra: Option<(&str, serde_json::Value)>,
) -> Response {
    let mut obj = serde_json::Map::new();
    obj.insert("message".into(), message.into());
    obj.insert("retcode".into(), retcode.into());
    if let Some((key, value)) = extra {
        obj.insert(key.into(), value);
    }
    let body = serde_json::Value::Object(obj).to_string();
    json_reply(StatusCode::OK, retcode, body)
}

/// A failure envelope: no `result` key at all.
pub(crate) fn failure(retcode: &str, message: &str) -> Response {
    envelope(retcode, message, None)
}

/// Adds `Set-GUID: JSESSIONID=<guid>` when the client should switch GUIDs.
pub(crate) fn with_set_guid(mut resp: Response, guid: Option<String>) -> Response {
    if let Some(g) = guid
        && let Ok(v) = HeaderValue::from_str(&format!("JSESSIONID={g}"))
    {
        resp.headers_mut().insert("set-guid", v);
    }
    resp
}

/// Parses a path agent ID: digits only, no leading zero, within 101..=`max`.
pub(crate) fn parse_agent(raw: &str, max: u32) -> Option<u32> {
    if raw.is_empty() || raw.len() > 7 || raw.starts_with('0') {
        return None;
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = raw.parse().ok()?;
    (101..=max).contains(&n).then_some(n)
}

/// The reply for an agent ID the gateway rejects.
pub(crate) fn bad_agent() -> Response {
    failure(
        "000-002",
        "The agent ID is invalid: it must be a number from 101 to 999999.",
    )
}

/// The `Guid` header's value (header names are case-insensitive).
pub(crate) fn guid_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("guid").and_then(|v| v.to_str().ok())
}

/// The reply for a failed authentication.
pub(crate) fn auth_failure(e: AuthError) -> Response {
    match e {
        AuthError::NotSignedIn => failure("100-006", "The agent has not signed in."),
        AuthError::BadGuid => failure(
            "000-003",
            "No permission to invoke the interface: the GUID is missing, wrong or expired.",
        ),
    }
}

/// The reply for a throttled query.
///
/// The gateway documents the per-agent limit (5 query requests per 2 s) but not what a
/// throttled request gets. The simulator answers like every other gateway refusal: HTTP 200
/// with `retcode "000-007"` ("interface invoked repeatedly") and no `result`. Throttled
/// requests do not count against the window.
pub(crate) fn throttled(limit: super::state::RateLimit) -> Response {
    failure(
        "000-007",
        &format!(
            "Too many requests: at most {} query requests per {} ms per agent.",
            limit.max,
            limit.window.as_millis()
        ),
    )
}

/// The checks every query interface starts with: agent ID (000-002), rate limit (000-007),
/// signed in (100-006), GUID (000-003). On success gives the agent and a GUID for `Set-GUID`;
/// on failure the finished reply (boxed: it is large and the success path is the hot one).
pub(crate) fn check_query(
    state: &SimState,
    raw_agent: &str,
    headers: &HeaderMap,
) -> Result<(u32, Option<String>), Box<Response>> {
    let agent =
        parse_agent(raw_agent, state.cfg.max_agent_id).ok_or_else(|| Box::new(bad_agent()))?;
    if !state.admit(agent) {
        return Err(Box::new(throttled(
            state.cfg.rate_limit.unwrap_or_default(),
        )));
    }
    let set_guid = state
        .authenticate(agent, guid_header(headers))
        .map_err(|e| Box::new(auth_failure(e)))?;
    Ok((agent, set_guid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_ids() {
        assert_eq!(parse_agent("101", 999_999), Some(101));
        assert_eq!(parse_agent("999999", 999_999), Some(999_999));
        assert_eq!(parse_agent("1000000", 999_999), None);
        assert_eq!(parse_agent("100", 999_999), None);
        assert_eq!(parse_agent("0101", 999_999), None);
        assert_eq!(parse_agent("+101", 999_999), None);
        assert_eq!(parse_agent("abc", 999_999), None);
        assert_eq!(parse_agent("60000", 59_999), None);
        assert_eq!(
            agent_in_path("/agentgateway/resource/calldata/1001/appdata"),
            Some(1001)
        );
    }
}
