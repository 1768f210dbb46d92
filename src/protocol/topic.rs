//! Topics: the independent feeds a client can subscribe to on the one SSE stream.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One feed of live events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Quotes,
    Jobs,
    Toasts,
}

impl Topic {
    pub const ALL: [Topic; 3] = [Topic::Quotes, Topic::Jobs, Topic::Toasts];

    /// The name used in `?topics=` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Quotes => "quotes",
            Topic::Jobs => "jobs",
            Topic::Toasts => "toasts",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of topics, small enough to copy into every connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSet(u8);

impl TopicSet {
    pub const fn empty() -> Self {
        TopicSet(0)
    }

    pub fn all() -> Self {
        Topic::ALL.into_iter().collect()
    }

    pub fn contains(self, topic: Topic) -> bool {
        self.0 & topic.bit() != 0
    }

    pub fn insert(&mut self, topic: Topic) {
        self.0 |= topic.bit();
    }

    pub fn iter(self) -> impl Iterator<Item = Topic> {
        Topic::ALL.into_iter().filter(move |t| self.contains(*t))
    }

    /// Parses a comma-separated list such as `quotes,jobs`. Blank means every topic;
    /// an unknown name is an error that names it and lists the valid ones.
    pub fn parse_list(list: &str) -> Result<Self, String> {
        let mut set = TopicSet::empty();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let topic = Topic::ALL
                .into_iter()
                .find(|t| t.as_str() == name)
                .ok_or_else(|| {
                    format!("unknown topic `{name}`; expected a comma-separated list of quotes, jobs, toasts")
                })?;
            set.insert(topic);
        }
        Ok(if set == TopicSet::empty() {
            TopicSet::all()
        } else {
            set
        })
    }
}

impl FromIterator<Topic> for TopicSet {
    fn from_iter<I: IntoIterator<Item = Topic>>(iter: I) -> Self {
        let mut set = TopicSet::empty();
        iter.into_iter().for_each(|t| set.insert(t));
        set
    }
}

/// The `?topics=` list that covers every list in `lists` (each comma-separated; an empty
/// list means every topic, and so does the union of any list with it). Sorted, so that the
/// same wants always give the same list: the browser's stream holder asks for the union
/// of what its tabs want, and reopens only when it changes.
pub fn union_of_lists<'a>(lists: impl IntoIterator<Item = &'a str>) -> String {
    let mut all: Vec<&str> = Vec::new();
    for list in lists {
        if list.is_empty() {
            return String::new();
        }
        for topic in list.split(',').filter(|t| !t.is_empty()) {
            if let Err(at) = all.binary_search(&topic) {
                all.insert(at, topic);
            }
        }
    }
    all.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_defaults_to_all() {
        assert_eq!(TopicSet::parse_list("").unwrap(), TopicSet::all());
        let set = TopicSet::parse_list(" quotes , toasts").unwrap();
        assert!(set.contains(Topic::Quotes) && set.contains(Topic::Toasts));
        assert!(!set.contains(Topic::Jobs));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Topic::Quotes, Topic::Toasts]
        );
    }

    #[test]
    fn rejects_unknown_topics_by_name() {
        let err = TopicSet::parse_list("quotes,weather").unwrap_err();
        assert!(err.contains("`weather`"), "{err}");
    }

    #[test]
    fn the_union_of_topic_lists_is_sorted_and_all_wins() {
        assert_eq!(
            union_of_lists(["quotes", "jobs,quotes", "toasts,jobs"]),
            "jobs,quotes,toasts"
        );
        assert_eq!(
            union_of_lists(["jobs", "", "quotes"]),
            "",
            "one tab wanting all wants all"
        );
        assert_eq!(union_of_lists(["jobs,,jobs"]), "jobs");
        assert_eq!(
            union_of_lists(["toasts", "jobs"]),
            union_of_lists(["jobs", "toasts"])
        );
        assert_eq!(
            union_of_lists([]),
            "",
            "no list: nothing asked, which means all"
        );
    }
}
