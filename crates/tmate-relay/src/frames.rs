//! Frames shared between the viewers of a session: viewers of the same size showing the same
//! state draw from the same composed frame, and viewers whose terminals show the same picture
//! get the same diff bytes, so a change costs one compose and one diff however many viewers
//! watch. Each size's frame is composed into again and again, so its row damage holds: a
//! keystroke recomposes one row, and a viewer's renderer compares only the rows that changed
//! since it last drew that frame.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tmate_term::{Frame, Renderer};

/// What makes two viewers' frames identical.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrameKey {
    /// The session's change generation the frame was composed at.
    pub generation: u64,
    pub cols: u16,
    pub rows: u16,
    /// The viewer's message or prompt line, if any.
    pub message: Option<String>,
    /// The status line's clock shows minutes.
    pub minute: u64,
}

/// The bytes that move a client's terminal from showing frame `from` to showing frame `to`, and
/// the renderer state after them. Valid for any viewer because renderers are canonicalized after
/// every frame (`Renderer::canonicalize`): their state is a function of the frame shown.
pub struct SharedDiff {
    pub from: u64,
    pub to: u64,
    pub bytes: bytes::Bytes,
    pub renderer: Arc<Renderer>,
}

/// One size's frame: what it was last composed for, and the id diffs refer to that picture by.
struct Composed {
    key: Option<FrameKey>,
    id: u64,
    frame: Frame,
}

/// A viewer size (columns, rows) and its frame.
type SizeSlot = ((u16, u16), Arc<Mutex<Composed>>);

/// The composed frames and recent diffs of one session; small and bounded (viewers only ever
/// need the latest).
pub struct FrameCache {
    /// One frame per viewer size, the most recently used first; each behind its own lock so
    /// viewers of different sizes compose at once.
    composed: Mutex<Vec<SizeSlot>>,
    diffs: Mutex<VecDeque<Arc<SharedDiff>>>,
    next_id: std::sync::atomic::AtomicU64,
}

/// Sizes whose frame is kept (viewers of one session mostly share one or two).
const KEPT_SIZES: usize = 4;
/// Diffs kept per session.
const KEPT_DIFFS: usize = 16;

impl Default for FrameCache {
    fn default() -> Self {
        FrameCache {
            composed: Mutex::new(Vec::new()),
            diffs: Mutex::new(VecDeque::new()),
            next_id: std::sync::atomic::AtomicU64::new(1),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FrameCache {
    /// Run `draw` on the frame for `key` and its id, composing it with `compose` first unless
    /// the size's frame already shows `key`. The frame is locked while `draw` runs (renderers
    /// read it in place: no copy per frame); `compose` may lock the session.
    pub fn with_frame<R>(
        &self,
        key: FrameKey,
        compose: impl FnOnce(&mut Frame),
        draw: impl FnOnce(u64, &Frame) -> R,
    ) -> R {
        let slot = self.slot(key.cols, key.rows);
        let mut composed = lock(&slot);
        if composed.key.as_ref() != Some(&key) {
            compose(&mut composed.frame);
            composed.key = Some(key);
            composed.id = self
                .next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        draw(composed.id, &composed.frame)
    }

    /// The frame kept for `cols` x `rows`, made (blank) when there is none; the least recently
    /// used size goes when more than `KEPT_SIZES` are kept.
    fn slot(&self, cols: u16, rows: u16) -> Arc<Mutex<Composed>> {
        let mut composed = lock(&self.composed);
        let slot = match composed.iter().position(|(size, _)| *size == (cols, rows)) {
            Some(i) => composed.remove(i).1,
            None => Arc::new(Mutex::new(Composed {
                key: None,
                id: 0,
                frame: Frame::blank(cols, rows),
            })),
        };
        composed.insert(0, ((cols, rows), slot.clone()));
        composed.truncate(KEPT_SIZES);
        slot
    }

    /// A diff another viewer computed from frame `from` to frame `to`.
    pub fn diff(&self, from: u64, to: u64) -> Option<Arc<SharedDiff>> {
        lock(&self.diffs)
            .iter()
            .find(|d| d.from == from && d.to == to)
            .cloned()
    }

    pub fn store_diff(&self, diff: Arc<SharedDiff>) {
        let mut diffs = lock(&self.diffs);
        if diffs.iter().any(|d| d.from == diff.from && d.to == diff.to) {
            return;
        }
        diffs.push_back(diff);
        if diffs.len() > KEPT_DIFFS {
            diffs.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(generation: u64, cols: u16, message: Option<&str>) -> FrameKey {
        FrameKey {
            generation,
            cols,
            rows: 24,
            message: message.map(str::to_owned),
            minute: 0,
        }
    }

    /// Composes `key` (writing `mark` into its frame's first cell) unless the frame shows it;
    /// returns the frame id and the first cell's text seen by the drawing closure.
    fn draw(cache: &FrameCache, key: FrameKey, mark: &str, composes: &mut u32) -> (u64, String) {
        cache.with_frame(
            key.clone(),
            |frame| {
                *composes += 1;
                *frame = Frame::blank(key.cols, key.rows);
                if let Some(cell) = frame.cells.first_mut() {
                    cell.text = mark.to_owned();
                }
            },
            |id, frame| {
                let first = frame.cells.first().map(|c| c.text.clone());
                (id, first.unwrap_or_default())
            },
        )
    }

    #[test]
    fn one_compose_per_key_and_size_and_new_ids_for_new_pictures() {
        let cache = FrameCache::default();
        let mut composes = 0;
        let (a, text) = draw(&cache, key(1, 80, None), "a", &mut composes);
        assert_eq!((text.as_str(), composes), ("a", 1));
        // A second viewer of the same size and state draws the same frame, uncomposed.
        let (again, text) = draw(&cache, key(1, 80, None), "x", &mut composes);
        assert_eq!((again, text.as_str(), composes), (a, "a", 1));
        // A message makes another picture of the same size: composed into the same frame.
        let (b, text) = draw(&cache, key(1, 80, Some("hi")), "b", &mut composes);
        assert_eq!((text.as_str(), composes), ("b", 2));
        assert_ne!(a, b);
        // Another size has its own frame; the first size's frame is still there.
        let (c, text) = draw(&cache, key(1, 100, None), "c", &mut composes);
        assert_eq!((text.as_str(), composes), ("c", 3));
        assert!(c != a && c != b);
        let (b_again, text) = draw(&cache, key(1, 80, Some("hi")), "y", &mut composes);
        assert_eq!((b_again, text.as_str(), composes), (b, "b", 3));
        // Sizes past KEPT_SIZES push out the least recently used.
        for cols in 0..KEPT_SIZES as u16 {
            draw(&cache, key(1, 10 + cols, None), "z", &mut composes);
        }
        let (_, text) = draw(&cache, key(1, 80, Some("hi")), "d", &mut composes);
        assert_eq!(text, "d");
    }
}
