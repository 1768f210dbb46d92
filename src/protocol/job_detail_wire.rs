//! How a [`JobDetail`] is read: `{"kind": "batch", "total": 30, ...}`, the kind beside its
//! fields, as it is written (serde's `tag = "kind"`).
//!
//! serde's own support for reading such internally tagged enums buffers every field into
//! an intermediate value first, in case the tag comes last; that machinery was ~7 KB of the
//! browser's brotli bundle (README "Performance"). Here the fields of every kind are read
//! into one flat struct in a single pass, in any order, and the kind then picks the ones it
//! needs. Unknown fields are ignored, as before; a missing one is an error naming it.

use super::{ItemError, JobDetail, PhaseProgress};
use serde::{Deserialize, Deserializer, de};
use std::fmt;

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Percent,
    Phases,
    Batch,
    Logs,
    Counted,
}

/// Every kind's fields, flat.
#[derive(Deserialize)]
pub(super) struct Fields {
    kind: Kind,
    done: Option<u64>,
    total: Option<u64>,
    succeeded: Option<u64>,
    failed: Option<u64>,
    phases: Option<Vec<PhaseProgress>>,
    current: Option<usize>,
    errors: Option<Vec<Failure>>,
}

/// An entry of `errors`: an object for a batch job, a message for a counted one.
enum Failure {
    Item(ItemError),
    Message(String),
}

impl Failure {
    fn item(self) -> Result<ItemError, String> {
        match self {
            Failure::Item(item) => Ok(item),
            Failure::Message(_) => Err("a batch job's `errors` are objects".to_owned()),
        }
    }

    fn message(self) -> Result<String, String> {
        match self {
            Failure::Message(message) => Ok(message),
            Failure::Item(_) => Err("a counted job's `errors` are strings".to_owned()),
        }
    }
}

impl TryFrom<Fields> for JobDetail {
    type Error = String;

    fn try_from(f: Fields) -> Result<JobDetail, String> {
        Ok(match f.kind {
            Kind::Percent => JobDetail::Percent {
                done: small(f.done, "done")?,
                total: small(f.total, "total")?,
            },
            Kind::Phases => JobDetail::Phases {
                phases: need(f.phases, "phases")?,
                current: need(f.current, "current")?,
            },
            Kind::Batch => JobDetail::Batch {
                total: small(f.total, "total")?,
                succeeded: small(f.succeeded, "succeeded")?,
                failed: small(f.failed, "failed")?,
                errors: need(f.errors, "errors")?
                    .into_iter()
                    .map(Failure::item)
                    .collect::<Result<_, _>>()?,
            },
            Kind::Logs => JobDetail::Logs,
            Kind::Counted => JobDetail::Counted {
                done: need(f.done, "done")?,
                total: need(f.total, "total")?,
                succeeded: need(f.succeeded, "succeeded")?,
                failed: need(f.failed, "failed")?,
                errors: need(f.errors, "errors")?
                    .into_iter()
                    .map(Failure::message)
                    .collect::<Result<_, _>>()?,
            },
        })
    }
}

fn need<T>(value: Option<T>, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

fn small(value: Option<u64>, field: &str) -> Result<u32, String> {
    u32::try_from(need(value, field)?).map_err(|_| format!("`{field}` is out of range"))
}

impl<'de> Deserialize<'de> for Failure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Failure, D::Error> {
        deserializer.deserialize_any(FailureVisitor)
    }
}

/// A string, or a map read straight into an [`ItemError`] (no buffering either).
struct FailureVisitor;

impl<'de> de::Visitor<'de> for FailureVisitor {
    type Value = Failure;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an error message or {\"item\", \"message\"}")
    }

    fn visit_str<E: de::Error>(self, message: &str) -> Result<Failure, E> {
        Ok(Failure::Message(message.to_owned()))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Failure, A::Error> {
        ItemError::deserialize(de::value::MapAccessDeserializer::new(map)).map(Failure::Item)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ItemError, JobDetail, PhaseProgress};

    #[test]
    fn every_kind_reads_back_what_was_written() {
        let details = [
            JobDetail::Percent { done: 3, total: 40 },
            JobDetail::Phases {
                phases: vec![PhaseProgress {
                    name: "copy".into(),
                    weight: 2.5,
                    progress: 0.25,
                }],
                current: 0,
            },
            JobDetail::Batch {
                total: 30,
                succeeded: 2,
                failed: 1,
                errors: vec![ItemError {
                    item: 3,
                    message: "checksum mismatch".into(),
                }],
            },
            JobDetail::Logs,
            JobDetail::Counted {
                done: 7,
                total: 9,
                succeeded: 6,
                failed: 1,
                errors: vec!["bad row".into()],
            },
        ];
        for detail in details {
            let json = serde_json::to_string(&detail).unwrap();
            assert_eq!(
                serde_json::from_str::<JobDetail>(&json).unwrap(),
                detail,
                "{json}"
            );
        }
    }

    #[test]
    fn the_kind_may_come_anywhere_and_unknown_fields_are_ignored() {
        let json = r#"{"total": 40, "extra": [1, {"a": 2}], "done": 3, "kind": "percent"}"#;
        let detail: JobDetail = serde_json::from_str(json).unwrap();
        assert_eq!(detail, JobDetail::Percent { done: 3, total: 40 });
    }

    #[test]
    fn bad_details_are_errors_that_say_why() {
        for (json, why) in [
            (r#"{"kind": "percent", "done": 3}"#, "missing field `total`"),
            (
                r#"{"kind": "percent", "done": 3, "total": 5000000000}"#,
                "`total` is out of range",
            ),
            (r#"{"kind": "sideways"}"#, "unknown variant `sideways`"),
            (r#"{"done": 3}"#, "missing field `kind`"),
            (
                r#"{"kind": "batch", "total": 1, "succeeded": 0, "failed": 1, "errors": ["x"]}"#,
                "a batch job's `errors` are objects",
            ),
            (
                r#"{"kind": "counted", "done": 1, "total": 1, "succeeded": 0, "failed": 1, "errors": [{"item": 1, "message": "x"}]}"#,
                "a counted job's `errors` are strings",
            ),
        ] {
            let error = serde_json::from_str::<JobDetail>(json)
                .unwrap_err()
                .to_string();
            assert!(error.contains(why), "{json}: {error}");
        }
    }
}
