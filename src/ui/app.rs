//! The application state, the frame loop and the handling of worker events.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::{calls, connection, fonts, inspector, live_calls, session, status, theme};
use crate::keystore::{KeyringStatus, Keystore, Stored};
use crate::profiles::{AuthMode, Profile, ProfileStore};
use crate::secret::Guid;
use crate::simulator::{SimConfig, SimulatorThread, data};
use crate::worker::{
    Connection, Event, ExportKind, Inspection, KeystoreSource, QuerySpec, QuerySummary, Request,
    RequestId, TestStep, Worker,
};

/// Name of the built-in demo profile (a profile name like any other, so not translated).
pub const DEMO_PROFILE: &str = "Demo gateway"; // i18n-ok: a profile name

/// The embedded simulator the `--demo` window connects to.
#[derive(Debug, Clone)]
pub struct DemoGateway {
    /// Host (loopback).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The simulator's CA certificate: the only one trusted for this profile.
    pub ca_pem: Arc<Vec<u8>>,
    /// The demo agent's GUID (kept in memory only).
    pub guid: Guid,
    /// The demo agent.
    pub agent: String,
    /// Call IDs to list with what each one shows (the simulator's data set).
    pub calls: Vec<(String, String)>,
    /// Call queried right after start, so data shows within seconds.
    pub first_call: Option<String>,
}

impl DemoGateway {
    /// Starts the embedded simulator on a free loopback port and describes it; the caller
    /// keeps the simulator alive for as long as the window is open.
    pub fn start() -> Result<(SimulatorThread, Self), String> {
        let sim = SimulatorThread::start(SimConfig::default()).map_err(|e| e.to_string())?;
        let demo = Self::from_simulator(&sim);
        Ok((sim, demo))
    }

    /// The demo profile for a running simulator: its CA is the only one trusted, its demo
    /// agent and GUID (memory only), its calls listed, and the current call queried first.
    pub fn from_simulator(sim: &SimulatorThread) -> Self {
        Self {
            host: sim.host(),
            port: sim.port(),
            ca_pem: Arc::new(sim.ca_pem()),
            guid: sim.demo_guid(),
            agent: data::DEMO_AGENT.to_string(),
            calls: data::DEMO_CALLS
                .iter()
                .map(|(id, what)| ((*id).to_owned(), (*what).to_owned()))
                .collect(),
            // The current call holds Chinese JSON: decoded data on screen at once.
            first_call: Some(String::new()),
        }
    }
}

/// How the app is set up (the CLI passes the demo; tests pass temp stores).
pub struct AppConfig {
    /// The demo gateway, when started with `--demo`.
    pub demo: Option<DemoGateway>,
    /// Where profiles live (None = the platform config directory).
    pub profiles: Option<ProfileStore>,
    /// Where GUIDs live.
    pub keystore: KeystoreSource,
    /// Look for a system CJK font (tests may skip it).
    pub load_system_font: bool,
    /// The language given on the command line for this run; it wins over the remembered one
    /// without replacing it.
    pub lang: Option<crate::i18n::Language>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            demo: None,
            profiles: None,
            keystore: KeystoreSource::Platform,
            load_system_font: true,
            lang: None,
        }
    }
}

/// The inspector tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    /// Body exactly as received.
    Raw,
    /// Text after Base64 and charset decoding.
    #[default]
    Decoded,
    /// JSON tree / key-value table.
    Structure,
    /// Hex dump of the call-data bytes.
    Hex,
}

/// What the inspector shows.
#[derive(Debug, Clone, Default)]
pub enum InspectorState {
    /// Nothing queried yet.
    #[default]
    Idle,
    /// A query is running.
    Running {
        /// Its id.
        id: RequestId,
        /// What it asks.
        summary: QuerySummary,
        /// When it started (spinner text).
        started: Instant,
    },
    /// The last query failed without a reply.
    Failed {
        /// What was asked.
        summary: QuerySummary,
        /// Plain-language message.
        message: String,
    },
    /// A reply arrived (it may still carry an error message).
    Done(Arc<Inspection>),
}

