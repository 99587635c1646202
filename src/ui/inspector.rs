//! The data inspector: toolbar (query, cancel, encoding, views, charset, find, copy, export),
//! a readable error banner, and the Raw / Decoded / Structure / Hex views.

use std::sync::Arc;

use egui::RichText;

use super::app::{App, InspectorState, View};
use super::text_view::{self, Marks};
use super::{calls, export, theme};
use crate::worker::{Inspection, StructureView, TextRows};

/// Every string the inspector shows.
pub mod text {
    pub const QUERY: &str = "Query";
    pub const QUERY_HINT: &str = "Query the selected call (Ctrl+Enter)";
    pub const CANCEL: &str = "Cancel";
    pub const CANCEL_HINT: &str = "Stop waiting for the gateway (Esc)";
    pub const CANCELLED: &str = "Query cancelled.";
    pub const NO_REPLY: &str = "no reply";
    pub const ENCODED: &str = "Base64 (isEncodeResult=true)";
    pub const RAW: &str = "Raw";
    pub const DECODED: &str = "Decoded";
    pub const STRUCTURE: &str = "Structure";
    pub const HEX: &str = "Hex";
    pub const CHARSET: &str = "Charset";
    pub const AUTO: &str = "Auto-detect";
    pub const FIND: &str = "Find";
    pub const FIND_FIELD: &str = "Find in view";
    pub const FIND_HINT: &str = "Find in view (Ctrl+F)";
    pub const NEXT: &str = "Next";
    pub const PREV: &str = "Previous";
    pub const NO_MATCH: &str = "no match";
    pub const COPY: &str = "Copy";
    pub const COPY_HINT: &str = "Copy the whole view";
    pub const COPY_CMD: &str = "Copy as command";
    pub const COPY_CMD_HINT: &str =
        "A calldata-inspector query line and a curl line, with Guid: ***";
    pub const COPIED: &str = "Copied to the clipboard.";
    pub const IDLE: &str =
        "Choose a call on the left, or press Query (Ctrl+Enter) for the agent's current call.";
    pub const QUERYING: &str = "Querying";
    pub const NO_DECODED: &str =
        "No decoded data for this reply (see the message above and the Raw view).";
    pub const NO_STRUCTURE: &str = "No structure recognised: the data is plain text (see Decoded).";
    pub const KEY: &str = "Key";
    pub const VALUE: &str = "Value";
    pub const CHARSET_ERRORS: &str = "some bytes are not valid in this charset (shown as �)";
    pub const BASE64: &str = "Base64";
}

/// The text the current view shows (for find and copy); None for Hex and non-text views.
pub fn view_text(app: &App) -> Option<Arc<TextRows>> {
    let i = app.inspection()?;
    match app.view {
        View::Raw => Some(i.raw_rows.clone()),
        View::Decoded => i.decoded.as_ref().map(|d| d.text.clone()),
        View::Structure => match &i.decoded.as_ref()?.structure {
            StructureView::Json { pretty, .. } => Some(pretty.clone()),
            StructureView::Percent(t) => Some(t.clone()),
            _ => None,
        },
        View::Hex => None,
    }
}

/// Draws the inspector.
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    toolbar(ui, app);
    if app.find.open {
        find_bar(ui, app);
    }
    ui.separator();
    match app.state.clone() {
        InspectorState::Idle => {
            ui.weak(text::IDLE);
        }
        InspectorState::Running {
            summary, started, ..
        } => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(format!(
                    "{} {} … {:.1} s",
                    text::QUERYING,
                    calls::call_label(&summary.call_id),
                    started.elapsed().as_secs_f32()
                ));
            });
        }
        InspectorState::Failed { message, .. } => {
            error_banner(ui, &message);
        }
        InspectorState::Done(i) => {
            if let Some(e) = &i.error {
                error_banner(ui, e);
            }
            view(ui, app, &i);
        }
    }
}

fn error_banner(ui: &mut egui::Ui, message: &str) {
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, theme::error_color(ui)))
        .corner_radius(4.0)
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.colored_label(theme::error_color(ui), message);
        });
}

