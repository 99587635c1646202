//! The status line: HTTP status, retcode and its meaning, elapsed time, sizes, charset,
//! and the outcome of the last action (e.g. the saved file's path).

use super::app::{App, InspectorState};
use super::theme;

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
    #[test]
    fn sizes_read_naturally() {
        assert_eq!(super::size(12), "12 B");
        assert_eq!(super::size(2048), "2.0 KiB");
        assert_eq!(super::size(20 * 1024 * 1024), "20.0 MiB");
    }
}
