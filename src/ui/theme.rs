//! Colours, badges and the top bar. The light/dark theme follows the system (egui's
//! `ThemePreference::System`, set in `App::new`); colours here adapt to the active one.

use egui::{Color32, RichText};

use super::app::App;
use super::fonts::FontStatus;

/// Red for errors, readable on both themes.
pub fn error_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// Orange for warnings.
pub fn warn_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// Green for success.
pub fn ok_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 200, 120)
    } else {
        Color32::from_rgb(20, 120, 40)
    }
}

/// The persistent red "insecure" badge.
pub fn insecure_badge(ui: &mut egui::Ui) {
    badge(ui, &t!("ui.theme.insecure"), Color32::from_rgb(190, 30, 30));
}

/// The "demo" badge.
pub fn demo_badge(ui: &mut egui::Ui) {
    badge(ui, &t!("ui.theme.demo"), Color32::from_rgb(40, 110, 200))
        .on_hover_text(t!("ui.theme.demo_hint"));
}

fn badge(ui: &mut egui::Ui, label: &str, fill: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(6, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(label).color(Color32::WHITE).strong())
        })
        .inner
}

/// Title, badges and notices.
pub fn top_bar(ui: &mut egui::Ui, app: &mut App) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(t!("ui.theme.title")).strong());
        super::settings::menu(ui, &mut app.language);
        super::about::button(ui);
        if app.form.demo {
            demo_badge(ui);
            ui.weak(t!("ui.theme.demo_hint"));
        }
        if app.form.insecure && !app.form.demo {
            insecure_badge(ui);
        }
        if let Some(status) = &app.fonts
            && super::fonts::get(status) == FontStatus::NotFound
        {
            ui.colored_label(warn_color(ui), t!("ui.theme.no_cjk_font"));
        }
    });
}