/// One call queried during this run.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// When the answer came.
    pub at: SystemTime,
    /// Call ID.
    pub call_id: String,
    /// Agent.
    pub agent: String,
    /// Retcode, or a short failure tag.
    pub outcome: String,
    /// Body size in bytes.
    pub size: usize,
    /// Whether it succeeded.
    pub ok: bool,
}

/// The connection form's fields (the GUID text is never persisted; Debug prints it as `***`).
#[derive(Clone, Default)]
pub struct Form {
    /// Profile name.
    pub name: String,
    /// Host.
    pub host: String,
    /// Port as typed.
    pub port: String,
    /// Agent ID as typed.
    pub agent: String,
    /// CA file path as typed/chosen.
    pub ca_file: String,
    /// Skip certificate checks.
    pub insecure: bool,
    /// Whole-request timeout in seconds, as typed.
    pub timeout: String,
    /// The GUID as typed (secret: never logged, persisted or shown unless "show").
    pub guid: String,
    /// Show the GUID in clear.
    pub show_guid: bool,
    /// This is the demo profile (trusts exactly the simulator's CA).
    pub demo: bool,
    /// Paste a GUID or sign in a dedicated agent account.
    pub auth: AuthMode,
    /// Phone number for signing in, as typed (optional).
    pub phone: String,
    /// The pinned certificate's SHA-256 fingerprint (`AB:CD:…`), if the profile has one.
    pub pin_sha256: Option<String>,
    /// The profile's reply size cap in MiB as typed (empty: the default).
    pub max_reply: String,
}

impl std::fmt::Debug for Form {
    // The GUID is typed here as plain text, so the derived Debug would print a live credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Form") // i18n-ok: a Debug type name, not UI text
            .field("name", &self.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("agent", &self.agent)
            .field("ca_file", &self.ca_file)
            .field("insecure", &self.insecure)
            .field("timeout", &self.timeout)
            .field("guid", &"***")
            .field("demo", &self.demo)
            .field("auth", &self.auth)
            .field("pin_sha256", &self.pin_sha256)
            .field("max_reply", &self.max_reply)
            .finish_non_exhaustive()
    }
}

impl Form {
    /// An empty form with the default port and timeout.
    pub fn new() -> Self {
        Self {
            port: crate::profiles::DEFAULT_PORT.to_string(),
            timeout: connection::DEFAULT_TIMEOUT_SECS.to_string(),
            ..Self::default()
        }
    }
}

/// What survives restarts (no secrets).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// The profile selected at exit.
    pub last_profile: Option<String>,
    /// The tab shown at exit.
    pub view: View,
    /// isEncodeResult.
    pub encoded: Option<bool>,
    /// The interface language chosen in Settings; `None` follows the system locale.
    pub language: Option<crate::i18n::Language>,
}

/// Find-in-view state.
#[derive(Debug, Clone, Default)]
pub struct FindState {
    /// Find bar visible.
    pub open: bool,
    /// Focus the field on the next frame.
    pub focus: bool,
    /// Search text.
    pub needle: String,
    /// Id of the latest find request.
    pub pending: Option<RequestId>,
    /// The needle the matches belong to.
    pub searched: String,
    /// Matching rows.
    pub matches: Vec<usize>,
    /// Index into `matches`.
    pub current: usize,
    /// Scroll to this row next frame.
    pub scroll_to: Option<usize>,
}

