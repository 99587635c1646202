//! The desktop window (eframe/egui): connection form, call list, data inspector, export.
//!
//! The UI thread only lays out frames: queries, decoding, keyring calls, file dialogs and file
//! writes all happen in the [`crate::worker`], whose events arrive with a repaint request.

mod about;
mod app;
pub mod bench_probe;
mod calls;
mod command;
mod connection;
mod export;
pub mod fonts;
mod inspector;
mod live_calls;
mod pin;
mod session;
mod settings;
mod status;
mod text_view;
mod theme;

pub use app::{App, AppConfig, DemoGateway, InspectorState, View};
pub use live_calls::LiveCalls;

use std::process::ExitCode;

/// Application id: window class / Wayland app id and the eframe storage directory name.
pub const APP_ID: &str = "calldata-inspector";

/// Options the CLI passes when it opens the window.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Start the embedded simulator and open a ready "Demo gateway" profile.
    pub demo: bool,
    /// The language given with `--lang` for this run (over the window's remembered choice).
    pub lang: Option<crate::i18n::Language>,
}

/// Opens the window and returns when it is closed.
pub fn run(opts: RunOptions) -> ExitCode {
    // The simulator must outlive the window: it is dropped (and stopped) when run returns.
    let mut _simulator = None;
    let demo = if opts.demo {
        match DemoGateway::start() {
            Ok((sim, demo)) => {
                _simulator = Some(sim);
                Some(demo)
            }
            Err(message) => {
                eprintln!("{}", t!("ui.demo_failed", error = message));
                return ExitCode::from(1);
            }
        }
    } else {
        None
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("calldata-inspector")
            .with_app_id(crate::build_info::APP_ID)
            .with_icon(
                eframe::icon_data::from_png_bytes(crate::build_info::ICON_256).unwrap_or_default(),
            )
            .with_inner_size([1180.0, 760.0])
            .with_min_inner_size([640.0, 400.0]),
        persist_window: true,
        ..Default::default()
    };
    let config = AppConfig {
        demo,
        lang: opts.lang,
        ..AppConfig::default()
    };
    match eframe::run_native(
        APP_ID,
        native,
        Box::new(move |cc| Ok(bench_probe::wrap(Box::new(App::new(cc, config))))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", t!("ui.window_failed", error = e));
            ExitCode::from(1)
        }
    }
}
