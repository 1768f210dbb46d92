//! Who is watching as the streams are told it: the view, and its `presence` event encoded
//! once per change (with names, and without for viewers who may not see them), so that a
//! change costs one encoding, not one per stream.

use crate::protocol::{PRESENCE, Presence as View};
use bytes::Bytes;

#[derive(Debug)]
pub struct Told {
    pub view: View,
    named: Bytes,
    counted: Bytes,
}

impl Told {
    pub fn new(view: View) -> Told {
        let counted = View {
            watching: view.watching,
            users: Vec::new(),
        };
        Told {
            named: frame(&view),
            counted: frame(&counted),
            view,
        }
    }

    /// The `presence` event (no id: it is not in the log); names only if `names`.
    pub fn frame(&self, names: bool) -> Bytes {
        if names {
            self.named.clone()
        } else {
            self.counted.clone()
        }
    }
}

fn frame(view: &View) -> Bytes {
    let data = serde_json::to_string(view).expect("presence always serialises");
    Bytes::from(format!("event: {PRESENCE}\ndata: {data}\n\n"))
}
