//! The status line: HTTP status, retcode and its meaning, elapsed time, sizes, charset,
//! and the outcome of the last action (e.g. the saved file's path).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::app::{App, InspectorState};
use super::theme;
use crate::worker::RequestId;

/// Requests the worker holds back for the gateway's per-agent rate limit, with when each may
/// go; shown as waiting (not as an error) until then.
#[derive(Debug, Default)]
pub struct Waiting(HashMap<RequestId, Instant>);

impl Waiting {
    /// Notes that request `id` waits `until` before it is sent.
    pub fn hold(&mut self, id: RequestId, until: Duration) {
        self.0.insert(id, Instant::now() + until);
        self.0.retain(|_, at| *at > Instant::now());
    }

    /// How long request `id` still waits (None: not waiting).
    pub fn left(&self, id: Option<RequestId>) -> Option<Duration> {
        let at = self.0.get(&id?)?;
        Some(at.saturating_duration_since(Instant::now())).filter(|d| !d.is_zero())
    }

    /// The longest wait of any held request (None: nothing waits).
    pub fn longest(&self) -> Option<Duration> {
        let now = Instant::now();
        self.0
            .values()
            .map(|at| at.saturating_duration_since(now))
            .filter(|d| !d.is_zero())
            .max()
    }
}

/// Human size: bytes, KiB, MiB.
pub fn size(n: usize) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if f < K {
        format!("{n} B")
    } else if f < K * K {
        format!("{:.1} KiB", f / K)
    } else {
        format!("{:.1} MiB", f / K / K)
    }
}

/// The status facts about the shown reply, one string.
pub fn summary(app: &App) -> String {
    match &app.state {
        InspectorState::Idle => t!("ui.status.ready").into_owned(),
        InspectorState::Running {
            summary, started, ..
        } => format!(
            "{} {} … {:.1} s",
            t!("ui.status.querying"),
            super::calls::call_label(&summary.call_id),
            started.elapsed().as_secs_f32()
        ),
        InspectorState::Failed { message, .. } => message.clone(),
        InspectorState::Done(i) => {
            let mut parts = vec![format!("HTTP {}", i.http_status)];
            if let Some(rc) = &i.retcode {
                match &i.retcode_meaning {
                    Some(m) => parts.push(format!("retcode {rc} ({m})")),
                    None => parts.push(format!("retcode {rc}")),
                }
            }
            parts.push(format!("{} ms", i.elapsed.as_millis()));
            parts.push(format!("{} {}", t!("ui.status.raw"), size(i.raw.len())));
            if let Some(d) = &i.decoded {
                parts.push(format!(
                    "{} {}",
                    t!("ui.status.decoded"),
                    size(d.bytes.len())
                ));
                parts.push(format!("{} ({:.0}%)", d.charset, d.confidence * 100.0));
            }
            parts.join(" · ")
        }
    }
}

/// Draws the status line.
pub fn show(ui: &mut egui::Ui, app: &App) {
    ui.horizontal_wrapped(|ui| {
        ui.label(summary(app));
        if let Some(left) = app.waiting.longest() {
            ui.separator();
            ui.colored_label(
                theme::warn_color(ui),
                t!(
                    "session.waiting",
                    secs = format!("{:.1}", left.as_secs_f32())
                ),
            );
        }
        if let Some(session) = super::session::state_line(app) {
            ui.separator();
            ui.label(session);
        }
        if let Some((ok, msg)) = &app.status_message {
            ui.separator();
            let color = if *ok {
                theme::ok_color(ui)
            } else {
                theme::error_color(ui)
            };
            ui.colored_label(color, msg);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_counts_down_per_request_and_forgets_finished_waits() {
        let mut w = Waiting::default();
        assert_eq!(w.longest(), None);
        w.hold(1, Duration::from_secs(60));
        w.hold(2, Duration::ZERO);
        assert!(
            w.left(Some(1))
                .is_some_and(|d| d <= Duration::from_secs(60))
        );
        // A zero wait is over at once; an unknown or absent id does not wait.
        assert_eq!(w.left(Some(2)), None);
        assert_eq!(w.left(Some(3)), None);
        assert_eq!(w.left(None), None);
        assert!(w.longest().is_some());
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(super::size(12), "12 B");
        assert_eq!(super::size(2048), "2.0 KiB");
        assert_eq!(super::size(20 * 1024 * 1024), "20.0 MiB");
    }
}
