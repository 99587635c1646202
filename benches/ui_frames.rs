//! The 20 MiB figures of `scripts/bench`: the real App (egui_kittest, headless) queries the
//! simulator's 20 MiB Base64 call, then scrolls the decoded and the hex view with the mouse
//! wheel. Prints the time from the query to the first frame that shows decoded rows, and the
//! frame times while scrolling (egui layout + tessellation on the CPU; rasterising the
//! triangles is the GPU's or the software renderer's and is not part of it).
//!
//! Figures, not assertions: `cargo bench --bench ui_frames`. Lines starting with `RESULT` are
//! what scripts/bench reads.

use std::sync::Arc;
use std::time::{Duration, Instant};

use calldata_inspector::keystore::Keystore;
use calldata_inspector::profiles::ProfileStore;
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::ui::fonts::FontStatus;
use calldata_inspector::ui::{App, AppConfig, DemoGateway, InspectorState, View};
use calldata_inspector::worker::KeystoreSource;
use egui_kittest::Harness;

/// The simulator's 20 MiB transcript (Base64 with `--encoded`, which the window asks for).
const BIG_CALL: &str = "1732500009-110";
/// Scrolling frames measured per view.
const FRAMES: usize = 300;
const SIZE: [f32; 2] = [1180.0, 760.0];

/// One frame as the window runs it: egui's pass plus tessellation of what it drew.
fn frame(h: &mut Harness<'static, App>) -> Duration {
    let t = Instant::now();
    h.step();
    let shapes = h.output().shapes.clone();
    let ppp = h.output().pixels_per_point;
    std::hint::black_box(h.ctx.tessellate(shapes, ppp));
    t.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn scroll(h: &mut Harness<'static, App>, view: View) -> Vec<Duration> {
    h.state_mut().set_view(view);
    for _ in 0..5 {
        frame(h);
    }
    // The pointer over the middle of the inspector, where the rows are.
    h.event(egui::Event::PointerMoved(egui::pos2(
        SIZE[0] * 0.65,
        SIZE[1] * 0.5,
    )));
    let mut times = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        // Ten lines a notch, reversing now and then, with a page jump every 50 frames: rows
        // keep entering the view, so every frame lays out new text.
        let delta = if i % 50 == 49 {
            egui::vec2(0.0, -40.0)
        } else if (i / 100) % 2 == 1 {
            egui::vec2(0.0, 10.0)
        } else {
            egui::vec2(0.0, -10.0)
        };
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        times.push(frame(h));
    }
    times
}

fn report(what: &str, times: &mut [Duration]) -> f64 {
    times.sort();
    let (p50, p99, max) = (
        percentile(times, 0.5),
        percentile(times, 0.99),
        percentile(times, 1.0),
    );
    println!(
        "| {what} | {} | {p50:.2} | {p99:.2} | {max:.2} |",
        times.len()
    );
    p99
}

fn main() {
    let sim = match SimulatorThread::start(SimConfig::default()) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("ui_frames: cannot start the simulator: {e}");
            std::process::exit(1);
        }
    };
    let mut demo = DemoGateway::from_simulator(&sim);
    demo.first_call = None;
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("ui_frames: no temporary folder: {e}");
            std::process::exit(1);
        }
    };
    let config = AppConfig {
        demo: Some(demo),
        profiles: Some(ProfileStore::in_dir(dir.path())),
        keystore: KeystoreSource::Given(Arc::new(Keystore::mock())),
        // The CJK font the real window loads: its glyphs are what the rows are laid out with.
        load_system_font: true,
        lang: None,
    };
    let mut h = Harness::builder()
        .with_size(SIZE)
        .with_max_steps(10_000)
        .build_eframe(move |cc| App::new(cc, config));
    let start = Instant::now();
    while h.state().font_status() == Some(FontStatus::Searching) {
        frame(&mut h);
        if start.elapsed() > Duration::from_secs(60) {
            eprintln!("ui_frames: the font search did not finish in 60 s");
            std::process::exit(1);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = h.run_ok();
    h.state_mut().set_view(View::Decoded);

    let t0 = Instant::now();
    h.state_mut().query_call(BIG_CALL.to_owned());
    loop {
        frame(&mut h);
        if matches!(h.state().state(), InspectorState::Done(_)) {
            break;
        }
        if t0.elapsed() > Duration::from_secs(120) {
            eprintln!("ui_frames: no answer to the 20 MiB query in 120 s");
            std::process::exit(1);
        }
        // A window sleeps until the worker's event wakes it; polling every millisecond is
        // within a millisecond of that.
        std::thread::sleep(Duration::from_millis(1));
    }
    // The frame that found the answer already laid the rows out.
    let first_view = t0.elapsed();
    let bytes = match h.state().state() {
        InspectorState::Done(i) if i.decoded.is_some() => i.raw.len(),
        InspectorState::Done(i) => {
            eprintln!("ui_frames: the 20 MiB query did not decode: {:?}", i.error);
            std::process::exit(1);
        }
        _ => 0,
    };

    println!(
        "20 MiB payload (call {BIG_CALL}, {:.1} MiB reply): query to first decoded view {:.0} ms",
        bytes as f64 / (1024.0 * 1024.0),
        first_view.as_secs_f64() * 1e3
    );
    println!("Frame time while scrolling ({FRAMES} frames per view, {SIZE:?} points), ms:");
    println!("| view | frames | p50 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut decoded = scroll(&mut h, View::Decoded);
    let mut hex = scroll(&mut h, View::Hex);
    let p99_decoded = report("decoded", &mut decoded);
    let p99_hex = report("hex", &mut hex);
    let mut both: Vec<Duration> = decoded.iter().chain(hex.iter()).copied().collect();
    let p99_both = report("both", &mut both);
    println!("RESULT first_view_ms {:.1}", first_view.as_secs_f64() * 1e3);
    println!("RESULT p99_decoded_ms {p99_decoded:.2}");
    println!("RESULT p99_hex_ms {p99_hex:.2}");
    println!("RESULT p99_scroll_ms {p99_both:.2}");
    drop(h);
    drop(sim);
}
