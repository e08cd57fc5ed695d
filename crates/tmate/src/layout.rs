//! The window layout tree, a port of tmux 3.3a's `layout.c`: cells split left-right or
//! top-bottom, one-cell borders between siblings, and the same split, resize and close
//! arithmetic so pane geometry is identical to tmux's for the same commands.

/// tmux's `PANE_MINIMUM`.
pub(crate) const PANE_MINIMUM: u16 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Children side by side (`split-window -h`).
    LeftRight,
    /// Children stacked (`split-window -v`).
    TopBottom,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub sx: u16,
    pub sy: u16,
    pub xoff: u16,
    pub yoff: u16,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Pane(u32),
    Node(Dir, Vec<Cell>),
}

/// The window edges a cell touches where panes give a row to their `pane-border-status`
/// line (tmux `layout_add_border`): a pane there needs one more row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Border {
    pub top: bool,
    pub bottom: bool,
}

impl Border {
    /// The whole window's cell under `pane-border-status` `status`.
    pub fn window(status: tmate_term::PaneStatus) -> Border {
        Border {
            top: status == tmate_term::PaneStatus::Top,
            bottom: status == tmate_term::PaneStatus::Bottom,
        }
    }

    /// Child `i` of `n` in a node running `dir`: stacked, only the first keeps the top and
    /// the last the bottom.
    pub(crate) fn child(self, dir: Dir, i: usize, n: usize) -> Border {
        match dir {
            Dir::LeftRight => self,
            Dir::TopBottom => Border {
                top: self.top && i == 0,
                bottom: self.bottom && i + 1 == n,
            },
        }
    }

    /// The rows a pane here gives to its status line.
    pub(crate) fn rows(self) -> u16 {
        u16::from(self.top || self.bottom)
    }
}

/// A pane's place in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub id: u32,
    pub xoff: u16,
    pub yoff: u16,
    pub sx: u16,
    pub sy: u16,
}

/// How a split places the new pane: its size (`None`: half), before the target (`-b`), and
/// across the whole window instead of the target's cell (`-f`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitHow {
    pub size: Option<u16>,
    pub before: bool,
    pub full: bool,
}

impl Cell {
    pub fn pane(id: u32, sx: u16, sy: u16) -> Cell {
        Cell {
            sx,
            sy,
            xoff: 0,
            yoff: 0,
            kind: Kind::Pane(id),
        }
    }

    pub(crate) fn size_in(&self, dir: Dir) -> u16 {
        match dir {
            Dir::LeftRight => self.sx,
            Dir::TopBottom => self.sy,
        }
    }

