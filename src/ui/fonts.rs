//! A system CJK font, so Chinese call data renders as Chinese instead of boxes.
//!
//! egui's bundled fonts have no Han glyphs. At startup a background thread asks fontconfig
//! (`fc-match`/`fc-list`) or probes well-known paths (Noto CJK, WenQuanYi, Microsoft YaHei,
//! PingFang), reads the file and hands it to egui as a fallback; the UI says so when none is found.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the CJK font search found (shown in the UI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontStatus {
    /// The search is still running.
    Searching,
    /// A font was loaded from this file.
    Loaded(PathBuf),
    /// No CJK font is installed; Chinese text may show as boxes.
    NotFound,
}

/// Shared, updated by the loader thread.
pub type SharedFontStatus = Arc<Mutex<FontStatus>>;

/// Well-known CJK font files: (path, face index of the Simplified Chinese face).
const KNOWN_FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
];

/// Starts the search on a background thread; the result is installed into `ctx` when found.
pub fn load_in_background(ctx: &egui::Context) -> SharedFontStatus {
    let status = Arc::new(Mutex::new(FontStatus::Searching));
    let shared = status.clone();
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("cjk-font".into())
        .spawn(move || {
            let result = match find_cjk_font().and_then(|(p, i)| read_font(&p, i)) {
                Some((path, data)) => {
                    install(&ctx, data);
                    FontStatus::Loaded(path)
                }
                None => FontStatus::NotFound,
            };
            set(&shared, result);
            ctx.request_repaint();
        });
    if spawned.is_err() {
        set(&status, FontStatus::NotFound);
    }
    status
}

fn set(status: &SharedFontStatus, value: FontStatus) {
    *status.lock().unwrap_or_else(|p| p.into_inner()) = value;
}

/// Reads the current status.
pub fn get(status: &SharedFontStatus) -> FontStatus {
    status.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

fn install(ctx: &egui::Context, data: egui::FontData) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily {
            family,
            priority: FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(FontInsert::new("system-cjk", data, families));
}

fn read_font(path: &Path, index: u32) -> Option<(PathBuf, egui::FontData)> {
    let bytes = std::fs::read(path).ok()?;
    Some((
        path.to_path_buf(),
        egui::FontData::from_blob(Arc::new(bytes), index),
    ))
}

/// The best CJK font file and face index: fontconfig first, then well-known paths.
pub fn find_cjk_font() -> Option<(PathBuf, u32)> {
    from_fontconfig().or_else(|| {
        KNOWN_FONTS
            .iter()
            .map(|(p, i)| (PathBuf::from(p), *i))
            .find(|(p, _)| p.is_file())
    })
}

fn from_fontconfig() -> Option<(PathBuf, u32)> {
    // fc-match always answers something (often DejaVu), so only accept a file that
    // fc-list confirms covers Chinese.
    let best = run("fc-match", &["-f", "%{file}:%{index}", "sans:lang=zh-cn"])?;
    let covering = run("fc-list", &["-f", "%{file}\n", ":lang=zh-cn"])?;
    let (file, index) = best.rsplit_once(':')?;
    if !covering.lines().any(|l| l == file) {
        return None;
    }
    let path = PathBuf::from(file);
    path.is_file()
        .then(|| (path, index.trim().parse().unwrap_or(0)))
}

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_font_is_a_readable_file() {
        // Machines without any CJK font legitimately find none; with one it must be readable.
        if let Some((path, _)) = find_cjk_font() {
            assert!(read_font(&path, 0).is_some(), "{}", path.display());
        }
    }
}
