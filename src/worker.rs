//! The worker: a tokio runtime on its own thread that does everything slow for the window.
//!
//! The UI sends [`Request`]s (never blocking) and drains [`Event`]s once per frame; the worker
//! wakes it with `request_repaint`. Every query carries an id: a cancelled or superseded query's
//! late answer is dropped by the UI, and [`Request::Cancel`] aborts it through a
//! `CancellationToken`. Decoding and the preparation of view rows run in `spawn_blocking`, so the
//! UI only lays out visible rows of already prepared text.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::gateway::CallSummary;
use crate::keystore::{KeyringStatus, Keystore, Stored};
use crate::secret::{Guid, Password};

mod engine;
mod prepare;
mod session;
pub use engine::{ClientCache, Connection, QuerySpec, TestStep};
pub use prepare::{GUI_PHRASES, decoded_view, gui_message, redecode, report_of, sentence};
pub use session::{SessionState, SessionStatus};

/// Identifies one request; answers carry it back.
pub type RequestId = u64;

/// Widest row (in columns; CJK characters count two) a text view lays out; longer lines are
/// split so a 20 MiB single-line body still renders as many short rows, and a one-line JSON
/// reads without scrolling sideways in a normal-sized window.
pub const MAX_ROW_COLS: usize = 88;

/// Whether `c` takes two columns in a monospace view (CJK, Hangul, full-width forms).
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

/// Text split into display rows (byte ranges into `text`), prepared off the UI thread.
#[derive(Debug, Default, Clone)]
pub struct TextRows {
    /// The whole text.
    pub text: String,
    /// Each row's byte range within `text` (no line terminators).
    pub rows: Vec<Range<usize>>,
}

impl TextRows {
    /// Splits at newlines and again every [`MAX_ROW_COLS`] columns (at char boundaries).
    pub fn new(text: String) -> Self {
        let mut rows = Vec::new();
        let mut line_start = 0;
        let bytes = text.as_bytes();
        let mut push_line = |start: usize, mut end: usize| {
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
            let mut row_start = start;
            let mut cols = 0;
            for (i, c) in text[start..end].char_indices() {
                let w = if is_wide(c) { 2 } else { 1 };
                if cols + w > MAX_ROW_COLS {
                    rows.push(row_start..start + i);
                    row_start = start + i;
                    cols = 0;
                }
                cols += w;
            }
            rows.push(row_start..end);
        };
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                push_line(line_start, i);
                line_start = i + 1;
            }
        }
        if line_start < bytes.len() || bytes.is_empty() {
            push_line(line_start, bytes.len());
        }
        Self { text, rows }
    }

    /// The text of row `i` (empty when out of range).
    pub fn row(&self, i: usize) -> &str {
        self.rows.get(i).map_or("", |r| &self.text[r.clone()])
    }

    /// Rows whose text contains `needle`, case-insensitively for ASCII.
    pub fn find(&self, needle: &str) -> Vec<usize> {
        if needle.is_empty() {
            return Vec::new();
        }
        let needle = needle.to_lowercase();
        (0..self.rows.len())
            .filter(|&i| self.row(i).to_lowercase().contains(&needle))
            .collect()
    }
}

/// The decoded call data, ready to show.
#[derive(Debug, Clone)]
pub struct DecodedView {
    /// The call-data bytes (after Base64 when encoded).
    pub bytes: Arc<Vec<u8>>,
    /// Decoded text split into rows.
    pub text: Arc<TextRows>,
    /// Charset used (detected or forced).
    pub charset: &'static str,
    /// Detection confidence 0..=1 (1 when forced).
    pub confidence: f32,
    /// Whether some bytes could not be decoded in that charset.
    pub had_errors: bool,
    /// Base64 variant used, if the result was Base64.
    pub base64: Option<String>,
    /// Structure view.
    pub structure: StructureView,
}

