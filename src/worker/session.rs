//! The session keeper: holds the live GUID per (host, port, agent), keeps signed-in sessions
//! alive by polling agent events, adopts every rotated GUID for all later requests, and
//! notices a lost session.
//!
//! Only sessions this worker signed in itself are polled and signed out. A pasted GUID belongs
//! to an agent's own desktop: the keeper never polls, signs in or out with it, and only adopts
//! `Set-GUID` from replies to the requests the user makes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::engine::Connection;
use super::{Ctx, Event, RequestId, prepare};
use crate::gateway::calls::{self, CallSummary, Listing};
use crate::gateway::session::{self as gw, error_is_conflict, error_is_session_lost};
use crate::gateway::{AgentId, GatewayError};
use crate::secret::{Guid, Password};

/// Where a session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// Signed in and kept alive by event polls.
    SignedIn,
    /// The gateway no longer knows the session; the message says why.
    Lost(String),
    /// Signed out (on request or on shutdown).
    SignedOut,
}

/// A session's state for the status line; pushed on every change and poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStatus {
    /// The profile the session belongs to, if any.
    pub profile: Option<String>,
    /// Agent ID.
    pub agent: String,
    /// Where the session stands.
    pub state: SessionState,
    /// Time since the GUID in use was issued (sign-in or last rotation).
    pub guid_age: Duration,
    /// When the last event poll answered.
    pub last_poll: Option<SystemTime>,
    /// GUID rotations adopted since sign-in.
    pub rotations: u32,
}

