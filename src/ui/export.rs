//! Export: file names and menu for saving the raw response, the decoded data or a JSON report.
//! The dialog and the atomic write both run in the worker; the status line shows the result.

use crate::worker::{ExportKind, Inspection};

/// A file name that says what the file holds.
pub fn suggested_name(i: &Inspection, kind: ExportKind) -> String {
    let call: String = if i.spec_summary.call_id.is_empty() {
        "current".to_owned()
    } else {
        i.spec_summary
            .call_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let base = format!("calldata-{}-{call}", i.spec_summary.agent);
    match kind {
        ExportKind::Raw => format!("{base}.raw.json"),
        ExportKind::Decoded => format!("{base}.txt"),
        ExportKind::Report => format!("{base}.report.json"),
    }
}

/// The export menu (button in the inspector toolbar).
pub fn menu(ui: &mut egui::Ui, app: &mut super::App) {
    let has_decoded = app.inspection().is_some_and(|i| i.decoded.is_some());
    let enabled = app.inspection().is_some();
    ui.add_enabled_ui(enabled, |ui| {
        ui.menu_button(t!("ui.export.menu"), |ui| {
            if ui.button(t!("ui.export.raw")).clicked() {
                app.export_with_dialog(ExportKind::Raw);
                ui.close();
            }
            if ui
                .add_enabled(has_decoded, egui::Button::new(t!("ui.export.decoded")))
                .clicked()
            {
                app.export_with_dialog(ExportKind::Decoded);
                ui.close();
            }
            if ui.button(t!("ui.export.report")).clicked() {
                app.export_with_dialog(ExportKind::Report);
                ui.close();
            }
        });
    });
}
