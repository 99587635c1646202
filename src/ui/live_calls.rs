//! Calls listed by the gateway itself: the agent's own calls (current and held) or another
//! agent's calls by work number, with caller, called, skill, media, start and duration;
//! refreshed on demand or every N seconds. Clicking a call queries its data.

use std::time::{Duration, Instant, SystemTime};

use super::app::App;
use super::{calls, theme};
use crate::gateway::CallSummary;
use crate::worker::{Event, Request, RequestId};

/// Shortest auto-refresh period: one own-calls refresh is two requests, so anything faster
/// would spend the agent's whole 5-per-2-s allowance on listing.
pub const MIN_EVERY_SECS: u64 = 2;
/// Auto-refresh period offered first.
pub const DEFAULT_EVERY_SECS: u64 = 10;

/// Whose calls are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// The signed-in agent's current and held calls.
    #[default]
    Own,
    /// Another agent's calls (same VDN), by work number.
    WorkNo,
}

/// The live list's state.
#[derive(Debug)]
pub struct LiveCalls {
    /// Whose calls.
    pub source: Source,
    /// Work number as typed.
    pub workno: String,
    /// Refresh by itself.
    pub auto: bool,
    /// Auto-refresh period in seconds, as typed.
    pub every: String,
    pending: Option<RequestId>,
    /// The last listing.
    calls: Vec<CallSummary>,
    /// When it was fetched.
    fetched: Option<SystemTime>,
    /// Why the last refresh failed.
    error: Option<String>,
    next_auto: Option<Instant>,
    /// The gateway and agent the listing came from: another profile's list is not shown.
    target: Option<Target>,
}

/// Host, port, agent and work number a listing belongs to.
type Target = (String, String, String, Option<String>);

fn target_of(app: &App) -> Target {
    let f = &app.form;
    let workno = (app.live.source == Source::WorkNo).then(|| app.live.workno.trim().to_owned());
    (
        f.host.trim().to_owned(),
        f.port.trim().to_owned(),
        f.agent.trim().to_owned(),
        workno,
    )
}

impl Default for LiveCalls {
    fn default() -> Self {
        Self {
            source: Source::Own,
            workno: String::new(),
            auto: false,
            every: DEFAULT_EVERY_SECS.to_string(),
            pending: None,
            calls: Vec::new(),
            fetched: None,
            error: None,
            next_auto: None,
            target: None,
        }
    }
}

impl LiveCalls {
    /// The calls of the last listing.
    pub fn calls(&self) -> &[CallSummary] {
        &self.calls
    }

    /// Whether a listing is on its way.
    pub fn refreshing(&self) -> bool {
        self.pending.is_some()
    }

    /// The last listing's error, if it failed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The request id of the listing on its way.
    pub fn pending(&self) -> Option<RequestId> {
        self.pending
    }

    fn period(&self) -> Result<Duration, String> {
        self.every
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| (MIN_EVERY_SECS..=3600).contains(s))
            .map(Duration::from_secs)
            .ok_or_else(|| t!("live_calls.every_bad", min = MIN_EVERY_SECS).into_owned())
    }
}

/// Asks the gateway for the list (a refresh already on its way is not doubled).
pub fn refresh(app: &mut App) {
    if app.live.pending.is_some() {
        return;
    }
    let workno = match app.live.source {
        Source::Own => None,
        Source::WorkNo => {
            let w = app.live.workno.trim().to_owned();
            if let Err(e) = w.parse::<crate::gateway::AgentId>() {
                app.live.error =
                    Some(t!("live_calls.workno_bad", reason = e.to_string()).into_owned());
                return;
            }
            Some(w)
        }
    };
    let conn = match app.connection() {
        Ok(c) => c,
        Err(e) => {
            app.live.error = Some(e);
            return;
        }
    };
    let id = app.worker.next_id();
    app.worker.send(Request::ListCalls {
        id,
        conn: Box::new(conn),
        workno,
    });
    app.live.pending = Some(id);
    app.live.target = Some(target_of(app));
}

/// Applies a listing from the worker.
pub fn on_event(app: &mut App, ev: Event) {
    if let Event::CallsListed { id, result } = ev {
        if app.live.pending != Some(id) {
            return;
        }
        app.live.pending = None;
        match result {
            Ok(calls) => {
                app.live.calls = calls;
                app.live.fetched = Some(SystemTime::now());
                app.live.error = None;
            }
            Err(e) => app.live.error = Some(e),
        }
    }
}

/// Starts an auto-refresh when one is due; returns how long until the next one (to schedule a
/// repaint), None when auto-refresh is off.
pub fn tick(app: &mut App) -> Option<Duration> {
    if !app.live.auto {
        app.live.next_auto = None;
        return None;
    }
    let period = app.live.period().ok()?;
    let now = Instant::now();
    let due = *app.live.next_auto.get_or_insert(now);
    if now >= due && app.live.pending.is_none() {
        refresh(app);
        app.live.next_auto = Some(now + period);
    }
    Some(
        app.live
            .next_auto
            .map_or(period, |d| d.saturating_duration_since(now)),
    )
}