/// What the Structure tab shows.
#[derive(Debug, Clone)]
pub enum StructureView {
    /// JSON: pretty-printed rows (tree rendering uses the value when small enough).
    Json {
        /// Pretty JSON text.
        pretty: Arc<TextRows>,
        /// The value, kept only for payloads small enough to render as a tree.
        tree: Option<Arc<serde_json::Value>>,
    },
    /// `k=v` pairs.
    KeyValue {
        /// Separator between pairs (`&`, `|`, `;`...).
        separator: char,
        /// Pairs with values percent-decoded.
        pairs: Arc<Vec<(String, String)>>,
    },
    /// Percent-encoded text, decoded.
    Percent(Arc<TextRows>),
    /// No structure recognised.
    Text,
}

/// One finished query with everything the views need.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// What was asked.
    pub spec_summary: QuerySummary,
    /// When the answer arrived.
    pub at: SystemTime,
    /// HTTP status.
    pub http_status: u16,
    /// Round-trip time.
    pub elapsed: Duration,
    /// Response Content-Type.
    pub content_type: Option<String>,
    /// The body exactly as received.
    pub raw: Arc<Vec<u8>>,
    /// The body as text rows (lossy UTF-8) for the Raw view.
    pub raw_rows: Arc<TextRows>,
    /// Envelope retcode, if the body was an envelope.
    pub retcode: Option<String>,
    /// Plain-language meaning of the retcode.
    pub retcode_meaning: Option<String>,
    /// Envelope message.
    pub message: Option<String>,
    /// A plain-language error (HTTP, envelope, retcode or decoding), if any.
    pub error: Option<String>,
    /// The call-data bytes before charset decoding (kept when a forced charset fails, so
    /// another charset can be tried and the Hex view still works).
    pub data: Option<CallData>,
    /// The decoded data when decoding succeeded.
    pub decoded: Option<DecodedView>,
}

/// The call data as bytes, before any charset is applied.
#[derive(Debug, Clone)]
pub struct CallData {
    /// After Base64 when encoded, else the UTF-8 of the JSON string.
    pub bytes: Arc<Vec<u8>>,
    /// The Base64 alphabet, when the result was Base64.
    pub base64: Option<crate::decode::Base64Variant>,
}

/// The non-secret description of a query (for the call list, status line and "copy as command").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySummary {
    /// Gateway host.
    pub host: String,
    /// Gateway port.
    pub port: u16,
    /// Agent ID as typed.
    pub agent: String,
    /// Call ID (empty = the agent's current call).
    pub call_id: String,
    /// isEncodeResult.
    pub encoded: bool,
}

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The response body, byte-exact.
    Raw,
    /// The decoded text, UTF-8.
    Decoded,
    /// The JSON report.
    Report,
}

