//! The simulator's mutable state: accounts, sessions and their GUIDs, the request log and the
//! per-agent rate limiter. Time-driven rules (GUID rotation and expiry, sign-out after missed
//! polls) are applied lazily whenever the state is touched, so no background timers exist.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::SimConfig;
use super::data::{
    DEMO_AGENT, DEMO_PASSWORD, OFFLINE_AGENT, OFFLINE_PASSWORD, SUPERVISOR_AGENT,
    SUPERVISOR_PASSWORD,
};

/// One request as the simulator saw it. Never holds the GUID value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Path and query string as received (percent-encoding kept).
    pub path: String,
    /// Agent ID from the path, when it parses as a number.
    pub agent: Option<u32>,
    /// Wall-clock arrival time.
    pub time: SystemTime,
    /// Monotonic arrival time, for rate computations in tests.
    pub at: Instant,
    /// Whether a `Guid` header (any case) was present.
    pub had_guid: bool,
    /// HTTP status of the reply; `None` while the request is still being answered.
    pub status: Option<u16>,
    /// The envelope retcode of the reply, when it had one.
    pub retcode: Option<String>,
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthError {
    /// 100-006.
    NotSignedIn,
    /// 000-003.
    BadGuid,
}

/// Why a sign-in failed, as a retcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInError {
    /// 100-004: wrong user name or password.
    BadPassword,
    /// 100-002: already signed in (plain sign-in only).
    AlreadySignedIn,
}

struct IssuedGuid {
    value: String,
    issued: Instant,
}

struct Session {
    /// Oldest first; the last one is current.
    guids: Vec<IssuedGuid>,
    /// Signed in through the API: subject to sign-out after missed polls.
    via_api: bool,
    last_poll: Instant,
    active_polls: usize,
    events: VecDeque<serde_json::Value>,
}

impl Session {
    fn current(&self) -> &str {
        self.guids.last().map(|g| g.value.as_str()).unwrap_or("")
    }
}

struct Inner {
    passwords: HashMap<u32, &'static str>,
    sessions: HashMap<u32, Session>,
    log: VecDeque<(u64, LoggedRequest)>,
    next_seq: u64,
    rate: HashMap<u32, VecDeque<Instant>>,
}

/// Keeps the log bounded for a long-running `simulate`.
const LOG_CAP: usize = 20_000;

/// Shared state behind every route.
pub(crate) struct SimState {
    pub(crate) cfg: SimConfig,
    /// Cancelled on shutdown so held long polls and slow replies end at once.
    pub(crate) cancel: CancellationToken,
    /// Epoch ms when the simulator started (call begin times are relative to it).
    pub(crate) started_ms: u64,
    inner: Mutex<Inner>,
}

/// A fresh GUID in the gateway's format `<uuid>.AgentGateway0`.
fn new_guid() -> String {
    format!("{}.AgentGateway0", uuid::Uuid::new_v4())
}

