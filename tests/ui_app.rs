//! Headless tests of the real window (`ui::App`) with egui_kittest: forms, profiles, keyring,
//! queries against the embedded simulator, views, export and every error state.

mod ui_app {
    #[allow(dead_code)]
    pub mod common;
    mod form;
    mod live;
    mod screenshot;
    mod session;
    mod views;
}