fn toolbar(ui: &mut egui::Ui, app: &mut App) {
    ui.horizontal_wrapped(|ui| {
        if app.is_running() {
            ui.add(egui::Spinner::new());
            if ui
                .button(text::CANCEL)
                .on_hover_text(text::CANCEL_HINT)
                .clicked()
            {
                app.cancel();
            }
        } else if ui
            .button(RichText::new(text::QUERY).strong())
            .on_hover_text(text::QUERY_HINT)
            .clicked()
        {
            app.query_selected();
        }
        ui.checkbox(&mut app.encoded, text::ENCODED);
        ui.separator();
        for (v, label) in [
            (View::Raw, text::RAW),
            (View::Decoded, text::DECODED),
            (View::Structure, text::STRUCTURE),
            (View::Hex, text::HEX),
        ] {
            if ui.selectable_label(app.view == v, label).clicked() && app.view != v {
                app.view = v;
                app.refresh_find();
            }
        }
        ui.separator();
        charset_picker(ui, app);
        ui.separator();
        if ui
            .button(text::FIND)
            .on_hover_text(text::FIND_HINT)
            .clicked()
        {
            app.find.open = !app.find.open;
            app.find.focus = app.find.open;
        }
        let copy_text = view_text(app);
        if ui
            .add_enabled(copy_text.is_some(), egui::Button::new(text::COPY))
            .on_hover_text(text::COPY_HINT)
            .clicked()
            && let Some(t) = copy_text
        {
            ui.ctx().copy_text(t.text.clone());
            app.set_status(true, text::COPIED.to_owned());
        }
        if ui
            .button(text::COPY_CMD)
            .on_hover_text(text::COPY_CMD_HINT)
            .clicked()
        {
            match command_lines(app) {
                Ok(cmd) => {
                    ui.ctx().copy_text(cmd);
                    app.set_status(true, text::COPIED.to_owned());
                }
                Err(e) => app.set_status(false, e),
            }
        }
        export::menu(ui, app);
    });
}

fn charset_picker(ui: &mut egui::Ui, app: &mut App) {
    let current = app.charset.map_or(text::AUTO, |e| e.name());
    let mut pick: Option<Option<&'static encoding_rs::Encoding>> = None;
    let l = ui.label(text::CHARSET);
    egui::ComboBox::from_id_salt("charset")
        .selected_text(current)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(app.charset.is_none(), text::AUTO)
                .clicked()
            {
                pick = Some(None);
            }
            for &enc in crate::decode::charset::COMMON {
                if ui
                    .selectable_label(app.charset == Some(enc), enc.name())
                    .clicked()
                {
                    pick = Some(Some(enc));
                }
            }
        })
        .response
        .labelled_by(l.id);
    if let Some(p) = pick {
        app.set_charset(p);
    }
}

fn find_bar(ui: &mut egui::Ui, app: &mut App) {
    ui.horizontal(|ui| {
        let l = ui.label(text::FIND_FIELD);
        let r = ui
            .add(egui::TextEdit::singleline(&mut app.find.needle).desired_width(220.0))
            .labelled_by(l.id);
        if app.find.focus {
            r.request_focus();
            app.find.focus = false;
        }
        if r.changed() {
            app.start_find();
        }
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let n = app.find.matches.len();
        if (ui.button(text::NEXT).clicked() || enter) && n > 0 {
            app.find.current = (app.find.current + 1) % n;
            app.find.scroll_to = Some(app.find.matches[app.find.current]);
            if enter {
                r.request_focus();
            }
        }
        if ui.button(text::PREV).clicked() && n > 0 {
            app.find.current = (app.find.current + n - 1) % n;
            app.find.scroll_to = Some(app.find.matches[app.find.current]);
        }
        if !app.find.needle.is_empty() && app.find.pending.is_none() {
            if n == 0 {
                ui.colored_label(theme::warn_color(ui), text::NO_MATCH);
            } else {
                ui.label(format!("{}/{}", app.find.current + 1, n));
            }
        }
    });
}

fn marks(app: &mut App) -> (Vec<usize>, Option<usize>, Option<usize>) {
    let scroll = app.find.scroll_to.take();
    let current = app.find.matches.get(app.find.current).copied();
    (app.find.matches.clone(), current, scroll)
}

