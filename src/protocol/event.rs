//! The live events of `/api/events`, their wire names and ids.

use super::{Job, Quote, QuoteSeries, Toast, Topic, TopicSet};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// The full state of the requested topics: always the first event of a stream, and what
/// the server renders the page from. Topics that were not requested are left empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub quotes: Vec<QuoteSeries>,
    /// Newest first.
    pub jobs: Vec<Job>,
    /// Recent notifications, newest first.
    pub toasts: Vec<Toast>,
}

/// One live event. On the wire the variant is the SSE `event:` name ([`EventKind`]) and the
/// payload is one line of JSON in `data:`.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Snapshot(Snapshot),
    Quote(Quote),
    Job(Job),
    Toast(Toast),
}

/// The SSE event names: the only place they are spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Snapshot,
    Quote,
    Job,
    Toast,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::Snapshot,
        EventKind::Quote,
        EventKind::Job,
        EventKind::Toast,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Snapshot => "snapshot",
            EventKind::Quote => "quote",
            EventKind::Job => "job",
            EventKind::Toast => "toast",
        }
    }

    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The topic whose subscribers receive this kind; a snapshot belongs to all of them.
    pub fn topic(self) -> Option<Topic> {
        match self {
            EventKind::Snapshot => None,
            EventKind::Quote => Some(Topic::Quotes),
            EventKind::Job => Some(Topic::Jobs),
            EventKind::Toast => Some(Topic::Toasts),
        }
    }
}

/// Why a received event could not be turned into an [`Event`].
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event name `{0}`")]
    UnknownKind(String),
    #[error("malformed `{kind}` payload: {source}")]
    Payload {
        kind: &'static str,
        source: serde_json::Error,
    },
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Snapshot(_) => EventKind::Snapshot,
            Event::Quote(_) => EventKind::Quote,
            Event::Job(_) => EventKind::Job,
            Event::Toast(_) => EventKind::Toast,
        }
    }

    /// Whether a subscriber of `topics` should receive this event.
    pub fn is_for(&self, topics: TopicSet) -> bool {
        self.kind().topic().is_none_or(|t| topics.contains(t))
    }

    /// The `data:` payload: one line of JSON (serde_json escapes every newline).
    pub fn payload_json(&self) -> String {
        let json = match self {
            Event::Snapshot(s) => serde_json::to_string(s),
            Event::Quote(q) => serde_json::to_string(q),
            Event::Job(j) => serde_json::to_string(j),
            Event::Toast(t) => serde_json::to_string(t),
        };
        json.expect("protocol types always serialise")
    }

    /// Rebuilds an event from its SSE name and `data:` payload.
    pub fn decode(name: &str, data: &str) -> Result<Event, DecodeError> {
        let kind =
            EventKind::from_name(name).ok_or_else(|| DecodeError::UnknownKind(name.to_owned()))?;
        let payload = |source| DecodeError::Payload {
            kind: kind.as_str(),
            source,
        };
        Ok(match kind {
            EventKind::Snapshot => Event::Snapshot(serde_json::from_str(data).map_err(payload)?),
            EventKind::Quote => Event::Quote(serde_json::from_str(data).map_err(payload)?),
            EventKind::Job => Event::Job(serde_json::from_str(data).map_err(payload)?),
            EventKind::Toast => Event::Toast(serde_json::from_str(data).map_err(payload)?),
        })
    }
}

/// Orders events within a server's lifetime: `epoch` names the lifetime (its start time),
/// `seq` counts events published in it. Written `epoch-seq` in the SSE `id:` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId {
    pub epoch: u64,
    pub seq: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.epoch, self.seq)
    }
}

impl FromStr for EventId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (epoch, seq) = s
            .split_once('-')
            .ok_or_else(|| format!("event id `{s}` is not `epoch-seq`"))?;
        let num = |part: &str| {
            part.parse::<u64>()
                .map_err(|_| format!("event id `{s}` is not `epoch-seq`"))
        };
        Ok(EventId {
            epoch: num(epoch)?,
            seq: num(seq)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{JobDetail, JobState, Level};

    fn samples() -> Vec<Event> {
        let quote = Quote {
            symbol: "ACME".into(),
            name: "Acme Corp".into(),
            price: 101.25,
            open: 100.0,
            ts_ms: 7,
        };
        let job = Job {
            id: 3,
            title: "Nightly \"batch\"\nexport".into(),
            state: JobState::Running,
            progress: Some(0.5),
            detail: JobDetail::Batch {
                total: 10,
                succeeded: 4,
                failed: 1,
                errors: vec![],
            },
            error: None,
            message: None,
            log: Default::default(),
            reported: false,
            created_ms: 1,
            updated_ms: 2,
            timeline: Default::default(),
        };
        let toast = Toast {
            id: 9,
            level: Level::Warning,
            title: "<b>Disk</b>".into(),
            body: "a\r\nb".into(),
            ts_ms: 3,
            link: None,
        };
        let snapshot = Snapshot {
            quotes: vec![QuoteSeries {
                quote: quote.clone(),
                history: vec![100.0, 101.25],
                ticks: 2,
            }],
            jobs: vec![job.clone()],
            toasts: vec![toast.clone()],
        };
        vec![
            Event::Snapshot(snapshot),
            Event::Quote(quote),
            Event::Job(job),
            Event::Toast(toast),
        ]
    }

    #[test]
    fn every_event_round_trips_through_its_wire_form() {
        for event in samples() {
            let data = event.payload_json();
            assert!(
                !data.contains('\n') && !data.contains('\r'),
                "payload must be one line: {data}"
            );
            let back = Event::decode(event.kind().as_str(), &data).unwrap();
            assert_eq!(back, event);
        }
    }

    #[test]
    fn decode_reports_unknown_names_and_bad_payloads() {
        assert!(
            matches!(Event::decode("weather", "{}"), Err(DecodeError::UnknownKind(n)) if n == "weather")
        );
        assert!(matches!(
            Event::decode("quote", "{\"symbol\":1}"),
            Err(DecodeError::Payload { kind: "quote", .. })
        ));
    }

    #[test]
    fn event_ids_print_and_parse() {
        let id = EventId {
            epoch: 1_700_000,
            seq: 42,
        };
        assert_eq!(id.to_string(), "1700000-42");
        assert_eq!("1700000-42".parse::<EventId>().unwrap(), id);
        assert!("42".parse::<EventId>().is_err());
        assert!("a-1".parse::<EventId>().is_err());
    }

    #[test]
    fn topics_filter_events_but_snapshots_go_to_everyone() {
        let only_quotes = TopicSet::parse_list("quotes").unwrap();
        let kinds: Vec<_> = samples()
            .into_iter()
            .filter(|e| e.is_for(only_quotes))
            .map(|e| e.kind())
            .collect();
        assert_eq!(kinds, vec![EventKind::Snapshot, EventKind::Quote]);
    }
}
