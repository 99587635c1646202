//! Hex dump, 16 bytes a row, addressable by row so a UI can lay out only the visible rows.

use std::fmt::Write as _;

/// Bytes shown per row.
pub const BYTES_PER_ROW: usize = 16;

/// Number of rows a dump of `len` bytes has.
pub fn row_count(len: usize) -> usize {
    len.div_ceil(BYTES_PER_ROW)
}

/// Row `row` of the dump: `00000010  48 65 6c 6c 6f 20 57 6f  72 6c 64 0a              |Hello World.|`.
/// Rows past the end are empty.
pub fn hex_line(bytes: &[u8], row: usize) -> String {
    let start = row.saturating_mul(BYTES_PER_ROW);
    let Some(chunk) = bytes.get(start..bytes.len().min(start.saturating_add(BYTES_PER_ROW))) else {
        return String::new();
    };
    if chunk.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(80);
    let _ = write!(out, "{start:08x}  ");
    for i in 0..BYTES_PER_ROW {
        match chunk.get(i) {
            Some(b) => {
                let _ = write!(out, "{b:02x} ");
            }
            None => out.push_str("   "),
        }
        if i == 7 {
            out.push(' ');
        }
    }
    out.push_str(" |");
    out.extend(chunk.iter().map(|&b| {
        if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        }
    }));
    out.push('|');
    out
}

/// The whole dump, one row per line (for export).
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(row_count(bytes.len()) * 79);
    for row in 0..row_count(bytes.len()) {
        out.push_str(&hex_line(bytes, row));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_formatted_and_addressable() {
        let data = b"Hello World\n0123456789";
        assert_eq!(row_count(data.len()), 2);
        assert_eq!(
            hex_line(data, 0),
            "00000000  48 65 6c 6c 6f 20 57 6f  72 6c 64 0a 30 31 32 33  |Hello World.0123|"
        );
        assert_eq!(
            hex_line(data, 1),
            "00000010  34 35 36 37 38 39                                 |456789|"
        );
        assert_eq!(hex_line(data, 2), "");
        assert_eq!(hex_dump(data).lines().count(), 2);
        assert_eq!(row_count(0), 0);
        assert_eq!(hex_line(&[], usize::MAX), "");
    }
}
