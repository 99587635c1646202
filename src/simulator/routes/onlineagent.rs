//! `PUT onlineagent/{id}` (sign-in, also `loginex`), `PUT …/forcelogin`, `DELETE …/logout`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{bad_agent, envelope, failure, guid_header, parse_agent, with_set_guid};
use crate::simulator::state::{AuthError, SignInError, SimState};

/// Plain sign-in: 100-002 when the agent is already signed in.
pub(crate) async fn login(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    body: Bytes,
) -> Response {
    sign_in(&state, &raw_agent, &body, false)
}

/// Forced sign-in: takes over an existing session (its GUIDs stop working).
pub(crate) async fn force_login(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    body: Bytes,
) -> Response {
    sign_in(&state, &raw_agent, &body, true)
}

fn sign_in(state: &SimState, raw_agent: &str, body: &[u8], force: bool) -> Response {
    let Some(agent) = parse_agent(raw_agent, state.cfg.max_agent_id) else {
        return bad_agent();
    };
    let password = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("password")
                .and_then(|p| p.as_str())
                .map(str::to_owned)
        });
    let Some(password) = password else {
        return failure(
            "100-001",
            "The sign-in parameters are empty or invalid: send a JSON body with \"password\".",
        );
    };
    match state.sign_in(agent, &password, force) {
        Ok((guid, login_ms)) => {
            let result = serde_json::json!({
                "vdnid": 1,
                "workno": agent.to_string(),
                "mediatype": "TFF",
                "loginTime": login_ms.to_string(),
                "isForceChange": "false",
                "serverName": "AgentGateway",
                "timeRemaining": "89",
            });
            with_set_guid(envelope("0", "", Some(("result", result))), Some(guid))
        }
        Err(SignInError::BadPassword) => failure("100-004", "The user name or password is wrong."),
        Err(SignInError::AlreadySignedIn) => failure("100-002", "The agent has already signed in."),
    }
}

/// Sign-out of the agent whose GUID is presented.
pub(crate) async fn logout(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(agent) = parse_agent(&raw_agent, state.cfg.max_agent_id) else {
        return bad_agent();
    };
    match state.authenticate(agent, guid_header(&headers)) {
        Ok(_) => {
            state.sign_out(agent);
            envelope("0", "", None)
        }
        Err(AuthError::NotSignedIn) => failure("100-008", "The agent has already signed out."),
        Err(e) => super::auth_failure(e),
    }
}
