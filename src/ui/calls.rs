//! The call list: the agent's current call, call IDs added by hand or pasted, and every call
//! queried in this run (time, retcode, size), with a filter. Selecting a call queries it.
//! Calls listed by the gateway itself are a section of their own (`live_calls`).

use std::time::{SystemTime, UNIX_EPOCH};

use super::app::App;
use super::{status, theme};

/// How a call ID is shown (the empty ID means the agent's current call).
pub fn call_label(call_id: &str) -> String {
    if call_id.is_empty() {
        t!("ui.calls.current").into_owned()
    } else {
        call_id.to_owned()
    }
}

/// Splits pasted text into call IDs (whitespace, commas, semicolons).
pub fn parse_call_ids(pasted: &str) -> Vec<String> {
    pasted
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Wall-clock HH:MM:SS (UTC; no timezone database needed).
pub fn clock(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "{:02}:{:02}:{:02}",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Adds IDs (deduplicated, order kept).
pub fn add_calls(app: &mut App, pasted: &str) {
    for id in parse_call_ids(pasted) {
        if !app.manual_calls.contains(&id) {
            app.manual_calls.push(id);
        }
    }
}

/// Draws the list.
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    ui.heading(t!("ui.calls.heading"));
    ui.horizontal(|ui| {
        let l = ui.label(t!("ui.calls.filter"));
        ui.add(egui::TextEdit::singleline(&mut app.filter).desired_width(200.0))
            .labelled_by(l.id);
    });
    let filter = app.filter.to_lowercase();
    let matches = |s: &str| filter.is_empty() || s.to_lowercase().contains(&filter);
    let mut query: Option<String> = None;

    let selected = app.selected_call.clone();
    if matches(&t!("ui.calls.current")) || filter.is_empty() {
        let current = ui.selectable_label(selected.as_deref() == Some(""), t!("ui.calls.current"));
        if current.clicked() {
            query = Some(String::new());
        }
    }

    super::live_calls::show(ui, app);

    ui.add_space(4.0);
    ui.label(egui::RichText::new(t!("ui.calls.added")).strong());
    let mut remove = None;
    for (i, id) in app.manual_calls.iter().enumerate() {
        // The demo's notes have catalogue entries by call ID; other notes are shown as given.
        let note = app
            .call_notes
            .get(id)
            .map(|given| {
                crate::i18n::catalogue_text(&format!("demo.call.{id}"), crate::i18n::current())
                    .unwrap_or_else(|| given.clone())
            })
            .unwrap_or_default();
        let shown = matches(id) || (!note.is_empty() && matches(&note));
        if !shown {
            continue;
        }
        ui.horizontal(|ui| {
            if ui
                .small_button("x")
                .on_hover_text(t!("ui.calls.remove"))
                .clicked()
            {
                remove = Some(i);
            }
            let r = ui.selectable_label(selected.as_deref() == Some(id.as_str()), id);
            if !note.is_empty() {
                ui.weak(&note);
            }
            if r.clicked() {
                query = Some(id.clone());
            }
        });
    }
    if let Some(i) = remove {
        app.manual_calls.remove(i);
    }
    ui.horizontal(|ui| {
        let l = ui.label(t!("ui.calls.add_label"));
        // Multi-line so a pasted column of IDs keeps its line breaks.
        ui.add(
            egui::TextEdit::multiline(&mut app.paste)
                .hint_text(t!("ui.calls.add_hint"))
                .desired_rows(2)
                .desired_width(150.0),
        )
        .labelled_by(l.id);
        if ui.button(t!("ui.calls.add")).clicked() {
            let pasted = std::mem::take(&mut app.paste);
            add_calls(app, &pasted);
        }
    });

    ui.add_space(4.0);
    ui.label(egui::RichText::new(t!("ui.calls.history")).strong());
    if app.history.is_empty() {
        ui.weak(t!("ui.calls.none_yet"));
    }
    for entry in app.history.iter().rev() {
        let label = call_label(&entry.call_id);
        if !matches(&label) && !matches(&entry.outcome) {
            continue;
        }
        ui.horizontal(|ui| {
            ui.weak(clock(entry.at));
            if ui
                .selectable_label(false, &label)
                .on_hover_text(t!("ui.calls.agent", agent = entry.agent))
                .clicked()
            {
                query = Some(entry.call_id.clone());
            }
            let color = if entry.ok {
                theme::ok_color(ui)
            } else {
                theme::error_color(ui)
            };
            ui.colored_label(color, &entry.outcome);
            ui.weak(status::size(entry.size));
        });
    }
    if let Some(call) = query {
        app.query_call(call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_ids_split_on_any_separator() {
        assert_eq!(
            parse_call_ids(" 1700-1, 1700-2;1700-3\n17000000#04&x=1\t"),
            vec!["1700-1", "1700-2", "1700-3", "17000000#04&x=1"]
        );
        assert!(parse_call_ids(" \n ").is_empty());
    }

    #[test]
    fn clock_is_hh_mm_ss() {
        assert_eq!(
            clock(UNIX_EPOCH + std::time::Duration::from_secs(3661)),
            "01:01:01"
        );
    }
}