/// The eframe application.
pub struct App {
    pub(crate) worker: Worker,
    pub(crate) store: Result<ProfileStore, String>,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) profile_error: Option<String>,
    pub(crate) demo: Option<DemoGateway>,
    pub(crate) selected_profile: Option<String>,
    pub(crate) form: Form,
    pub(crate) keyring: Option<KeyringStatus>,
    pub(crate) guid_note: Option<(bool, String)>,
    pub(crate) fonts: Option<fonts::SharedFontStatus>,
    pub(crate) encoded: bool,
    pub(crate) charset: Option<&'static encoding_rs::Encoding>,
    pub(crate) view: View,
    pub(crate) state: InspectorState,
    pub(crate) manual_calls: Vec<String>,
    pub(crate) call_notes: std::collections::HashMap<String, String>,
    pub(crate) paste: String,
    pub(crate) filter: String,
    pub(crate) history: Vec<HistoryEntry>,
    pub(crate) selected_call: Option<String>,
    pub(crate) find: FindState,
    pub(crate) test: Option<(RequestId, Option<Vec<TestStep>>)>,
    pub(crate) status_message: Option<(bool, String)>,
    pub(crate) exports: Vec<(RequestId, ExportKind)>,
    pub(crate) pending_redecode: Option<RequestId>,
    /// A query to send once the CJK font search is over (the demo's first query), so the
    /// first data a new user sees is never drawn as boxes; the agent's calls are listed with
    /// it, so the live call list is filled without finding the Refresh button.
    pub(crate) first_query: Option<String>,
    /// Sign-in, sign-out and session reports (issue 5).
    pub(crate) session: session::SessionUi,
    /// Calls listed by the gateway.
    pub(crate) live: live_calls::LiveCalls,
    /// Requests held back by the per-agent rate limit.
    pub(crate) waiting: status::Waiting,
    /// The language chosen in Settings (`None` = the system's), remembered across runs.
    pub(crate) language: Option<crate::i18n::Language>,
}

