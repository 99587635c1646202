//! Shared set-up: an App with a temp profile dir and the in-memory mock keyring.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use calldata_inspector::keystore::Keystore;
use calldata_inspector::profiles::ProfileStore;
use calldata_inspector::ui::fonts::FontStatus;
use calldata_inspector::ui::{App, AppConfig, InspectorState};
use calldata_inspector::worker::{
    CallData, DecodedView, KeystoreSource, QuerySummary, StructureView, TextRows,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A GUID-shaped secret that must never leak anywhere.
pub const SECRET: &str = "5e1f0c2a-7b7d-4c1e-9d11-0a0b0c0d0e0f.AgentGateway7";

/// Temp profile dir + mock keyring shared with the app.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub keystore: Arc<Keystore>,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            keystore: Arc::new(Keystore::mock()),
        }
    }

    pub fn config(&self) -> AppConfig {
        AppConfig {
            demo: None,
            profiles: Some(ProfileStore::in_dir(self.dir.path())),
            keystore: KeystoreSource::Given(self.keystore.clone()),
            load_system_font: false,
            lang: None,
        }
    }

    pub fn harness(&self) -> Harness<'static, App> {
        harness(self.config())
    }
}

/// A harness around the real App.
pub fn harness(config: AppConfig) -> Harness<'static, App> {
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_max_steps(64)
        .build_eframe(move |cc| App::new(cc, config));
    h.run();
    h
}

/// The window with the system CJK font loaded: the call data is Chinese, and kittest fails on
/// a glyph no font has.
pub fn cjk_harness(mut config: AppConfig) -> Harness<'static, App> {
    config.load_system_font = true;
    let mut h = harness(config);
    wait_until(&mut h, "the CJK font search", |app| {
        app.font_status() != Some(FontStatus::Searching)
    });
    let status = h.state().font_status();
    assert!(
        matches!(status, Some(FontStatus::Loaded(_))),
        "no CJK font found ({status:?}); install fonts-noto-cjk"
    );
    h
}

/// eframe storage in memory, so a test can read what the app saved or restart it from that.
#[derive(Default, Clone)]
pub struct MemStorage(pub HashMap<String, String>);

impl MemStorage {
    /// Everything stored, as one string to search.
    pub fn all_text(&self) -> String {
        self.0.values().cloned().collect()
    }
}

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// Runs frames until the UI settles; while a query runs, the spinner keeps repainting, so
/// stopping at the step limit is normal then.
pub fn settle(h: &mut Harness<'static, App>) {
    let _ = h.run_ok();
}

/// Steps frames until `cond` holds (worker answers arrive asynchronously); panics after 30 s.
pub fn wait_until(h: &mut Harness<'static, App>, what: &str, cond: impl Fn(&App) -> bool) {
    let start = Instant::now();
    loop {
        h.step();
        if cond(h.state()) {
            settle(h);
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps frames until the inspector has an answer: a decoded reply or an error.
pub fn wait_reply(h: &mut Harness<'static, App>, what: &str) {
    wait_until(h, what, |app| {
        matches!(
            app.state(),
            InspectorState::Done(_) | InspectorState::Failed { .. }
        )
    });
}

/// Clicks call `id` in the call list.
pub fn pick(h: &mut Harness<'static, App>, id: &str) {
    h.query_all_by_label(id)
        .next()
        .unwrap_or_else(|| panic!("call {id} not listed"))
        .click();
    settle(h);
}

/// Types into the text field labelled `label` (replacing nothing: fields start empty).
pub fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    settle(h);
    h.get_by_label(label).type_text(text);
    settle(h);
}

/// Clears the field labelled `label`, then types `text`.
pub fn replace_text(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    settle(h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    settle(h);
    h.key_press(egui::Key::Backspace);
    settle(h);
    h.get_by_label(label).type_text(text);
    settle(h);
}

/// Clicks the button (or any node) labelled exactly `label`.
pub fn click(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

/// Whether some node's label contains `text`.
pub fn shows(h: &Harness<'static, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// The decoded text of [`zh_inspection`].
pub const ZH: &str = "客户姓名=张三&诉求=查询账单";

/// A decoded Chinese key=value reply, so the inspector shows its views without a query.
pub fn zh_inspection() -> Arc<calldata_inspector::worker::Inspection> {
    let raw = format!("{{\"message\":\"success\",\"retcode\":\"0\",\"result\":\"{ZH}\"}}");
    let pairs = vec![
        ("客户姓名".to_owned(), "张三".to_owned()),
        ("诉求".to_owned(), "查询账单".to_owned()),
    ];
    Arc::new(calldata_inspector::worker::Inspection {
        spec_summary: QuerySummary {
            host: "127.0.0.1".into(),
            port: 8043,
            agent: "1001".into(),
            call_id: "1700-zh".into(),
            encoded: false,
        },
        at: std::time::SystemTime::now(),
        http_status: 200,
        elapsed: Duration::from_millis(12),
        content_type: Some("application/json".into()),
        raw: Arc::new(raw.clone().into_bytes()),
        raw_rows: Arc::new(TextRows::new(raw)),
        retcode: Some("0".into()),
        retcode_meaning: Some("success".into()),
        message: Some("success".into()),
        error: None,
        data: Some(CallData {
            bytes: Arc::new(ZH.as_bytes().to_vec()),
            base64: None,
        }),
        decoded: Some(DecodedView {
            bytes: Arc::new(ZH.as_bytes().to_vec()),
            text: Arc::new(TextRows::new(ZH.to_owned())),
            charset: "UTF-8",
            confidence: 1.0,
            had_errors: false,
            base64: None,
            structure: StructureView::KeyValue {
                separator: '&',
                pairs: Arc::new(pairs),
            },
        }),
    })
}
