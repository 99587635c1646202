//! Sessions the window holds itself: per-profile choice between a pasted GUID and signing in
//! a dedicated agent account, the sign-in form (the password lives only until the gateway
//! answers), the forced sign-in confirmation on 100-002, sign-out (on request and at exit),
//! the session facts in the status line and the "session lost, sign in again" offer.
//!
//! The worker's session keeper does the talking (sign-in, event polls, Set-GUID adoption);
//! this module only sends requests and shows what the keeper reports.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use egui::TextEdit;

use super::app::App;
use super::theme;
use crate::profiles::AuthMode;
use crate::secret::{Guid, Password};
use crate::worker::{Connection, Event, Request, RequestId, SessionState, SessionStatus};

/// Identifies one session: (profile name, agent ID).
type SessionKey = (Option<String>, String);

/// A sign-in on its way. The password is kept only so a 100-002 answer can be confirmed and
/// resent as a forced sign-in without asking for it again; it is dropped with the answer.
struct Attempt {
    id: RequestId,
    conn: Connection,
    password: Password,
    phone: Option<String>,
    force: bool,
}

/// A session report with the moment it arrived, so ages keep counting between reports.
struct Report {
    status: SessionStatus,
    received: Instant,
}

/// The window's view of every session.
#[derive(Default)]
pub struct SessionUi {
    /// The password as typed; taken (emptied) the moment Sign in is pressed.
    pub(crate) password: String,
    attempt: Option<Attempt>,
    /// The 100-002 answer waits here for "force" or "cancel".
    conflict: Option<Attempt>,
    signing_out: Vec<(RequestId, SessionKey)>,
    reports: HashMap<SessionKey, Report>,
    /// Sessions this window signed in: signed out on request and at exit.
    signed_in: HashMap<SessionKey, Connection>,
    note: Option<(bool, String)>,
    focus_password: bool,
}

impl SessionUi {
    /// Whether the gateway said the agent is signed in elsewhere and the user has not decided.
    pub fn conflict_pending(&self) -> bool {
        self.conflict.is_some()
    }

    /// Whether this window holds a password right now (typed, or held during a sign-in).
    pub fn holds_password(&self) -> bool {
        !self.password.is_empty() || self.attempt.is_some() || self.conflict.is_some()
    }

    /// The last reported status of a session.
    fn status(&self, key: &SessionKey) -> Option<&Report> {
        self.reports.get(key)
    }
}

fn key_of(app: &App) -> SessionKey {
    (form_profile(app), app.form.agent.trim().to_owned())
}

fn form_profile(app: &App) -> Option<String> {
    Some(app.form.name.trim().to_owned()).filter(|n| !n.is_empty())
}

fn conn_key(conn: &Connection) -> SessionKey {
    (conn.profile.clone(), conn.agent.clone())
}

/// The form's auth mode row: paste a GUID or sign in (a row of the connection grid).
pub fn auth_row(ui: &mut egui::Ui, app: &mut App) {
    let l = ui.label(t!("session.auth"));
    // Stacked: side by side they wrap inside the grid cell and overlap the next row.
    ui.vertical(|ui| {
        ui.radio_value(
            &mut app.form.auth,
            AuthMode::PastedGuid,
            t!("session.auth_paste"),
        )
        .labelled_by(l.id);
        ui.radio_value(
            &mut app.form.auth,
            AuthMode::SignIn,
            t!("session.auth_sign_in"),
        );
    });
    ui.end_row();
}

/// The password and phone rows of the connection grid (sign-in mode only).
pub fn sign_in_rows(ui: &mut egui::Ui, app: &mut App) {
    let l = ui.label(t!("session.password"));
    let r = ui
        .add(
            TextEdit::singleline(&mut app.session.password)
                .password(true)
                .desired_width(170.0),
        )
        .labelled_by(l.id);
    if std::mem::take(&mut app.session.focus_password) {
        r.request_focus();
    }
    if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
        sign_in(app, false);
    }
    ui.end_row();
    let l = ui.label(t!("session.phone"));
    ui.add(
        TextEdit::singleline(&mut app.form.phone)
            .hint_text(t!("session.phone_hint"))
            .desired_width(170.0),
    )
    .labelled_by(l.id);
    ui.end_row();
}

