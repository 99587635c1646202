//! Renders the real App with decoded Chinese call data through wgpu (software rasteriser) and,
//! when SCREENSHOT_OUT is set, saves the PNG (scripts/screenshot uses the Xvfb demo instead once
//! the embedded simulator is available).

use calldata_inspector::ui::App;
use egui_kittest::Harness;

use super::common::*;

#[test]
fn window_renders_with_decoded_chinese_data() {
    let Some(out) = std::env::var_os("SCREENSHOT_OUT") else {
        return;
    };
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
    h.state_mut().show_inspection(super::views::zh_inspection());
    h.run();
    let image = h.render().expect("render");
    image.save(out).expect("save png");
}
