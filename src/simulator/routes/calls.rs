//! Call listings: `callinfo`, `callinfobycallid/{callid}`, `holdlist`, `allcallinfoEx/{workno}`.
//!
//! Only the demo agent has calls: its current call is `CALL_CURRENT`, two calls are held,
//! and `allcallinfoEx/{DEMO_AGENT}` lists every call of the data set. An agent that is not in
//! a call gets 100-007 from `callinfo` (the gateway's generic failure; no "no call" code is
//! documented).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::{bad_agent, check_query, envelope, failure, parse_agent, with_set_guid};
use crate::simulator::data::{
    CALL_16K, CALL_CURRENT, CALL_JSON, CALL_ODD_ID, CALL_ZH_UTF8, DEMO_AGENT, DEMO_CALLS,
    expected_plain_text,
};
use crate::simulator::state::SimState;

/// Calls the demo agent holds (`holdlist`).
pub const HELD_CALLS: [&str; 2] = [CALL_JSON, CALL_ZH_UTF8];

/// The §6.2 call-info object of a data-set call, with times relative to the simulator start.
pub(crate) fn call_info(call_id: &str, started_ms: u64) -> Option<Value> {
    let index = DEMO_CALLS.iter().position(|(id, _)| *id == call_id)?;
    let i = index as u64;
    let (skill, skill_id) = match index % 3 {
        0 => ("voice", 20011),
        1 => ("billing", 20012),
        _ => ("after-sales", 20013),
    };
    let (skill, skill_id, media_type, media_ability) = if call_id == CALL_ODD_ID {
        ("wechat", 30001, 53, 5)
    } else {
        (skill, skill_id, 5, 1)
    };
    let callfeature = if call_id == CALL_16K { 7 } else { 0 };
    let begin = started_ms.saturating_sub((i + 1) * 97_000);
    // Real call-info objects carry the call data too; large payloads are left out here so a
    // listing stays small (the inspector fetches them through appdata).
    let calldata = expected_plain_text(call_id)
        .filter(|t| t.len() <= 1024)
        .unwrap_or_default();
    Some(json!({
        "callfeature": callfeature,
        "callid": call_id,
        "caller": format!("1380013{:04}", 8000 + i),
        "called": "4008001000",
        "callskill": skill,
        "callskillid": skill_id,
        "orgicallednum": "4008001000",
        "calldata": calldata,
        "begintime": begin,
        "endtime": Value::Null,
        "userPriority": if index % 4 == 0 { 1 } else { 0 },
        "trunkNo": 65535,
        "logontimes": (i + 1) * 97,
        "mediaType": media_type,
        "mediaAbility": media_ability,
        "waitTime": 5 + i * 3,
        "trace": Value::Null,
    }))
}

fn no_call() -> Response {
    failure(
        "100-007",
        "An exception occurred during the agent's operation: the agent is not in a call.",
    )
}

/// The agent's current call.
pub(crate) async fn callinfo(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (agent, set_guid) = match check_query(&state, &raw_agent, &headers) {
        Ok(ok) => ok,
        Err(r) => return *r,
    };
    let resp = match (agent == DEMO_AGENT)
        .then(|| call_info(CALL_CURRENT, state.started_ms))
        .flatten()
    {
        Some(info) => envelope("0", "", Some(("result", info))),
        None => no_call(),
    };
    with_set_guid(resp, set_guid)
}

/// One call by ID (any call of the data set).
pub(crate) async fn callinfo_by_callid(
    State(state): State<Arc<SimState>>,
    Path((raw_agent, call_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (_agent, set_guid) = match check_query(&state, &raw_agent, &headers) {
        Ok(ok) => ok,
        Err(r) => return *r,
    };
    let resp = match call_info(&call_id, state.started_ms) {
        Some(info) => envelope("0", "", Some(("result", info))),
        None => failure(
            "100-007",
            "An exception occurred during the agent's operation: the call does not exist.",
        ),
    };
    with_set_guid(resp, set_guid)
}

/// The agent's held calls (an empty list when it holds none).
pub(crate) async fn holdlist(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (agent, set_guid) = match check_query(&state, &raw_agent, &headers) {
        Ok(ok) => ok,
        Err(r) => return *r,
    };
    let list: Vec<Value> = if agent == DEMO_AGENT {
        HELD_CALLS
            .iter()
            .filter_map(|id| call_info(id, state.started_ms))
            .collect()
    } else {
        Vec::new()
    };
    with_set_guid(
        envelope("0", "", Some(("result", Value::from(list)))),
        set_guid,
    )
}

/// Call IDs of agent `workno` (same VDN), as the documented array of strings.
pub(crate) async fn allcallinfo_ex(
    State(state): State<Arc<SimState>>,
    Path((raw_agent, raw_workno)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (_agent, set_guid) = match check_query(&state, &raw_agent, &headers) {
        Ok(ok) => ok,
        Err(r) => return *r,
    };
    let Some(workno) = parse_agent(&raw_workno, state.cfg.max_agent_id) else {
        return with_set_guid(bad_agent(), set_guid);
    };
    let resp = if !state.signed_in_agents().contains(&workno) {
        // Not 100-006: that would tell the client its *own* session is gone.
        failure(
            "100-007",
            &format!(
                "An exception occurred during the agent's operation: agent {workno} is not signed in."
            ),
        )
    } else {
        let ids: Vec<Value> = if workno == DEMO_AGENT {
            DEMO_CALLS.iter().map(|(id, _)| Value::from(*id)).collect()
        } else {
            Vec::new()
        };
        envelope("0", "", Some(("result", Value::from(ids))))
    };
    with_set_guid(resp, set_guid)
}
