//! Hex dump, 16 bytes a row in the `hexdump -C` layout, addressable by row so a UI can lay
//! out only the visible rows of a 20 MiB payload.

/// Bytes shown per row.
pub const BYTES_PER_ROW: usize = 16;

/// Characters in a full row (8-digit offset): `00000000  ` + 16 × `xx ` + 1 + ` |` + 16 + `|`.
pub const ROW_WIDTH: usize = 10 + BYTES_PER_ROW * 3 + 1 + 2 + BYTES_PER_ROW + 1;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Number of rows a dump of `len` bytes has.
pub fn row_count(len: usize) -> usize {
    len.div_ceil(BYTES_PER_ROW)
}

/// Row `row` of the dump, e.g.
/// `00000010  34 35 36 37 38 39                                 |456789|`.
/// Rows past the end are empty strings.
pub fn hex_line(bytes: &[u8], row: usize) -> String {
    let mut out = String::with_capacity(ROW_WIDTH);
    push_line(&mut out, bytes, row);
    out
}

/// Appends row `row` (without a newline) to `out`; returns whether the row exists.
fn push_line(out: &mut String, bytes: &[u8], row: usize) -> bool {
    let Some(start) = row.checked_mul(BYTES_PER_ROW).filter(|&s| s < bytes.len()) else {
        return false;
    };
    let chunk = &bytes[start..bytes.len().min(start + BYTES_PER_ROW)];
    push_offset(out, start);
    out.push_str("  ");
    for i in 0..BYTES_PER_ROW {
        match chunk.get(i) {
            Some(&b) => {
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xF)] as char);
                out.push(' ');
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
    true
}

/// Offsets wider than 8 digits (past 4 GiB) simply grow, like hexdump's.
fn push_offset(out: &mut String, offset: usize) {
    let digits = (usize::BITS - offset.leading_zeros()).div_ceil(4).max(8) as usize;
    for shift in (0..digits).rev() {
        out.push(HEX[(offset >> (shift * 4)) & 0xF] as char);
    }
}

/// The whole dump, one row per line, each ending in `\n` (for export).
pub fn hex_dump(bytes: &[u8]) -> String {
    let rows = row_count(bytes.len());
    let mut out = String::with_capacity(rows * (ROW_WIDTH + 1));
    for row in 0..rows {
        push_line(&mut out, bytes, row);
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
        assert_eq!(hex_line(data, 0).len(), ROW_WIDTH);
        assert_eq!(hex_line(data, 1).len(), ROW_WIDTH - 10);
        assert_eq!(hex_line(data, 2), "");
        assert_eq!(hex_line(data, usize::MAX), "");
        assert_eq!(hex_line(&[], 0), "");
        assert_eq!(row_count(0), 0);
        assert_eq!(row_count(16), 1);
        assert_eq!(row_count(17), 2);
    }

    #[test]
    fn non_printable_and_non_ascii_bytes_show_as_dots() {
        let data = "中\x00\x7f~ ".as_bytes();
        assert_eq!(
            hex_line(data, 0),
            "00000000  e4 b8 ad 00 7f 7e 20                              |.....~ |"
        );
    }

    #[test]
    fn dump_matches_lines_and_offsets_grow() {
        let data: Vec<u8> = (0..=255u8).cycle().take(40).collect();
        let dump = hex_dump(&data);
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 3);
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(*line, hex_line(&data, i));
        }
        assert!(dump.ends_with("$%&'|\n"), "{dump}");
        assert_eq!(hex_dump(&[]), "");
        let mut off = String::new();
        push_offset(&mut off, 0x1_0000_0000);
        assert_eq!(off, "100000000");
    }
}