/// Sign in / sign out buttons, the session's state and notes (below the connection grid).
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    if app.form.auth != AuthMode::SignIn {
        return;
    }
    let key = key_of(app);
    let state = app.session.status(&key).map(|r| r.status.state.clone());
    if let Some(SessionState::Lost(reason)) = &state {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.colored_label(
                theme::error_color(ui),
                t!("session.lost", reason = reason.as_str()),
            );
            if ui.button(t!("session.sign_in_again")).clicked() {
                if app.session.password.is_empty() {
                    app.session.focus_password = true;
                    app.session.note = Some((false, t!("session.password_needed").into_owned()));
                } else {
                    sign_in(app, false);
                }
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let signed_in = matches!(state, Some(SessionState::SignedIn));
        if app.session.attempt.is_some() {
            ui.add(egui::Spinner::new());
            ui.label(t!("session.signing_in"));
        } else if !app.session.signing_out.is_empty() {
            ui.add(egui::Spinner::new());
            ui.label(t!("session.signing_out"));
        } else {
            if ui
                .add_enabled(
                    app.session.conflict.is_none() && !signed_in,
                    egui::Button::new(t!("session.sign_in")),
                )
                .clicked()
            {
                sign_in(app, false);
            }
            if ui
                .add_enabled(signed_in, egui::Button::new(t!("session.sign_out")))
                .clicked()
            {
                sign_out(app);
            }
        }
        if let Some(line) = state_line(app) {
            ui.label(line);
        }
    });
    if let Some((ok, note)) = &app.session.note {
        let color = if *ok {
            ui.visuals().weak_text_color()
        } else {
            theme::error_color(ui)
        };
        ui.colored_label(color, note);
    }
    ui.weak(t!("session.password_never_stored"));
}

/// The forced sign-in confirmation (a modal over the whole window).
pub fn conflict_modal(ctx: &egui::Context, app: &mut App) {
    let Some(conflict) = &app.session.conflict else {
        return;
    };
    let agent = conflict.conn.agent.clone();
    let mut decision = None;
    egui::Modal::new(egui::Id::unique("force-sign-in")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.heading(t!("session.conflict_title"));
        ui.label(t!("session.conflict_body", agent = agent.as_str()));
        ui.horizontal(|ui| {
            if ui.button(t!("session.force")).clicked() {
                decision = Some(true);
            }
            if ui.button(t!("session.dont_force")).clicked() {
                decision = Some(false);
            }
        });
    });
    match decision {
        Some(true) => force_sign_in(app),
        Some(false) => {
            // Dropping the attempt drops the password with it.
            app.session.conflict = None;
            app.session.note = Some((false, t!("session.not_forced").into_owned()));
        }
        None => {}
    }
}

/// The session facts for the status line: signed in, GUID age, last poll (None = no session).
pub fn state_line(app: &App) -> Option<String> {
    let report = app.session.status(&key_of(app))?;
    let s = &report.status;
    let since = report.received.elapsed();
    Some(match &s.state {
        SessionState::SignedIn => {
            let age = (s.guid_age + since).as_secs();
            let poll = match s.last_poll {
                Some(at) => {
                    let ago = SystemTime::now()
                        .duration_since(at)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    t!("session.last_poll", ago = ago).into_owned()
                }
                None => t!("session.no_poll_yet").into_owned(),
            };
            t!(
                "session.state_signed_in",
                agent = s.agent.as_str(),
                age = age,
                poll = poll,
                rotations = s.rotations
            )
            .into_owned()
        }
        SessionState::Lost(_) => t!("session.state_lost", agent = s.agent.as_str()).into_owned(),
        SessionState::SignedOut => {
            t!("session.state_signed_out", agent = s.agent.as_str()).into_owned()
        }
    })
}

/// Whether the form's session is signed in (the status line then ticks every second).
pub fn ticking(app: &App) -> bool {
    app.session
        .status(&key_of(app))
        .is_some_and(|r| r.status.state == SessionState::SignedIn)
}

/// The connection for a sign-in: the form's, with the GUID left out (the gateway issues one).
fn sign_in_connection(app: &App) -> Result<Connection, String> {
    let mut form = app.form.clone();
    // The worker ignores the GUID of a sign-in; a placeholder keeps the form's checks uniform.
    form.guid = "sign-in".to_owned();
    let ca_pem = if form.demo {
        app.demo.as_ref().map(|d| d.ca_pem.clone())
    } else {
        None
    };
    super::connection::connection_from_form(&form, ca_pem)
}

/// Sends the sign-in with the typed password (which leaves the form at once).
pub fn sign_in(app: &mut App, force: bool) {
    if app.session.attempt.is_some() {
        return;
    }
    let conn = match sign_in_connection(app) {
        Ok(c) => c,
        Err(e) => {
            app.session.note = Some((false, e));
            return;
        }
    };
    let password = Password::new(std::mem::take(&mut app.session.password));
    let phone = Some(app.form.phone.trim().to_owned()).filter(|p| !p.is_empty());
    app.session.note = None;
    send_attempt(
        app,
        Attempt {
            id: 0,
            conn,
            password,
            phone,
            force,
        },
    );
}