    /// Pane geometries in tmux's pane order (depth-first, left/top first).
    pub fn panes(&self) -> Vec<Geometry> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<Geometry>) {
        match &self.kind {
            Kind::Pane(id) => out.push(Geometry {
                id: *id,
                xoff: self.xoff,
                yoff: self.yoff,
                sx: self.sx,
                sy: self.sy,
            }),
            Kind::Node(_, children) => children.iter().for_each(|c| c.collect(out)),
        }
    }

    fn find_mut(&mut self, id: u32) -> Option<&mut Cell> {
        if matches!(self.kind, Kind::Pane(p) if p == id) {
            return Some(self);
        }
        match &mut self.kind {
            Kind::Pane(_) => None,
            Kind::Node(_, children) => children.iter_mut().find_map(|c| c.find_mut(id)),
        }
    }

    /// tmux `layout_split_pane` with `size` -1 (half) and no `-b`/`-f`: `new` goes right of or
    /// below `target`. `None` when the pane is too small to split.
    pub fn split(&mut self, target: u32, dir: Dir, new: u32) -> Option<()> {
        self.split_sized(target, dir, new, None, false, Border::default())
    }

    /// tmux `layout_split_pane`: split `target`'s cell, or with `how.full` the whole window.
    /// `border`: this (the window's) cell's, for the room a status line takes.
    pub fn split_how(
        &mut self,
        target: u32,
        dir: Dir,
        new: u32,
        how: SplitHow,
        border: Border,
    ) -> Option<()> {
        if how.full {
            self.split_full(dir, new, how.size, how.before, border)
        } else {
            self.split_sized(target, dir, new, how.size, how.before, border)
        }
    }

    /// tmux `layout_split_pane` without `-f`: `size` is the new pane's size (`None`: half);
    /// `before` puts the new pane left of or above `target` (`-b`).
    pub fn split_sized(
        &mut self,
        target: u32,
        dir: Dir,
        new: u32,
        size: Option<u16>,
        before: bool,
        border: Border,
    ) -> Option<()> {
        // tmux refuses a stacked split one row earlier when the pane gives a row to its
        // status line.
        if dir == Dir::TopBottom {
            let b = self.border_of(target, border)?;
            let lc = self.find_mut(target)?;
            if lc.sy < PANE_MINIMUM * 2 + 1 + b.rows() {
                return None;
            }
        }
        let lc = self.find_mut(target)?;
        let (size1, size2) = split_sizes(lc.size_in(dir), size, before)?;
        // The parent of the target, when it runs the same way, takes the new cell next to it.
        if self.split_in_parent(target, dir, new, (size1, size2), before) {
            self.fix_offsets();
            return Some(());
        }
        let lc = self.find_mut(target)?;
        let (sx, sy, xoff, yoff) = (lc.sx, lc.sy, lc.xoff, lc.yoff);
        let old = std::mem::replace(lc, Cell::pane(0, 0, 0));
        let (first, second) = sized_pair(old, new, dir, size1, size2, sx, sy, before);
        *lc = Cell {
            sx,
            sy,
            xoff,
            yoff,
            kind: Kind::Node(dir, vec![first, second]),
        };
        self.fix_offsets();
        Some(())
    }

    fn split_in_parent(
        &mut self,
        target: u32,
        dir: Dir,
        new: u32,
        sizes: (u16, u16),
        before: bool,
    ) -> bool {
        let (s1, s2) = sizes;
        let Kind::Node(d, children) = &mut self.kind else {
            return false;
        };
        let pos = children
            .iter()
            .position(|c| matches!(c.kind, Kind::Pane(p) if p == target));
        if let Some(pos) = pos.filter(|_| *d == dir) {
            let Some(lc) = children.get_mut(pos) else {
                return false;
            };
            let (sx, sy) = (lc.sx, lc.sy);
            let old = std::mem::replace(lc, Cell::pane(0, 0, 0));
            let (first, second) = sized_pair(old, new, dir, s1, s2, sx, sy, before);
            *lc = first;
            children.insert(pos + 1, second);
            return true;
        }
        if pos.is_some() {
            return false;
        }
        children
            .iter_mut()
            .any(|c| c.split_in_parent(target, dir, new, sizes, before))
    }

    /// tmux `layout_resize_check`: how much this cell can shrink in `dir`.
    /// `border`: this cell's (a pane giving a row to its status line keeps two).
    pub(crate) fn resize_check(&self, dir: Dir, border: Border) -> u16 {
        match &self.kind {
            Kind::Pane(_) => {
                let minimum = match dir {
                    Dir::LeftRight => PANE_MINIMUM,
                    Dir::TopBottom => PANE_MINIMUM + border.rows(),
                };
                self.size_in(dir).saturating_sub(minimum)
            }
            Kind::Node(d, children) => {
                let n = children.len();
                let each = children
                    .iter()
                    .enumerate()
                    .map(|(i, c)| c.resize_check(dir, border.child(*d, i, n)));
                if *d == dir {
                    each.fold(0u16, u16::saturating_add)
                } else {
                    each.min().unwrap_or(0)
                }
            }
        }
    }

    /// The rows `pane` gives to its status line when this cell's border is `border`.
    pub fn border_rows(&self, pane: u32, border: Border) -> u16 {
        self.border_of(pane, border).map_or(0, Border::rows)
    }

    /// The border of `pane`'s cell when this cell's is `border`.
    fn border_of(&self, pane: u32, border: Border) -> Option<Border> {
        match &self.kind {
            Kind::Pane(p) => (*p == pane).then_some(border),
            Kind::Node(d, children) => {
                let n = children.len();
                children
                    .iter()
                    .enumerate()
                    .find_map(|(i, c)| c.border_of(pane, border.child(*d, i, n)))
            }
        }
    }

    /// tmux `layout_resize_adjust`: grow or shrink by `change`, children in turn one cell at a time.
    fn resize_adjust(&mut self, dir: Dir, change: i32, border: Border) {
        match dir {
            Dir::LeftRight => self.sx = add_signed(self.sx, change),
            Dir::TopBottom => self.sy = add_signed(self.sy, change),
        }
        let Kind::Node(d, children) = &mut self.kind else {
            return;
        };
        let (node, n) = (*d, children.len());
        if node != dir {
            for (i, c) in children.iter_mut().enumerate() {
                c.resize_adjust(dir, change, border.child(node, i, n));
            }
            return;
        }
        let mut change = change;
        while change != 0 {
            let mut progressed = false;
            for (i, child) in children.iter_mut().enumerate() {
                let b = border.child(node, i, n);
                if change == 0 {
                    break;
                }
                if change > 0 {
                    child.resize_adjust(dir, 1, b);
                    change -= 1;
                    progressed = true;
                } else if child.resize_check(dir, b) > 0 {
                    child.resize_adjust(dir, -1, b);
                    change += 1;
                    progressed = true;
                }
            }
            // tmux loops forever here when nothing can shrink; callers check first, but stop anyway.
            if !progressed {
                break;
            }
        }
    }

    /// tmux `layout_resize`: the window became `sx` x `sy`.
    pub fn resize(&mut self, sx: u16, sy: u16, border: Border) {
        for (dir, want) in [(Dir::LeftRight, sx), (Dir::TopBottom, sy)] {
            let have = self.size_in(dir);
            let limit = i32::from(self.resize_check(dir, border));
            let mut change = i32::from(want) - i32::from(have);
            if change < 0 && change < -limit {
                change = -limit;
            }
            if limit == 0 {
                change = if want <= have {
                    0
                } else {
                    i32::from(want) - i32::from(have)
                };
            }
            if change != 0 {
                self.resize_adjust(dir, change, border);
            }
        }
        self.fix_offsets();
    }

    /// tmux `layout_destroy_cell`: remove a pane, giving its space to the previous sibling (or
    /// the next one when it was first). Returns false when `id` is the only pane.
    pub fn remove(&mut self, id: u32) -> bool {
        if matches!(self.kind, Kind::Pane(_)) {
            return false;
        }
        let removed = self.remove_in(id);
        self.fix_offsets();
        removed
    }

    fn remove_in(&mut self, id: u32) -> bool {
        let Kind::Node(dir, children) = &mut self.kind else {
            return false;
        };
        let dir = *dir;
        let Some(pos) = children
            .iter()
            .position(|c| matches!(c.kind, Kind::Pane(p) if p == id))
        else {
            let found = children.iter_mut().any(|c| c.remove_in(id));
            return found;
        };
        let gone = children.remove(pos);
        let other = if pos == 0 { 0 } else { pos - 1 };
        if let Some(o) = children.get_mut(other) {
            // Growing checks no minimum.
            o.resize_adjust(dir, i32::from(gone.size_in(dir)) + 1, Border::default());
        }
        if children.len() == 1
            && let Some(only) = children.pop()
        {
            let (xoff, yoff) = (self.xoff, self.yoff);
            *self = only;
            self.xoff = xoff;
            self.yoff = yoff;
        }
        true
    }

    /// tmux `layout_fix_offsets`: children placed one after another with a border between.
    pub fn fix_offsets(&mut self) {
        let (xoff, yoff) = (self.xoff, self.yoff);
        let Kind::Node(dir, children) = &mut self.kind else {
            return;
        };
        let mut pos = match dir {
            Dir::LeftRight => xoff,
            Dir::TopBottom => yoff,
        };
        for c in children.iter_mut() {
            match dir {
                Dir::LeftRight => {
                    c.xoff = pos;
                    c.yoff = yoff;
                    pos = pos.saturating_add(c.sx).saturating_add(1);
                }
                Dir::TopBottom => {
                    c.xoff = xoff;
                    c.yoff = pos;
                    pos = pos.saturating_add(c.sy).saturating_add(1);
                }
            }
            c.fix_offsets();
        }
    }
}

