//! Agent sessions on the gateway: sign-in (`PUT onlineagent/{id}`, forced via `…/forcelogin`),
//! sign-out (`DELETE …/logout`) and the event long poll (`GET agentevent/{id}`), which is also
//! the heartbeat and the channel a rotated GUID arrives on. Everything goes through
//! [`GatewayClient::send`], so TLS, timeouts, the size cap and error wording are the query's.

use serde_json::Value;

use super::error::{GatewayError, ReplyError};
use super::{AgentId, GatewayClient, RawReply, declared_charset, excerpt};
use crate::secret::{Guid, Password};

/// The path prefix of every agent interface.
pub const PREFIX: &str = "/agentgateway/resource";

/// Whether a retcode means the session the GUID belonged to is gone: the GUID expired or is
/// unknown (000-003), the agent is not signed in (100-006), or disaster recovery asks for a new
/// sign-in (105-005…105-007).
pub fn is_session_lost(retcode: &str) -> bool {
    matches!(
        retcode,
        "000-003" | "100-006" | "105-005" | "105-006" | "105-007"
    )
}

/// Whether an error is the gateway saying the session is gone (see [`is_session_lost`]).
pub fn error_is_session_lost(e: &GatewayError) -> bool {
    matches!(e, GatewayError::Reply(ReplyError::Retcode { code, .. }) if is_session_lost(code))
}

/// Whether an error is 100-002: the agent is already signed in elsewhere.
pub fn error_is_conflict(e: &GatewayError) -> bool {
    matches!(e, GatewayError::Reply(ReplyError::Retcode { code, .. }) if code == "100-002")
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session GUID from `Set-GUID`.
    pub guid: Guid,
    /// The work number the gateway reports (normally the agent ID).
    pub workno: String,
    /// Days until the password expires, when the gateway says.
    pub password_days_left: Option<String>,
    /// Whether the gateway asks for a password change.
    pub must_change_password: bool,
}

/// What one event poll brought.
#[derive(Debug, Clone, Default)]
pub struct Polled {
    /// A rotated GUID (`Set-GUID`), to be used for every later request.
    pub set_guid: Option<Guid>,
    /// The event type, when an event came (`None` = the hold ran out without one).
    pub event_type: Option<String>,
}

/// A JSON envelope whose `result`/`event` may be any JSON value (not only call-data strings).
#[derive(Debug, Clone)]
pub struct JsonEnvelope {
    /// The retcode ("0" = success).
    pub retcode: String,
    /// The gateway's message.
    pub message: String,
    /// The whole body object (for `result`, `event`...).
    pub body: serde_json::Map<String, Value>,
}

/// Reads a reply as an envelope with an arbitrary `result`: HTTP status, declared charset,
/// JSON object with a retcode. A retcode other than "0" is an error.
pub fn json_envelope(reply: &RawReply) -> Result<JsonEnvelope, ReplyError> {
    if !(200..300).contains(&reply.status) {
        // `envelope` checks the status first, so this is its HTTP-status error with its hint.
        reply.envelope()?;
    }
    let enc = declared_charset(reply.content_type.as_deref()).unwrap_or(encoding_rs::UTF_8);
    let body = reply
        .body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&reply.body);
    let (text, _, had_errors) = enc.decode(body);
    if had_errors {
        return Err(ReplyError::Malformed {
            what: t!("reply.bad_charset", charset = enc.name()).into_owned(),
        });
    }
    let value: Value = serde_json::from_str(&text).map_err(|e| ReplyError::Malformed {
        what: t!("reply.not_json", error = e, start = excerpt(&text)).into_owned(),
    })?;
    let Value::Object(mut body) = value else {
        return Err(ReplyError::Malformed {
            what: t!("reply.not_object", start = excerpt(&text)).into_owned(),
        });
    };
    let retcode = match body.remove("retcode") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ReplyError::Malformed {
                what: t!("reply.no_retcode", start = excerpt(&text)).into_owned(),
            });
        }
    };
    let message = match body.remove("message") {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    if retcode != "0" {
        return Err(ReplyError::Retcode {
            code: retcode,
            message,
        });
    }
    Ok(JsonEnvelope {
        retcode,
        message,
        body,
    })
}

/// The sign-in body. The account is only used to read call data, so it signs in busy (no
/// calls are routed to it), without auto-answer and without the text-media server.
fn sign_in_body(password: &Password, phone: Option<&str>) -> Vec<u8> {
    let mut body = serde_json::json!({
        "password": password.expose(),
        "status": "3",
        "autoanswer": "false",
        "autoenteridle": "false",
        "checkInWebm": "false",
    });
    if let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) {
        body["phonenum"] = Value::from(phone);
    }
    body.to_string().into_bytes()
}

