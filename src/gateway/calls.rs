//! Call listings from the gateway: the agent's own calls (`callinfo`), its held calls
//! (`holdlist`) and another agent's calls by work number (`allcallinfoEx/{workno}`).

/// One call as the gateway describes it; fields the gateway leaves out stay empty/None.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CallSummary {
    /// The call ID, used to query the call's data.
    pub call_id: String,
    /// Calling number.
    pub caller: String,
    /// Called number.
    pub called: String,
    /// Skill (queue) name or ID.
    pub skill: String,
    /// Media type as the gateway names it (voice, video, text chat...).
    pub media_type: String,
    /// When the call started, as the gateway gave it (epoch ms rendered, or its own text).
    pub start_time: Option<String>,
    /// Call duration in seconds, when the gateway gives it or a start time allows it.
    pub duration: Option<u64>,
    /// Whether the call is on hold (it came from `holdlist`).
    pub held: bool,
    /// The agent (work number) the call belongs to.
    pub workno: String,
}

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::error::{GatewayError, ReplyError};
use super::session::{PREFIX, json_envelope, json_text};
use super::{AgentId, GatewayClient};
use crate::secret::Guid;

/// Which listing to fetch; each is one rate-limited request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The agent's current call (`callinfo`).
    Current,
    /// The agent's held calls (`holdlist`).
    Held,
    /// Calls of agent `workno` in the same VDN (`allcallinfoEx/{workno}`).
    OfAgent(AgentId),
}

/// The calls one listing request found, and a rotated GUID if the reply carried one.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    /// The calls, in the gateway's order.
    pub calls: Vec<CallSummary>,
    /// `Set-GUID` of the reply.
    pub set_guid: Option<Guid>,
}

