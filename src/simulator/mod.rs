//! The embedded CC-Gateway simulator: a faithful agentgateway over real HTTPS (axum + rustls
//! with a private CA), used by every gateway test, `calldata-inspector simulate` and `--demo`.
//!
//! [`Simulator`] runs inside the caller's tokio runtime; [`SimulatorThread`] brings its own
//! runtime on a dedicated thread for sync callers and stops when dropped.

pub mod data;
mod routes;
mod state;
pub mod tls;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use state::{LoggedRequest, RateLimit};

use crate::secret::Guid;
use state::SimState;

/// How the simulator is set up. Start from `SimConfig::default()` and override fields.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// Port; 0 picks a free port (see `port()` for the bound one).
    pub port: u16,
    /// Where `ca.pem`, `cert.pem`, `key.pem` are loaded from, or written to when absent.
    pub cert_dir: Option<PathBuf>,
    /// How long `CALL_SLOW` takes to answer (default 30 s).
    pub slow_delay: Duration,
    /// Dynamic GUID (AUTHMODE 2) rotation interval; `None` = static GUIDs (AUTHMODE 1).
    pub guid_rotation: Option<Duration>,
    /// How long a dynamic GUID stays valid after it was issued (default 120 s).
    pub guid_timeout: Duration,
    /// How long `agentevent` holds a poll when no event is pending (default 10 s).
    pub poll_hold: Duration,
    /// Sessions signed in through the API are signed out after this long without a poll
    /// (default 120 s).
    pub missed_poll_timeout: Duration,
    /// Whether the pre-signed-in demo agent is also signed out after missed polls
    /// (default false, so the demo keeps working without a poller).
    pub demo_requires_polls: bool,
    /// Per-agent limit on query interfaces (`calldata/*`); default 5 per 2 s, `None` = off.
    /// A throttled request gets HTTP 200 with `retcode "000-007"` and no `result` (the
    /// gateway documents the limit, not the reply) and does not count against the window.
    pub rate_limit: Option<RateLimit>,
    /// Highest accepted agent ID (999999 on current gateways, 59999 on older ones).
    pub max_agent_id: u32,
    /// What the port speaks: TLS with a good or a deliberately broken certificate (generated
    /// certificates only; `cert_dir` files are used as they are), or plain HTTP.
    pub transport: SimTransport,
}

/// The simulator's transport, for the TLS failure tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimTransport {
    /// HTTPS with a certificate of this kind (normally [`tls::CertKind::Valid`]).
    Tls(tls::CertKind),
    /// Plain HTTP on the port a client expects TLS on.
    PlainHttp,
}

impl Default for SimTransport {
    fn default() -> Self {
        Self::Tls(tls::CertKind::Valid)
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            cert_dir: None,
            slow_delay: Duration::from_secs(30),
            guid_rotation: None,
            guid_timeout: Duration::from_secs(120),
            poll_hold: Duration::from_secs(10),
            missed_poll_timeout: Duration::from_secs(120),
            demo_requires_polls: false,
            rate_limit: Some(RateLimit::default()),
            max_agent_id: 999_999,
            transport: SimTransport::default(),
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {reason} (is the port already in use?)")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        reason: String,
    },
    /// Generating or parsing a certificate failed.
    #[error("certificate problem: {0}")]
    Certificate(String),
    /// Reading or writing the certificate directory failed.
    #[error("certificate file {path}: {reason}")]
    CertDir {
        /// The file or directory concerned.
        path: PathBuf,
        /// The OS error.
        reason: String,
    },
    /// The simulator's own runtime or thread could not be created.
    #[error("cannot start the simulator runtime: {0}")]
    Runtime(String),
}

impl LoggedRequest {
    /// Path and query string as received (the name the brief uses for [`LoggedRequest::path`]).
    pub fn path_and_query(&self) -> &str {
        &self.path
    }
}

/// What both `Simulator` and `SimulatorThread` expose; shared so they cannot drift apart.
struct Shared {
    addr: SocketAddr,
    ca_pem: Vec<u8>,
    ca_path: Option<PathBuf>,
    state: Arc<SimState>,
}

impl Shared {
    fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    fn demo_guid(&self) -> Guid {
        let raw = self
            .state
            .current_guid(data::DEMO_AGENT)
            .unwrap_or_else(|| self.state.force_session(data::DEMO_AGENT));
        to_guid(&raw)
    }
}

fn to_guid(raw: &str) -> Guid {
    // Generated GUIDs are `<uuid>.AgentGateway0`: never empty, never with control characters.
    Guid::new(raw).unwrap_or_else(|_| unreachable!("simulator GUIDs are well-formed"))
}

