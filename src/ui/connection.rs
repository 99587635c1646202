//! The connection form: profile, host, port, agent, TLS, GUID (keyring), Test connection.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{RichText, TextEdit};

use super::app::{App, DEMO_PROFILE, Form};
use super::theme;
use crate::keystore::KeyringStatus;
use crate::profiles::{AuthMode, Profile};
use crate::secret::Guid;
use crate::worker::Connection;

/// Default whole-request timeout (the CLI's default too).
pub const DEFAULT_TIMEOUT_SECS: u64 = 15;

/// Draws the form.
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    ui.heading(t!("ui.connection.heading"));
    profile_picker(ui, app);
    let form_enabled = !app.form.demo;
    egui::Grid::new("conn-grid")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            // The demo profile's name is a key (selection, keyring, saved state); only what is
            // shown is translated.
            if app.form.demo {
                let mut demo_name = t!("ui.connection.demo_profile").into_owned();
                field(ui, &t!("ui.connection.name"), &mut demo_name, false, false);
            } else {
                field(
                    ui,
                    &t!("ui.connection.name"),
                    &mut app.form.name,
                    true,
                    false,
                );
            }
            field(
                ui,
                &t!("ui.connection.host"),
                &mut app.form.host,
                form_enabled,
                false,
            );
            field(
                ui,
                &t!("ui.connection.port"),
                &mut app.form.port,
                form_enabled,
                false,
            );
            field(
                ui,
                &t!("ui.connection.agent"),
                &mut app.form.agent,
                form_enabled,
                false,
            );
            // The row exists only while there is something to say, so the form stays compact.
            if let Some(problem) = agent_problem(&app.form.agent) {
                ui.label("");
                ui.colored_label(theme::error_color(ui), problem);
                ui.end_row();
            }
            let ca = ui.label(t!("ui.connection.ca_file"));
            ui.horizontal(|ui| {
                if app.form.demo {
                    ui.label(RichText::new(t!("ui.connection.demo_ca")).italics());
                } else {
                    ui.add(TextEdit::singleline(&mut app.form.ca_file).desired_width(150.0))
                        .labelled_by(ca.id);
                    if ui.button(t!("ui.connection.choose")).clicked() {
                        app.worker.send(crate::worker::Request::ChooseCaFile);
                    }
                }
            });
            ui.end_row();
            field(
                ui,
                &t!("ui.connection.timeout"),
                &mut app.form.timeout,
                true,
                false,
            );
            let l = ui.label(t!("ui.connection.max_reply"));
            ui.add(
                TextEdit::singleline(&mut app.form.max_reply)
                    .hint_text((crate::gateway::DEFAULT_MAX_BODY >> 20).to_string())
                    .desired_width(220.0),
            )
            .labelled_by(l.id)
            .on_hover_text(t!("ui.connection.max_reply_hint"));
            ui.end_row();
            super::session::auth_row(ui, app);
            if app.form.auth == AuthMode::SignIn {
                super::session::sign_in_rows(ui, app);
                return;
            }
            let g = ui.label(t!("ui.connection.guid"));
            ui.horizontal(|ui| {
                let show = app.form.show_guid;
                ui.add_enabled(
                    form_enabled,
                    TextEdit::singleline(&mut app.form.guid)
                        .password(!show)
                        .desired_width(170.0),
                )
                .labelled_by(g.id);
                ui.checkbox(&mut app.form.show_guid, t!("ui.connection.show"));
            });
            ui.end_row();
        });
    super::session::show(ui, app);
    super::pin::pinned_row(ui, app);
    ui.add_enabled(
        !app.form.demo,
        egui::Checkbox::new(&mut app.form.insecure, t!("ui.connection.insecure")),
    );
    if app.form.insecure {
        theme::insecure_badge(ui);
    }
    // Keyring notes speak of a pasted GUID; a sign-in profile has its own notes.
    if app.form.auth == AuthMode::PastedGuid
        && let Some((ok, note)) = &app.guid_note
    {
        let color = if *ok {
            ui.visuals().weak_text_color()
        } else {
            theme::warn_color(ui)
        };
        ui.colored_label(color, note);
    }
    keyring_line(ui, app);
    super::pin::show(ui, app);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!app.form.demo, egui::Button::new(t!("ui.connection.save")))
            .clicked()
        {
            app.save_profile();
        }
        let can_delete = app
            .selected_profile
            .as_ref()
            .is_some_and(|p| app.profiles.iter().any(|q| &q.name == p));
        if ui
            .add_enabled(
                can_delete && !app.form.demo,
                egui::Button::new(t!("ui.connection.delete")),
            )
            .clicked()
        {
            app.delete_profile();
        }
        let testing = app.test.as_ref().is_some_and(|t| t.1.is_none());
        if testing {
            ui.add(egui::Spinner::new());
            ui.label(t!("ui.connection.testing"));
        } else if ui.button(t!("ui.connection.test")).clicked() {
            app.test_connection();
        }
    });
    if let Some(e) = &app.profile_error {
        ui.colored_label(theme::error_color(ui), e);
    }
    if let Some((_, Some(steps))) = &app.test {
        for step in steps {
            let (mark, color) = match step.ok {
                Some(true) => (t!("ui.connection.step_ok"), theme::ok_color(ui)),
                Some(false) => (t!("ui.connection.step_failed"), theme::error_color(ui)),
                None => (
                    t!("ui.connection.step_skipped"),
                    ui.visuals().weak_text_color(),
                ),
            };
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    color,
                    format!("{mark} {}", t!(format!("test.step.{}", step.what))),
                );
                ui.label(&step.detail);
            });
        }
    }
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, enabled: bool, password: bool) {
    let l = ui.label(label);
    ui.add_enabled(
        enabled,
        TextEdit::singleline(value)
            .password(password)
            .desired_width(220.0),
    )
    .labelled_by(l.id);
    ui.end_row();
}

