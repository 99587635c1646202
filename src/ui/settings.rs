//! The Settings menu of the top bar: the interface language, applied from the next frame and
//! remembered with the window's other settings.

use crate::i18n::{self, Language};

/// Draws the menu; `choice` is the remembered language, `None` following the system locale.
pub fn menu(ui: &mut egui::Ui, choice: &mut Option<Language>) {
    ui.menu_button(t!("ui.settings.menu"), |ui| {
        ui.label(egui::RichText::new(t!("i18n.language")).strong());
        let mut pick = None;
        let system = t!("i18n.follow_system", lang = i18n::detect().native_name());
        if ui.radio(choice.is_none(), system).clicked() {
            pick = Some(None);
        }
        for lang in Language::ALL {
            // Each language is named in itself, so it can be found whatever is shown now.
            if ui
                .radio(*choice == Some(lang), lang.native_name())
                .clicked()
            {
                pick = Some(Some(lang));
            }
        }
        if let Some(new) = pick {
            *choice = new;
            apply(new);
            ui.ctx().request_repaint();
        }
    });
}

/// Makes `choice` (or the system's language for `None`) the language of every later frame.
pub fn apply(choice: Option<Language>) {
    i18n::set_language(choice.unwrap_or_else(i18n::detect));
}