impl Cell {
    fn contains(&self, id: u32) -> bool {
        match &self.kind {
            Kind::Pane(p) => *p == id,
            Kind::Node(_, children) => children.iter().any(|c| c.contains(id)),
        }
    }

    /// tmux `layout_resize_pane`: move the edge of `pane`'s cell in the nearest ancestor that
    /// runs in `dir` by `change` cells (the last cell moves its left/top edge instead).
    /// Returns whether there was such an ancestor (tmux tells of a layout change then).
    pub fn resize_pane(&mut self, pane: u32, dir: Dir, change: i32, border: Border) -> bool {
        let found = self.resize_pane_in(pane, dir, change, border).is_some();
        self.fix_offsets();
        found
    }

    fn resize_pane_in(&mut self, pane: u32, dir: Dir, change: i32, border: Border) -> Option<()> {
        let Kind::Node(d, children) = &mut self.kind else {
            return None;
        };
        let idx = children.iter().position(|c| c.contains(pane))?;
        let n = children.len();
        let borders: Vec<Border> = (0..n).map(|i| border.child(*d, i, n)).collect();
        if children
            .get_mut(idx)
            .and_then(|c| c.resize_pane_in(pane, dir, change, borders.get(idx).copied()?))
            .is_some()
        {
            return Some(());
        }
        if *d != dir {
            return None;
        }
        let i = if idx + 1 == children.len() {
            idx.checked_sub(1)?
        } else {
            idx
        };
        let mut needed = change;
        while needed != 0 {
            let size = if needed > 0 {
                grow(children, &borders, i, dir, needed)
            } else {
                shrink(children, &borders, i, dir, needed)
            };
            if size == 0 {
                break;
            }
            needed -= size * needed.signum();
        }
        Some(())
    }

