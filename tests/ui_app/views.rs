//! The views, find, shortcuts and export on a prepared reply (no network needed), with Chinese
//! text rendered through the system CJK font (kittest fails on a missing glyph, so this also
//! proves the font is loaded).

use calldata_inspector::ui::View;
use calldata_inspector::worker::ExportKind;
use egui::{Key, Modifiers};

use super::common::*;

fn app_with_font(fx: &Fixture) -> egui_kittest::Harness<'static, calldata_inspector::ui::App> {
    cjk_harness(fx.config())
}

#[test]
fn decoded_chinese_text_views_and_status_line() {
    let fx = Fixture::new();
    let mut h = app_with_font(&fx);
    h.state_mut().show_inspection(zh_inspection());
    h.run();
    assert_eq!(h.state().view(), View::Decoded);
    assert!(shows(&h, ZH), "decoded Chinese text not shown");
    assert!(shows(&h, "Charset: UTF-8 (100%)"));
    assert!(shows(&h, "HTTP 200"));
    assert!(shows(&h, "retcode 0 (success)"));

    click(&mut h, "Structure");
    assert!(
        shows(&h, "客户姓名") && shows(&h, "查询账单"),
        "key/value table"
    );
    click(&mut h, "Raw");
    assert!(shows(&h, "\"retcode\":\"0\""));
    click(&mut h, "Hex");
    assert!(shows(&h, "00000000  e5 ae a2"), "hex of the UTF-8 bytes");
}

#[test]
fn ctrl_f_finds_and_esc_closes() {
    let fx = Fixture::new();
    let mut h = app_with_font(&fx);
    h.state_mut().show_inspection(zh_inspection());
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    type_into(&mut h, "Find in view", "张三");
    wait_until(&mut h, "one match", |app| app.find_matches() == 1);
    assert!(shows(&h, "1/1"));
    replace_text(&mut h, "Find in view", "nothing-like-this");
    wait_until(&mut h, "no match", |app| app.find_matches() == 0);
    assert!(shows(&h, "no match"));
    h.key_press(Key::Escape);
    h.run();
    assert!(!shows(&h, "no match"), "Esc must close the find bar");
}

#[test]
fn export_writes_exact_bytes_and_reports_the_path() {
    let fx = Fixture::new();
    let mut h = app_with_font(&fx);
    let i = zh_inspection();
    h.state_mut().show_inspection(i.clone());
    h.run();
    let dir = tempfile::tempdir().unwrap();
    for (kind, expected) in [
        (ExportKind::Raw, Some(i.raw.as_slice().to_vec())),
        (ExportKind::Decoded, Some(ZH.as_bytes().to_vec())),
        (ExportKind::Report, None),
    ] {
        let path = dir.path().join(format!("{kind:?}.out"));
        h.state_mut().export_to(kind, path.clone());
        wait_until(&mut h, "the export", |app| !app.export_pending());
        let written = std::fs::read(&path).unwrap();
        match expected {
            Some(bytes) => assert_eq!(written, bytes, "{kind:?}"),
            // The report is built at export time: check what it says of this reply.
            None => {
                let report: serde_json::Value = serde_json::from_slice(&written).unwrap();
                assert_eq!(report["data"], ZH);
                assert_eq!(report["call_id"], "1700-zh");
                assert_eq!(report["agent"], 1001);
                assert_eq!(report["retcode"], "0");
                assert_eq!(report["bytes"], ZH.len());
                assert_eq!(
                    report["sha256"],
                    calldata_inspector::export::sha256_hex(ZH.as_bytes())
                );
            }
        }
        assert!(shows(&h, &format!("Saved {}", path.display())));
    }
    // Unwritable target: readable error, the old file stays.
    let old = dir.path().join("Raw.out");
    let bad = dir.path().join("no-such-dir").join("x.json");
    h.state_mut().export_to(ExportKind::Raw, bad);
    wait_until(&mut h, "the failed export", |app| !app.export_pending());
    assert!(shows(&h, "Could not save"));
    assert_eq!(std::fs::read(&old).unwrap(), i.raw.as_slice());
}
