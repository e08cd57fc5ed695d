//! A session's windows as tmux keeps them: each window owned once (by its id), and the
//! session's indexes holding winlinks to them, so one window can sit at several indexes
//! (link-window) with the same panes and id.
//!
//! Why inside the session rather than one server-wide tree by id as tmux has: tmate shares one
//! session, and a link across sessions is refused (`cmd::link`), so the windows a session
//! shows are all its own. Keeping them in the session lets every reader that holds a
//! `&Session` (formats, drawing, targets) look a window up by index as before, through the
//! map-like methods below, which read like the `BTreeMap<u32, Window>` they replace.

use std::collections::BTreeMap;
use std::collections::btree_map;
use std::ops::RangeBounds;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::alerts::Alerts;
use crate::state::Window;

/// Winlinks made so far: each new one is told apart from any earlier one at its index.
static SERIALS: AtomicU64 = AtomicU64::new(1);

/// What an index holds: the window it shows (tmux's `struct winlink`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Winlink {
    /// The window's id (`@N`).
    pub window: u32,
    /// Which winlink this is (tmux tells them apart by address): a window moved away and back
    /// to an index is in a new one, which the marked pane (held by winlink) is not.
    pub serial: u64,
    /// Its bell, activity and silence marks (`crate::alerts`): tmux keeps them per winlink,
    /// so the current index of a linked window stays unmarked while its other index is.
    pub alerts: Alerts,
}

impl Winlink {
    fn new(window: u32) -> Winlink {
        Winlink {
            window,
            serial: SERIALS.fetch_add(1, Ordering::Relaxed),
            alerts: Alerts::default(),
        }
    }
}

/// A session's windows: index -> winlink, and the windows the links point to by id.
#[derive(Default)]
pub struct Windows {
    links: BTreeMap<u32, Winlink>,
    store: BTreeMap<u32, Window>,
}

impl Windows {
    /// The window at an index.
    pub fn get(&self, idx: &u32) -> Option<&Window> {
        self.store.get(&self.links.get(idx)?.window)
    }

    pub fn get_mut(&mut self, idx: &u32) -> Option<&mut Window> {
        self.store.get_mut(&self.links.get(idx)?.window)
    }

    pub fn contains_key(&self, idx: &u32) -> bool {
        self.links.contains_key(idx)
    }

    /// The number of indexes in use (tmux counts winlinks: `#{session_windows}`).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The indexes in use, in order.
    pub fn keys(&self) -> btree_map::Keys<'_, u32, Winlink> {
        self.links.keys()
    }

    /// (index, window) in index order; a linked window comes once per index.
    pub fn iter(&self) -> Iter<'_, btree_map::Iter<'_, u32, Winlink>> {
        Iter {
            links: self.links.iter(),
            store: &self.store,
        }
    }

    /// (index, window) for the indexes in `range`.
    pub fn range<R: RangeBounds<u32>>(
        &self,
        range: R,
    ) -> Iter<'_, btree_map::Range<'_, u32, Winlink>> {
        Iter {
            links: self.links.range(range),
            store: &self.store,
        }
    }

    /// The window at each index, in index order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Window> {
        self.iter().map(|(_, w)| w)
    }

    /// The winlink at an index.
    pub fn link(&self, idx: &u32) -> Option<&Winlink> {
        self.links.get(idx)
    }

    pub fn link_mut(&mut self, idx: &u32) -> Option<&mut Winlink> {
        self.links.get_mut(idx)
    }

    /// The marks at an index (none for an empty one).
    pub fn alerts(&self, idx: &u32) -> Alerts {
        self.links.get(idx).map(|l| l.alerts).unwrap_or_default()
    }

    /// Every index showing the window with this id, in order.
    pub fn indexes_of(&self, wid: u32) -> Vec<u32> {
        self.links
            .iter()
            .filter(|(_, l)| l.window == wid)
            .map(|(i, _)| *i)
            .collect()
    }

    /// How many indexes show the window at `idx` (tmux's `w->references`), 0 for none.
    pub fn references(&self, idx: &u32) -> usize {
        self.links
            .get(idx)
            .map_or(0, |l| self.indexes_of(l.window).len())
    }

    /// A new window at `idx`. What the index held before is unlinked (and dropped when that
    /// was its last link).
    pub fn insert(&mut self, idx: u32, w: Window) {
        self.remove(&idx);
        let window = w.id;
        self.store.insert(window, w);
        self.links.insert(idx, Winlink::new(window));
    }

    /// Unlink `idx`; the window is dropped and returned when that was its last link.
    pub fn remove(&mut self, idx: &u32) -> Option<Window> {
        let l = self.links.remove(idx)?;
        if self.links.values().any(|o| o.window == l.window) {
            return None;
        }
        self.store.remove(&l.window)
    }

    /// The window at `src` also at `idx` (tmux `winlink_add` + `winlink_set_window`); what
    /// `idx` held is unlinked first. False when `src` is empty.
    pub fn link_at(&mut self, src: u32, idx: u32) -> bool {
        let Some(l) = self.links.get(&src).copied() else {
            return false;
        };
        if src != idx {
            self.remove(&idx);
            self.links.insert(idx, Winlink::new(l.window));
        }
        true
    }

    /// The link at `from` moves to `to` (whose link, if any, is dropped first); the window
    /// keeps all its other links. It is a new winlink there, as tmux's move-window makes one.
    pub fn move_link(&mut self, from: u32, to: u32) -> bool {
        let Some(l) = self.links.get(&from).copied() else {
            return false;
        };
        if from != to {
            self.remove(&to);
            self.links.remove(&from);
            let serial = Winlink::new(l.window).serial;
            self.links.insert(to, Winlink { serial, ..l });
        }
        true
    }

    /// The links at `a` and `b` trade places (swap-window within one session).
    pub fn swap_links(&mut self, a: u32, b: u32) -> bool {
        let (Some(la), Some(lb)) = (self.links.get(&a).copied(), self.links.get(&b).copied())
        else {
            return false;
        };
        self.links.insert(a, lb);
        self.links.insert(b, la);
        true
    }

    /// The indexes renumbered by `map` (old -> new); indexes it lacks are dropped.
    pub fn renumber(&mut self, map: &BTreeMap<u32, u32>) {
        let old = std::mem::take(&mut self.links);
        self.links = old
            .into_iter()
            .filter_map(|(i, l)| Some((*map.get(&i)?, l)))
            .collect();
        let store = std::mem::take(&mut self.store);
        let links = &self.links;
        self.store = store
            .into_iter()
            .filter(|(id, _)| links.values().any(|l| l.window == *id))
            .collect();
    }
}

