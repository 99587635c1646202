//! The worker's bridge to the gateway client: runs one query (reusing one client per set of
//! connection settings) and tests a connection step by step.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Inspection, QuerySummary, prepare};
use crate::gateway::{
    AgentId, AppDataRequest, ClientConfig, Fingerprint, GatewayClient, RawReply, ReplyError,
    TlsOptions, TransportError,
};
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
    /// The profile the GUID belongs to (a rotated GUID is stored back there).
    pub profile: Option<String>,
    /// Trust exactly the server certificate with this fingerprint (self-signed gateways).
    pub pin_sha256: Option<Fingerprint>,
    /// Largest reply accepted in MiB (`None`: the 64 MiB default).
    pub max_reply_mib: Option<u64>,
}

impl Connection {
    /// The client settings (everything but the GUID and the agent).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            host: self.host.clone(),
            port: self.port,
            tls: TlsOptions {
                ca_file: self.ca_file.clone(),
                ca_pem: self.ca_pem.as_ref().map(|p| p.to_vec()),
                insecure: self.insecure,
                // The in-memory CA is the demo simulator's: trust exactly it, nothing else.
                only_extra_roots: self.ca_pem.is_some(),
                pin_sha256: self.pin_sha256,
            },
            connect_timeout: self.timeout,
            timeout: self.timeout,
            max_body: self
                .max_reply_mib
                .map_or(crate::gateway::DEFAULT_MAX_BODY, |mib| mib << 20),
        }
    }

    /// The agent ID, checked by the gateway's own rules.
    pub fn agent_id(&self) -> Result<AgentId, String> {
        self.agent
            .parse::<AgentId>()
            .map_err(|e| prepare::sentence(&e.to_string()))
    }
}

/// Clients already built, one per connection settings: building one loads the trust store,
/// and reusing it keeps the TLS connection alive between queries.
///
/// It also paces requests: the gateway allows each agent 5 query requests per 2 s, so rapid
/// clicks wait for a free slot instead of collecting throttling errors.
#[derive(Default)]
pub struct ClientCache {
    clients: Mutex<Vec<(ClientConfig, GatewayClient)>>,
    pacer: Mutex<crate::ratelimit::RateLimiter>,
}

/// How many distinct connection settings keep a client.
const CACHED_CLIENTS: usize = 8;