fn send_attempt(app: &mut App, mut attempt: Attempt) {
    attempt.id = app.worker.next_id();
    app.worker.send(Request::SignIn {
        id: attempt.id,
        conn: Box::new(attempt.conn.clone()),
        password: attempt.password.clone(),
        phone: attempt.phone.clone(),
        force: attempt.force,
    });
    app.session.attempt = Some(attempt);
}

/// The user confirmed the forced sign-in: resend the held attempt with `force`.
pub fn force_sign_in(app: &mut App) {
    if let Some(mut attempt) = app.session.conflict.take() {
        attempt.force = true;
        send_attempt(app, attempt);
    }
}

/// Signs the form's session out.
pub fn sign_out(app: &mut App) {
    let key = key_of(app);
    let conn = match app.session.signed_in.get(&key).cloned() {
        Some(c) => c,
        // A session this window did not sign in (e.g. `calldata-inspector signin`): its GUID
        // is the form's, from the keyring.
        None => match app.connection() {
            Ok(c) => c,
            Err(e) => {
                app.session.note = Some((false, e));
                return;
            }
        },
    };
    let id = app.worker.next_id();
    app.worker.send(Request::SignOut {
        id,
        conn: Box::new(conn),
    });
    app.session.signing_out.push((id, key));
}

/// Signs out every session this window signed in and waits for the answers, at most `limit`
/// (called when the window closes, so an agent account is not left signed in on the gateway).
pub fn sign_out_all(app: &mut App, limit: Duration) {
    let sessions: Vec<(SessionKey, Connection)> = app.session.signed_in.drain().collect();
    for (key, conn) in sessions {
        let id = app.worker.next_id();
        app.worker.send(Request::SignOut {
            id,
            conn: Box::new(conn),
        });
        app.session.signing_out.push((id, key));
    }
    let start = Instant::now();
    while !app.session.signing_out.is_empty() && start.elapsed() < limit {
        app.poll_worker();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Applies a session event from the worker.
pub fn on_event(app: &mut App, ev: Event) {
    match ev {
        Event::SignedIn { id, profile, guid } => {
            let Some(attempt) = take_attempt(app, id) else {
                return;
            };
            let key = conn_key(&attempt.conn);
            app.session.signed_in.insert(key, attempt.conn.clone());
            app.session.note = Some((
                true,
                t!(
                    "session.signed_in_note",
                    agent = attempt.conn.agent.as_str()
                )
                .into_owned(),
            ));
            adopt_session_guid(app, profile, guid);
        }
        Event::SignInConflict { id } => {
            if let Some(attempt) = take_attempt(app, id) {
                if attempt.force {
                    // A forced sign-in cannot conflict; say so rather than loop.
                    app.session.note = Some((false, t!("session.force_refused").into_owned()));
                } else {
                    app.session.conflict = Some(attempt);
                }
            }
        }
        Event::SignInFailed { id, message } => {
            let ours = take_attempt(app, id).is_some();
            if ours {
                app.session.note = Some((false, message));
            }
        }
        Event::SignedOut { id, result } => {
            let Some(pos) = app.session.signing_out.iter().position(|(i, _)| *i == id) else {
                return;
            };
            let (_, key) = app.session.signing_out.remove(pos);
            app.session.signed_in.remove(&key);
            app.session.note = Some(match result {
                Ok(()) => (true, t!("session.signed_out_note").into_owned()),
                Err(e) => (false, e),
            });
        }
        Event::Session(status) => {
            let key = (status.profile.clone(), status.agent.clone());
            if status.state != SessionState::SignedIn {
                app.session.signed_in.remove(&key);
            }
            if matches!(status.state, SessionState::Lost(_)) && key == key_of(app) {
                // "Signed in" from before would contradict the lost-session notice.
                app.session.note = None;
            }
            app.session.reports.insert(
                key,
                Report {
                    status,
                    received: Instant::now(),
                },
            );
        }
        _ => {}
    }
}

fn take_attempt(app: &mut App, id: RequestId) -> Option<Attempt> {
    if app.session.attempt.as_ref().is_some_and(|a| a.id == id) {
        app.session.attempt.take()
    } else {
        None
    }
}

/// The GUID a sign-in produced: the form uses it for queries; a saved profile keeps it in the
/// keyring (so `query --profile` can use the same session), the demo only in memory.
fn adopt_session_guid(app: &mut App, profile: Option<String>, guid: Guid) {
    let saved = profile
        .clone()
        .filter(|p| app.profiles.iter().any(|q| &q.name == p));
    if profile == form_profile(app) {
        app.form.guid = guid.expose().to_owned();
        if app.form.demo
            && let Some(demo) = &mut app.demo
        {
            demo.guid = guid.clone();
        }
    }
    if let Some(p) = saved {
        app.worker.send(Request::StoreGuid { profile: p, guid });
    }
}
