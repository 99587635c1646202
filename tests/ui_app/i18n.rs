//! The window in both languages (issue 8): the main screens render in English and in
//! Simplified Chinese and their labels are found by their Chinese text; Settings switches the
//! language without a restart and the choice is remembered for the next start; `--lang` wins
//! for one run; in Chinese, at the default window size, the labels stay inside the window and
//! do not overlap.
//!
//! The language is process-wide, so these tests live in their own test binary
//! (tests/ui_i18n.rs) and take turns through `LANGUAGE`: the other window tests run in
//! English undisturbed.

use std::sync::{Mutex, MutexGuard};

use calldata_inspector::i18n::{self, Language};
use calldata_inspector::simulator::{SimConfig, SimulatorThread};
use calldata_inspector::ui::{App, AppConfig, DemoGateway, InspectorState};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::common::*;

static LANGUAGE: Mutex<()> = Mutex::new(());

/// Holds the process language at `lang` for one test.
fn language(lang: Language) -> MutexGuard<'static, ()> {
    let guard = LANGUAGE.lock().unwrap_or_else(|p| p.into_inner());
    i18n::set_language(lang);
    guard
}

/// The default window size (ui::run's inner size).
const DEFAULT_SIZE: [f32; 2] = [1180.0, 760.0];

/// The real App with the system CJK font (a Chinese label without glyphs would not render),
/// optionally restarted from `storage`.
fn window(config: AppConfig, storage: Option<MemStorage>) -> Harness<'static, App> {
    let mut cfg = config;
    cfg.load_system_font = true;
    // The storage must outlive the harness; a test leaks one small map.
    let storage: Option<&'static MemStorage> = storage.map(|s| &*Box::leak(Box::new(s)));
    let mut h = Harness::builder()
        .with_size(DEFAULT_SIZE)
        .with_max_steps(64)
        .build_eframe(move |cc| {
            if let Some(s) = storage {
                cc.storage = Some(s);
            }
            App::new(cc, cfg)
        });
    wait_until(&mut h, "the font search", |app| {
        !matches!(
            app.font_status(),
            Some(calldata_inspector::ui::fonts::FontStatus::Searching)
        )
    });
    h
}

/// Labels of the main screen (connection form, call list, inspector, top bar) by language.
const MAIN_ZH: [&str; 14] = [
    "连接",
    "配置名称",
    "主机",
    "端口",
    "座席工号",
    "CA 证书",
    "超时（秒）",
    "保存配置",
    "测试连接",
    "呼叫",
    "座席的当前呼叫",
    "查询",
    "解码",
    "设置",
];
const MAIN_EN: [&str; 14] = [
    "Connection",
    "Profile name",
    "Host",
    "Port",
    "Agent ID",
    "CA certificate",
    "Timeout (s)",
    "Save profile",
    "Test connection",
    "Calls",
    "Current call of the agent",
    "Query",
    "Decoded",
    "Settings",
];

fn assert_shows_all(h: &Harness<'static, App>, labels: &[&str]) {
    let missing: Vec<&&str> = labels
        .iter()
        .filter(|l| h.query_all_by_label(l).next().is_none())
        .collect();
    assert!(missing.is_empty(), "not on screen: {missing:?}");
}

fn assert_shows_none(h: &Harness<'static, App>, labels: &[&str]) {
    let present: Vec<&&str> = labels
        .iter()
        .filter(|l| h.query_all_by_label(l).next().is_some())
        .collect();
    assert!(present.is_empty(), "still shown: {present:?}");
}

#[test]
fn main_screens_render_in_chinese_and_are_found_by_their_chinese_labels() {
    let _lang = language(Language::SimplifiedChinese);
    let fx = Fixture::new();
    let mut h = window(fx.config(), None);
    assert_shows_all(&h, &MAIN_ZH);
    assert_shows_none(&h, &MAIN_EN);
    // The inspector with a reply: its tabs, the key/value table and the status bar.
    h.state_mut().show_inspection(zh_inspection());
    settle(&mut h);
    click(&mut h, "结构");
    assert_shows_all(
        &h,
        &[
            "原始",
            "解码",
            "结构",
            "十六进制",
            "键",
            "值",
            "字符集",
            "复制",
        ],
    );
    assert!(shows(&h, "客户姓名"), "the Chinese data itself is shown");
    click(&mut h, "原始");
    click(&mut h, "十六进制");
    // Form validation speaks Chinese too.
    h.state_mut().query_selected();
    settle(&mut h);
    assert!(
        shows(&h, "请输入网关的主机名或 IP 地址"),
        "host check in Chinese"
    );
    // And the same screens in English, for contrast.
    i18n::set_language(Language::English);
    settle(&mut h);
    assert_shows_all(&h, &MAIN_EN);
    assert_shows_none(&h, &MAIN_ZH);
}