/// How a profile name is shown: the demo gateway's in the interface language.
fn shown_profile_name(app: &App, name: &str) -> String {
    if name == DEMO_PROFILE && app.demo.is_some() {
        t!("ui.connection.demo_profile").into_owned()
    } else {
        name.to_owned()
    }
}

fn profile_picker(ui: &mut egui::Ui, app: &mut App) {
    let current = app
        .selected_profile
        .clone()
        .unwrap_or_else(|| t!("ui.connection.new_profile").into_owned());
    let current_shown = shown_profile_name(app, &current);
    let mut choice: Option<Option<String>> = None;
    ui.horizontal(|ui| {
        let l = ui.label(t!("ui.connection.profile"));
        egui::ComboBox::from_id_salt("profile-combo")
            .selected_text(current_shown.as_str())
            .width(200.0)
            .show_ui(ui, |ui| {
                if app.demo.is_some()
                    && ui
                        .selectable_label(current == DEMO_PROFILE, t!("ui.connection.demo_profile"))
                        .clicked()
                {
                    choice = Some(Some(DEMO_PROFILE.to_owned()));
                }
                for p in &app.profiles {
                    if ui.selectable_label(current == p.name, &p.name).clicked() {
                        choice = Some(Some(p.name.clone()));
                    }
                }
                if ui
                    .selectable_label(
                        app.selected_profile.is_none(),
                        t!("ui.connection.new_profile"),
                    )
                    .clicked()
                {
                    choice = Some(None);
                }
            })
            .response
            .labelled_by(l.id);
        if app.form.demo {
            theme::demo_badge(ui);
        }
    });
    match choice {
        Some(Some(name)) => app.select_profile(&name),
        Some(None) => {
            app.selected_profile = None;
            app.form = Form {
                timeout: app.form.timeout.clone(),
                ..Form::new()
            };
            app.guid_note = None;
        }
        None => {}
    }
}