    /// tmux `layout_set_even` / `layout_spread_cell`: every pane side by side (or stacked) in
    /// equal sizes, the last taking the remainder.
    pub fn even(ids: &[u32], dir: Dir, sx: u16, sy: u16) -> Option<Cell> {
        if ids.len() < 2 {
            return None;
        }
        let number = i32::try_from(ids.len()).ok()?;
        let size = i32::from(match dir {
            Dir::LeftRight => sx,
            Dir::TopBottom => sy,
        });
        let mut each = (size - (number - 1)) / number;
        if size < number - 1 || each <= 0 {
            return None;
        }
        let mut children = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            if n + 1 == ids.len() {
                each = size - (each + 1) * (number - 1);
            }
            let each = u16::try_from(each).ok()?;
            children.push(match dir {
                Dir::LeftRight => Cell::pane(*id, each, sy),
                Dir::TopBottom => Cell::pane(*id, sx, each),
            });
        }
        let mut root = Cell {
            sx,
            sy,
            xoff: 0,
            yoff: 0,
            kind: Kind::Node(dir, children),
        };
        root.fix_offsets();
        Some(root)
    }
}

/// Predefined layouts (tmux `layout-set.c`) and pane moves that keep the tree's shape.
impl Cell {
    /// Give the leaves these pane ids in order (rotate-window, swap-pane).
    pub fn set_ids(&mut self, ids: &[u32]) {
        let mut it = ids.iter().copied();
        self.set_ids_from(&mut it);
    }

    fn set_ids_from(&mut self, it: &mut impl Iterator<Item = u32>) {
        match &mut self.kind {
            Kind::Pane(p) => {
                if let Some(id) = it.next() {
                    *p = id;
                }
            }
            Kind::Node(_, children) => children.iter_mut().for_each(|c| c.set_ids_from(it)),
        }
    }