/// Requests from the UI.
#[derive(Debug)]
pub enum Request {
    /// Query call data; answered by `QueryDone`/`QueryFailed`/`Cancelled`.
    Query {
        /// Request id.
        id: RequestId,
        /// What to query.
        spec: Box<QuerySpec>,
    },
    /// Abort a running query or test.
    Cancel {
        /// Request id to abort.
        id: RequestId,
    },
    /// Re-decode the last reply with another charset (no new network request).
    Redecode {
        /// New request id (supersedes the displayed one).
        id: RequestId,
        /// The reply to re-decode.
        previous: Arc<Inspection>,
        /// Forced charset name, or None for auto-detect.
        charset: Option<&'static encoding_rs::Encoding>,
    },
    /// Check DNS, TCP, TLS, GUID and agent sign-in.
    TestConnection {
        /// Request id.
        id: RequestId,
        /// Where to connect.
        conn: Box<Connection>,
    },
    /// Search the text for rows containing a needle.
    Find {
        /// Request id.
        id: RequestId,
        /// Text to search.
        text: Arc<TextRows>,
        /// What to look for.
        needle: String,
    },
    /// Read the keyring status.
    KeyringStatus,
    /// Read a profile's GUID from the keyring.
    LoadGuid {
        /// Profile name.
        profile: String,
    },
    /// Store a profile's GUID in the keyring.
    StoreGuid {
        /// Profile name.
        profile: String,
        /// The GUID.
        guid: Guid,
    },
    /// Delete a profile's GUID.
    DeleteGuid {
        /// Profile name.
        profile: String,
    },
    /// Ask the user for a file name (native dialog, off the UI thread).
    ChooseExportPath {
        /// What will be written.
        kind: ExportKind,
        /// Suggested file name.
        suggested: String,
    },
    /// Ask the user for a CA certificate file (native dialog, off the UI thread).
    ChooseCaFile,
    /// Write part of an inspection atomically.
    Export {
        /// Request id.
        id: RequestId,
        /// Target file.
        path: PathBuf,
        /// The reply to export from.
        inspection: Arc<Inspection>,
        /// Which part.
        kind: ExportKind,
    },
    /// Sign a dedicated agent account in; answered by `SignedIn`/`SignInConflict`/`SignInFailed`.
    SignIn {
        /// Request id.
        id: RequestId,
        /// Where to sign in (its `guid` is ignored).
        conn: Box<Connection>,
        /// The agent's password, dropped once sent.
        password: Password,
        /// Phone number, if the site needs one.
        phone: Option<String>,
        /// Force the sign-in when the agent is already signed in elsewhere (after the user confirmed).
        force: bool,
    },
    /// Sign the agent out; answered by `SignedOut`.
    SignOut {
        /// Request id.
        id: RequestId,
        /// Which session.
        conn: Box<Connection>,
    },
    /// List calls from the gateway; answered by `CallsListed`.
    ListCalls {
        /// Request id.
        id: RequestId,
        /// Where to ask.
        conn: Box<Connection>,
        /// Another agent's work number; None = the agent's own calls (callinfo + holdlist).
        workno: Option<String>,
    },
}

/// Answers from the worker.
#[derive(Debug)]
pub enum Event {
    /// A query finished with a reply (which may still carry an error).
    QueryDone {
        /// Request id.
        id: RequestId,
        /// The prepared result.
        inspection: Arc<Inspection>,
    },
    /// A query failed before any reply (DNS, TCP, TLS, timeout, bad input).
    QueryFailed {
        /// Request id.
        id: RequestId,
        /// What was asked.
        summary: QuerySummary,
        /// Plain-language message.
        message: String,
        /// Elapsed time.
        elapsed: Duration,
    },
    /// A query was cancelled.
    Cancelled {
        /// Request id.
        id: RequestId,
    },
    /// A connection test finished.
    ConnectionTested {
        /// Request id.
        id: RequestId,
        /// One line per step.
        steps: Vec<TestStep>,
    },
    /// Find results.
    Found {
        /// Request id.
        id: RequestId,
        /// Matching rows.
        rows: Vec<usize>,
    },
    /// The keyring status.
    Keyring(KeyringStatus),
    /// A GUID was read (or not).
    GuidLoaded {
        /// Profile name.
        profile: String,
        /// The GUID, none, or why the keyring failed.
        result: Result<Option<Guid>, String>,
    },
    /// The gateway issued a new GUID (`Set-GUID`, dynamic authentication).
    GuidRotated {
        /// The profile the old GUID belonged to.
        profile: Option<String>,
        /// The new GUID.
        guid: Guid,
    },
    /// A GUID was stored.
    GuidStored {
        /// Profile name.
        profile: String,
        /// Where it went.
        stored: Stored,
    },
    /// A GUID was deleted.
    GuidDeleted {
        /// Profile name.
        profile: String,
        /// Error message if the keyring failed.
        result: Result<(), String>,
    },
    /// The save dialog closed.
    ExportPathChosen {
        /// What will be written.
        kind: ExportKind,
        /// The chosen path (None = cancelled).
        path: Option<PathBuf>,
    },
    /// The CA file dialog closed.
    CaFileChosen(Option<PathBuf>),
    /// An export finished.
    Exported {
        /// Request id.
        id: RequestId,
        /// The file written, or a plain-language error.
        result: Result<PathBuf, String>,
    },
    /// Signed in; the keeper already uses this GUID (the UI stores it via `StoreGuid`).
    SignedIn {
        /// Request id.
        id: RequestId,
        /// The profile signed in, if any.
        profile: Option<String>,
        /// The session GUID.
        guid: Guid,
    },
    /// The agent is already signed in (100-002): ask the user, then resend with `force`.
    SignInConflict {
        /// Request id.
        id: RequestId,
    },
    /// Sign-in failed.
    SignInFailed {
        /// Request id.
        id: RequestId,
        /// Plain-language message.
        message: String,
    },
    /// Sign-out finished.
    SignedOut {
        /// Request id.
        id: RequestId,
        /// A plain-language error if the gateway did not confirm it.
        result: Result<(), String>,
    },
    /// A session's state changed or a poll answered.
    Session(SessionStatus),
    /// A call listing finished.
    CallsListed {
        /// Request id.
        id: RequestId,
        /// The calls, or a plain-language error.
        result: Result<Vec<CallSummary>, String>,
    },
    /// A request waits for a free slot under the gateway's 5-per-2-s limit (not an error).
    Waiting {
        /// Request id.
        id: RequestId,
        /// How long it will wait.
        until: Duration,
    },
}