impl ClientCache {
    /// The client for `conn`, built on first use; the error is a plain-language message.
    pub fn get(&self, conn: &Connection) -> Result<GatewayClient, String> {
        let cfg = conn.client_config();
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, c)) = clients.iter().find(|(k, _)| *k == cfg) {
            return Ok(c.clone());
        }
        let client =
            GatewayClient::new(cfg.clone()).map_err(|e| prepare::gui_message(&e.to_string()))?;
        if clients.len() >= CACHED_CLIENTS {
            clients.remove(0);
        }
        clients.push((cfg, client.clone()));
        Ok(client)
    }

    /// Waits until `agent` may send another query request without exceeding the gateway's limit.
    pub async fn wait_turn(&self, agent: AgentId) {
        let wait = self.reserve_turn(agent);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Books `agent`'s next slot under the limit and returns how long to wait before sending.
    pub fn reserve_turn(&self, agent: AgentId) -> Duration {
        self.pacer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .reserve(agent.get(), Instant::now())
    }

    /// Number of clients held (tests check reuse).
    pub fn len(&self) -> usize {
        self.clients.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no client was built yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

/// A query's outcome: the prepared reply (and a rotated GUID), or a message when no reply came.
pub type QueryOutcome = Result<(Inspection, Option<Guid>), (String, Duration)>;

/// Runs a query: sends it, then interprets and decodes the reply off the async threads;
/// `waiting` hears the delay when the rate limit holds the request back.
pub async fn query_with(
    spec: QuerySpec,
    clients: &ClientCache,
    waiting: impl FnOnce(Duration),
) -> QueryOutcome {
    let agent = spec.conn.agent_id().map_err(|e| (e, Duration::ZERO))?;
    let client = clients.get(&spec.conn).map_err(|e| (e, Duration::ZERO))?;
    let req = AppDataRequest {
        agent,
        call_id: spec.call_id.clone(),
        encoded: spec.encoded,
    };
    let wait = clients.reserve_turn(agent);
    if !wait.is_zero() {
        waiting(wait);
        tokio::time::sleep(wait).await;
    }
    let started = Instant::now();
    let reply = client
        .query_appdata(&req, &spec.conn.guid)
        .await
        .map_err(|e| (prepare::gui_message(&e.to_string()), started.elapsed()))?;
    let rotated = reply.set_guid.clone();
    let summary = spec.summary();
    let (encoded, charset) = (spec.encoded, spec.charset);
    tokio::task::spawn_blocking(move || prepare::inspection(summary, reply, encoded, charset))
        .await
        .map(|i| (i, rotated))
        .map_err(|_| (t!("worker.prepare_failed").into_owned(), started.elapsed()))
}

/// Tests a connection step by step: DNS, TCP, then TLS, GUID and agent sign-in via one query.
pub async fn test_connection(conn: Connection, clients: &ClientCache) -> Vec<TestStep> {
    let mut steps = Vec::new();
    let step_timeout = conn.timeout.min(Duration::from_secs(10));
    let addrs: Vec<std::net::SocketAddr> = match tokio::time::timeout(
        step_timeout,
        tokio::net::lookup_host((conn.host.as_str(), conn.port)),
    )
    .await
    {
        Ok(Ok(a)) => a.collect(),
        Ok(Err(e)) => {
            steps.push(fail(
                "DNS",
                t!("test.dns_failed", host = conn.host, error = e).into_owned(),
            ));
            return finish(steps);
        }
        Err(_) => {
            steps.push(fail(
                "DNS",
                t!("test.dns_timeout", host = conn.host).into_owned(),
            ));
            return finish(steps);
        }
    };
    let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    steps.push(ok(
        "DNS",
        t!("test.dns_ok", host = conn.host, addrs = list.join(", ")).into_owned(),
    ));
    let mut last_err = String::new();
    let mut connected = None;
    for addr in &addrs {
        match tokio::time::timeout(step_timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_)) => {
                connected = Some(*addr);
                break;
            }
            Ok(Err(e)) => last_err = format!("{addr}: {e}"),
            Err(_) => last_err = t!("test.tcp_addr_timeout", addr = addr).into_owned(),
        }
    }
    match connected {
        Some(a) => steps.push(ok(
            "TCP",
            t!("test.tcp_ok", port = conn.port, addr = a).into_owned(),
        )),
        None => {
            steps.push(fail(
                "TCP",
                t!("test.tcp_failed", error = last_err).into_owned(),
            ));
            return finish(steps);
        }
    }
    steps.extend(gateway_steps(conn, clients).await);
    finish(steps)
}

/// TLS, GUID and agent sign-in, judged from one query of the agent's current call.
async fn gateway_steps(conn: Connection, clients: &ClientCache) -> Vec<TestStep> {
    let agent = match conn.agent_id() {
        Ok(a) => a,
        Err(e) => return vec![fail("Agent", e)],
    };
    let client = match clients.get(&conn) {
        Ok(c) => c,
        Err(e) => return vec![fail("TLS", e)],
    };
    let req = AppDataRequest {
        agent,
        call_id: String::new(),
        encoded: false,
    };
    // The test's query counts against the agent's limit like any other.
    clients.wait_turn(agent).await;
    match client.query_appdata(&req, &conn.guid).await {
        Err(e) => vec![fail(
            transport_step(&e),
            prepare::gui_message(&e.to_string()),
        )],
        Ok(reply) => {
            let tls = if conn.insecure {
                t!("test.tls_insecure").into_owned()
            } else {
                t!("test.tls_ok").into_owned()
            };
            let mut steps = vec![TestStep {
                what: "TLS",
                ok: Some(!conn.insecure),
                detail: tls,
            }];
            steps.extend(reply_steps(&reply));
            steps
        }
    }
}

/// Which step a transport error belongs to (DNS and TCP were checked before).
fn transport_step(e: &TransportError) -> &'static str {
    match e {
        TransportError::Dns { .. } => "DNS",
        TransportError::Refused { .. } | TransportError::Connect { .. } => "TCP",
        _ => "TLS",
    }
}