    /// tmux `layout_spread_out` (`select-layout -E`): the cells around `pane` made equal, or
    /// those of the nearest ancestor where that changes something. `border`: this (the
    /// window's) cell's, for the rows `pane-border-status` lines take.
    pub fn spread_out(&mut self, pane: u32, border: Border) {
        let mut path = Vec::new();
        if !self.path_to(pane, &mut path) {
            return;
        }
        // Parents of the pane's cell, nearest first.
        while path.pop().is_some() {
            let parent_border = self.border_at(&path, border);
            if let Some(parent) = self.at_path_mut(&path)
                && parent.spread_cell(parent_border)
            {
                self.fix_offsets();
                return;
            }
        }
    }

    /// The border of the cell at `path` (child indexes) when this cell's is `border`.
    fn border_at(&self, path: &[usize], border: Border) -> Border {
        let Some((first, rest)) = path.split_first() else {
            return border;
        };
        match &self.kind {
            Kind::Node(d, children) => children.get(*first).map_or(border, |c| {
                c.border_at(rest, border.child(*d, *first, children.len()))
            }),
            Kind::Pane(_) => border,
        }
    }

    /// Child indexes from this cell down to `pane`'s cell.
    fn path_to(&self, pane: u32, path: &mut Vec<usize>) -> bool {
        match &self.kind {
            Kind::Pane(p) => *p == pane,
            Kind::Node(_, children) => children.iter().enumerate().any(|(i, c)| {
                path.push(i);
                let found = c.path_to(pane, path);
                if !found {
                    path.pop();
                }
                found
            }),
        }
    }

