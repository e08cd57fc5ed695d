//! Frames shared between the viewers of a session: viewers of the same size showing the same
//! state get the same composed frame, and viewers whose terminals show the same picture get the
//! same diff bytes, so a change costs one compose and one diff however many viewers watch.

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
}

struct Inner {
    next_id: u64,
    frames: VecDeque<(FrameKey, Arc<SharedFrame>)>,
    diffs: VecDeque<Arc<SharedDiff>>,
}

/// Frames and diffs kept per session.
const KEPT_FRAMES: usize = 8;
const KEPT_DIFFS: usize = 16;

impl Default for FrameCache {
    fn default() -> Self {
        FrameCache {
            inner: Mutex::new(Inner {
                next_id: 1,
                frames: VecDeque::new(),
                diffs: VecDeque::new(),
            }),
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
        let mut frame = Frame::blank(0, 0);
        compose(&mut frame);
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
