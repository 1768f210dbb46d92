//! Events applied once per animation frame, not once per message.
//!
//! At 500 quotes a second every message was its own browser task: decode, update one
//! row's signals, and let Leptos re-render that row and redraw its sparkline before the
//! next message, 500 times a second: long tasks of up to 135 ms, and 20 fps (measured
//! before this change; README "Performance"). Now messages are decoded as
//! they come but queued, and the queue is applied in order in one go just before the next
//! frame, so a row that moved five times in a frame is drawn once. Nothing is dropped or
//! reordered: every event still reaches the store (a sparkline gets every price).
//!
//! A hidden tab gets no animation frames, so a timer flushes the queue too: it never
//! holds more than about a second of events.

use crate::{app::store::Store, protocol::Event};
use leptos::prelude::{request_animation_frame, set_timeout};
use std::{
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
    time::Duration,
};

/// Flushes the queue this soon even without an animation frame (a hidden tab).
const WITHOUT_FRAMES: Duration = Duration::from_millis(250);

pub struct Frames {
    store: Store,
    queue: RefCell<Vec<Event>>,
    /// A flush is scheduled.
    scheduled: Cell<bool>,
}

impl Frames {
    pub fn new(store: Store) -> Rc<Frames> {
        Rc::new(Frames {
            store,
            queue: RefCell::new(Vec::new()),
            scheduled: Cell::new(false),
        })
    }

    /// Queues `event` for the next frame.
    pub fn push(self: &Rc<Self>, event: Event) {
        self.queue.borrow_mut().push(event);
        if !self.scheduled.replace(true) {
            let on_frame = Rc::downgrade(self);
            request_animation_frame(move || flush(&on_frame));
            let on_timer = Rc::downgrade(self);
            set_timeout(move || flush(&on_timer), WITHOUT_FRAMES);
        }
    }
}

/// Applies everything queued, in order (whichever of frame and timer comes first).
fn flush(frames: &Weak<Frames>) {
    let Some(frames) = frames.upgrade() else {
        return;
    };
    frames.scheduled.set(false);
    let queued = std::mem::take(&mut *frames.queue.borrow_mut());
    for event in queued {
        frames.store.apply(event);
    }
}