pub(crate) fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl SimState {
    /// State with the demo agent signed in (not via the API, so it is never signed out for
    /// missed polls unless `demo_requires_polls`).
    pub(crate) fn new(cfg: SimConfig) -> Self {
        let now = Instant::now();
        let passwords = HashMap::from([
            (DEMO_AGENT, DEMO_PASSWORD),
            (SUPERVISOR_AGENT, SUPERVISOR_PASSWORD),
            (OFFLINE_AGENT, OFFLINE_PASSWORD),
        ]);
        let mut sessions = HashMap::new();
        let started_ms = epoch_ms(SystemTime::now());
        sessions.insert(
            DEMO_AGENT,
            Session {
                guids: vec![IssuedGuid {
                    value: new_guid(),
                    issued: now,
                }],
                via_api: cfg.demo_requires_polls,
                last_poll: now,
                active_polls: 0,
                events: VecDeque::new(),
            },
        );
        Self {
            cfg,
            cancel: CancellationToken::new(),
            started_ms,
            inner: Mutex::new(Inner {
                passwords,
                sessions,
                log: VecDeque::new(),
                next_seq: 0,
                rate: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the whole simulator down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies the time-driven rules: GUID rotation, GUID expiry, missed-poll sign-out.
    fn housekeeping(&self, inner: &mut Inner, now: Instant) {
        let missed = self.cfg.missed_poll_timeout;
        inner.sessions.retain(|_, s| {
            !(s.via_api && s.active_polls == 0 && now.duration_since(s.last_poll) > missed)
        });
        if let Some(interval) = self.cfg.guid_rotation {
            let timeout = self.cfg.guid_timeout;
            for s in inner.sessions.values_mut() {
                let due = s
                    .guids
                    .last()
                    .is_none_or(|g| now.duration_since(g.issued) >= interval);
                if due {
                    s.guids.push(IssuedGuid {
                        value: new_guid(),
                        issued: now,
                    });
                }
                // The current GUID always stays; older ones live until their timeout.
                let last = s.guids.len() - 1;
                let mut i = 0;
                s.guids.retain(|g| {
                    let keep = i == last || now.duration_since(g.issued) < timeout;
                    i += 1;
                    keep
                });
            }
        }
    }

    /// Checks that `agent` is signed in (100-006 first) and that `presented` is one of its
    /// valid GUIDs (000-003). On success returns the current GUID when it differs from the
    /// presented one, for a `Set-GUID` header.
    pub(crate) fn authenticate(
        &self,
        agent: u32,
        presented: Option<&str>,
    ) -> Result<Option<String>, AuthError> {
        let now = Instant::now();
        let mut inner = self.lock();
        self.housekeeping(&mut inner, now);
        let session = inner.sessions.get(&agent).ok_or(AuthError::NotSignedIn)?;
        let presented = presented.ok_or(AuthError::BadGuid)?;
        let timeout = self.cfg.guid_timeout;
        let dynamic = self.cfg.guid_rotation.is_some();
        let last = session.guids.len().saturating_sub(1);
        let valid = session.guids.iter().enumerate().any(|(i, g)| {
            g.value == presented
                && (!dynamic || i == last || now.duration_since(g.issued) < timeout)
        });
        // A dynamic GUID that nobody refreshed expires too, even if it is still the latest.
        let expired_current = dynamic
            && session.current() == presented
            && session
                .guids
                .last()
                .is_some_and(|g| now.duration_since(g.issued) >= timeout);
        if !valid || expired_current {
            return Err(AuthError::BadGuid);
        }
        let current = session.current();
        Ok((current != presented).then(|| current.to_owned()))
    }

    /// Counts a query request against `agent`'s rate limit; false = throttle it.
    pub(crate) fn admit(&self, agent: u32) -> bool {
        let Some(limit) = self.cfg.rate_limit else {
            return true;
        };
        let now = Instant::now();
        let mut inner = self.lock();
        let q = inner.rate.entry(agent).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            q.pop_front();
        }
        if q.len() >= limit.max {
            return false;
        }
        q.push_back(now);
        true
    }

    /// Signs `agent` in with `password`; `force` takes over an existing session (whose GUIDs
    /// stop working). Returns the new GUID and the login time (epoch ms).
    pub(crate) fn sign_in(
        &self,
        agent: u32,
        password: &str,
        force: bool,
    ) -> Result<(String, u64), SignInError> {
        let now = Instant::now();
        let mut inner = self.lock();
        self.housekeeping(&mut inner, now);
        if inner.passwords.get(&agent).copied() != Some(password) {
            return Err(SignInError::BadPassword);
        }
        if !force && inner.sessions.contains_key(&agent) {
            return Err(SignInError::AlreadySignedIn);
        }
        let guid = new_guid();
        let login_time_ms = epoch_ms(SystemTime::now());
        let mut events = VecDeque::new();
        events.push_back(serde_json::json!({
            "eventType": "AgentOther_InService",
            "workNo": agent.to_string(),
            "content": null,
        }));
        inner.sessions.insert(
            agent,
            Session {
                guids: vec![IssuedGuid {
                    value: guid.clone(),
                    issued: now,
                }],
                via_api: true,
                last_poll: now,
                active_polls: 0,
                events,
            },
        );
        Ok((guid, login_time_ms))
    }

    /// Ends `agent`'s session; false when it was not signed in.
    pub(crate) fn sign_out(&self, agent: u32) -> bool {
        self.lock().sessions.remove(&agent).is_some()
    }

    /// Whether `agent` is signed in now.
    pub(crate) fn is_signed_in(&self, agent: u32) -> bool {
        let mut inner = self.lock();
        self.housekeeping(&mut inner, Instant::now());
        inner.sessions.contains_key(&agent)
    }

    /// Signs `agent` in server-side without a password (not subject to missed-poll sign-out);
    /// returns its current GUID.
    pub(crate) fn force_session(&self, agent: u32) -> String {
        let now = Instant::now();
        let mut inner = self.lock();
        self.housekeeping(&mut inner, now);
        let session = inner.sessions.entry(agent).or_insert_with(|| Session {
            guids: vec![IssuedGuid {
                value: new_guid(),
                issued: now,
            }],
            via_api: false,
            last_poll: now,
            active_polls: 0,
            events: VecDeque::new(),
        });
        session.current().to_owned()
    }

    /// The current GUID of `agent`, if signed in. In dynamic mode a GUID that has timed out
    /// is replaced first, so the value returned is always accepted.
    pub(crate) fn current_guid(&self, agent: u32) -> Option<String> {
        let now = Instant::now();
        let mut inner = self.lock();
        self.housekeeping(&mut inner, now);
        let timeout = self.cfg.guid_timeout;
        let dynamic = self.cfg.guid_rotation.is_some();
        let s = inner.sessions.get_mut(&agent)?;
        if dynamic
            && s.guids
                .last()
                .is_some_and(|g| now.duration_since(g.issued) >= timeout)
        {
            s.guids.push(IssuedGuid {
                value: new_guid(),
                issued: now,
            });
        }
        Some(s.current().to_owned())
    }

    /// Queues an agent event for the next (or the waiting) poll.
    pub(crate) fn push_event(&self, agent: u32, event: serde_json::Value) -> bool {
        match self.lock().sessions.get_mut(&agent) {
            Some(s) => {
                s.events.push_back(event);
                true
            }
            None => false,
        }
    }

    /// Marks the start (`true`) or end of a long poll; both count as a heartbeat.
    pub(crate) fn poll_mark(&self, agent: u32, start: bool) {
        let now = Instant::now();
        if let Some(s) = self.lock().sessions.get_mut(&agent) {
            s.last_poll = now;
            if start {
                s.active_polls += 1;
            } else {
                s.active_polls = s.active_polls.saturating_sub(1);
            }
        }
    }

    /// Takes the next queued event of `agent`.
    pub(crate) fn take_event(&self, agent: u32) -> Option<serde_json::Value> {
        self.lock()
            .sessions
            .get_mut(&agent)
            .and_then(|s| s.events.pop_front())
    }

    /// Appends a request to the log and returns its sequence number.
    pub(crate) fn log_start(&self, entry: LoggedRequest) -> u64 {
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        if inner.log.len() >= LOG_CAP {
            inner.log.pop_front();
        }
        inner.log.push_back((seq, entry));
        seq
    }

    /// Records the reply of logged request `seq`.
    pub(crate) fn log_finish(&self, seq: u64, status: u16, retcode: Option<String>) {
        let mut inner = self.lock();
        if let Some((_, e)) = inner.log.iter_mut().rev().find(|(s, _)| *s == seq) {
            e.status = Some(status);
            e.retcode = retcode;
        }
    }

    /// A copy of the request log, oldest first.
    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.iter().map(|(_, e)| e.clone()).collect()
    }

    /// Empties the request log.
    pub(crate) fn clear_requests(&self) {
        self.lock().log.clear();
    }

    /// Agents currently signed in (for `allcallinfoEx` lookups of other agents).
    pub(crate) fn signed_in_agents(&self) -> Vec<u32> {
        let mut inner = self.lock();
        self.housekeeping(&mut inner, Instant::now());
        let mut v: Vec<u32> = inner.sessions.keys().copied().collect();
        v.sort_unstable();
        v
    }
}

/// The gateway's overload control: at most `max` query requests per `window` per agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub max: usize,
    /// The sliding window.
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max: 5,
            window: Duration::from_secs(2),
        }
    }
}