/// (index, window) pairs over some of a session's links.
pub struct Iter<'a, I> {
    links: I,
    store: &'a BTreeMap<u32, Window>,
}

impl<'a, I: Iterator<Item = (&'a u32, &'a Winlink)>> Iterator for Iter<'a, I> {
    type Item = (&'a u32, &'a Window);

    fn next(&mut self) -> Option<Self::Item> {
        let store = self.store;
        self.links
            .find_map(|(i, l)| Some((i, store.get(&l.window)?)))
    }
}

impl<'a, I: DoubleEndedIterator<Item = (&'a u32, &'a Winlink)>> DoubleEndedIterator
    for Iter<'a, I>
{
    fn next_back(&mut self) -> Option<Self::Item> {
        let store = self.store;
        loop {
            let (i, l) = self.links.next_back()?;
            if let Some(w) = store.get(&l.window) {
                return Some((i, w));
            }
        }
    }
}

impl<'a> IntoIterator for &'a Windows {
    type Item = (&'a u32, &'a Window);
    type IntoIter = Iter<'a, btree_map::Iter<'a, u32, Winlink>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Windows each at its own index (test models, a new session).
impl FromIterator<(u32, Window)> for Windows {
    fn from_iter<T: IntoIterator<Item = (u32, Window)>>(iter: T) -> Self {
        let mut ws = Windows::default();
        for (idx, w) in iter {
            ws.insert(idx, w);
        }
        ws
    }
}

impl<const N: usize> From<[(u32, Window); N]> for Windows {
    fn from(v: [(u32, Window); N]) -> Self {
        v.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows() -> Windows {
        [
            (0, Window::new(10, None, 0, 80, 24)),
            (1, Window::new(11, None, 1, 80, 24)),
        ]
        .into()
    }

    fn ids(ws: &Windows) -> Vec<(u32, u32)> {
        ws.iter().map(|(i, w)| (*i, w.id)).collect()
    }

    #[test]
    fn a_window_linked_twice_goes_with_its_last_link() {
        let mut ws = windows();
        assert!(ws.link_at(1, 5));
        assert_eq!(ids(&ws), [(0, 10), (1, 11), (5, 11)]);
        assert_eq!((ws.references(&1), ws.references(&5)), (2, 2));
        assert_eq!(ws.indexes_of(11), [1, 5]);
        // One link dropped: the window stays.
        assert!(ws.remove(&1).is_none());
        assert_eq!(ws.get(&5).map(|w| w.id), Some(11));
        // Its last: the window is handed back.
        assert_eq!(ws.remove(&5).map(|w| w.id), Some(11));
        assert_eq!(ids(&ws), [(0, 10)]);
        assert!(!ws.link_at(7, 8), "nothing at 7");
    }

    #[test]
    fn links_move_swap_and_renumber() {
        let mut ws = windows();
        assert!(ws.link_at(1, 5));
        assert!(ws.move_link(5, 7));
        assert_eq!(ids(&ws), [(0, 10), (1, 11), (7, 11)]);
        assert!(ws.swap_links(0, 7));
        assert_eq!(ids(&ws), [(0, 11), (1, 11), (7, 10)]);
        // A link put over another drops that one (and its window, when it was its last).
        assert!(ws.link_at(0, 7));
        assert_eq!(ids(&ws), [(0, 11), (1, 11), (7, 11)]);
        assert!(ws.indexes_of(10).is_empty());
        let map: BTreeMap<u32, u32> = [(0, 3), (1, 4)].into();
        ws.renumber(&map);
        assert_eq!(ids(&ws), [(3, 11), (4, 11)]);
        assert_eq!(ws.range(4..).map(|(i, _)| *i).collect::<Vec<_>>(), [4]);
        assert_eq!(ws.iter().next_back().map(|(i, _)| *i), Some(4));
    }

    #[test]
    fn a_moved_link_is_a_new_winlink_and_a_swapped_one_is_not() {
        let mut ws = windows();
        let serial = |ws: &Windows, idx| ws.link(&idx).map(|l| l.serial);
        let first = serial(&ws, 1);
        assert!(ws.move_link(1, 5));
        assert!(ws.move_link(5, 1));
        assert_ne!(serial(&ws, 1), first);
        let (zero, one) = (serial(&ws, 0), serial(&ws, 1));
        assert!(ws.swap_links(0, 1));
        assert_eq!((serial(&ws, 0), serial(&ws, 1)), (one, zero));
    }

    #[test]
    fn alert_marks_belong_to_one_link() {
        let mut ws = windows();
        assert!(ws.link_at(1, 5));
        if let Some(l) = ws.link_mut(&5) {
            l.alerts.bell = true;
        }
        assert!(ws.alerts(&5).bell);
        assert!(!ws.alerts(&1).bell);
        // A new link starts unmarked.
        assert!(ws.link_at(5, 6));
        assert!(!ws.alerts(&6).bell);
    }
}
