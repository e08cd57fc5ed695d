//! Full-size splits (`split-window -f`, `join-pane -f`), a port of tmux 3.3a's
//! `layout_split_pane` with `SPAWN_FULLSIZE` and the proportional resizing it relies on
//! (`layout_set_size_check`, `layout_resize_child_cells`, `layout_new_pane_size`), with the
//! rows `pane-border-status` lines take counted as tmux counts them.

use crate::layout::{Border, Cell, Dir, Kind, PANE_MINIMUM, split_sizes};

impl Cell {
    /// Split the whole window (this root cell) in `dir`: the new pane `new` spans the window's
    /// height (or width) beside (or above/below, `before`) everything else, which shrinks in
    /// proportion. `size` is the new pane's size as in `split_sized`; `None` when it cannot fit.
    /// `border`: this cell's (the window's), for the rows status lines take.
    pub(crate) fn split_full(
        &mut self,
        dir: Dir,
        new: u32,
        size: Option<u16>,
        before: bool,
        border: Border,
    ) -> Option<()> {
        let (sx, sy) = (self.sx, self.sy);
        let saved = self.size_in(dir);
        // A stacked split needs a row more when the window's panes give one to a status line.
        if dir == Dir::TopBottom && saved < PANE_MINIMUM * 2 + 1 + border.rows() {
            return None;
        }
        let (size1, size2) = split_sizes(saved, size, before)?;
        // The size the existing layout keeps.
        let kept = if before { size2 } else { size1 };
        if !set_size_check(self, dir, u32::from(kept), border) {
            return None;
        }
        let new_cell = |along: u16| match dir {
            Dir::LeftRight => Cell::pane(new, along, sy),
            Dir::TopBottom => Cell::pane(new, sx, along),
        };
        if let Kind::Node(d, _) = &self.kind
            && *d == dir
        {
            // The root already runs this way: squeeze its children, then add the new cell.
            self.set_size_in(dir, kept);
            resize_child_cells(self, border);
            self.set_size_in(dir, saved);
            let cell = new_cell(saved - 1 - kept);
            if let Kind::Node(_, children) = &mut self.kind {
                if before {
                    children.insert(0, cell);
                } else {
                    children.push(cell);
                }
            }
        } else {
            let (xoff, yoff) = (self.xoff, self.yoff);
            let mut old = std::mem::replace(self, Cell::pane(0, 0, 0));
            let (old_size, new_size) = if before {
                (size2, size1)
            } else {
                (size1, size2)
            };
            old.set_size_in(dir, old_size);
            // Sized where it goes: first of the two new children, or second with `-b`.
            resize_child_cells(&mut old, border.child(dir, usize::from(before), 2));
            let cell = new_cell(new_size);
            let children = if before {
                vec![cell, old]
            } else {
                vec![old, cell]
            };
            *self = Cell {
                sx,
                sy,
                xoff,
                yoff,
                kind: Kind::Node(dir, children),
            };
        }
        self.fix_offsets();
        Some(())
    }

    fn set_size_in(&mut self, dir: Dir, size: u16) {
        match dir {
            Dir::LeftRight => self.sx = size,
            Dir::TopBottom => self.sy = size,
        }
    }
}

/// tmux `layout_new_pane_size`: a child's new size in `dir` when its parent goes from
/// `previous` to `size`, keeping room for the `count_left - 1` cells after it in `size_left`.
/// `border`: the child's.
fn new_pane_size(
    cell: &Cell,
    border: Border,
    dir: Dir,
    previous: u32,
    size: u32,
    count_left: u32,
    size_left: u32,
) -> u32 {
    if count_left == 1 {
        return size_left;
    }
    let current = u32::from(cell.size_in(dir));
    let available = u32::from(cell.resize_check(dir, border));
    let min = (u32::from(PANE_MINIMUM) + 1) * (count_left - 1);
    let min = min.max(current.saturating_sub(available));
    let mut new_size = (current * size).checked_div(previous).unwrap_or(0);
    // tmux computes `size_left - min` unsigned: when it would go below zero the wrapped
    // maximum clamps nothing.
    if let Some(max) = size_left.checked_sub(min) {
        new_size = new_size.min(max);
    }
    new_size.max(u32::from(PANE_MINIMUM))
}

/// tmux `layout_set_size_check`: can `cell` (whose border is `border`) and everything in it
/// become `size` in `dir`?
fn set_size_check(cell: &Cell, dir: Dir, size: u32, border: Border) -> bool {
    let Kind::Node(d, children) = &cell.kind else {
        return size >= u32::from(PANE_MINIMUM);
    };
    let (d, n) = (*d, children.len());
    if d != dir {
        return children
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.kind, Kind::Node(..)))
            .all(|(i, c)| set_size_check(c, dir, size, border.child(d, i, n)));
    }
    let count = u32::try_from(n).unwrap_or(u32::MAX);
    let mut available = size;
    if available < (count * 2).saturating_sub(1) {
        return false;
    }
    let previous = u32::from(cell.size_in(dir));
    for ((idx, child), i) in (0u32..).zip(children).zip(0usize..) {
        let b = border.child(d, i, n);
        let new_size = new_pane_size(child, b, dir, previous, size, count - idx, available);
        let needed = if idx == count - 1 {
            new_size
        } else {
            new_size + 1
        };
        let Some(left) = available.checked_sub(needed) else {
            return false;
        };
        available = left;
        if !set_size_check(child, dir, new_size, b) {
            return false;
        }
    }
    true
}

/// tmux `layout_resize_child_cells`: fit the children into this cell's (new) size, each in
/// proportion to its old share, the last taking what is left. `border`: this cell's.
fn resize_child_cells(cell: &mut Cell, border: Border) {
    let (sx, sy, xoff) = (cell.sx, cell.sy, cell.xoff);
    let Kind::Node(dir, children) = &mut cell.kind else {
        return;
    };
    let dir = *dir;
    let n = children.len();
    let count = u32::try_from(n).unwrap_or(u32::MAX);
    let previous = children
        .iter()
        .map(|c| u32::from(c.size_in(dir)))
        .sum::<u32>()
        + count.saturating_sub(1);
    let mut available = u32::from(match dir {
        Dir::LeftRight => sx,
        Dir::TopBottom => sy,
    });
    for ((idx, child), i) in (0u32..).zip(children.iter_mut()).zip(0usize..) {
        let b = border.child(dir, i, n);
        let target = match dir {
            Dir::LeftRight => {
                child.sy = sy;
                sx
            }
            Dir::TopBottom => {
                child.sx = sx;
                child.xoff = xoff;
                sy
            }
        };
        let size = new_pane_size(
            child,
            b,
            dir,
            previous,
            u32::from(target),
            count - idx,
            available,
        );
        child.set_size_in(dir, u16::try_from(size).unwrap_or(u16::MAX));
        available = available.saturating_sub(size + 1);
        resize_child_cells(child, b);
    }
}
