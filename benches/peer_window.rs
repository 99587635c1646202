//! The peer of the window figures in `scripts/bench`: the smallest eframe window, built from
//! this package so it uses exactly the eframe/egui versions and features the app does. It
//! shows one label and reports its first painted frame the way the app's probe does
//! (`CALLDATA_INSPECTOR_BENCH_FIRST_FRAME=FILE`). It deliberately does not use the library,
//! so nothing of the app's start-up is in it.
//!
//! `cargo bench --bench peer_window` opens it; scripts/bench runs the built binary under Xvfb.

use std::time::{SystemTime, UNIX_EPOCH};

struct Peer {
    frames: u64,
    probe: Option<std::path::PathBuf>,
}

impl eframe::App for Peer {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Same rule as src/ui/bench_probe.rs: the second pass starts once the first is painted.
        self.frames += 1;
        if self.frames == 2
            && let Some(path) = &self.probe
        {
            let ns = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            if let Err(e) = std::fs::write(path, format!("first_frame_unix_ns {ns}\n")) {
                eprintln!("peer_window: cannot write {}: {e}", path.display());
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("peer window");
        });
        if self.frames == 1 {
            ui.ctx().request_repaint();
        }
    }
}

fn main() -> eframe::Result {
    let probe = std::env::var_os("CALLDATA_INSPECTOR_BENCH_FIRST_FRAME")
        .filter(|p| !p.is_empty())
        .map(Into::into);
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("peer-window")
            .with_inner_size([1180.0, 760.0]),
        ..Default::default()
    };
    eframe::run_native(
        "calldata-inspector-peer-window",
        native,
        Box::new(move |_cc| Ok(Box::new(Peer { frames: 0, probe }))),
    )
}