/// The gateway re-polls promptly after each answer (the interface asks for 200–500 ms).
const REPOLL_GAP: Duration = Duration::from_millis(200);
/// The poll is held about 10 s by the gateway; the read must outlast it.
const MIN_POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Longest pause between polls after transport failures (the gateway signs an agent out
/// after 2 minutes without polls, so retries stay well inside that).
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(5);
/// How long sign-out on shutdown may take in total.
pub const SHUTDOWN_SIGN_OUT: Duration = Duration::from_secs(3);
/// How many earlier GUIDs of a session are remembered (to tell a stale copy from a new paste).
const KNOWN_GUIDS: usize = 16;

/// Identifies a session: one agent on one gateway.
type Key = (String, u16, u32);

fn key(conn: &Connection, agent: AgentId) -> Key {
    (
        conn.host.trim().to_ascii_lowercase(),
        conn.port,
        agent.get(),
    )
}

/// One session the keeper knows.
struct Live {
    /// The GUID every request uses now.
    guid: Guid,
    /// GUIDs this session had before (the UI may still send one of them).
    known: Vec<Guid>,
    issued: Instant,
    /// Signed in by this worker (so polled and signed out by it).
    ours: bool,
    state: SessionState,
    profile: Option<String>,
    agent: String,
    last_poll: Option<SystemTime>,
    rotations: u32,
    /// Stops this session's poll loop.
    poller: Option<CancellationToken>,
    /// The connection used to sign out on shutdown.
    conn: Option<Connection>,
}

impl Live {
    fn status(&self) -> SessionStatus {
        SessionStatus {
            profile: self.profile.clone(),
            agent: self.agent.clone(),
            state: self.state.clone(),
            guid_age: self.issued.elapsed(),
            last_poll: self.last_poll,
            rotations: self.rotations,
        }
    }
}

/// The live GUIDs and the poll loops.
#[derive(Default)]
pub struct Keeper {
    sessions: Mutex<HashMap<Key, Live>>,
}

impl Keeper {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Live>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The GUID to send for `conn`: the session's latest when `conn` carries one this session
    /// already had (a stale copy), else the one given (a freshly pasted GUID starts over).
    pub fn guid_for(&self, conn: &Connection) -> Guid {
        let Ok(agent) = conn.agent_id() else {
            return conn.guid.clone();
        };
        let mut sessions = self.lock();
        match sessions.get_mut(&key(conn, agent)) {
            Some(live) if live.guid == conn.guid || live.known.contains(&conn.guid) => {
                live.guid.clone()
            }
            Some(live) if !live.ours || live.state != SessionState::SignedIn => {
                // A GUID the user pasted (or re-loaded) replaces what this entry held.
                live.known.clear();
                live.guid = conn.guid.clone();
                live.issued = Instant::now();
                conn.guid.clone()
            }
            // A signed-in session's GUID wins over anything older the UI may still hold.
            Some(live) => live.guid.clone(),
            None => {
                sessions.insert(
                    key(conn, agent),
                    Live {
                        guid: conn.guid.clone(),
                        known: Vec::new(),
                        issued: Instant::now(),
                        ours: false,
                        state: SessionState::SignedOut,
                        profile: conn.profile.clone(),
                        agent: conn.agent.trim().to_owned(),
                        last_poll: None,
                        rotations: 0,
                        poller: None,
                        conn: None,
                    },
                );
                conn.guid.clone()
            }
        }
    }

    /// Takes `new` as the GUID for all later requests of `conn`'s session; returns the
    /// session's status when it is one this worker signed in.
    fn adopt(&self, conn: &Connection, new: Guid) -> Option<SessionStatus> {
        let agent = conn.agent_id().ok()?;
        let mut sessions = self.lock();
        let live = sessions.get_mut(&key(conn, agent))?;
        if live.guid == new {
            return None;
        }
        let old = std::mem::replace(&mut live.guid, new);
        live.known.push(old);
        if live.known.len() > KNOWN_GUIDS {
            live.known.remove(0);
        }
        live.issued = Instant::now();
        live.rotations += 1;
        live.ours.then(|| live.status())
    }

    /// Marks a signed-in session lost (stopping its poller); the status when it changed.
    fn mark_lost(&self, conn: &Connection, why: String) -> Option<SessionStatus> {
        let agent = conn.agent_id().ok()?;
        let mut sessions = self.lock();
        let live = sessions.get_mut(&key(conn, agent))?;
        if !live.ours || live.state != SessionState::SignedIn {
            return None;
        }
        live.state = SessionState::Lost(why);
        if let Some(t) = live.poller.take() {
            t.cancel();
        }
        Some(live.status())
    }
}

/// Adopts a `Set-GUID` from any reply: tells the UI (it stores the GUID under the profile)
/// and pushes the session status.
pub(super) fn adopt(ctx: &Ctx, conn: &Connection, guid: Guid) {
    if conn.agent_id().is_ok() {
        // Make sure the session is known so the rotation sticks for later requests.
        ctx.keeper.guid_for(conn);
    }
    let status = ctx.keeper.adopt(conn, guid.clone());
    ctx.emit(Event::GuidRotated {
        profile: conn.profile.clone(),
        guid,
    });
    if let Some(s) = status {
        ctx.emit(Event::Session(s));
    }
}

/// Notes the outcome of a request made with `conn`: a lost-session retcode ends a signed-in
/// session (the poll loop stops and the UI offers to sign in again).
pub(super) fn note_retcode(ctx: &Ctx, conn: &Connection, retcode: Option<&str>, message: &str) {
    if retcode.is_some_and(gw::is_session_lost)
        && let Some(s) = ctx.keeper.mark_lost(conn, message.to_owned())
    {
        ctx.emit(Event::Session(s));
    }
}

/// Waits for a free slot under the per-agent limit, telling the UI when the request has to wait.
pub(super) async fn wait_turn(ctx: &Ctx, id: RequestId, agent: AgentId) {
    let wait = ctx.clients.reserve_turn(agent);
    if !wait.is_zero() {
        ctx.emit(Event::Waiting { id, until: wait });
        tokio::time::sleep(wait).await;
    }
}

fn message(e: &GatewayError) -> String {
    prepare::gui_message(&e.to_string())
}

/// Signs in, then starts the poll loop. The password is dropped when this returns.
pub(super) async fn sign_in(
    ctx: Arc<Ctx>,
    id: RequestId,
    conn: Connection,
    password: Password,
    phone: Option<String>,
    force: bool,
) {
    let failed = |message: String| Event::SignInFailed { id, message };
    let agent = match conn.agent_id() {
        Ok(a) => a,
        Err(e) => return ctx.emit(failed(e)),
    };
    let client = match ctx.clients.get(&conn) {
        Ok(c) => c,
        Err(e) => return ctx.emit(failed(e)),
    };
    let signed = gw::sign_in(&client, agent, &password, phone.as_deref(), force).await;
    drop(password);
    let signed = match signed {
        Ok(s) => s,
        Err(e) if error_is_conflict(&e) => return ctx.emit(Event::SignInConflict { id }),
        Err(e) => return ctx.emit(failed(message(&e))),
    };
    let token = CancellationToken::new();
    let status = {
        let mut sessions = ctx.keeper.lock();
        let live = Live {
            guid: signed.guid.clone(),
            known: Vec::new(),
            issued: Instant::now(),
            ours: true,
            state: SessionState::SignedIn,
            profile: conn.profile.clone(),
            agent: conn.agent.trim().to_owned(),
            last_poll: None,
            rotations: 0,
            poller: Some(token.clone()),
            conn: Some(conn.clone()),
        };
        let status = live.status();
        if let Some(old) = sessions.insert(key(&conn, agent), live)
            && let Some(t) = old.poller
        {
            t.cancel();
        }
        status
    };
    ctx.emit(Event::SignedIn {
        id,
        profile: conn.profile.clone(),
        guid: signed.guid,
    });
    ctx.emit(Event::Session(status));
    tokio::spawn(poll_loop(ctx, conn, agent, token));
}

/// Polls agent events while the session is signed in: the heartbeat that keeps it alive and
/// the channel rotated GUIDs arrive on.
async fn poll_loop(ctx: Arc<Ctx>, conn: Connection, agent: AgentId, token: CancellationToken) {
    let mut poll_conn = conn.clone();
    poll_conn.timeout = poll_conn.timeout.max(MIN_POLL_TIMEOUT);
    let mut failures: u32 = 0;
    loop {
        let guid = {
            let sessions = ctx.keeper.lock();
            match sessions.get(&key(&conn, agent)) {
                Some(l) if l.state == SessionState::SignedIn && !token.is_cancelled() => {
                    l.guid.clone()
                }
                _ => return,
            }
        };
        let client = match ctx.clients.get(&poll_conn) {
            Ok(c) => c,
            Err(e) => {
                if let Some(s) = ctx.keeper.mark_lost(&conn, e) {
                    ctx.emit(Event::Session(s));
                }
                return;
            }
        };
        let polled = tokio::select! {
            _ = token.cancelled() => return,
            r = gw::poll_events(&client, agent, &guid) => r,
        };
        let pause = match polled {
            Ok(p) => {
                failures = 0;
                if let Some(new) = p.set_guid {
                    adopt(&ctx, &conn, new);
                }
                let status = {
                    let mut sessions = ctx.keeper.lock();
                    sessions.get_mut(&key(&conn, agent)).map(|l| {
                        l.last_poll = Some(SystemTime::now());
                        l.status()
                    })
                };
                if let Some(s) = status {
                    ctx.emit(Event::Session(s));
                }
                REPOLL_GAP
            }
            Err(e) if error_is_session_lost(&e) => {
                if let Some(s) = ctx.keeper.mark_lost(&conn, message(&e)) {
                    ctx.emit(Event::Session(s));
                }
                return;
            }
            Err(e) => {
                // A network hiccup: keep trying; the gateway itself decides when the session
                // is gone, and the next answer will say so.
                failures += 1;
                tracing::warn!(agent = agent.get(), failures, "event poll failed: {e}");
                (REPOLL_GAP * 2u32.saturating_pow(failures.min(5))).min(MAX_POLL_BACKOFF)
            }
        };
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

/// Signs out and stops polling. Uses the session's live GUID when the keeper has one.
pub(super) async fn sign_out(ctx: Arc<Ctx>, id: RequestId, conn: Connection) {
    let result = sign_out_inner(&ctx, &conn).await;
    ctx.emit(Event::SignedOut { id, result });
}

async fn sign_out_inner(ctx: &Ctx, conn: &Connection) -> Result<(), String> {
    let agent = conn.agent_id()?;
    let guid = ctx.keeper.guid_for(conn);
    let status = {
        let mut sessions = ctx.keeper.lock();
        sessions.get_mut(&key(conn, agent)).map(|l| {
            if let Some(t) = l.poller.take() {
                t.cancel();
            }
            l.state = SessionState::SignedOut;
            l.ours = false;
            l.status()
        })
    };
    if let Some(s) = status {
        ctx.emit(Event::Session(s));
    }
    let client = ctx.clients.get(conn)?;
    gw::sign_out(&client, agent, &guid)
        .await
        .map(|_| ())
        .map_err(|e| message(&e))
}

/// Signs out every session this worker signed in (worker shutdown), within `limit` in total.
pub(super) async fn sign_out_all(ctx: &Ctx, limit: Duration) {
    let ours: Vec<(Connection, AgentId, Guid)> = {
        let mut sessions = ctx.keeper.lock();
        sessions
            .values_mut()
            .filter(|l| l.ours && l.state == SessionState::SignedIn)
            .filter_map(|l| {
                if let Some(t) = l.poller.take() {
                    t.cancel();
                }
                l.state = SessionState::SignedOut;
                let conn = l.conn.clone()?;
                let agent = conn.agent_id().ok()?;
                Some((conn, agent, l.guid.clone()))
            })
            .collect()
    };
    let all = ours.into_iter().map(|(conn, agent, guid)| async move {
        if let Ok(client) = ctx.clients.get(&conn)
            && let Err(e) = gw::sign_out(&client, agent, &guid).await
        {
            tracing::warn!(agent = agent.get(), "sign-out on exit failed: {e}");
        }
    });
    let _ = tokio::time::timeout(limit, futures_join_all(all)).await;
}

/// Runs futures concurrently and waits for all (no extra dependency for a handful of them).
async fn futures_join_all<F: std::future::Future<Output = ()>>(futs: impl Iterator<Item = F>) {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    for f in set {
        f.await;
    }
}

/// Lists calls: the agent's own (current + held, two paced requests) or another agent's.
pub(super) async fn list_calls(
    ctx: Arc<Ctx>,
    id: RequestId,
    conn: Connection,
    workno: Option<String>,
) {
    let result = list_calls_inner(&ctx, id, &conn, workno).await;
    ctx.emit(Event::CallsListed { id, result });
}

async fn list_calls_inner(
    ctx: &Ctx,
    id: RequestId,
    conn: &Connection,
    workno: Option<String>,
) -> Result<Vec<CallSummary>, String> {
    let agent = conn.agent_id()?;
    let listings = match workno.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => vec![Listing::Current, Listing::Held],
        Some(w) => {
            let other = w.parse::<AgentId>().map_err(|e| {
                prepare::sentence(&t!("session_engine.bad_workno", reason = e.to_string()))
            })?;
            vec![Listing::OfAgent(other)]
        }
    };
    let client = ctx.clients.get(conn)?;
    let mut out: Vec<CallSummary> = Vec::new();
    for which in listings {
        wait_turn(ctx, id, agent).await;
        let guid = ctx.keeper.guid_for(conn);
        match calls::list(&client, agent, &guid, which).await {
            Ok(listed) => {
                if let Some(new) = listed.set_guid {
                    adopt(ctx, conn, new);
                }
                calls::merge(&mut out, listed.calls);
            }
            Err(e) => {
                let msg = message(&e);
                if let GatewayError::Reply(crate::gateway::ReplyError::Retcode { code, .. }) = &e {
                    note_retcode(ctx, conn, Some(code), &msg);
                }
                return Err(msg);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(guid: &str) -> Connection {
        let mut c = crate::worker::engine::tests::conn(8043, 5);
        c.guid = Guid::new(guid).unwrap();
        c
    }

    #[test]
    fn stale_copies_get_the_live_guid_and_a_fresh_paste_starts_over() {
        let k = Keeper::default();
        assert_eq!(k.guid_for(&conn("a")).expose(), "a");
        // A pasted session: adopting is silent (no status) but sticks for later requests.
        assert!(k.adopt(&conn("a"), Guid::new("b").unwrap()).is_none());
        assert_eq!(k.guid_for(&conn("a")).expose(), "b");
        assert_eq!(k.guid_for(&conn("b")).expose(), "b");
        // The user pastes a GUID this session never had: it replaces the adopted one.
        assert_eq!(k.guid_for(&conn("z")).expose(), "z");
        assert_eq!(k.guid_for(&conn("a")).expose(), "a");
        // Another port is another session.
        let mut other = conn("q");
        other.port = 9443;
        assert_eq!(k.guid_for(&other).expose(), "q");
        assert_eq!(k.guid_for(&conn("z")).expose(), "z");
        // Only sessions signed in here are ever marked lost.
        assert!(k.mark_lost(&conn("z"), "gone".into()).is_none());
    }
}