/// Fetches one listing. An agent without a current call gets 100-007 from `callinfo` on the
/// gateways we know (no "no call" code is documented), which is read as "no call".
pub async fn list(
    client: &GatewayClient,
    agent: AgentId,
    guid: &Guid,
    which: Listing,
) -> Result<Listed, GatewayError> {
    let path = match which {
        Listing::Current => format!("{PREFIX}/calldata/{agent}/callinfo?isNoContainLastCall=true"),
        Listing::Held => format!("{PREFIX}/calldata/{agent}/holdlist"),
        Listing::OfAgent(w) => format!("{PREFIX}/calldata/{agent}/allcallinfoEx/{w}"),
    };
    let reply = client
        .send(reqwest::Method::GET, &path, Some(guid), None)
        .await?;
    let set_guid = reply.set_guid.clone();
    let env = match json_envelope(&reply) {
        Ok(env) => env,
        Err(ReplyError::Retcode { code, .. }) if code == "100-007" && which == Listing::Current => {
            return Ok(Listed {
                calls: Vec::new(),
                set_guid,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let workno = match which {
        Listing::OfAgent(w) => w.to_string(),
        _ => agent.to_string(),
    };
    let now = SystemTime::now();
    let calls = parse_calls(
        env.body.get("result").unwrap_or(&Value::Null),
        which == Listing::Held,
        &workno,
        now,
    );
    Ok(Listed { calls, set_guid })
}

/// Adds calls not listed yet; a call that is also held is marked held.
pub fn merge(out: &mut Vec<CallSummary>, more: Vec<CallSummary>) {
    for c in more {
        match out.iter_mut().find(|o| o.call_id == c.call_id) {
            Some(o) => o.held |= c.held,
            None => out.push(c),
        }
    }
}

/// Reads a `result` tolerantly: an object, an array of objects or of call-ID strings, or null;
/// numbers may be strings and fields may be missing. Elements without a call ID are skipped.
pub fn parse_calls(result: &Value, held: bool, workno: &str, now: SystemTime) -> Vec<CallSummary> {
    let items: Vec<&Value> = match result {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(|v| parse_call(v, held, workno, now))
        .collect()
}

fn parse_call(v: &Value, held: bool, workno: &str, now: SystemTime) -> Option<CallSummary> {
    let base = CallSummary {
        held,
        workno: workno.to_owned(),
        ..CallSummary::default()
    };
    let obj = match v {
        Value::String(id) => {
            let id = id.trim();
            return (!id.is_empty()).then(|| CallSummary {
                call_id: id.to_owned(),
                ..base
            });
        }
        Value::Object(o) => o,
        _ => return None,
    };
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| obj.get(*k).map(json_text).filter(|s| !s.is_empty()))
            .unwrap_or_default()
    };
    let number = |k: &str| -> Option<u64> {
        match obj.get(k)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let call_id = text(&["callid", "callId", "callID"]);
    if call_id.is_empty() {
        return None;
    }
    let begin = number("begintime").filter(|ms| *ms > 0);
    let end = number("endtime").filter(|ms| *ms > 0);
    let duration = match (begin, end) {
        (Some(b), Some(e)) => Some(e.saturating_sub(b) / 1000),
        (Some(b), None) => {
            let now_ms = now
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            Some(now_ms.saturating_sub(b) / 1000)
        }
        _ => number("logontimes"),
    };
    let skill = match (text(&["callskill"]), text(&["callskillid"])) {
        (name, id) if !name.is_empty() && !id.is_empty() => format!("{name} ({id})"),
        (name, id) if name.is_empty() => id,
        (name, _) => name,
    };
    Some(CallSummary {
        call_id,
        caller: text(&["caller", "callerNo"]),
        called: text(&["called", "calledNo"]),
        skill,
        media_type: number("mediaType").map_or_else(
            || text(&["mediaType"]),
            |code| format!("{} ({code})", media_name(code)),
        ),
        start_time: begin.map(utc_text),
        duration,
        ..base
    })
}

/// The gateway's media-type numbers (API reference §6.4) in words.
pub fn media_name(code: u64) -> String {
    let key = match code {
        1 => "text_chat",
        2 => "click_to_dial",
        4 => "callback",
        5 => "voice",
        15 => "predictive",
        16 => "preview",
        17 => "message",
        19 => "video",
        50 => "email",
        51 => "web_chat",
        52 => "sms",
        53 => "social",
        56 => "wechat",
        _ => "other",
    };
    t!(format!("session_engine.media_{key}")).into_owned()
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM:SS UTC` (no time-zone database is bundled, and UTC
/// reads the same on the gateway's logs).
pub fn utc_text(ms: u64) -> String {
    let t = i64::try_from(ms / 1000)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn call_info_objects_strings_and_gaps() {
        let now = UNIX_EPOCH + Duration::from_millis(1_476_707_944_000);
        let v = json!({"callfeature":0,"callid":"1476707884-279","caller":70004,"called":"60015",
            "callskill":"voice","callskillid":1,"begintime":1476707884000u64,"endtime":null,"mediaType":5});
        let calls = parse_calls(&v, false, "1001", now);
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!((c.caller.as_str(), c.called.as_str()), ("70004", "60015"));
        assert_eq!(c.skill, "voice (1)");
        assert_eq!(c.duration, Some(60));
        assert_eq!(c.start_time.as_deref(), Some("2016-10-17 12:38:04 UTC"));
        assert!(c.media_type.ends_with("(5)"), "{}", c.media_type);
        // allcallinfoEx: bare call IDs; junk elements are skipped, not fatal.
        let calls = parse_calls(&json!(["a-1", "", 7, {"caller": "x"}]), true, "1002", now);
        assert_eq!(calls.len(), 1);
        assert_eq!((calls[0].call_id.as_str(), calls[0].held), ("a-1", true));
        assert_eq!(calls[0].workno, "1002");
        assert!(parse_calls(&Value::Null, false, "1", now).is_empty());
        // Sparse object (callinfobycallid sample): what is missing stays empty.
        let c = &parse_calls(&json!({"callid":"x","callfeature":7}), false, "1", now)[0];
        assert_eq!(
            (c.caller.as_str(), c.start_time.clone(), c.duration),
            ("", None, None)
        );
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_text(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