fn keyring_line(ui: &mut egui::Ui, app: &App) {
    if app.form.demo {
        return;
    }
    match &app.keyring {
        None => {
            ui.weak(t!("ui.connection.keyring_checking"));
        }
        Some(KeyringStatus::Available { .. }) => {
            ui.weak(t!("ui.connection.keyring_ok"));
        }
        Some(KeyringStatus::Unavailable { reason }) => {
            ui.colored_label(
                theme::warn_color(ui),
                format!("{}: {reason}", t!("ui.connection.keyring_none")),
            );
        }
    }
}

/// What is wrong with the agent ID as typed (None when valid or still empty).
pub fn agent_problem(agent: &str) -> Option<String> {
    if agent.trim().is_empty() {
        return None;
    }
    validate_agent(agent).err()
}

/// The gateway's own agent ID rules, as a plain message.
fn validate_agent(agent: &str) -> Result<(), String> {
    agent
        .parse::<crate::gateway::AgentId>()
        .map(|_| ())
        .map_err(|e| crate::worker::sentence(&e.to_string()))
}

/// A profile (no secret) from the form.
pub fn profile_from_form(form: &Form) -> Result<Profile, String> {
    let port = parse_port(&form.port)?;
    if let Some(p) = agent_problem(&form.agent) {
        return Err(p);
    }
    Ok(Profile {
        name: form.name.trim().to_owned(),
        host: form.host.trim().to_owned(),
        port,
        agent: form.agent.trim().to_owned(),
        ca_file: Some(form.ca_file.trim())
            .filter(|s| !s.is_empty())
            .map(PathBuf::from),
        insecure: form.insecure,
        auth: form.auth,
        phone: Some(form.phone.trim().to_owned()).filter(|p| !p.is_empty()),
        pin_sha256: form.pin_sha256.clone(),
        max_reply_mib: parse_max_reply(&form.max_reply)?,
    })
}

/// The reply cap as typed: empty for the default, else whole MiB from 1 to 4096 (the CLI's
/// `--max-reply-mib` range).
fn parse_max_reply(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>()
        .ok()
        .filter(|m| (1..=4096).contains(m))
        .map(Some)
        .ok_or_else(|| {
            t!(
                "ui.connection.max_reply_bad",
                default = crate::gateway::DEFAULT_MAX_BODY >> 20
            )
            .into_owned()
        })
}

/// The connection the form describes, or the first problem in plain words.
pub fn connection_from_form(
    form: &Form,
    ca_pem: Option<Arc<Vec<u8>>>,
) -> Result<Connection, String> {
    let host = form.host.trim();
    if host.is_empty() {
        return Err(t!("ui.connection.host_missing").into_owned());
    }
    let port = parse_port(&form.port)?;
    if form.agent.trim().is_empty() {
        return Err(validate_agent("").err().unwrap_or_default());
    }
    if let Some(p) = agent_problem(&form.agent) {
        return Err(p);
    }
    let timeout = form
        .timeout
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=3600).contains(s))
        .ok_or_else(|| t!("ui.connection.timeout_bad").into_owned())?;
    let guid = match Guid::new(&form.guid) {
        Ok(g) => g,
        Err(crate::secret::GuidError::Empty) => {
            return Err(t!("ui.connection.guid_missing").into_owned());
        }
        Err(e) => return Err(e.to_string()),
    };
    Ok(Connection {
        host: host.to_owned(),
        port,
        agent: form.agent.trim().to_owned(),
        ca_file: Some(form.ca_file.trim())
            .filter(|s| !s.is_empty() && !form.demo)
            .map(PathBuf::from),
        ca_pem,
        insecure: form.insecure && !form.demo,
        guid,
        timeout: Duration::from_secs(timeout),
        profile: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
        pin_sha256: match form.pin_sha256.as_deref() {
            Some(pin) if !form.demo => {
                Some(crate::gateway::Fingerprint::parse(pin).map_err(|e| e.to_string())?)
            }
            _ => None,
        },
        max_reply_mib: parse_max_reply(&form.max_reply)?,
    })
}

fn parse_port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| t!("ui.connection.port_bad").into_owned())
}