fn view(ui: &mut egui::Ui, app: &mut App, i: &Arc<Inspection>) {
    let (matches, current, scroll_to) = if app.find.open {
        marks(app)
    } else {
        (Vec::new(), None, None)
    };
    let m = Marks {
        matches: &matches,
        current,
        scroll_to,
    };
    match app.view {
        View::Raw => text_view::text_rows(ui, "raw", &i.raw_rows, m),
        View::Decoded => match &i.decoded {
            Some(d) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "{}: {} ({:.0}%)",
                        text::CHARSET,
                        d.charset,
                        d.confidence * 100.0
                    ));
                    if let Some(v) = &d.base64 {
                        ui.label(format!("· {}: {v}", text::BASE64));
                    }
                    if d.had_errors {
                        ui.colored_label(theme::warn_color(ui), text::CHARSET_ERRORS);
                    }
                });
                text_view::text_rows(ui, "decoded", &d.text, m);
            }
            None => {
                ui.weak(text::NO_DECODED);
            }
        },
        View::Structure => match i.decoded.as_ref().map(|d| &d.structure) {
            Some(StructureView::Json {
                tree: Some(tree), ..
            }) => {
                egui::ScrollArea::both()
                    .id_salt("json-tree")
                    .auto_shrink([false, false])
                    .show(ui, |ui| json_tree(ui, "$", None, tree));
            }
            Some(StructureView::Json { pretty, .. }) => {
                text_view::text_rows(ui, "structure", pretty, m)
            }
            Some(StructureView::Percent(t)) => text_view::text_rows(ui, "structure", t, m),
            Some(StructureView::KeyValue { pairs, separator }) => {
                ui.weak(format!("key=value pairs separated by '{separator}'"));
                kv_table(ui, pairs);
            }
            Some(StructureView::Text) => {
                ui.weak(text::NO_STRUCTURE);
            }
            None => {
                ui.weak(text::NO_DECODED);
            }
        },
        View::Hex => {
            let bytes = i.data.as_ref().map_or(&i.raw, |d| &d.bytes);
            text_view::hex_rows(ui, "hex", bytes);
        }
    }
}

fn json_tree(ui: &mut egui::Ui, path: &str, key: Option<&str>, value: &serde_json::Value) {
    use serde_json::Value;
    let prefix = key.map(|k| format!("{k}: ")).unwrap_or_default();
    match value {
        Value::Object(map) => {
            egui::CollapsingHeader::new(format!("{prefix}{{{}}}", map.len()))
                .id_salt(path)
                .default_open(true)
                .show(ui, |ui| {
                    for (k, v) in map {
                        json_tree(ui, &format!("{path}.{k}"), Some(k), v);
                    }
                });
        }
        Value::Array(items) => {
            egui::CollapsingHeader::new(format!("{prefix}[{}]", items.len()))
                .id_salt(path)
                .default_open(true)
                .show(ui, |ui| {
                    for (n, v) in items.iter().enumerate() {
                        json_tree(ui, &format!("{path}[{n}]"), Some(&n.to_string()), v);
                    }
                });
        }
        leaf => {
            ui.label(RichText::new(format!("{prefix}{leaf}")).monospace());
        }
    }
}

fn kv_table(ui: &mut egui::Ui, pairs: &[(String, String)]) {
    use egui_extras::{Column, TableBuilder};
    let h = ui.text_style_height(&egui::TextStyle::Monospace) + 4.0;
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::auto().at_least(120.0).resizable(true))
        .column(Column::remainder())
        .header(h, |mut row| {
            row.col(|ui| {
                ui.strong(text::KEY);
            });
            row.col(|ui| {
                ui.strong(text::VALUE);
            });
        })
        .body(|body| {
            body.rows(h, pairs.len(), |mut row| {
                let (k, v) = &pairs[row.index()];
                row.col(|ui| {
                    ui.label(RichText::new(k).monospace());
                });
                row.col(|ui| {
                    ui.label(RichText::new(v).monospace());
                });
            });
        });
}

/// "Copy as command": a `calldata-inspector query` line and a `curl` line, GUID masked.
fn command_lines(app: &App) -> Result<String, String> {
    let summary = match &app.state {
        InspectorState::Done(i) => i.spec_summary.clone(),
        InspectorState::Failed { summary, .. } | InspectorState::Running { summary, .. } => {
            summary.clone()
        }
        InspectorState::Idle => {
            let conn = app.connection()?;
            crate::worker::QuerySpec {
                conn,
                call_id: app.selected_call.clone().unwrap_or_default(),
                encoded: app.encoded,
                charset: None,
            }
            .summary()
        }
    };
    Ok(super::command::lines(&summary, &app.form, app.charset))
}
