//! Reports applied to each shape of reported job.

use super::*;
use crate::protocol::{JobLog, Lines};

fn report(json: &str) -> JobReport {
    serde_json::from_str(json).unwrap()
}

fn phased() -> Job {
    let phases = [("extract", 1.0), ("load", 3.0)].map(|(name, weight)| ReportedPhase {
        name: name.into(),
        weight,
    });
    new_job(1, "Import", None, Some(&phases), 0)
}

#[test]
fn counted_jobs_track_done_outcomes_and_errors() {
    let job = new_job(1, " Nightly import ", Some(200), None, 0);
    assert_eq!(
        (job.title.as_str(), job.state, job.progress),
        ("Nightly import", JobState::Running, Some(0.0))
    );
    let job = apply(
        &job,
        report(r#"{"done":50,"succeeded":48,"failed":2,"errors":["row 7: bad date"]}"#),
        5,
    )
    .unwrap();
    assert_eq!(job.progress, Some(0.25));
    assert_eq!(
        job.detail,
        JobDetail::Counted {
            done: 50,
            total: 200,
            succeeded: 48,
            failed: 2,
            errors: vec!["row 7: bad date".into()]
        }
    );
    // Outcomes alone move `done` along.
    let job = apply(&job, report(r#"{"succeeded":100,"failed":2}"#), 6).unwrap();
    assert_eq!(job.progress, Some(0.51));
    let done = apply(&job, report(r#"{"state":"completed"}"#), 7).unwrap();
    assert_eq!(
        (done.state, done.progress),
        (JobState::Completed, Some(1.0))
    );
}

#[test]
fn phased_jobs_move_through_their_phases() {
    let job = apply(&phased(), report(r#"{"phase_progress":0.5}"#), 1).unwrap();
    assert_eq!(job.progress, Some(0.125));
    let job = apply(
        &job,
        report(r#"{"phase":"load","phase_done":1,"phase_total":3}"#),
        2,
    )
    .unwrap();
    let JobDetail::Phases { phases, current } = &job.detail else {
        unreachable!()
    };
    assert_eq!(
        (*current, phases[0].progress),
        (1, 1.0),
        "moving on completes the phase before"
    );
    assert_eq!(job.progress, Some(0.5));
}

#[test]
fn indeterminate_jobs_log_and_fail_with_a_reason() {
    let job = new_job(1, "Backup", None, None, 0);
    assert_eq!((job.progress, &job.detail), (None, &JobDetail::Logs));
    let mut job = apply(&job, report(r#"{"log":"started","message":"copying"}"#), 1).unwrap();
    for i in 0..3 {
        let many = JobReport {
            log: Some(Lines::Many(vec![format!("a{i}"); 10])),
            ..JobReport::default()
        };
        job = apply(&job, many, 2).unwrap();
    }
    let JobLog { lines, total } = &job.log;
    assert_eq!((lines.len(), *total), (Job::MAX_LOG_LINES, 31));
    assert_eq!(job.message.as_deref(), Some("copying"));
    let failed = apply(&job, report(r#"{"state":"failed","error":"disk full"}"#), 3).unwrap();
    assert_eq!(
        (failed.state, failed.error.as_deref()),
        (JobState::Failed, Some("disk full"))
    );
}

#[test]
fn a_log_only_job_becomes_counted_when_told_its_total() {
    let job = new_job(1, "Build", None, None, 0);
    let job = apply(&job, report(r#"{"done":3,"total":12,"log":"step 3"}"#), 1).unwrap();
    assert_eq!(job.progress, Some(0.25));
    assert!(matches!(
        job.detail,
        JobDetail::Counted {
            done: 3,
            total: 12,
            ..
        }
    ));
    assert_eq!(job.log.lines, ["step 3"]);
    // Told a zero total, it stays as it was.
    let logs = new_job(2, "Build", None, None, 0);
    let refused = apply(&logs, report(r#"{"total":0}"#), 1).unwrap_err();
    assert!(refused.contains("`total`"), "{refused}");
}

#[test]
fn bad_reports_name_the_field_and_change_nothing() {
    let counted = new_job(1, "Import", Some(10), None, 0);
    let logs = new_job(2, "Backup", None, None, 0);
    let long = "x".repeat(201);
    let phased_job = phased();
    let cases: Vec<(&Job, String, &str)> = vec![
        (
            &counted,
            r#"{"done":11}"#.into(),
            "`done` (11) must not exceed `total` (10)",
        ),
        (&counted, r#"{"succeeded":8,"failed":3}"#.into(), "`done`"),
        (&counted, r#"{"total":0}"#.into(), "`total`"),
        (
            &counted,
            r#"{"phase":"load"}"#.into(),
            "`phase` applies only",
        ),
        (&counted, r#"{"error":"why"}"#.into(), "`error` goes with"),
        (&counted, format!(r#"{{"message":"{long}"}}"#), "`message`"),
        (
            &counted,
            format!(r#"{{"log":["ok","{long}"]}}"#),
            "`log[1]`",
        ),
        (
            &counted,
            format!(r#"{{"errors":["{long}"]}}"#),
            "`errors[0]`",
        ),
        (&logs, r#"{"done":1}"#.into(), "`done` applies only"),
        (
            &logs,
            format!(
                r#"{{"log":{}}}"#,
                serde_json::to_string(&vec!["l"; 101]).unwrap()
            ),
            "more than 100 lines",
        ),
        (
            &phased_job,
            r#"{"phase":"nope"}"#.into(),
            "no phase named `nope`",
        ),
        (
            &phased_job,
            r#"{"phase_progress":1.5}"#.into(),
            "`phase_progress`",
        ),
        (
            &phased_job,
            r#"{"phase_done":4,"phase_total":3}"#.into(),
            "`phase_done`",
        ),
        (
            &phased_job,
            r#"{"phase_done":1}"#.into(),
            "needs `phase_total`",
        ),
        (
            &phased_job,
            r#"{"phase_progress":0.5,"phase_done":1,"phase_total":2}"#.into(),
            "not both",
        ),
        (&phased_job, r#"{"total":3}"#.into(), "`total` applies only"),
    ];
    for (job, json, expected) in cases {
        let error = apply(job, report(&json), 9).unwrap_err();
        assert!(
            error.contains(expected),
            "{json}: `{error}` lacks `{expected}`"
        );
    }
    assert!(
        serde_json::from_str::<JobReport>(r#"{"progress":0.5}"#).is_err(),
        "unknown fields"
    );
    assert!(
        serde_json::from_str::<JobReport>(r#"{"done":-1}"#).is_err(),
        "negative counts"
    );
}