#[test]
fn the_demo_profile_is_named_in_the_interface_language() {
    let _lang = language(Language::SimplifiedChinese);
    let sim = SimulatorThread::start(SimConfig::default()).expect("simulator");
    let fx = Fixture::new();
    let mut cfg = fx.config();
    cfg.demo = Some(DemoGateway::from_simulator(&sim));
    let mut h = window(cfg, None);
    wait_reply(&mut h, "the demo's first query");
    // In the profile picker and in the (read-only) profile name field.
    let shown_as = |h: &Harness<'static, App>, role: Role, name: &str| {
        h.query_all(By::new().role(role).value(name)).count()
    };
    assert_eq!(
        shown_as(&h, Role::ComboBox, "演示网关"),
        1,
        "profile picker"
    );
    assert_eq!(shown_as(&h, Role::TextInput, "演示网关"), 1, "name field");
    assert_eq!(
        h.query_all(By::new().value("Demo gateway")).count(),
        0,
        "no widget shows the English name"
    );
    // Only what is shown is translated: the demo queried as before.
    assert!(
        matches!(h.state().state(), InspectorState::Done(i) if i.error.is_none()),
        "the demo's first query succeeded"
    );
    i18n::set_language(Language::English);
    settle(&mut h);
    assert_eq!(shown_as(&h, Role::ComboBox, "Demo gateway"), 1);
    assert_eq!(shown_as(&h, Role::TextInput, "Demo gateway"), 1);
}

#[test]
fn settings_switch_the_language_at_once_and_the_choice_is_remembered() {
    let _lang = language(Language::English);
    let fx = Fixture::new();
    let mut h = window(fx.config(), None);
    assert_shows_all(&h, &MAIN_EN);
    click(&mut h, "Settings");
    // Each language is offered in its own name.
    assert!(h.query_all_by_label("English").next().is_some());
    click(&mut h, "简体中文");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert_eq!(i18n::current(), Language::SimplifiedChinese);
    assert_shows_all(&h, &MAIN_ZH);
    assert_shows_none(&h, &MAIN_EN);

    // eframe saves the choice; a new window (the system still English) starts in Chinese.
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let saved = storage.get_string_or_empty(eframe::APP_KEY);
    assert!(saved.contains("zh-CN"), "{saved}");
    drop(h);
    i18n::set_language(Language::English);
    let h = window(fx.config(), Some(storage.clone()));
    assert_eq!(i18n::current(), Language::SimplifiedChinese);
    assert_shows_all(&h, &MAIN_ZH);
    drop(h);

    // `--lang en` wins for one run without forgetting the saved choice.
    let mut cfg = fx.config();
    cfg.lang = Some(Language::English);
    let mut h = window(cfg, Some(storage));
    assert_shows_all(&h, &MAIN_EN);
    let mut again = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut again);
    assert!(again.get_string_or_empty(eframe::APP_KEY).contains("zh-CN"));

    // "System (…)" forgets the choice, so the next start follows the locale again.
    click(&mut h, "Settings");
    h.get_all_by_label_contains("System (")
        .next()
        .expect("a follow-the-system entry")
        .click();
    settle(&mut h);
    let mut forgotten = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut forgotten);
    let saved = forgotten.get_string_or_empty(eframe::APP_KEY);
    assert!(!saved.contains("zh-CN"), "{saved}");
    i18n::set_language(Language::English);
}

impl MemStorage {
    fn get_string_or_empty(&self, key: &str) -> String {
        eframe::Storage::get_string(self, key).unwrap_or_default()
    }
}

#[test]
fn chinese_labels_fit_the_default_window_without_overlapping() {
    let _lang = language(Language::SimplifiedChinese);
    let fx = Fixture::new();
    let mut h = window(fx.config(), None);
    h.state_mut().show_inspection(zh_inspection());
    settle(&mut h);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, DEFAULT_SIZE.into());
    let labels = [
        "连接",
        "配置名称",
        "主机",
        "端口",
        "座席工号",
        "CA 证书",
        "超时（秒）",
        "保存配置",
        "删除配置",
        "测试连接",
        "呼叫",
        "筛选",
        "座席的当前呼叫",
        "添加",
        "查询",
        "原始",
        "解码",
        "结构",
        "十六进制",
        "字符集",
        "查找",
        "复制",
        "复制为命令",
        "导出",
        "设置",
        "关于",
    ];
    let mut rects = Vec::new();
    for label in labels {
        let r = h
            .query_all_by_label(label)
            .next()
            .unwrap_or_else(|| panic!("{label} is not on screen"))
            .rect();
        assert!(
            r.width() > 1.0 && screen.contains_rect(r),
            "{label} at {r:?} is not fully inside the {DEFAULT_SIZE:?} window"
        );
        rects.push((label, r));
    }
    // And every other node whose text is Chinese: inside the window, not squeezed to nothing.
    let by = egui_kittest::kittest::by().predicate(|n| {
        let text = n.label().or_else(|| n.value()).unwrap_or_default();
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    });
    let all: Vec<(String, egui::Rect)> = h
        .query_all(by)
        .map(|n| {
            let node = n.accesskit_node();
            let text = node.label().or_else(|| node.value()).unwrap_or_default();
            (text, n.rect())
        })
        .collect();
    assert!(all.len() > labels.len(), "only {} Chinese nodes", all.len());
    for (text, r) in &all {
        assert!(
            r.width() > 1.0 && r.height() > 1.0 && screen.contains_rect(*r),
            "{text:?} at {r:?} is clipped by the {DEFAULT_SIZE:?} window"
        );
    }
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            let overlap = ra.intersect(*rb);
            assert!(
                !overlap.is_positive() || overlap.area() < 1.0,
                "{a} {ra:?} overlaps {b} {rb:?}"
            );
        }
    }
}
