//! The data inspector: toolbar (query, cancel, encoding, views, charset, find, copy, export),
//! a readable error banner, and the Raw / Decoded / Structure / Hex views.

use std::sync::Arc;

use egui::RichText;

use super::app::{App, InspectorState, View};
use super::text_view::{self, Marks};
use super::{calls, export, theme};
use crate::worker::{Inspection, StructureView, TextRows};

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
            ui.weak(t!("ui.inspector.idle"));
        }
        InspectorState::Running {
            summary, started, ..
        } => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(format!(
                    "{} {} … {:.1} s",
                    t!("ui.inspector.querying"),
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
                .button(t!("ui.inspector.cancel"))
                .on_hover_text(t!("ui.inspector.cancel_hint"))
                .clicked()
            {
                app.cancel();
            }
        } else if ui
            .button(RichText::new(t!("ui.inspector.query")).strong())
            .on_hover_text(t!("ui.inspector.query_hint"))
            .clicked()
        {
            app.query_selected();
        }
        ui.checkbox(&mut app.encoded, t!("ui.inspector.encoded"));
        ui.separator();
        for (v, label) in [
            (View::Raw, t!("ui.inspector.raw")),
            (View::Decoded, t!("ui.inspector.decoded")),
            (View::Structure, t!("ui.inspector.structure")),
            (View::Hex, t!("ui.inspector.hex")),
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
            .button(t!("ui.inspector.find"))
            .on_hover_text(t!("ui.inspector.find_hint"))
            .clicked()
        {
            app.find.open = !app.find.open;
            app.find.focus = app.find.open;
        }
        let copy_text = view_text(app);
        if ui
            .add_enabled(
                copy_text.is_some(),
                egui::Button::new(t!("ui.inspector.copy")),
            )
            .on_hover_text(t!("ui.inspector.copy_hint"))
            .clicked()
            && let Some(t) = copy_text
        {
            ui.ctx().copy_text(t.text.clone());
            app.set_status(true, t!("ui.inspector.copied").into_owned());
        }
        if ui
            .button(t!("ui.inspector.copy_cmd"))
            .on_hover_text(t!("ui.inspector.copy_cmd_hint"))
            .clicked()
        {
            match command_lines(app) {
                Ok(cmd) => {
                    ui.ctx().copy_text(cmd);
                    app.set_status(true, t!("ui.inspector.copied").into_owned());
                }
                Err(e) => app.set_status(false, e),
            }
        }
        export::menu(ui, app);
    });
}

fn charset_picker(ui: &mut egui::Ui, app: &mut App) {
    let current = app.charset.map_or_else(
        || t!("ui.inspector.auto").into_owned(),
        |e| e.name().to_owned(),
    );
    let mut pick: Option<Option<&'static encoding_rs::Encoding>> = None;
    let l = ui.label(t!("ui.inspector.charset"));
    egui::ComboBox::from_id_salt("charset")
        .selected_text(current)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(app.charset.is_none(), t!("ui.inspector.auto"))
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
        let l = ui.label(t!("ui.inspector.find_field"));
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
        if (ui.button(t!("ui.inspector.next")).clicked() || enter) && n > 0 {
            app.find.current = (app.find.current + 1) % n;
            app.find.scroll_to = Some(app.find.matches[app.find.current]);
            if enter {
                r.request_focus();
            }
        }
        if ui.button(t!("ui.inspector.prev")).clicked() && n > 0 {
            app.find.current = (app.find.current + n - 1) % n;
            app.find.scroll_to = Some(app.find.matches[app.find.current]);
        }
        if !app.find.needle.is_empty() && app.find.pending.is_none() {
            if n == 0 {
                ui.colored_label(theme::warn_color(ui), t!("ui.inspector.no_match"));
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
                        t!("ui.inspector.charset"),
                        d.charset,
                        d.confidence * 100.0
                    ));
                    if let Some(v) = &d.base64 {
                        let variant = t!(format!("ui.inspector.base64_variant.{v}"));
                        ui.label(format!("· {}: {variant}", t!("ui.inspector.base64")));
                    }
                    if d.had_errors {
                        ui.colored_label(theme::warn_color(ui), t!("ui.inspector.charset_errors"));
                    }
                });
                text_view::text_rows(ui, "decoded", &d.text, m);
            }
            None => {
                ui.weak(t!("ui.inspector.no_decoded"));
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
                ui.weak(t!("ui.inspector.kv_pairs", separator = separator));
                kv_table(ui, pairs);
            }
            Some(StructureView::Text) => {
                ui.weak(t!("ui.inspector.no_structure"));
            }
            None => {
                ui.weak(t!("ui.inspector.no_decoded"));
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
                ui.strong(t!("ui.inspector.key"));
            });
            row.col(|ui| {
                ui.strong(t!("ui.inspector.value"));
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
