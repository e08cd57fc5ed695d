//! tmux's layout strings (`layout-custom.c`): the `csum,WxH,X,Y{...}` text that
//! `#{window_layout}` prints and `select-layout` reads back, with its 16-bit checksum.

use crate::layout::{Cell, Dir, Kind};

/// tmux builds a dump in an 8 KiB buffer and gives up (an empty value) beyond it.
const MAX_DUMP: usize = 8192;
/// Nesting a parsed layout may have. Layout strings come from users; tmux recurses without a
/// bound, we stop well before the stack would matter (a window holds far fewer cells anyway).
const MAX_DEPTH: usize = 64;
/// Cells a parsed layout may have: more than any window can show (1-cell panes with borders).
const MAX_CELLS: usize = 10_000;
/// Largest width or height a parsed layout may give (tmux's `WINDOW_MAXIMUM`, which bounds
/// resize-window): the window takes the layout's size, and panes far larger would only cost
/// memory. tmux itself does not check this here.
const MAX_SIZE: u16 = 10_000;

/// tmux `layout_checksum`: rotate right by one, add the byte.
pub fn checksum(layout: &str) -> u16 {
    layout.bytes().fold(0u16, |csum, b| {
        csum.rotate_right(1).wrapping_add(u16::from(b))
    })
}

/// tmux `layout_dump`: `csum,layout`; `None` past tmux's buffer size.
pub fn dump(root: &Cell) -> Option<String> {
    let mut body = String::new();
    append(root, &mut body);
    (body.len() < MAX_DUMP).then(|| format!("{:04x},{body}", checksum(&body)))
}

/// tmux `layout_append`: `WxH,X,Y,ID` for a pane, `WxH,X,Y{...}` side by side, `[...]` stacked.
fn append(cell: &Cell, out: &mut String) {
    out.push_str(&format!(
        "{}x{},{},{}",
        cell.sx, cell.sy, cell.xoff, cell.yoff
    ));
    match &cell.kind {
        Kind::Pane(id) => out.push_str(&format!(",{id}")),
        Kind::Node(dir, children) => {
            let (open, close) = match dir {
                Dir::LeftRight => ('{', '}'),
                Dir::TopBottom => ('[', ']'),
            };
            out.push(open);
            for (i, child) in children.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(child, out);
                if out.len() >= MAX_DUMP {
                    return;
                }
            }
            out.push(close);
        }
    }
}

/// tmux `layout_parse` up to the window: the checked tree for `panes` panes (cells past the
/// pane count are closed from the bottom right, as tmux does), with the leaves numbered in
/// order and the top cell's size corrected from its children. Errors are tmux's words.
pub fn parse(layout: &str, panes: &[u32]) -> Result<Cell, String> {
    let invalid = || "invalid layout".to_string();
    let (csum, body) = layout.split_at_checked(5).ok_or_else(invalid)?;
    let csum = csum
        .strip_suffix(',')
        .and_then(|h| u16::from_str_radix(h, 16).ok())
        .ok_or_else(invalid)?;
    if csum != checksum(body) {
        return Err(invalid());
    }
    let mut rest = body.as_bytes();
    let mut next_id = 0u32;
    let mut root = construct(&mut rest, 0, &mut next_id).ok_or_else(invalid)?;
    if !rest.is_empty() {
        return Err(invalid());
    }
    loop {
        let cells = root.panes().len();
        if panes.len() > cells {
            return Err(format!("have {} panes but need {cells}", panes.len()));
        }
        if panes.len() == cells {
            break;
        }
        let Some(last) = root.panes().last().map(|g| g.id) else {
            return Err(invalid());
        };
        root.remove(last);
    }
    fix_top_size(&mut root);
    if !check(&root) {
        return Err("size mismatch after applying layout".to_string());
    }
    root.set_ids(panes);
    root.fix_offsets();
    Ok(root)
}

/// Older tmux versions wrote a top cell larger than its children: take the children's size.
fn fix_top_size(root: &mut Cell) {
    let Kind::Node(dir, children) = &root.kind else {
        return;
    };
    let (mut sx, mut sy) = (0u32, 0u32);
    for c in children {
        match dir {
            Dir::LeftRight => {
                sy = u32::from(c.sy) + 1;
                sx += u32::from(c.sx) + 1;
            }
            Dir::TopBottom => {
                sx = u32::from(c.sx) + 1;
                sy += u32::from(c.sy) + 1;
            }
        }
    }
    if (u32::from(root.sx), u32::from(root.sy)) != (sx, sy) {
        root.sx = u16::try_from(sx.saturating_sub(1)).unwrap_or(u16::MAX);
        root.sy = u16::try_from(sy.saturating_sub(1)).unwrap_or(u16::MAX);
    }
}

/// tmux `layout_check`: children span their parent exactly (with one-cell borders).
fn check(cell: &Cell) -> bool {
    let Kind::Node(dir, children) = &cell.kind else {
        return true;
    };
    let mut n = 0u32;
    for c in children {
        let (same, along) = match dir {
            Dir::LeftRight => (c.sy == cell.sy, c.sx),
            Dir::TopBottom => (c.sx == cell.sx, c.sy),
        };
        if !same || !check(c) {
            return false;
        }
        n += u32::from(along) + 1;
    }
    let size = match dir {
        Dir::LeftRight => cell.sx,
        Dir::TopBottom => cell.sy,
    };
    n.checked_sub(1) == Some(u32::from(size))
}