    fn at_path_mut(&mut self, path: &[usize]) -> Option<&mut Cell> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match &mut self.kind {
            Kind::Node(_, children) => children.get_mut(*first)?.at_path_mut(rest),
            Kind::Pane(_) => None,
        }
    }

    /// tmux `layout_spread_cell`: the children equal in size, the last one taking what the
    /// division leaves; a stacked child giving a row to its status line gets that row on top
    /// of its share (and the share leaves the row out). `border`: this cell's. True when a
    /// size changed.
    fn spread_cell(&mut self, border: Border) -> bool {
        let Kind::Node(dir, children) = &mut self.kind else {
            return false;
        };
        let dir = *dir;
        let number = u16::try_from(children.len()).unwrap_or(u16::MAX);
        let size = match dir {
            Dir::LeftRight => self.sx,
            Dir::TopBottom => self.sy.saturating_sub(border.rows()),
        };
        if number <= 1 || size < number - 1 {
            return false;
        }
        let mut each = (size - (number - 1)) / number;
        if each == 0 {
            return false;
        }
        let mut changed = false;
        let count = children.len();
        for (i, child) in children.iter_mut().enumerate() {
            if i + 1 == count {
                each = size.saturating_sub((each + 1) * (number - 1));
            }
            let b = border.child(dir, i, count);
            let this = match dir {
                Dir::LeftRight => each,
                Dir::TopBottom => each + b.rows(),
            };
            let change = i32::from(this) - i32::from(child.size_in(dir));
            child.resize_adjust(dir, change, b);
            changed |= change != 0;
        }
        changed
    }

    /// tmux `layout_resize_pane_to`: make the pane's cell `size` wide (or high) by moving the
    /// edge in its nearest ancestor that runs in `dir`.
    /// Returns whether there was such an ancestor, as `resize_pane`.
    pub fn resize_pane_to(&mut self, pane: u32, dir: Dir, size: u16, border: Border) -> bool {
        let Some((have, last)) = self.cell_under_parent(pane, dir, None) else {
            return false;
        };
        let change = if last {
            i32::from(have) - i32::from(size)
        } else {
            i32::from(size) - i32::from(have)
        };
        self.resize_pane(pane, dir, change, border)
    }

    /// The size of `pane`'s ancestor directly under the nearest node running in `dir`, and
    /// whether it is that node's last child.
    fn cell_under_parent(
        &self,
        pane: u32,
        dir: Dir,
        found: Option<(u16, bool)>,
    ) -> Option<(u16, bool)> {
        match &self.kind {
            Kind::Pane(p) => (*p == pane).then_some(found).flatten(),
            Kind::Node(d, children) => {
                let n = children.len();
                children.iter().enumerate().find_map(|(i, c)| {
                    if !c.contains(pane) {
                        return None;
                    }
                    let here = if *d == dir {
                        Some((c.size_in(dir), i + 1 == n))
                    } else {
                        found
                    };
                    c.cell_under_parent(pane, dir, here)
                })
            }
        }
    }

    /// tmux `layout_set_main_h` (`dir` TopBottom: main pane on top) and `layout_set_main_v`
    /// (LeftRight: main pane on the left); `main`/`other` are the option values.
    pub fn main(ids: &[u32], dir: Dir, sx: u16, sy: u16, main: &str, other: &str) -> Option<Cell> {
        let (first, rest) = ids.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let n = u16::try_from(rest.len()).ok()?;
        let (along, across) = match dir {
            Dir::TopBottom => (sy, sx),
            Dir::LeftRight => (sx, sy),
        };
        // The available size, less one line for the border.
        let avail = along.saturating_sub(1);
        let default_main = if dir == Dir::TopBottom { 24 } else { 80 };
        let mut mainsz = percentage(main, avail).unwrap_or(default_main);
        let othersz;
        if u32::from(mainsz) + u32::from(PANE_MINIMUM) >= u32::from(avail) {
            mainsz = if avail <= PANE_MINIMUM * 2 {
                PANE_MINIMUM
            } else {
                avail - PANE_MINIMUM
            };
            othersz = PANE_MINIMUM;
        } else {
            match percentage(other, avail).filter(|o| *o != 0) {
                None => othersz = avail - mainsz,
                Some(o) if o > avail || avail - o < mainsz => othersz = avail - mainsz,
                Some(o) => {
                    othersz = o;
                    mainsz = avail - o;
                }
            }
        }
        // The other way the panes need at least a cell and a border each.
        let across = (n * (PANE_MINIMUM + 1) - 1).max(across);
        let cross = dir_other(dir);
        let sized = |id: u32, along_sz: u16, across_sz: u16| match dir {
            Dir::TopBottom => Cell::pane(id, across_sz, along_sz),
            Dir::LeftRight => Cell::pane(id, along_sz, across_sz),
        };
        let main_cell = sized(*first, mainsz, across);
        let other_cell = match rest {
            [one] => sized(*one, othersz, across),
            _ => {
                // tmux leaves the cells at the minimum when they cannot be spread.
                let sizes =
                    spread(across, rest.len()).unwrap_or_else(|| vec![PANE_MINIMUM; rest.len()]);
                let children = rest
                    .iter()
                    .zip(sizes)
                    .map(|(id, sz)| sized(*id, othersz, sz))
                    .collect();
                let (csx, csy) = match dir {
                    Dir::TopBottom => (across, othersz),
                    Dir::LeftRight => (othersz, across),
                };
                Cell {
                    sx: csx,
                    sy: csy,
                    xoff: 0,
                    yoff: 0,
                    kind: Kind::Node(cross, children),
                }
            }
        };
        let total = mainsz + othersz + 1;
        let (rsx, rsy) = match dir {
            Dir::TopBottom => (across, total),
            Dir::LeftRight => (total, across),
        };
        let mut root = Cell {
            sx: rsx,
            sy: rsy,
            xoff: 0,
            yoff: 0,
            kind: Kind::Node(dir, vec![main_cell, other_cell]),
        };
        root.fix_offsets();
        Some(root)
    }

    /// tmux `layout_set_tiled`: rows of equal columns, the last pane of a row and the last
    /// row taking what is left.
    pub fn tiled(ids: &[u32], sx: u16, sy: u16) -> Option<Cell> {
        let n = ids.len();
        if n <= 1 {
            return None;
        }
        let (mut rows, mut columns) = (1usize, 1usize);
        while rows * columns < n {
            rows += 1;
            if rows * columns < n {
                columns += 1;
            }
        }
        let cols16 = u16::try_from(columns).ok()?;
        let rows16 = u16::try_from(rows).ok()?;
        let width = (sx.saturating_sub(cols16 - 1) / cols16).max(PANE_MINIMUM);
        let height = (sy.saturating_sub(rows16 - 1) / rows16).max(PANE_MINIMUM);
        let mut row_cells = Vec::new();
        let mut it = ids.iter().copied().peekable();
        for j in 0..rows {
            if it.peek().is_none() {
                break;
            }
            if n - j * columns == 1 || columns == 1 {
                if let Some(id) = it.next() {
                    row_cells.push(Cell::pane(id, sx, height));
                }
                continue;
            }
            let mut children: Vec<Cell> = it
                .by_ref()
                .take(columns)
                .map(|id| Cell::pane(id, width, height))
                .collect();
            let count = u16::try_from(children.len()).ok()?;
            let used = count * (width + 1) - 1;
            if sx > used
                && let Some(last) = children.last_mut()
            {
                last.sx += sx - used;
            }
            row_cells.push(Cell {
                sx,
                sy: height,
                xoff: 0,
                yoff: 0,
                kind: Kind::Node(Dir::LeftRight, children),
            });
        }
        let used = rows16 * height + rows16 - 1;
        if sy > used
            && let Some(last) = row_cells.last_mut()
        {
            last.resize_adjust(Dir::TopBottom, i32::from(sy - used), Border::default());
        }
        let mut root = Cell {
            sx: (cols16 * (width + 1) - 1).max(sx),
            sy: (rows16 * (height + 1) - 1).max(sy),
            xoff: 0,
            yoff: 0,
            kind: Kind::Node(Dir::TopBottom, row_cells),
        };
        root.fix_offsets();
        Some(root)
    }
}

