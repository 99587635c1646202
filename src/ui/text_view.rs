//! Virtualised read-only views: only the rows in sight are laid out, so a 20 MiB payload
//! scrolls as smoothly as a short one.

use egui::{RichText, TextStyle};

use crate::decode::hex;
use crate::worker::TextRows;

/// Where to scroll and what to highlight.
#[derive(Debug, Default, Clone, Copy)]
pub struct Marks<'a> {
    /// Rows with a find match (sorted).
    pub matches: &'a [usize],
    /// The current match row.
    pub current: Option<usize>,
    /// Scroll so this row is visible.
    pub scroll_to: Option<usize>,
}

fn row_height(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&TextStyle::Monospace)
}

fn scroll_area(ui: &egui::Ui, id: &str, scroll_to: Option<usize>) -> egui::ScrollArea {
    let mut area = egui::ScrollArea::both()
        .id_salt(id)
        .auto_shrink([false, false]);
    if let Some(row) = scroll_to {
        let h = row_height(ui) + ui.spacing().item_spacing.y;
        // Leave a few rows of context above the target.
        area = area.vertical_scroll_offset((row.saturating_sub(3)) as f32 * h);
    }
    area
}

/// Text rows in a monospace, virtualised scroll area.
pub fn text_rows(ui: &mut egui::Ui, id: &str, rows: &TextRows, marks: Marks<'_>) {
    let h = row_height(ui);
    scroll_area(ui, id, marks.scroll_to).show_rows(ui, h, rows.rows.len(), |ui, range| {
        for i in range {
            let mut text = RichText::new(rows.row(i)).monospace();
            if marks.current == Some(i) {
                text = text.background_color(ui.visuals().selection.bg_fill);
            } else if marks.matches.binary_search(&i).is_ok() {
                text = text.background_color(ui.visuals().warn_fg_color.gamma_multiply(0.35));
            }
            ui.add(egui::Label::new(text).extend());
        }
    });
}

/// A hex dump of `bytes`, 16 per row, laid out lazily.
pub fn hex_rows(ui: &mut egui::Ui, id: &str, bytes: &[u8]) {
    let h = row_height(ui);
    let n = hex::row_count(bytes.len());
    scroll_area(ui, id, None).show_rows(ui, h, n, |ui, range| {
        for row in range {
            let line = hex::hex_line(bytes, row);
            ui.add(egui::Label::new(RichText::new(line).monospace()).extend());
        }
    });
}
