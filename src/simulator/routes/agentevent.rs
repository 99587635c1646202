//! `GET agentevent/{id}`: the event long poll, which is also the heartbeat and the channel
//! through which a rotated GUID reaches the client (`Set-GUID`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{auth_failure, bad_agent, envelope, guid_header, parse_agent, with_set_guid};
use crate::simulator::state::SimState;

/// How often a held poll re-checks for events, rotation and sign-out.
const STEP: Duration = Duration::from_millis(50);

/// Ends the poll's heartbeat bookkeeping even when the client disconnects mid-hold.
struct PollGuard<'a> {
    state: &'a SimState,
    agent: u32,
}

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        self.state.poll_mark(self.agent, false);
    }
}

/// Holds up to `poll_hold`; answers at once with a queued event, and early (with
/// `Set-GUID`) when the GUID rotates during the hold so a short rotation never strands the
/// client with an expired GUID.
pub(crate) async fn poll(
    State(state): State<Arc<SimState>>,
    Path(raw_agent): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(agent) = parse_agent(&raw_agent, state.cfg.max_agent_id) else {
        return bad_agent();
    };
    let presented = guid_header(&headers).map(str::to_owned);
    if let Err(e) = state.authenticate(agent, presented.as_deref()) {
        return auth_failure(e);
    }
    state.poll_mark(agent, true);
    let _guard = PollGuard {
        state: &state,
        agent,
    };
    let deadline = Instant::now() + state.cfg.poll_hold;
    loop {
        let set_guid = match state.authenticate(agent, presented.as_deref()) {
            Ok(g) => g,
            Err(e) => return auth_failure(e),
        };
        if let Some(event) = state.take_event(agent) {
            return with_set_guid(envelope("0", "", Some(("event", event))), set_guid);
        }
        let now = Instant::now();
        if set_guid.is_some() || now >= deadline || state.cancel.is_cancelled() {
            return with_set_guid(envelope("0", "", None), set_guid);
        }
        let wait = STEP.min(deadline - now);
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.cancel.cancelled() => {}
        }
    }
}