/// tmux `layout_split_pane`'s sizes for splitting `saved` cells: (top/left, bottom/right),
/// with `size` the new pane's (`None`: half) and `before` the new pane first; `None` when there
/// is no room for two panes and a border.
pub(crate) fn split_sizes(saved: u16, size: Option<u16>, before: bool) -> Option<(u16, u16)> {
    if saved < PANE_MINIMUM * 2 + 1 {
        return None;
    }
    // tmux: ((saved_size + 1) / 2) - 1 for a half split; size2 is the bottom/right cell.
    let size2 = match size {
        None => saved.div_ceil(2).saturating_sub(1),
        // tmux's unsigned `saved_size - size - 1`: past the whole size it wraps round to
        // the largest, clamped below (the new pane first takes all but the minimum).
        Some(n) if before => saved
            .checked_sub(n)
            .and_then(|v| v.checked_sub(1))
            .unwrap_or(u16::MAX),
        Some(n) => n,
    }
    .clamp(PANE_MINIMUM, saved - 2);
    Some((saved - 1 - size2, size2))
}

fn dir_other(dir: Dir) -> Dir {
    match dir {
        Dir::LeftRight => Dir::TopBottom,
        Dir::TopBottom => Dir::LeftRight,
    }
}

/// tmux `layout_spread_cell` for leaves: equal sizes with a border between, the last taking
/// the remainder; `None` when they do not fit.
fn spread(size: u16, number: usize) -> Option<Vec<u16>> {
    let number = u16::try_from(number).ok()?;
    let each = size.checked_sub(number - 1)? / number;
    if each == 0 {
        return None;
    }
    let last = size - (each + 1) * (number - 1);
    Some(
        (0..number)
            .map(|i| if i + 1 == number { last } else { each })
            .collect(),
    )
}

/// tmux `args_string_percentage` with the range 0..=`cur`: `N` or `N%` of `cur`; `None` for
/// anything else or out of range.
pub fn percentage(value: &str, cur: u16) -> Option<u16> {
    match value.strip_suffix('%') {
        Some(p) => {
            let p: u32 = p.parse().ok().filter(|p| *p <= 100)?;
            u16::try_from(u32::from(cur) * p / 100).ok()
        }
        None => value.parse::<u16>().ok().filter(|v| *v <= cur),
    }
}