/// Digits at the front of `rest` as a number (consumed); `None` when there are none or the
/// number does not fit a cell size.
fn number(rest: &mut &[u8]) -> Option<u16> {
    let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, tail) = rest.split_at_checked(len)?;
    let value = std::str::from_utf8(digits).ok()?.parse::<u16>().ok()?;
    *rest = tail;
    (value <= MAX_SIZE).then_some(value)
}

/// Consume `byte` at the front of `rest`.
fn expect(rest: &mut &[u8], byte: u8) -> Option<()> {
    let (first, tail) = rest.split_first()?;
    (*first == byte).then(|| *rest = tail)
}

/// tmux `layout_construct`: one cell (`WxH,X,Y` and an optional `,ID`) and its children.
/// Leaves get made-up ids in order; the caller puts the window's panes in their place.
fn construct(rest: &mut &[u8], depth: usize, next_id: &mut u32) -> Option<Cell> {
    if depth > MAX_DEPTH || usize::try_from(*next_id).ok()? > MAX_CELLS {
        return None;
    }
    let sx = number(rest)?;
    expect(rest, b'x')?;
    let sy = number(rest)?;
    expect(rest, b',')?;
    let xoff = number(rest)?;
    expect(rest, b',')?;
    let yoff = number(rest)?;
    // `,ID` belongs to this cell unless the digits after the comma start the next cell (`WxH`).
    if let Some(after) = rest.strip_prefix(b",") {
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if after.get(digits) != Some(&b'x') {
            *rest = after.get(digits..).unwrap_or_default();
        }
    }
    let dir = match rest.first() {
        Some(b'{') => Dir::LeftRight,
        Some(b'[') => Dir::TopBottom,
        None | Some(b',' | b'}' | b']') => {
            *next_id += 1;
            let mut cell = Cell::pane(*next_id, sx, sy);
            (cell.xoff, cell.yoff) = (xoff, yoff);
            return Some(cell);
        }
        Some(_) => return None,
    };
    let mut children = Vec::new();
    loop {
        *rest = rest.get(1..)?;
        children.push(construct(rest, depth + 1, next_id)?);
        if rest.first() != Some(&b',') {
            break;
        }
    }
    let close = if dir == Dir::LeftRight { b'}' } else { b']' };
    expect(rest, close)?;
    Some(Cell {
        sx,
        sy,
        xoff,
        yoff,
        kind: Kind::Node(dir, children),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_as_tmux_with_its_checksum() {
        let mut root = Cell::pane(0, 80, 24);
        assert_eq!(dump(&root).as_deref(), Some("b25d,80x24,0,0,0"));
        root.split(0, Dir::LeftRight, 1);
        root.split(1, Dir::TopBottom, 2);
        assert_eq!(
            dump(&root).as_deref(),
            Some("d67e,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,2]}")
        );
    }

    #[test]
    fn parses_what_it_dumps_and_renumbers_the_panes() {
        let text = "d67e,80x24,0,0{40x24,0,0,0,39x24,41,0[39x12,41,0,1,39x11,41,13,2]}";
        let cell = parse(text, &[7, 8, 9]).unwrap();
        let ids: Vec<u32> = cell.panes().iter().map(|g| g.id).collect();
        assert_eq!(ids, [7, 8, 9]);
        assert_eq!(
            dump(&cell).unwrap().split_once(',').map(|x| x.1),
            Some("80x24,0,0{40x24,0,0,7,39x24,41,0[39x12,41,0,8,39x11,41,13,9]}")
        );
    }

    #[test]
    fn refuses_bad_checksums_sizes_counts_and_garbage() {
        let body = "80x24,0,0{40x24,0,0,0,39x24,41,0,1}";
        let good = format!("{:04x},{body}", checksum(body));
        assert!(parse(&good, &[1, 2]).is_ok());
        assert_eq!(
            parse(&good, &[1, 2, 3]).unwrap_err(),
            "have 3 panes but need 2"
        );
        // Fewer panes than cells: the bottom-right one is closed and its space given away.
        let one = parse(&good, &[5]).unwrap();
        assert_eq!(
            dump(&one).unwrap().split_once(',').map(|x| x.1),
            Some("80x24,0,0,5")
        );
        assert_eq!(
            parse(&format!("0000,{body}"), &[1, 2]).unwrap_err(),
            "invalid layout"
        );
        let wrong = "80x24,0,0{40x24,0,0,0,39x20,41,0,1}";
        let wrong = format!("{:04x},{wrong}", checksum(wrong));
        assert_eq!(
            parse(&wrong, &[1, 2]).unwrap_err(),
            "size mismatch after applying layout"
        );
        for garbage in [
            "",
            "abcd",
            "zzzz,80x24",
            "{",
            "99999999999x1,0,0",
            "zzzz,10001x1,0,0",
        ] {
            let body = garbage.get(5..).unwrap_or_default();
            let text = format!("{:04x},{body}", checksum(body));
            assert!(parse(&text, &[1]).is_err(), "{garbage}");
        }
        let deep = format!("{}1x1,0,0{}", "1x1,0,0{".repeat(100), "}".repeat(100));
        let deep = format!("{:04x},{deep}", checksum(&deep));
        assert_eq!(parse(&deep, &[1]).unwrap_err(), "invalid layout");
    }
}
