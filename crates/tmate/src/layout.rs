//! The window layout tree, a port of tmux 3.3a's `layout.c`: cells split left-right or
//! top-bottom, one-cell borders between siblings, and the same split, resize and close
//! arithmetic so pane geometry is identical to tmux's for the same commands.

/// tmux's `PANE_MINIMUM`.
const PANE_MINIMUM: u16 = 1;

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

/// A pane's place in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub id: u32,
    pub xoff: u16,
    pub yoff: u16,
    pub sx: u16,
    pub sy: u16,
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

    fn size_in(&self, dir: Dir) -> u16 {
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
        let lc = self.find_mut(target)?;
        let saved = lc.size_in(dir);
        if saved < PANE_MINIMUM * 2 + 1 {
            return None;
        }
        // tmux: ((saved_size + 1) / 2) - 1.
        let size2 = saved
            .div_ceil(2)
            .saturating_sub(1)
            .clamp(PANE_MINIMUM, saved - 2);
        let size1 = saved - 1 - size2;
        // The parent of the target, when it runs the same way, takes the new cell after it.
        if self.split_in_parent(target, dir, new, size1, size2) {
            self.fix_offsets();
            return Some(());
        }
        let lc = self.find_mut(target)?;
        let (sx, sy, xoff, yoff) = (lc.sx, lc.sy, lc.xoff, lc.yoff);
        let old = std::mem::replace(lc, Cell::pane(0, 0, 0));
        let (first, second) = sized_pair(old, new, dir, size1, size2, sx, sy);
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

    fn split_in_parent(&mut self, target: u32, dir: Dir, new: u32, s1: u16, s2: u16) -> bool {
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
            let (first, second) = sized_pair(old, new, dir, s1, s2, sx, sy);
            *lc = first;
            children.insert(pos + 1, second);
            return true;
        }
        if pos.is_some() {
            return false;
        }
        children
            .iter_mut()
            .any(|c| c.split_in_parent(target, dir, new, s1, s2))
    }

    /// tmux `layout_resize_check`: how much this cell can shrink in `dir`.
    fn resize_check(&self, dir: Dir) -> u16 {
        match &self.kind {
            Kind::Pane(_) => self.size_in(dir).saturating_sub(PANE_MINIMUM),
            Kind::Node(d, children) if *d == dir => children
                .iter()
                .map(|c| c.resize_check(dir))
                .fold(0u16, u16::saturating_add),
            Kind::Node(_, children) => children
                .iter()
                .map(|c| c.resize_check(dir))
                .min()
                .unwrap_or(0),
        }
    }

    /// tmux `layout_resize_adjust`: grow or shrink by `change`, children in turn one cell at a time.
    fn resize_adjust(&mut self, dir: Dir, change: i32) {
        match dir {
            Dir::LeftRight => self.sx = add_signed(self.sx, change),
            Dir::TopBottom => self.sy = add_signed(self.sy, change),
        }
        let Kind::Node(d, children) = &mut self.kind else {
            return;
        };
        if *d != dir {
            children
                .iter_mut()
                .for_each(|c| c.resize_adjust(dir, change));
            return;
        }
        let mut change = change;
        while change != 0 {
            let mut progressed = false;
            for child in children.iter_mut() {
                if change == 0 {
                    break;
                }
                if change > 0 {
                    child.resize_adjust(dir, 1);
                    change -= 1;
                    progressed = true;
                } else if child.resize_check(dir) > 0 {
                    child.resize_adjust(dir, -1);
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
    pub fn resize(&mut self, sx: u16, sy: u16) {
        for (dir, want) in [(Dir::LeftRight, sx), (Dir::TopBottom, sy)] {
            let have = self.size_in(dir);
            let limit = i32::from(self.resize_check(dir));
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
                self.resize_adjust(dir, change);
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
            o.resize_adjust(dir, i32::from(gone.size_in(dir)) + 1);
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
    pub fn resize_pane(&mut self, pane: u32, dir: Dir, change: i32) {
        self.resize_pane_in(pane, dir, change);
        self.fix_offsets();
    }

    fn resize_pane_in(&mut self, pane: u32, dir: Dir, change: i32) -> Option<()> {
        let Kind::Node(d, children) = &mut self.kind else {
            return None;
        };
        let idx = children.iter().position(|c| c.contains(pane))?;
        if children
            .get_mut(idx)
            .and_then(|c| c.resize_pane_in(pane, dir, change))
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
                grow(children, i, dir, needed)
            } else {
                shrink(children, i, dir, needed)
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

/// tmux `layout_resize_pane_grow`: take space from the first later sibling that can give it,
/// else from an earlier one.
fn grow(children: &mut [Cell], i: usize, dir: Dir, needed: i32) -> i32 {
    let can = |c: &Cell| i32::from(c.resize_check(dir));
    let remove = (i + 1..children.len())
        .find(|j| children.get(*j).is_some_and(|c| can(c) > 0))
        .or_else(|| {
            (0..i)
                .rev()
                .find(|j| children.get(*j).is_some_and(|c| can(c) > 0))
        });
    let Some(r) = remove else { return 0 };
    let size = children.get(r).map_or(0, can).min(needed);
    if let Some(c) = children.get_mut(i) {
        c.resize_adjust(dir, size);
    }
    if let Some(c) = children.get_mut(r) {
        c.resize_adjust(dir, -size);
    }
    size
}

/// tmux `layout_resize_pane_shrink`: shrink this cell (or the nearest earlier one that can)
/// and give the space to the next cell.
fn shrink(children: &mut [Cell], i: usize, dir: Dir, needed: i32) -> i32 {
    let can = |c: &Cell| i32::from(c.resize_check(dir));
    let Some(r) = (0..=i)
        .rev()
        .find(|j| children.get(*j).is_some_and(|c| can(c) > 0))
    else {
        return 0;
    };
    if i + 1 >= children.len() {
        return 0;
    }
    let size = children.get(r).map_or(0, can).min(-needed);
    if let Some(c) = children.get_mut(i + 1) {
        c.resize_adjust(dir, size);
    }
    if let Some(c) = children.get_mut(r) {
        c.resize_adjust(dir, -size);
    }
    size
}

fn add_signed(v: u16, change: i32) -> u16 {
    u16::try_from((i32::from(v) + change).max(0)).unwrap_or(u16::MAX)
}

/// The target pane (always a leaf) and the new one, sized as tmux sizes them.
fn sized_pair(old: Cell, new: u32, dir: Dir, s1: u16, s2: u16, sx: u16, sy: u16) -> (Cell, Cell) {
    let mut first = old;
    let mut second = Cell::pane(new, sx, sy);
    match dir {
        Dir::LeftRight => {
            first.sx = s1;
            first.sy = sy;
            second.sx = s2;
        }
        Dir::TopBottom => {
            first.sy = s1;
            first.sx = sx;
            second.sy = s2;
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
        c.resize(100, 30);
        let g = geo(&c);
        assert_eq!(g[0].3 + 1 + g[1].3, 100);
        assert_eq!(g[1].4 + 1 + g[2].4, 30);
    }
}