/// Signs `agent` in (forced: takes over a session signed in elsewhere). 100-002 comes back as
/// a retcode error ([`error_is_conflict`]); the password is only in the request body.
pub async fn sign_in(
    client: &GatewayClient,
    agent: AgentId,
    password: &Password,
    phone: Option<&str>,
    force: bool,
) -> Result<SignedIn, GatewayError> {
    let path = if force {
        format!("{PREFIX}/onlineagent/{agent}/forcelogin")
    } else {
        format!("{PREFIX}/onlineagent/{agent}")
    };
    let reply = client
        .send(
            reqwest::Method::PUT,
            &path,
            None,
            Some(sign_in_body(password, phone)),
        )
        .await?;
    let env = json_envelope(&reply)?;
    let guid = reply
        .set_guid
        .clone()
        .ok_or_else(|| ReplyError::Malformed {
            what: t!("session_engine.no_set_guid").into_owned(),
        })?;
    let result = env.body.get("result");
    let field = |k: &str| result.and_then(|r| r.get(k)).map(json_text);
    Ok(SignedIn {
        guid,
        workno: field("workno").unwrap_or_else(|| agent.to_string()),
        password_days_left: field("timeRemaining").filter(|s| !s.is_empty()),
        must_change_password: field("isForceChange").is_some_and(|s| s == "true"),
    })
}

/// Signs `agent` out; `false` when the gateway says it already was (100-008), which counts
/// as done.
pub async fn sign_out(
    client: &GatewayClient,
    agent: AgentId,
    guid: &Guid,
) -> Result<bool, GatewayError> {
    let path = format!("{PREFIX}/onlineagent/{agent}/logout");
    let reply = client
        .send(reqwest::Method::DELETE, &path, Some(guid), None)
        .await?;
    match json_envelope(&reply) {
        Ok(_) => Ok(true),
        Err(ReplyError::Retcode { code, .. }) if code == "100-008" => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// One event long poll: the gateway holds it (about 10 s) until an event or a GUID rotation.
/// The client's timeout must be longer than the hold.
pub async fn poll_events(
    client: &GatewayClient,
    agent: AgentId,
    guid: &Guid,
) -> Result<Polled, GatewayError> {
    let path = format!("{PREFIX}/agentevent/{agent}");
    let reply = client
        .send(reqwest::Method::GET, &path, Some(guid), None)
        .await?;
    let env = json_envelope(&reply)?;
    let event_type = env
        .body
        .get("event")
        .filter(|e| !e.is_null())
        .map(|e| e.get("eventType").map(json_text).unwrap_or_default());
    Ok(Polled {
        set_guid: reply.set_guid,
        event_type,
    })
}

/// A JSON scalar as text (the gateway sends numbers and booleans as strings or not).
pub(crate) fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> RawReply {
        RawReply {
            status,
            body: body.as_bytes().to_vec(),
            content_type: Some("application/json;charset=UTF-8".into()),
            set_guid: None,
            elapsed: std::time::Duration::ZERO,
            url: String::new(),
        }
    }

    #[test]
    fn envelopes_with_object_results_and_failures() {
        let env = json_envelope(&reply(200, r#"{"retcode":"0","result":{"a":1}}"#)).unwrap();
        assert_eq!(env.body["result"]["a"], 1);
        let e = json_envelope(&reply(200, r#"{"retcode":"100-006","message":"x"}"#)).unwrap_err();
        assert!(matches!(&e, ReplyError::Retcode { code, .. } if code == "100-006"));
        assert!(error_is_session_lost(&e.into()));
        let e = json_envelope(&reply(502, "<html>bad</html>")).unwrap_err();
        assert!(matches!(e, ReplyError::HttpStatus { status: 502, .. }));
        let e = json_envelope(&reply(200, "[1]")).unwrap_err();
        assert!(matches!(e, ReplyError::Malformed { .. }));
    }

    #[test]
    fn sign_in_body_carries_password_and_phone_only_when_given() {
        let v: Value =
            serde_json::from_slice(&sign_in_body(&Password::new("p w"), Some(" "))).unwrap();
        assert_eq!(v["password"], "p w");
        assert!(v.get("phonenum").is_none());
        assert_eq!(v["status"], "3");
        let v: Value =
            serde_json::from_slice(&sign_in_body(&Password::new(""), Some("6001"))).unwrap();
        assert_eq!(v["phonenum"], "6001");
    }

    #[test]
    fn lost_session_codes() {
        assert!(is_session_lost("000-003") && is_session_lost("100-006"));
        assert!(!is_session_lost("100-007") && !is_session_lost("0"));
    }
}
