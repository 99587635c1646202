//! The About window: version, commit, build date, app id and where the log file is, so a bug
//! report can name the exact build and attach the log. Open state lives in egui memory so the
//! window needs no field in `App`.

use crate::build_info;

fn open_id() -> egui::Id {
    egui::Id::unique("about-window-open")
}

/// Whether the About window is open.
pub fn is_open(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(open_id()).unwrap_or(false))
}

fn set_open(ctx: &egui::Context, open: bool) {
    ctx.data_mut(|d| d.insert_temp(open_id(), open));
}

/// The "About" button for the top bar; toggles the window.
pub fn button(ui: &mut egui::Ui) {
    if ui
        .button(t!("ui.about.button"))
        .on_hover_text(t!("ui.about.button_hint"))
        .clicked()
    {
        let ctx = ui.ctx().clone();
        set_open(&ctx, !is_open(&ctx));
    }
}

/// The text shown in (and copied from) the window: one `label: value` per line, no secrets.
pub fn details() -> String {
    let log = crate::logging::log_file_pattern()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| t!("ui.about.no_log_dir").into_owned());
    // `label: value` with an ASCII separator in every language: the window splits on it.
    format!(
        "{}: {} {}\n{}: {}\n{}: {}\n{}: {log}\n{}: {}",
        t!("ui.about.version"),
        build_info::NAME,
        build_info::VERSION,
        t!("ui.about.commit"),
        build_info::GIT_COMMIT,
        t!("ui.about.built"),
        build_info::BUILD_DATE,
        t!("ui.about.log_files"),
        t!("ui.about.app_id"),
        build_info::APP_ID,
    )
}

/// Shows the window when open; call once per frame.
pub fn window(ctx: &egui::Context) {
    let mut open = is_open(ctx);
    if !open {
        return;
    }
    egui::Window::new(t!("ui.about.title"))
        .id(egui::Id::unique("about-window"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{} {}",
                    build_info::NAME,
                    build_info::long_version()
                ))
                .strong(),
            );
            ui.add_space(4.0);
            egui::Grid::new("about-grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for line in details().lines() {
                        let (k, v) = line.split_once(": ").unwrap_or((line, ""));
                        ui.label(k);
                        ui.add(
                            egui::Label::new(egui::RichText::new(v).monospace()).selectable(true),
                        );
                        ui.end_row();
                    }
                });
            ui.add_space(4.0);
            if ui
                .button(t!("ui.about.copy"))
                .on_hover_text(t!("ui.about.copy_hint"))
                .clicked()
            {
                ui.ctx().copy_text(details());
            }
        });
    set_open(ctx, open);
}
