//! The session keeper: holds the live GUID per (host, port, agent), keeps signed-in sessions
//! alive by polling agent events, adopts every rotated GUID, and notices a lost session.

use std::time::{Duration, SystemTime};

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