/// Handle owned by the UI: send requests, drain events.
pub struct Worker {
    tx: mpsc::UnboundedSender<Request>,
    rx: std::sync::mpsc::Receiver<Event>,
    thread: Option<std::thread::JoinHandle<()>>,
    next_id: RequestId,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").finish_non_exhaustive()
    }
}

/// How the worker gets its keystore: built lazily on the worker thread (the platform store may
/// block on D-Bus) or handed in (tests, demo).
pub enum KeystoreSource {
    /// Open the OS keyring on the worker thread.
    Platform,
    /// Use this one.
    Given(Arc<Keystore>),
}

impl Worker {
    /// Starts the worker thread; `wake` is called after every event (the UI passes `request_repaint`).
    pub fn start(
        keystore: KeystoreSource,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let (tx, mut req_rx) = mpsc::unbounded_channel::<Request>();
        let (ev_tx, rx) = std::sync::mpsc::channel::<Event>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("calldata-worker")
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("calldata-worker-main".into())
            .spawn(move || {
                let ctx = Arc::new(Ctx {
                    events: Mutex::new(ev_tx),
                    wake: Box::new(wake),
                    tokens: Mutex::new(HashMap::new()),
                    keystore: Mutex::new(match keystore {
                        KeystoreSource::Given(k) => Some(k),
                        KeystoreSource::Platform => None,
                    }),
                    clients: ClientCache::default(),
                    keeper: session::Keeper::default(),
                });
                runtime.block_on(async move {
                    while let Some(req) = req_rx.recv().await {
                        handle(ctx.clone(), req);
                    }
                    // Sessions this worker signed in must not linger on the gateway.
                    session::sign_out_all(&ctx, session::SHUTDOWN_SIGN_OUT).await;
                });
                // Dropping the runtime here aborts whatever is still in flight.
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(Self {
            tx,
            rx,
            thread: Some(thread),
            next_id: 0,
        })
    }

    /// A fresh request id.
    pub fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        self.next_id
    }

    /// Sends a request (never blocks).
    pub fn send(&self, req: Request) {
        // Fails only when the worker thread is gone (shutdown); nothing to do then.
        let _ = self.tx.send(req);
    }

    /// Takes every event that has arrived.
    pub fn drain(&self) -> Vec<Event> {
        self.rx.try_iter().collect()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the channel ends the worker loop; then wait briefly for the thread.
        let (dead_tx, _) = mpsc::unbounded_channel();
        self.tx = dead_tx;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// State shared by the worker's tasks.
struct Ctx {
    events: Mutex<std::sync::mpsc::Sender<Event>>,
    wake: Box<dyn Fn() + Send + Sync>,
    tokens: Mutex<HashMap<RequestId, CancellationToken>>,
    keystore: Mutex<Option<Arc<Keystore>>>,
    clients: ClientCache,
    keeper: session::Keeper,
}

impl Ctx {
    fn emit(&self, ev: Event) {
        let sent = self
            .events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(ev);
        if sent.is_ok() {
            (self.wake)();
        }
    }

    fn register(&self, id: RequestId) -> CancellationToken {
        let token = CancellationToken::new();
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, token.clone());
        token
    }

    fn unregister(&self, id: RequestId) {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// The keystore, opening the platform one on first use (blocking: call in spawn_blocking).
    fn keystore(&self) -> Arc<Keystore> {
        let mut guard = self.keystore.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .get_or_insert_with(|| Arc::new(Keystore::platform()))
            .clone()
    }
}

fn handle(ctx: Arc<Ctx>, req: Request) {
    match req {
        Request::Query { id, mut spec } => {
            let token = ctx.register(id);
            // Every query uses the session's latest GUID, whoever rotated it.
            spec.conn.guid = ctx.keeper.guid_for(&spec.conn);
            tokio::spawn(async move {
                let summary = spec.summary();
                let conn = spec.conn.clone();
                let waiting = |until| ctx.emit(Event::Waiting { id, until });
                tokio::select! {
                    _ = token.cancelled() => ctx.emit(Event::Cancelled { id }),
                    result = engine::query_with(*spec, &ctx.clients, waiting) => match result {
                        Ok((inspection, rotated)) => {
                            if let Some(guid) = rotated {
                                session::adopt(&ctx, &conn, guid);
                            }
                            let message = inspection.error.clone().unwrap_or_default();
                            session::note_retcode(&ctx, &conn, inspection.retcode.as_deref(), &message);
                            ctx.emit(Event::QueryDone { id, inspection: Arc::new(inspection) })
                        }
                        Err((message, elapsed)) => ctx.emit(Event::QueryFailed { id, summary, message, elapsed }),
                    },
                }
                ctx.unregister(id);
            });
        }
        Request::Cancel { id } => {
            if let Some(t) = ctx
                .tokens
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id)
            {
                t.cancel();
            }
        }
        Request::Redecode {
            id,
            previous,
            charset,
        } => {
            tokio::spawn(async move {
                let result =
                    tokio::task::spawn_blocking(move || prepare::redecode(&previous, charset))
                        .await;
                if let Ok(inspection) = result {
                    ctx.emit(Event::QueryDone {
                        id,
                        inspection: Arc::new(inspection),
                    });
                }
            });
        }
        Request::TestConnection { id, mut conn } => {
            let token = ctx.register(id);
            conn.guid = ctx.keeper.guid_for(&conn);
            tokio::spawn(async move {
                tokio::select! {
                    _ = token.cancelled() => ctx.emit(Event::Cancelled { id }),
                    steps = engine::test_connection(*conn, &ctx.clients) => ctx.emit(Event::ConnectionTested { id, steps }),
                }
                ctx.unregister(id);
            });
        }
        Request::Find { id, text, needle } => {
            tokio::spawn(async move {
                if let Ok(rows) = tokio::task::spawn_blocking(move || text.find(&needle)).await {
                    ctx.emit(Event::Found { id, rows });
                }
            });
        }
        Request::KeyringStatus => blocking(ctx, |ctx| Event::Keyring(ctx.keystore().status())),
        Request::LoadGuid { profile } => blocking(ctx, move |ctx| {
            let result = ctx.keystore().load(&profile).map_err(|e| e.to_string());
            Event::GuidLoaded { profile, result }
        }),
        Request::StoreGuid { profile, guid } => blocking(ctx, move |ctx| {
            let stored = ctx.keystore().store(&profile, &guid);
            Event::GuidStored { profile, stored }
        }),
        Request::DeleteGuid { profile } => blocking(ctx, move |ctx| {
            let result = ctx.keystore().delete(&profile).map_err(|e| e.to_string());
            Event::GuidDeleted { profile, result }
        }),
        Request::ChooseExportPath { kind, suggested } => {
            tokio::spawn(async move {
                // The portal/GTK dialog runs here, so frames keep flowing while it is open.
                let path = rfd::AsyncFileDialog::new()
                    .set_file_name(&suggested)
                    .save_file()
                    .await
                    .map(|h| h.path().to_path_buf());
                ctx.emit(Event::ExportPathChosen { kind, path });
            });
        }
        Request::ChooseCaFile => {
            tokio::spawn(async move {
                let path = rfd::AsyncFileDialog::new()
                    .add_filter(t!("worker.pem_filter"), &["pem", "crt", "cer"])
                    .pick_file()
                    .await
                    .map(|h| h.path().to_path_buf());
                ctx.emit(Event::CaFileChosen(path));
            });
        }
        Request::Export {
            id,
            path,
            inspection,
            kind,
        } => blocking(ctx, move |_| {
            let result = export_bytes(&inspection, kind)
                .ok_or_else(|| t!("worker.nothing_decoded").into_owned())
                .and_then(|bytes| {
                    crate::export::atomic_write(&path, &bytes)
                        .map_err(|e| crate::export::describe_write_error(&path, &e))
                })
                .map(|()| path);
            Event::Exported { id, result }
        }),
        Request::SignIn {
            id,
            conn,
            password,
            phone,
            force,
        } => {
            tokio::spawn(session::sign_in(ctx, id, *conn, password, phone, force));
        }
        Request::SignOut { id, conn } => {
            tokio::spawn(session::sign_out(ctx, id, *conn));
        }
        Request::ListCalls { id, conn, workno } => {
            tokio::spawn(session::list_calls(ctx, id, *conn, workno));
        }
    }
}

/// The bytes an export of `kind` writes (None: no decoded data); the report is built here,
/// off the UI thread, only when asked for.
pub fn export_bytes(i: &Inspection, kind: ExportKind) -> Option<std::borrow::Cow<'_, [u8]>> {
    use std::borrow::Cow;
    match kind {
        ExportKind::Raw => Some(Cow::Borrowed(i.raw.as_slice())),
        ExportKind::Decoded => i
            .decoded
            .as_ref()
            .map(|d| Cow::Borrowed(d.text.text.as_bytes())),
        ExportKind::Report => Some(Cow::Owned(report_of(i))),
    }
}

/// Runs blocking work (keyring, file I/O) off the async threads and emits its event.
fn blocking(ctx: Arc<Ctx>, f: impl FnOnce(&Ctx) -> Event + Send + 'static) {
    tokio::task::spawn_blocking(move || {
        let ev = f(&ctx);
        ctx.emit(ev);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_split_lines_and_long_lines() {
        let t = TextRows::new("a\r\nbb\n".to_owned());
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.row(0), "a");
        assert_eq!(t.row(1), "bb");
        let long = "中".repeat(200); // 400 columns
        let t = TextRows::new(long.clone());
        assert_eq!(t.rows.len(), 400usize.div_ceil(MAX_ROW_COLS));
        let joined: String = (0..t.rows.len()).map(|i| t.row(i)).collect();
        assert_eq!(joined, long);
        assert!(t.rows.iter().all(|r| r.len() <= MAX_ROW_COLS / 2 * 3));
        let ascii = TextRows::new("a".repeat(MAX_ROW_COLS + 1));
        assert_eq!((ascii.rows.len(), ascii.row(1)), (2, "a"));
        assert_eq!(TextRows::new(String::new()).rows.len(), 1);
    }

    fn worker() -> Worker {
        Worker::start(KeystoreSource::Given(Arc::new(Keystore::mock())), || {}).unwrap()
    }

    fn next_event(w: &Worker) -> Event {
        let start = std::time::Instant::now();
        loop {
            if let Some(ev) = w.drain().into_iter().next() {
                return ev;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no event");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn inspection(raw: &[u8], decoded: Option<&str>) -> Arc<Inspection> {
        Arc::new(Inspection {
            spec_summary: QuerySummary {
                host: "h".into(),
                port: 1,
                agent: "1001".into(),
                call_id: "c".into(),
                encoded: false,
            },
            at: SystemTime::now(),
            http_status: 200,
            elapsed: Duration::ZERO,
            content_type: None,
            raw: Arc::new(raw.to_vec()),
            raw_rows: Arc::new(TextRows::new(String::from_utf8_lossy(raw).into_owned())),
            retcode: Some("0".into()),
            retcode_meaning: None,
            message: None,
            error: None,
            data: None,
            decoded: decoded.map(|t| DecodedView {
                bytes: Arc::new(t.as_bytes().to_vec()),
                text: Arc::new(TextRows::new(t.to_owned())),
                charset: "UTF-8",
                confidence: 1.0,
                had_errors: false,
                base64: None,
                structure: StructureView::Text,
            }),
        })
    }

    #[test]
    fn export_writes_exact_bytes_and_a_failure_keeps_the_old_file() {
        let w = worker();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.json");
        let i = inspection(b"{\"retcode\":\"0\"}\r\n", Some("客户"));
        w.send(Request::Export {
            id: 7,
            path: target.clone(),
            inspection: i.clone(),
            kind: ExportKind::Raw,
        });
        match next_event(&w) {
            Event::Exported {
                id: 7,
                result: Ok(p),
            } => assert_eq!(p, target),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(&target).unwrap(), i.raw.as_slice());
        w.send(Request::Export {
            id: 8,
            path: target.clone(),
            inspection: i.clone(),
            kind: ExportKind::Decoded,
        });
        assert!(matches!(
            next_event(&w),
            Event::Exported {
                id: 8,
                result: Ok(_)
            }
        ));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "客户");

        // A target inside a missing directory cannot be written: clear message, old file untouched.
        let bad = dir.path().join("missing-dir").join("x.json");
        w.send(Request::Export {
            id: 9,
            path: bad,
            inspection: i,
            kind: ExportKind::Raw,
        });
        match next_event(&w) {
            Event::Exported {
                id: 9,
                result: Err(msg),
            } => {
                assert!(
                    msg.contains("could not save")
                        && msg.contains("does not exist")
                        && msg.contains("unchanged"),
                    "{msg}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "客户");
    }

    #[test]
    fn connection_test_reports_dns_and_tcp_in_plain_words() {
        let w = worker();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap().port();
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let conn = |port| engine::tests::conn(port, 5);
        w.send(Request::TestConnection {
            id: 1,
            conn: Box::new(conn(open)),
        });
        let Event::ConnectionTested { steps, .. } = next_event(&w) else {
            panic!()
        };
        assert_eq!(steps[0].ok, Some(true), "{steps:?}");
        assert_eq!(steps[1].what, "TCP");
        assert_eq!(steps[1].ok, Some(true), "{steps:?}");
        w.send(Request::TestConnection {
            id: 2,
            conn: Box::new(conn(closed)),
        });
        let Event::ConnectionTested { steps, .. } = next_event(&w) else {
            panic!()
        };
        assert_eq!(steps[1].ok, Some(false), "{steps:?}");
        assert!(steps[1].detail.contains("cannot connect"), "{steps:?}");
        assert_eq!(steps[2].ok, None);
    }

    #[test]
    fn keyring_requests_answer_with_events() {
        let w = worker();
        w.send(Request::StoreGuid {
            profile: "p".into(),
            guid: Guid::new("abc").unwrap(),
        });
        assert!(matches!(
            next_event(&w),
            Event::GuidStored {
                stored: Stored::Keyring,
                ..
            }
        ));
        w.send(Request::LoadGuid {
            profile: "p".into(),
        });
        match next_event(&w) {
            Event::GuidLoaded {
                result: Ok(Some(g)),
                ..
            } => assert_eq!(g.expose(), "abc"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn find_is_case_insensitive_and_returns_rows() {
        let t = TextRows::new("alpha\nBeta\n客户 beta\n".to_owned());
        assert_eq!(t.find("BETA"), vec![1, 2]);
        assert_eq!(t.find("客户"), vec![2]);
        assert!(t.find("").is_empty());
    }
}