impl App {
    /// Builds the app: starts the worker, loads profiles and persisted settings, starts the font search.
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        let ctx = cc.egui_ctx.clone();
        ctx.options_mut(|o| o.theme_preference = egui::ThemePreference::System);
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        // Before the first frame, so nothing is ever drawn in the other language.
        match config.lang {
            Some(lang) => crate::i18n::set_language(lang),
            None if persisted.language.is_some() => super::settings::apply(persisted.language),
            None => {}
        }
        let fonts = config
            .load_system_font
            .then(|| fonts::load_in_background(&ctx));
        let wake = ctx.clone();
        let worker =
            Worker::start(config.keystore, move || wake.request_repaint()).unwrap_or_else(|e| {
                // Without a worker thread nothing can run; keep the window up and say so.
                eprintln!("{}", t!("ui.app.worker_failed", error = e));
                Worker::start(
                    KeystoreSource::Given(Arc::new(Keystore::memory_only(&t!(
                        "ui.app.worker_failed_short"
                    )))),
                    || {},
                )
                .unwrap_or_else(|_| std::process::abort())
            });
        let store = match config.profiles {
            Some(s) => Ok(s),
            None => ProfileStore::open_default().map_err(|e| e.to_string()),
        };
        let mut app = Self {
            worker,
            store,
            profiles: Vec::new(),
            profile_error: None,
            demo: config.demo,
            selected_profile: None,
            form: Form::new(),
            keyring: None,
            guid_note: None,
            fonts,
            encoded: persisted.encoded.unwrap_or(true),
            charset: None,
            view: persisted.view,
            state: InspectorState::Idle,
            manual_calls: Vec::new(),
            call_notes: std::collections::HashMap::new(),
            paste: String::new(),
            filter: String::new(),
            history: Vec::new(),
            selected_call: None,
            find: FindState::default(),
            test: None,
            status_message: None,
            exports: Vec::new(),
            pending_redecode: None,
            first_query: None,
            session: session::SessionUi::default(),
            live: live_calls::LiveCalls::default(),
            waiting: status::Waiting::default(),
            language: persisted.language,
        };
        app.worker.send(Request::KeyringStatus);
        app.reload_profiles();
        if let Some(demo) = app.demo.clone() {
            app.select_demo();
            app.manual_calls = demo.calls.iter().map(|(id, _)| id.clone()).collect();
            app.call_notes = demo.calls.into_iter().collect();
            app.first_query = demo.first_call;
            app.selected_call = app.first_query.clone();
        } else if let Some(last) = persisted.last_profile
            && app.profiles.iter().any(|p| p.name == last)
        {
            app.select_profile(&last);
        }
        app
    }

    /// Re-reads the profile file.
    pub fn reload_profiles(&mut self) {
        match &self.store {
            Ok(store) => match store.load() {
                Ok(p) => {
                    self.profiles = p;
                    self.profile_error = None;
                }
                Err(e) => self.profile_error = Some(e.to_string()),
            },
            Err(e) => self.profile_error = Some(e.clone()),
        }
    }

    /// Fills the form from the demo gateway.
    pub fn select_demo(&mut self) {
        let Some(demo) = &self.demo else { return };
        self.form = Form {
            name: DEMO_PROFILE.to_owned(),
            host: demo.host.clone(),
            port: demo.port.to_string(),
            agent: demo.agent.clone(),
            ca_file: String::new(),
            insecure: false,
            timeout: self.form.timeout.clone(),
            guid: demo.guid.expose().to_owned(),
            show_guid: false,
            demo: true,
            auth: AuthMode::PastedGuid,
            phone: String::new(),
            pin_sha256: None,
            max_reply: String::new(),
        };
        self.selected_profile = Some(DEMO_PROFILE.to_owned());
        self.guid_note = Some((true, t!("ui.connection.demo_guid_note").into_owned()));
    }

    /// Fills the form from a saved profile and asks the worker for its GUID.
    pub fn select_profile(&mut self, name: &str) {
        if name == DEMO_PROFILE && self.demo.is_some() {
            self.select_demo();
            return;
        }
        let Some(p) = self.profiles.iter().find(|p| p.name == name).cloned() else {
            return;
        };
        self.form = Form {
            name: p.name.clone(),
            host: p.host,
            port: p.port.to_string(),
            agent: p.agent,
            ca_file: p
                .ca_file
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            insecure: p.insecure,
            timeout: self.form.timeout.clone(),
            guid: String::new(),
            show_guid: false,
            demo: false,
            auth: p.auth,
            phone: p.phone.unwrap_or_default(),
            pin_sha256: p.pin_sha256,
            max_reply: p.max_reply_mib.map(|m| m.to_string()).unwrap_or_default(),
        };
        self.selected_profile = Some(p.name.clone());
        self.guid_note = Some((true, t!("ui.connection.guid_loading").into_owned()));
        self.worker.send(Request::LoadGuid { profile: p.name });
    }

    /// Saves the form as a profile (no secret) and its GUID in the keyring.
    pub fn save_profile(&mut self) {
        let profile = match connection::profile_from_form(&self.form) {
            Ok(p) => p,
            Err(e) => {
                self.profile_error = Some(e);
                return;
            }
        };
        let Ok(store) = &self.store else {
            self.reload_profiles();
            return;
        };
        match store.upsert(profile.clone()) {
            Ok(()) => {
                self.profile_error = None;
                self.selected_profile = Some(profile.name.clone());
                self.reload_profiles();
                self.set_status(
                    true,
                    t!("ui.app.profile_saved", name = profile.name).into_owned(),
                );
            }
            Err(e) => {
                self.profile_error = Some(e.to_string());
                return;
            }
        }
        match Guid::new(&self.form.guid) {
            Ok(guid) => self.worker.send(Request::StoreGuid {
                profile: profile.name,
                guid,
            }),
            Err(_) if self.form.guid.trim().is_empty() => {}
            Err(e) => self.guid_note = Some((false, e.to_string())),
        }
    }

    /// Deletes the selected profile and its keyring entry.
    pub fn delete_profile(&mut self) {
        let Some(name) = self.selected_profile.clone() else {
            return;
        };
        if let Ok(store) = &self.store {
            match store.remove(&name) {
                Ok(()) => {
                    self.worker.send(Request::DeleteGuid {
                        profile: name.clone(),
                    });
                    self.selected_profile = None;
                    self.reload_profiles();
                    self.set_status(true, t!("ui.app.profile_deleted", name = name).into_owned());
                }
                Err(e) => self.profile_error = Some(e.to_string()),
            }
        }
    }

    /// The connection described by the form, or what is wrong with it.
    pub fn connection(&self) -> Result<Connection, String> {
        let ca_pem = if self.form.demo {
            self.demo.as_ref().map(|d| d.ca_pem.clone())
        } else {
            None
        };
        if self.form.auth == AuthMode::SignIn && self.form.guid.trim().is_empty() {
            return Err(t!("session.sign_in_first").into_owned());
        }
        connection::connection_from_form(&self.form, ca_pem)
    }

    /// Queries `call_id` (empty = current call); supersedes a running query.
    pub fn query_call(&mut self, call_id: String) {
        self.selected_call = Some(call_id.clone());
        self.cancel();
        let conn = match self.connection() {
            Ok(c) => c,
            Err(message) => {
                let summary = QuerySummary {
                    host: self.form.host.clone(),
                    port: self.form.port.parse().unwrap_or(0),
                    agent: self.form.agent.clone(),
                    call_id,
                    encoded: self.encoded,
                };
                self.state = InspectorState::Failed { summary, message };
                return;
            }
        };
        let spec = QuerySpec {
            conn,
            call_id,
            encoded: self.encoded,
            charset: self.charset,
        };
        let id = self.worker.next_id();
        let summary = spec.summary();
        self.worker.send(Request::Query {
            id,
            spec: Box::new(spec),
        });
        self.state = InspectorState::Running {
            id,
            summary,
            started: Instant::now(),
        };
    }

    /// Re-runs the selected call (or the current call).
    pub fn query_selected(&mut self) {
        let call = self.selected_call.clone().unwrap_or_default();
        self.query_call(call);
    }

    /// Cancels the running query, if any.
    pub fn cancel(&mut self) {
        if let InspectorState::Running { id, summary, .. } = &self.state {
            self.worker.send(Request::Cancel { id: *id });
            self.state = InspectorState::Failed {
                summary: summary.clone(),
                message: t!("ui.inspector.cancelled").into_owned(),
            };
        }
    }

    /// Shows an already prepared reply (e.g. re-opened from elsewhere; tests use it to drive
    /// the views without a network).
    pub fn show_inspection(&mut self, inspection: Arc<Inspection>) {
        self.cancel();
        self.state = InspectorState::Done(inspection);
        self.refresh_find();
    }

    /// The CJK font search result, if a search was started.
    pub fn font_status(&self) -> Option<fonts::FontStatus> {
        self.fonts.as_ref().map(fonts::get)
    }

    /// Number of find matches in the current view.
    pub fn find_matches(&self) -> usize {
        if self.find.pending.is_some() {
            usize::MAX
        } else {
            self.find.matches.len()
        }
    }

    /// Whether a query is running.
    pub fn is_running(&self) -> bool {
        matches!(self.state, InspectorState::Running { .. })
    }

    /// The inspection on display.
    pub fn inspection(&self) -> Option<&Arc<Inspection>> {
        match &self.state {
            InspectorState::Done(i) => Some(i),
            _ => None,
        }
    }

    /// Forces (or with None, auto-detects) the charset and re-decodes the shown reply off-thread.
    pub fn set_charset(&mut self, charset: Option<&'static encoding_rs::Encoding>) {
        self.charset = charset;
        if let Some(prev) = self.inspection().cloned() {
            let id = self.worker.next_id();
            self.pending_redecode = Some(id);
            self.worker.send(Request::Redecode {
                id,
                previous: prev,
                charset,
            });
        }
    }

    /// Starts a connection test.
    pub fn test_connection(&mut self) {
        match self.connection() {
            Ok(conn) => {
                let id = self.worker.next_id();
                self.worker.send(Request::TestConnection {
                    id,
                    conn: Box::new(conn),
                });
                self.test = Some((id, None));
            }
            Err(e) => self.set_status(false, e),
        }
    }

    /// Writes the chosen content of the shown reply to `path` (atomically, off the UI thread).
    /// The save dialog ends here too; tests call it directly.
    pub fn export_to(&mut self, kind: ExportKind, path: PathBuf) {
        let Some(inspection) = self.inspection().cloned() else {
            self.set_status(false, t!("ui.export.nothing").into_owned());
            return;
        };
        let id = self.worker.next_id();
        self.exports.push((id, kind));
        self.worker.send(Request::Export {
            id,
            path,
            inspection,
            kind,
        });
    }

    /// Opens the save dialog (on the worker) for the given content.
    pub fn export_with_dialog(&mut self, kind: ExportKind) {
        match self.inspection() {
            Some(i) => {
                let suggested = super::export::suggested_name(i, kind);
                self.worker
                    .send(Request::ChooseExportPath { kind, suggested });
            }
            None => self.set_status(false, t!("ui.export.nothing").into_owned()),
        }
    }

    /// Whether an export is still being written.
    pub fn export_pending(&self) -> bool {
        !self.exports.is_empty()
    }

    /// The status-line message: (ok, text).
    pub fn status_message(&self) -> Option<&(bool, String)> {
        self.status_message.as_ref()
    }

    /// The session facts the status line shows for the form's profile (None: no session).
    pub fn session_line(&self) -> Option<String> {
        session::state_line(self)
    }

    /// Whether a password is held anywhere in the window (typed, or during a sign-in).
    pub fn session_holds_password(&self) -> bool {
        self.session.holds_password()
    }

    /// Whether the forced sign-in question (100-002) is waiting for the user.
    pub fn session_conflict_pending(&self) -> bool {
        self.session.conflict_pending()
    }

    /// The calls the gateway listed.
    pub fn live_calls(&self) -> &live_calls::LiveCalls {
        &self.live
    }

    /// Signs out every session this window signed in, waiting at most `limit` for the gateway
    /// (done when the window closes).
    pub fn sign_out_all(&mut self, limit: Duration) {
        session::sign_out_all(self, limit);
    }

    /// The note under the GUID field (keyring outcome), if any.
    pub fn guid_note_text(&self) -> Option<String> {
        self.guid_note.as_ref().map(|(_, t)| t.clone())
    }

    /// What the inspector shows.
    pub fn state(&self) -> &InspectorState {
        &self.state
    }

    /// The steps of the finished connection test, if one finished.
    pub fn test_steps(&self) -> Option<&[TestStep]> {
        self.test.as_ref().and_then(|(_, s)| s.as_deref())
    }

    /// The current view tab.
    pub fn view(&self) -> View {
        self.view
    }

    /// Switches the view tab.
    pub fn set_view(&mut self, view: View) {
        self.view = view;
        self.refresh_find();
    }

    pub(crate) fn set_status(&mut self, ok: bool, text: String) {
        self.status_message = Some((ok, text));
    }

    /// Applies every event the worker sent since the last frame.
    pub fn poll_worker(&mut self) {
        for ev in self.worker.drain() {
            self.on_event(ev);
        }
    }

    fn on_event(&mut self, ev: Event) {
        match ev {
            Event::QueryDone { id, inspection } => {
                let current =
                    matches!(self.state, InspectorState::Running { id: r, .. } if r == id);
                if self.pending_redecode == Some(id) {
                    self.pending_redecode = None;
                    if matches!(self.state, InspectorState::Done(_)) {
                        self.state = InspectorState::Done(inspection);
                        self.refresh_find();
                    }
                } else if current {
                    self.history.push(HistoryEntry {
                        at: inspection.at,
                        call_id: inspection.spec_summary.call_id.clone(),
                        agent: inspection.spec_summary.agent.clone(),
                        outcome: inspection
                            .retcode
                            .clone()
                            .unwrap_or_else(|| format!("HTTP {}", inspection.http_status)),
                        size: inspection.raw.len(),
                        ok: inspection.error.is_none(),
                    });
                    self.state = InspectorState::Done(inspection);
                    self.refresh_find();
                }
            }
            Event::QueryFailed {
                id,
                summary,
                message,
                ..
            } => {
                if matches!(self.state, InspectorState::Running { id: r, .. } if r == id) {
                    self.history.push(HistoryEntry {
                        at: SystemTime::now(),
                        call_id: summary.call_id.clone(),
                        agent: summary.agent.clone(),
                        outcome: t!("ui.inspector.no_reply").into_owned(),
                        size: 0,
                        ok: false,
                    });
                    self.state = InspectorState::Failed { summary, message };
                }
            }
            Event::Cancelled { id } => {
                if matches!(&self.test, Some((t, None)) if *t == id) {
                    self.test = None;
                }
            }
            Event::ConnectionTested { id, steps } => {
                if matches!(&self.test, Some((t, _)) if *t == id) {
                    self.test = Some((id, Some(steps)));
                }
            }
            Event::Found { id, rows } => {
                if self.find.pending == Some(id) {
                    self.find.pending = None;
                    self.find.matches = rows;
                    self.find.current = 0;
                    self.find.scroll_to = self.find.matches.first().copied();
                }
            }
            Event::Keyring(status) => self.keyring = Some(status),
            Event::GuidLoaded { profile, result } => {
                if self.selected_profile.as_deref() == Some(profile.as_str()) {
                    match result {
                        Ok(Some(g)) => {
                            self.form.guid = g.expose().to_owned();
                            self.guid_note =
                                Some((true, t!("ui.connection.guid_from_keyring").into_owned()));
                        }
                        Ok(None) => {
                            self.guid_note =
                                Some((false, t!("ui.connection.guid_none").into_owned()))
                        }
                        Err(e) => self.guid_note = Some((false, e)),
                    }
                }
            }
            Event::GuidRotated { profile, guid } => self.adopt_guid(profile, guid),
            Event::GuidStored { stored, .. } => {
                let rotated = self
                    .guid_note
                    .as_ref()
                    .is_some_and(|(_, n)| *n == t!("ui.connection.guid_rotated"));
                self.guid_note = Some(match stored {
                    // The rotation note already says where the new GUID went.
                    Stored::Keyring if rotated => {
                        (true, t!("ui.connection.guid_rotated").into_owned())
                    }
                    Stored::Keyring => (true, t!("ui.connection.guid_saved").into_owned()),
                    Stored::MemoryOnly { reason } => (false, reason),
                });
            }
            Event::GuidDeleted { result, .. } => {
                if let Err(e) = result {
                    self.set_status(false, e);
                }
            }
            Event::ExportPathChosen { kind, path } => {
                if let Some(path) = path {
                    self.export_to(kind, path);
                }
            }
            Event::CaFileChosen(path) => {
                if let Some(p) = path {
                    self.form.ca_file = p.display().to_string();
                }
            }
            ev @ (Event::SignedIn { .. }
            | Event::SignInConflict { .. }
            | Event::SignInFailed { .. }
            | Event::SignedOut { .. }
            | Event::Session(_)) => session::on_event(self, ev),
            ev @ Event::CallsListed { .. } => live_calls::on_event(self, ev),
            Event::Waiting { id, until } => self.waiting.hold(id, until),
            Event::Exported { id, result } => {
                self.exports.retain(|(e, _)| *e != id);
                match result {
                    Ok(path) => self.set_status(
                        true,
                        format!("{} {}", t!("ui.export.saved"), path.display()),
                    ),
                    Err(e) => self.set_status(false, crate::worker::sentence(&e)),
                }
            }
        }
    }

    /// Takes over a GUID the gateway rotated (`Set-GUID`): the form uses it from now on; a saved
    /// profile gets it in the keyring, the demo keeps it in memory only.
    fn adopt_guid(&mut self, profile: Option<String>, guid: Guid) {
        let form_profile = Some(self.form.name.trim().to_owned()).filter(|n| !n.is_empty());
        if profile != form_profile {
            // The form moved on to another profile; the new GUID still belongs to the old one.
            if let Some(p) = profile.filter(|p| self.profiles.iter().any(|q| &q.name == p)) {
                self.worker.send(Request::StoreGuid { profile: p, guid });
            }
            return;
        }
        self.form.guid = guid.expose().to_owned();
        if self.form.demo {
            if let Some(demo) = &mut self.demo {
                demo.guid = guid;
            }
            self.guid_note = Some((true, t!("ui.connection.guid_rotated_memory").into_owned()));
        } else if let Some(p) = profile.filter(|p| self.profiles.iter().any(|q| &q.name == p)) {
            self.guid_note = Some((true, t!("ui.connection.guid_rotated").into_owned()));
            self.worker.send(Request::StoreGuid { profile: p, guid });
        } else {
            self.guid_note = Some((true, t!("ui.connection.guid_rotated_memory").into_owned()));
        }
    }

    /// Re-runs find on the shown view after its text changed.
    pub(crate) fn refresh_find(&mut self) {
        if self.find.open && !self.find.needle.is_empty() {
            self.start_find();
        } else {
            self.find.matches.clear();
        }
    }

    pub(crate) fn start_find(&mut self) {
        let text = inspector::view_text(self);
        self.find.searched = self.find.needle.clone();
        match text {
            Some(text) if !self.find.needle.is_empty() => {
                let id = self.worker.next_id();
                self.find.pending = Some(id);
                self.worker.send(Request::Find {
                    id,
                    text,
                    needle: self.find.needle.clone(),
                });
            }
            _ => {
                self.find.matches.clear();
                self.find.pending = None;
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let query = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        let (q, s, f, esc) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&query),
                i.consume_shortcut(&save),
                i.consume_shortcut(&find),
                i.consume_key(Modifiers::NONE, Key::Escape),
            )
        });
        if q {
            self.query_selected();
        }
        if s {
            let kind = if self.view == View::Raw {
                ExportKind::Raw
            } else {
                ExportKind::Decoded
            };
            self.export_with_dialog(kind);
        }
        if f {
            self.find.open = true;
            self.find.focus = true;
        }
        if esc {
            if self.is_running() {
                self.cancel();
            } else {
                self.find.open = false;
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll_worker();
        let font_ready = self
            .fonts
            .as_ref()
            .is_none_or(|f| fonts::get(f) != fonts::FontStatus::Searching);
        if font_ready && let Some(call) = self.first_query.take() {
            self.query_call(call);
            live_calls::refresh(self);
        }
        // Chinese labels drawn before the CJK font is in would be boxes: show nothing for the
        // few frames the search takes (it repaints when done).
        if !font_ready && crate::i18n::current() == crate::i18n::Language::SimplifiedChinese {
            return;
        }
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        egui::Panel::top("top").show(ui, |ui| theme::top_bar(ui, self));
        egui::Panel::bottom("status").show(ui, |ui| status::show(ui, self));
        egui::Panel::left("left")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("left-scroll")
                    .show(ui, |ui| {
                        connection::show(ui, self);
                        ui.separator();
                        calls::show(ui, self);
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| inspector::show(ui, self));
        super::about::window(&ctx);
        session::conflict_modal(&ctx, self);
        if self.is_running()
            || self.test.as_ref().is_some_and(|t| t.1.is_none())
            || self.waiting.longest().is_some()
        {
            // Keeps the spinner and elapsed time moving; events wake the UI on their own.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if let Some(next) = live_calls::tick(self) {
            ctx.request_repaint_after(next);
        }
        if session::ticking(self) {
            // The GUID age and last-poll time in the status line count in seconds.
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn on_exit(&mut self) {
        // An agent account signed in from here must not stay signed in on the gateway.
        session::sign_out_all(self, Duration::from_secs(5));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let last_profile = self
            .selected_profile
            .clone()
            .filter(|p| p != DEMO_PROFILE || self.demo.is_none());
        let persisted = Persisted {
            last_profile,
            view: self.view,
            encoded: Some(self.encoded),
            language: self.language,
        };
        eframe::set_value(storage, eframe::APP_KEY, &persisted);
    }
}

#[cfg(test)]
mod form_tests {
    use super::Form;

    #[test]
    fn debug_of_the_form_never_shows_the_guid() {
        let form = Form {
            guid: "c4na7y00-5ec7-4e75-9d11-0a0b0c0d0e0f.AgentGateway9".into(),
            host: "gw".into(),
            ..Form::new()
        };
        let shown = format!("{form:?}");
        assert!(!shown.contains("c4na7y00"), "{shown}");
        assert!(
            shown.contains("guid: \"***\"") && shown.contains("gw"),
            "{shown}"
        );
    }
}