/// "m:ss" (or "h:mm:ss") for a call's duration.
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Draws the live list (a section of the call list).
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    ui.add_space(4.0);
    ui.label(egui::RichText::new(t!("live_calls.heading")).strong());
    ui.horizontal_wrapped(|ui| {
        ui.radio_value(&mut app.live.source, Source::Own, t!("live_calls.own"));
        ui.radio_value(
            &mut app.live.source,
            Source::WorkNo,
            t!("live_calls.by_workno"),
        );
        if app.live.source == Source::WorkNo {
            let l = ui.label(t!("live_calls.workno"));
            ui.add(
                egui::TextEdit::singleline(&mut app.live.workno)
                    .hint_text(t!("live_calls.workno_hint"))
                    .desired_width(70.0),
            )
            .labelled_by(l.id);
        }
    });
    ui.horizontal_wrapped(|ui| {
        if app.live.pending.is_some() {
            ui.add(egui::Spinner::new());
            match app.waiting.left(app.live.pending) {
                Some(left) => ui.colored_label(
                    theme::warn_color(ui),
                    t!(
                        "live_calls.waiting",
                        secs = format!("{:.1}", left.as_secs_f32())
                    ),
                ),
                None => ui.label(t!("live_calls.refreshing")),
            };
        } else if ui.button(t!("live_calls.refresh")).clicked() {
            refresh(app);
        }
        ui.checkbox(&mut app.live.auto, t!("live_calls.auto"));
        ui.add(egui::TextEdit::singleline(&mut app.live.every).desired_width(32.0))
            .labelled_by(ui.label(t!("live_calls.seconds")).id);
    });
    if app.live.auto
        && let Err(e) = app.live.period()
    {
        ui.colored_label(theme::error_color(ui), e);
    }
    if let Some(e) = &app.live.error {
        ui.colored_label(theme::error_color(ui), e);
    }
    let current = app.live.target.as_ref() == Some(&target_of(app));
    let Some(fetched) = app.live.fetched.filter(|_| current) else {
        ui.weak(t!("live_calls.not_fetched"));
        return;
    };
    if app.live.calls.is_empty() {
        ui.weak(t!("live_calls.none", at = calls::clock(fetched)));
        return;
    }
    ui.weak(t!(
        "live_calls.fetched",
        at = calls::clock(fetched),
        n = app.live.calls.len()
    ));
    let mut query = None;
    let selected = app.selected_call.clone();
    egui::ScrollArea::horizontal()
        .id_salt("live-calls-scroll")
        .show(ui, |ui| {
            egui::Grid::new("live-calls")
                .striped(true)
                .num_columns(7)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for h in [
                        t!("live_calls.col_call"),
                        t!("live_calls.col_caller"),
                        t!("live_calls.col_called"),
                        t!("live_calls.col_skill"),
                        t!("live_calls.col_media"),
                        t!("live_calls.col_start"),
                        t!("live_calls.col_duration"),
                    ] {
                        ui.label(egui::RichText::new(h).strong());
                    }
                    ui.end_row();
                    for c in &app.live.calls {
                        ui.horizontal(|ui| {
                            let r = ui.selectable_label(
                                selected.as_deref() == Some(c.call_id.as_str()),
                                &c.call_id,
                            );
                            if r.clicked() {
                                query = Some(c.call_id.clone());
                            }
                            if c.held {
                                ui.colored_label(theme::warn_color(ui), t!("live_calls.held"));
                            }
                        });
                        ui.label(dash(&c.caller));
                        ui.label(dash(&c.called));
                        ui.label(dash(&c.skill));
                        ui.label(dash(&c.media_type));
                        ui.label(c.start_time.as_deref().map_or("–", dash));
                        ui.label(
                            c.duration
                                .map(|d| duration_text(Duration::from_secs(d)))
                                .unwrap_or_else(|| "–".into()),
                        );
                        ui.end_row();
                    }
                });
            // Room for the floating scroll bar, so it never covers the last row's clicks.
            ui.add_space(
                ui.spacing().scroll.bar_width + ui.spacing().scroll.bar_outer_margin + 4.0,
            );
        });
    if let Some(call) = query {
        app.query_call(call);
    }
}

/// The gateway's value, or a dash where it gave none.
fn dash(s: &str) -> &str {
    if s.trim().is_empty() { "–" } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_clock_spans() {
        assert_eq!(duration_text(Duration::from_secs(65)), "1:05");
        assert_eq!(duration_text(Duration::from_secs(3725)), "1:02:05");
        assert_eq!(duration_text(Duration::ZERO), "0:00");
    }
}
