//! Frames shared between the viewers of a session: viewers of the same size showing the same
//! state get the same composed frame, and viewers whose terminals show the same picture get the
//! same diff bytes, so a change costs one compose and one diff however many viewers watch.
//! Frames of one size are composed into the same frame again and again (row damage: a
//! keystroke recomposes its row) and shared as snapshots that keep that bookkeeping, so a
//! viewer's renderer compares only the rows that changed since the frame it last drew.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

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

/// A composed frame with an id that diffs refer to.
pub struct SharedFrame {
    pub id: u64,
    pub frame: Frame,
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

/// Recent frames and diffs of one session; small and bounded (viewers only ever need the latest).
pub struct FrameCache {
    inner: Mutex<Inner>,
    /// The frames composed into, one per viewer size (few: viewers of one session mostly
    /// share a size). Taken out while composing, so two sizes compose at once.
    composers: Mutex<Vec<Frame>>,
}

struct Inner {
    next_id: u64,
    frames: VecDeque<(FrameKey, Arc<SharedFrame>)>,
    diffs: VecDeque<Arc<SharedDiff>>,
}

/// Frames and diffs kept per session.
const KEPT_FRAMES: usize = 8;
const KEPT_DIFFS: usize = 16;
/// Sizes whose composed frame is kept for the next compose.
const KEPT_COMPOSERS: usize = 4;

impl Default for FrameCache {
    fn default() -> Self {
        FrameCache {
            inner: Mutex::new(Inner {
                next_id: 1,
                frames: VecDeque::new(),
                diffs: VecDeque::new(),
            }),
            composers: Mutex::new(Vec::new()),
        }
    }
}

impl FrameCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The frame for `key`, composing it with `compose` when no viewer has yet.
    pub fn frame(&self, key: FrameKey, compose: impl FnOnce(&mut Frame)) -> Arc<SharedFrame> {
        if let Some((_, frame)) = self.lock().frames.iter().find(|(k, _)| *k == key) {
            return frame.clone();
        }
        let size = (key.cols, key.rows);
        let mut composer = self.take_composer(size);
        compose(&mut composer);
        let frame = composer.snapshot();
        self.keep_composer(composer);
        let mut inner = self.lock();
        // Another viewer may have composed the same frame meanwhile: keep one.
        if let Some((_, existing)) = inner.frames.iter().find(|(k, _)| *k == key) {
            return existing.clone();
        }
        let shared = Arc::new(SharedFrame {
            id: inner.next_id,
            frame,
        });
        inner.next_id += 1;
        inner.frames.push_back((key, shared.clone()));
        if inner.frames.len() > KEPT_FRAMES {
            inner.frames.pop_front();
        }
        shared
    }

    /// The frame last composed at `size`, or a blank one.
    fn take_composer(&self, size: (u16, u16)) -> Frame {
        let mut composers = self
            .composers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match composers.iter().position(|f| (f.cols, f.rows) == size) {
            Some(i) => composers.swap_remove(i),
            None => Frame::blank(0, 0),
        }
    }

    /// Keep `composer` for the next compose of its size (the most recent first; a frame of
    /// the same size composed meanwhile by another viewer is replaced).
    fn keep_composer(&self, composer: Frame) {
        let mut composers = self
            .composers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        composers.retain(|f| (f.cols, f.rows) != (composer.cols, composer.rows));
        composers.insert(0, composer);
        composers.truncate(KEPT_COMPOSERS);
    }

    /// A diff another viewer computed from frame `from` to frame `to`.
    pub fn diff(&self, from: u64, to: u64) -> Option<Arc<SharedDiff>> {
        self.lock()
            .diffs
            .iter()
            .find(|d| d.from == from && d.to == to)
            .cloned()
    }

    pub fn store_diff(&self, diff: Arc<SharedDiff>) {
        let mut inner = self.lock();
        if inner
            .diffs
            .iter()
            .any(|d| d.from == diff.from && d.to == diff.to)
        {
            return;
        }
        inner.diffs.push_back(diff);
        if inner.diffs.len() > KEPT_DIFFS {
            inner.diffs.pop_front();
        }
    }
}
