//! Renders the real App with decoded Chinese call data through wgpu (software rasteriser):
//! the frame must actually draw (not a blank image). With SCREENSHOT_OUT set the PNG is saved;
//! the README screenshot comes from the real `--demo` window (scripts/smoke-window --screenshot).

use calldata_inspector::ui::App;
use egui_kittest::Harness;

use super::common::*;

#[test]
fn window_renders_with_decoded_chinese_data() {
    let fx = Fixture::new();
    let mut cfg = fx.config();
    cfg.load_system_font = true;
    let mut h: Harness<'static, App> = Harness::builder()
        .with_size([1180.0, 720.0])
        .with_max_steps(64)
        .wgpu()
        .build_eframe(move |cc| App::new(cc, cfg));
    wait_until(&mut h, "the font", |app| {
        !matches!(
            app.font_status(),
            Some(calldata_inspector::ui::fonts::FontStatus::Searching)
        )
    });
    h.state_mut()
        .show_inspection(super::common::zh_inspection());
    h.run();
    let image = h.render().expect("render");
    let first = image.get_pixel(0, 0);
    let distinct = image.pixels().filter(|p| *p != first).count();
    assert!(
        distinct > 1000,
        "the rendered window is (nearly) blank: {distinct} pixels differ"
    );
    if let Some(out) = std::env::var_os("SCREENSHOT_OUT") {
        image.save(out).expect("save png");
    }
}