/// GUID and agent steps from the reply's retcode.
fn reply_steps(reply: &RawReply) -> Vec<TestStep> {
    let env = match reply.envelope() {
        Ok(env) => env,
        Err(e) => return vec![fail("GUID", prepare::gui_message(&e.to_string()))],
    };
    let explain = || {
        prepare::gui_message(
            &ReplyError::Retcode {
                code: env.retcode.clone(),
                message: env.message.clone(),
            }
            .to_string(),
        )
    };
    match env.retcode.as_str() {
        "000-003" => vec![fail("GUID", explain())],
        "100-006" => vec![
            ok("GUID", t!("test.guid_accepted_request").into_owned()),
            fail("Agent", explain()),
        ],
        // Success, or no call/unknown call: the agent is signed in with this GUID.
        "0" | "100-007" => vec![
            ok("GUID", t!("test.guid_accepted").into_owned()),
            ok(
                "Agent",
                t!("test.agent_signed_in", agent = reply_agent(reply)).into_owned(),
            ),
        ],
        _ => vec![
            ok("GUID", t!("test.guid_accepted").into_owned()),
            fail("Agent", explain()),
        ],
    }
}

fn reply_agent(reply: &RawReply) -> String {
    // The URL is …/calldata/{agent}/appdata…; it carries no secret.
    reply
        .url
        .split("/calldata/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("?")
        .to_owned()
}

fn ok(what: &'static str, detail: String) -> TestStep {
    TestStep {
        what,
        ok: Some(true),
        detail,
    }
}

fn fail(what: &'static str, detail: String) -> TestStep {
    TestStep {
        what,
        ok: Some(false),
        detail,
    }
}

/// Lists every step, marking those not reached.
fn finish(steps: Vec<TestStep>) -> Vec<TestStep> {
    ["DNS", "TCP", "TLS", "GUID", "Agent"]
        .into_iter()
        .map(|what| {
            steps
                .iter()
                .find(|s| s.what == what)
                .cloned()
                .unwrap_or_else(|| TestStep {
                    what,
                    ok: None,
                    detail: t!("test.not_checked").into_owned(),
                })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A plain loopback connection of the demo agent, for worker tests.
    pub(crate) fn conn(port: u16, timeout: u64) -> Connection {
        Connection {
            host: "127.0.0.1".into(),
            port,
            agent: "1001".into(),
            ca_file: None,
            ca_pem: None,
            insecure: false,
            guid: Guid::new("g").unwrap(),
            timeout: Duration::from_secs(timeout),
            profile: None,
            pin_sha256: None,
            max_reply_mib: None,
        }
    }

    #[test]
    fn one_client_per_connection_settings() {
        let cache = ClientCache::default();
        cache.get(&conn(8043, 5)).unwrap();
        cache.get(&conn(8043, 5)).unwrap();
        assert_eq!(cache.len(), 1);
        cache.get(&conn(8043, 7)).unwrap();
        assert_eq!(cache.len(), 2);
        let mut bad = conn(8043, 5);
        bad.ca_pem = Some(Arc::new(b"not a certificate".to_vec()));
        let e = cache.get(&bad).unwrap_err();
        assert!(e.contains("neither PEM nor DER"), "{e}");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn rapid_queries_are_paced_instead_of_throttled() {
        // The simulator enforces the gateway's default 5 requests / 2 s per agent.
        let sim = crate::simulator::SimulatorThread::start(crate::simulator::SimConfig::default())
            .unwrap();
        let mut c = conn(sim.port(), 10);
        c.ca_pem = Some(Arc::new(sim.ca_pem()));
        c.guid = sim.demo_guid();
        let cache = ClientCache::default();
        let rt = tokio::runtime::Runtime::new().unwrap();
        // Back to back, as fast as a user could click: without pacing the 6th would be throttled.
        let outcomes: Vec<_> = (0..8)
            .map(|_| {
                rt.block_on(query_with(
                    QuerySpec {
                        conn: c.clone(),
                        call_id: crate::simulator::data::CALL_ASCII.into(),
                        encoded: false,
                        charset: None,
                    },
                    &cache,
                    |_| {},
                ))
            })
            .collect();
        assert_eq!(outcomes.len(), 8);
        assert!(outcomes.iter().all(|o| o.is_ok()));
        let throttled = sim
            .requests()
            .iter()
            .filter(|r| r.retcode.as_deref() == Some("000-007"))
            .count();
        assert_eq!(throttled, 0, "the client exceeded the per-agent limit");
        assert_eq!(sim.requests().len(), 8);
    }

    #[test]
    fn agent_ids_follow_the_gateway_rules() {
        let mut c = conn(1, 1);
        c.agent = "12ab".into();
        assert!(c.agent_id().unwrap_err().starts_with("The agent ID"));
        c.agent = "100".into();
        assert!(c.agent_id().is_err());
    }
}