/// A running simulator inside the caller's tokio runtime. Stops when dropped.
pub struct Simulator {
    shared: Shared,
    handle: axum_server::Handle<SocketAddr>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

macro_rules! accessors {
    () => {
        /// Base URL, e.g. `https://127.0.0.1:41234`.
        pub fn url(&self) -> String {
            self.shared().url()
        }
        /// The host to connect to (the bound IP address as text).
        pub fn host(&self) -> String {
            self.shared().addr.ip().to_string()
        }
        /// The bound port.
        pub fn port(&self) -> u16 {
            self.shared().addr.port()
        }
        /// The bound socket address.
        pub fn addr(&self) -> SocketAddr {
            self.shared().addr
        }
        /// The CA certificate (PEM) a client must trust.
        pub fn ca_pem(&self) -> Vec<u8> {
            self.shared().ca_pem.clone()
        }
        /// Path of `ca.pem` when a `cert_dir` was configured.
        pub fn ca_path(&self) -> Option<PathBuf> {
            self.shared().ca_path.clone()
        }
        /// The demo agent's current valid GUID (signs it in again if it was signed out).
        pub fn demo_guid(&self) -> Guid {
            self.shared().demo_guid()
        }
        /// The pre-signed-in demo agent ([`data::DEMO_AGENT`]).
        pub fn demo_agent(&self) -> u32 {
            data::DEMO_AGENT
        }
        /// The current GUID of `agent`, if it is signed in.
        pub fn guid_of(&self, agent: u32) -> Option<Guid> {
            self.shared().state.current_guid(agent).map(|g| to_guid(&g))
        }
        /// Every request received so far (oldest first); never contains GUID values.
        pub fn requests(&self) -> Vec<LoggedRequest> {
            self.shared().state.requests()
        }
        /// Forgets the request log.
        pub fn clear_requests(&self) {
            self.shared().state.clear_requests()
        }
        /// Signs `agent` out server-side (its GUIDs stop working); false if it was not signed in.
        pub fn kill_session(&self, agent: u32) -> bool {
            self.shared().state.sign_out(agent)
        }
        /// Signs `agent` in or out server-side without a password; signing in returns its GUID.
        pub fn set_signed_in(&self, agent: u32, signed_in: bool) -> Option<Guid> {
            let state = &self.shared().state;
            if signed_in {
                Some(to_guid(&state.force_session(agent)))
            } else {
                state.sign_out(agent);
                None
            }
        }
        /// Whether `agent` is signed in now.
        pub fn is_signed_in(&self, agent: u32) -> bool {
            self.shared().state.is_signed_in(agent)
        }
        /// Queues an agent event (e.g. `"AgentEvent_Ringing"`) for `agent`'s next poll;
        /// false when the agent is not signed in.
        pub fn push_event(&self, agent: u32, event_type: &str) -> bool {
            self.shared().state.push_event(
                agent,
                serde_json::json!({
                    "eventType": event_type,
                    "workNo": agent.to_string(),
                    "content": null,
                }),
            )
        }
        /// The configuration the simulator runs with.
        pub fn config(&self) -> &SimConfig {
            &self.shared().state.cfg
        }
    };
}

impl Simulator {
    /// Starts the simulator on `cfg.bind:cfg.port` inside the current tokio runtime.
    pub async fn start(cfg: SimConfig) -> Result<Simulator, SimError> {
        let kind = match cfg.transport {
            SimTransport::Tls(kind) => kind,
            SimTransport::PlainHttp => tls::CertKind::Valid,
        };
        let (bundle, ca_path) = match &cfg.cert_dir {
            Some(dir) => (tls::load_or_create(dir)?, Some(dir.join(tls::CA_FILE))),
            None => (tls::generate_kind(kind)?, None),
        };
        let server_config = tls::server_config(&bundle)?;
        let want = SocketAddr::new(cfg.bind, cfg.port);
        let bind_err = |e: std::io::Error| SimError::Bind {
            addr: want,
            reason: e.to_string(),
        };
        // Binding synchronously reports "port in use" to the caller instead of a dead task.
        let listener = TcpListener::bind(want).map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let handle = axum_server::Handle::new();
        let plain = cfg.transport == SimTransport::PlainHttp;
        let state = Arc::new(SimState::new(cfg));
        let app = routes::router(state.clone());
        let task = if plain {
            let server = axum_server::from_tcp(listener).map_err(bind_err)?;
            tokio::spawn(server.handle(handle.clone()).serve(app.into_make_service()))
        } else {
            let rustls_config = axum_server::tls_rustls::RustlsConfig::from_config(server_config);
            let server = axum_server::tls_rustls::from_tcp_rustls(listener, rustls_config)
                .map_err(bind_err)?;
            tokio::spawn(server.handle(handle.clone()).serve(app.into_make_service()))
        };
        tracing::info!(%addr, "simulator listening");
        Ok(Simulator {
            shared: Shared {
                addr,
                ca_pem: bundle.ca_pem.into_bytes(),
                ca_path,
                state,
            },
            handle,
            task: Some(task),
        })
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    accessors!();

    /// Stops accepting connections, ends held polls and slow replies, and waits (at most
    /// 5 s) for replies in flight to finish.
    pub async fn shutdown(mut self) {
        self.shared.state.cancel.cancel();
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.state.cancel.cancel();
        self.handle.shutdown();
    }
}

/// A simulator with its own tokio runtime on its own thread, for sync callers (tests, the CLI
/// `simulate`, the GUI `--demo`). Stops when dropped.
pub struct SimulatorThread {
    shared: Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SimulatorThread {
    /// Starts the simulator on a new thread and returns once it is listening.
    pub fn start(cfg: SimConfig) -> Result<SimulatorThread, SimError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("cc-gateway-simulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("cc-gateway-simulator-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(SimError::Runtime(e.to_string())));
                        return;
                    }
                };
                rt.block_on(async move {
                    match Simulator::start(cfg).await {
                        Ok(sim) => {
                            let shared = Shared {
                                addr: sim.shared.addr,
                                ca_pem: sim.shared.ca_pem.clone(),
                                ca_path: sim.shared.ca_path.clone(),
                                state: sim.shared.state.clone(),
                            };
                            if ready_tx.send(Ok(shared)).is_err() {
                                return;
                            }
                            // Either an explicit stop or the owner going away ends the server.
                            let _ = stop_rx.await;
                            sim.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| SimError::Runtime(e.to_string()))?;
        let shared = match ready_rx.recv() {
            Ok(Ok(shared)) => shared,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(SimError::Runtime("the simulator thread ended early".into()));
            }
        };
        Ok(SimulatorThread {
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    accessors!();

    /// Stops the simulator gracefully and waits for its thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shared.state.cancel.cancel();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SimulatorThread {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
