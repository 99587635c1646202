//! The worker's bridge to the engine (gateway client, decoder, export): runs one query and
//! prepares everything the views need. (Being wired to the engine as it lands.)

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{Inspection, QuerySummary};
use crate::secret::Guid;

/// Where and how to connect (the GUID included; Debug redacts it).
#[derive(Debug, Clone)]
pub struct Connection {
    /// Gateway host.
    pub host: String,
    /// Gateway port.
    pub port: u16,
    /// Agent ID as typed.
    pub agent: String,
    /// Extra CA file.
    pub ca_file: Option<PathBuf>,
    /// Extra CA PEM (the demo simulator's CA).
    pub ca_pem: Option<Arc<Vec<u8>>>,
    /// Skip certificate checks.
    pub insecure: bool,
    /// The session GUID.
    pub guid: Guid,
    /// Whole-request timeout.
    pub timeout: Duration,
}

/// One query.
#[derive(Debug, Clone)]
pub struct QuerySpec {
    /// Where.
    pub conn: Connection,
    /// Call ID (empty = current call).
    pub call_id: String,
    /// isEncodeResult.
    pub encoded: bool,
    /// Forced charset.
    pub charset: Option<&'static encoding_rs::Encoding>,
}

impl QuerySpec {
    /// The non-secret description.
    pub fn summary(&self) -> QuerySummary {
        QuerySummary {
            host: self.conn.host.clone(),
            port: self.conn.port,
            agent: self.conn.agent.clone(),
            call_id: self.call_id.clone(),
            encoded: self.encoded,
        }
    }
}

/// One line of a connection test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestStep {
    /// What was checked (DNS, TCP, TLS, GUID, agent).
    pub what: &'static str,
    /// Whether it worked (None = not reached).
    pub ok: Option<bool>,
    /// Plain-language detail.
    pub detail: String,
}

/// Runs a query.
pub async fn query(spec: QuerySpec) -> Result<Inspection, (String, Duration)> {
    let _ = spec;
    Err((
        "the gateway client is not available yet".into(),
        Duration::ZERO,
    ))
}

/// Re-decodes a previous reply with another charset.
pub fn redecode(prev: &Inspection, charset: Option<&'static encoding_rs::Encoding>) -> Inspection {
    let _ = charset;
    prev.clone()
}

/// Tests a connection step by step.
pub async fn test_connection(conn: Connection) -> Vec<TestStep> {
    let _ = conn;
    Vec::new()
}

/// Writes an export atomically; the error is a plain-language message.
pub fn write_export(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let _ = (path, bytes);
    Err("export is not available yet".into())
}