/// tmux `layout_resize_pane_grow`: take space from the first later sibling that can give it,
/// else from an earlier one.
fn grow(children: &mut [Cell], borders: &[Border], i: usize, dir: Dir, needed: i32) -> i32 {
    let b = |j: usize| borders.get(j).copied().unwrap_or_default();
    let can = |j: usize, c: &Cell| i32::from(c.resize_check(dir, b(j)));
    let remove = (i + 1..children.len())
        .find(|j| children.get(*j).is_some_and(|c| can(*j, c) > 0))
        .or_else(|| {
            (0..i)
                .rev()
                .find(|j| children.get(*j).is_some_and(|c| can(*j, c) > 0))
        });
    let Some(r) = remove else { return 0 };
    let size = children.get(r).map_or(0, |c| can(r, c)).min(needed);
    if let Some(c) = children.get_mut(i) {
        c.resize_adjust(dir, size, b(i));
    }
    if let Some(c) = children.get_mut(r) {
        c.resize_adjust(dir, -size, b(r));
    }
    size
}

/// tmux `layout_resize_pane_shrink`: shrink this cell (or the nearest earlier one that can)
/// and give the space to the next cell.
fn shrink(children: &mut [Cell], borders: &[Border], i: usize, dir: Dir, needed: i32) -> i32 {
    let b = |j: usize| borders.get(j).copied().unwrap_or_default();
    let can = |j: usize, c: &Cell| i32::from(c.resize_check(dir, b(j)));
    let Some(r) = (0..=i)
        .rev()
        .find(|j| children.get(*j).is_some_and(|c| can(*j, c) > 0))
    else {
        return 0;
    };
    if i + 1 >= children.len() {
        return 0;
    }
    let size = children.get(r).map_or(0, |c| can(r, c)).min(-needed);
    if let Some(c) = children.get_mut(i + 1) {
        c.resize_adjust(dir, size, b(i + 1));
    }
    if let Some(c) = children.get_mut(r) {
        c.resize_adjust(dir, -size, b(r));
    }
    size
}

fn add_signed(v: u16, change: i32) -> u16 {
    u16::try_from((i32::from(v) + change).max(0)).unwrap_or(u16::MAX)
}

/// The target pane (always a leaf) and the new one, sized as tmux sizes them: `s1` for the
/// left/top cell, `s2` for the other; `before` puts the new cell first.
#[allow(clippy::too_many_arguments)]
fn sized_pair(
    old: Cell,
    new: u32,
    dir: Dir,
    s1: u16,
    s2: u16,
    sx: u16,
    sy: u16,
    before: bool,
) -> (Cell, Cell) {
    let fresh = Cell::pane(new, sx, sy);
    let (mut first, mut second) = if before { (fresh, old) } else { (old, fresh) };
    match dir {
        Dir::LeftRight => {
            first.sx = s1;
            first.sy = sy;
            second.sx = s2;
            second.sy = sy;
        }
        Dir::TopBottom => {
            first.sy = s1;
            first.sx = sx;
            second.sy = s2;
            second.sx = sx;
        }
    }
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo(c: &Cell) -> Vec<(u32, u16, u16, u16, u16)> {
        c.panes()
            .iter()
            .map(|g| (g.id, g.xoff, g.yoff, g.sx, g.sy))
            .collect()
    }

    #[test]
    fn splits_like_tmux() {
        let mut c = Cell::pane(0, 80, 24);
        c.split(0, Dir::LeftRight, 1).unwrap();
        assert_eq!(geo(&c), vec![(0, 0, 0, 40, 24), (1, 41, 0, 39, 24)]);
        c.split(1, Dir::TopBottom, 2).unwrap();
        assert_eq!(
            geo(&c),
            vec![(0, 0, 0, 40, 24), (1, 41, 0, 39, 12), (2, 41, 13, 39, 11)]
        );
        c.split(0, Dir::LeftRight, 3).unwrap();
        assert_eq!(geo(&c)[..2], [(0, 0, 0, 20, 24), (3, 21, 0, 19, 24)]);
        assert!(c.remove(3));
        assert_eq!(geo(&c)[0], (0, 0, 0, 40, 24));
        c.resize(100, 30, Border::default());
        let g = geo(&c);
        assert_eq!(g[0].3 + 1 + g[1].3, 100);
        assert_eq!(g[1].4 + 1 + g[2].4, 30);
    }
}
