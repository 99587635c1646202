//! A start-up probe for `scripts/bench`: with `CALLDATA_INSPECTOR_BENCH_FIRST_FRAME=FILE`
//! set, the window writes the wall-clock time at which its first frame had been painted to
//! FILE, so the script can time cold start the same way for the app and its peer window.
//!
//! Without the variable nothing is wrapped and nothing is measured.

use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the file the first-frame time is written to.
pub const FIRST_FRAME_ENV: &str = "CALLDATA_INSPECTOR_BENCH_FIRST_FRAME";

/// Wraps `app` in the probe when [`FIRST_FRAME_ENV`] is set, else returns it unchanged.
pub fn wrap(app: Box<dyn eframe::App>) -> Box<dyn eframe::App> {
    match std::env::var_os(FIRST_FRAME_ENV) {
        Some(path) if !path.is_empty() => Box::new(Probe {
            inner: app,
            path: path.into(),
            frames: 0,
        }),
        _ => app,
    }
}

/// Unix time in nanoseconds, the clock `date +%s%N` reads in the script.
pub fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

struct Probe {
    inner: Box<dyn eframe::App>,
    path: std::path::PathBuf,
    frames: u64,
}

impl eframe::App for Probe {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.inner.logic(ctx, frame);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        // eframe paints a frame after `ui` returns, so the start of the second pass is the
        // first moment the first frame is known to be on screen.
        self.frames += 1;
        if self.frames == 2 {
            let line = format!("first_frame_unix_ns {}\n", unix_nanos());
            if let Err(e) = std::fs::write(&self.path, line) {
                eprintln!(
                    "calldata-inspector: cannot write {}: {e}", // i18n-ok: benchmark probe, for developers
                    self.path.display()
                );
            }
        }
        self.inner.ui(ui, frame);
        if self.frames == 1 {
            ui.ctx().request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.inner.save(storage);
    }

    fn on_exit(&mut self) {
        self.inner.on_exit();
    }

    fn auto_save_interval(&self) -> std::time::Duration {
        self.inner.auto_save_interval()
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.inner.clear_color(visuals)
    }

    fn persist_egui_memory(&self) -> bool {
        self.inner.persist_egui_memory()
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.inner.raw_input_hook(ctx, raw_input);
    }
}
