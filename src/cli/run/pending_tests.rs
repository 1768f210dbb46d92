//! What `livedash run` reports, from what its command printed.

use super::*;

fn lines(report: &JobReport) -> Vec<String> {
    report.log.clone().map(Lines::into_vec).unwrap_or_default()
}

#[test]
fn lines_and_the_newest_progress_go_out_together_a_hundred_lines_at_most() {
    let mut pending = Pending::new(Shape::Open);
    assert!(pending.is_empty());
    for i in 0..150 {
        pending.line(&format!("line {i}  "));
    }
    pending
        .directive(Directive::Progress {
            done: 1,
            total: Some(4),
        })
        .unwrap();
    pending
        .directive(Directive::Progress {
            done: 2,
            total: Some(4),
        })
        .unwrap();
    let first = pending.take();
    assert_eq!((first.done, first.total), (Some(2), Some(4)));
    assert_eq!(lines(&first).len(), 100);
    assert_eq!(lines(&first)[0], "line 0");
    let second = pending.take();
    assert_eq!((lines(&second).len(), second.done), (50, None));
    assert!(pending.is_empty());
    let long = "é".repeat(300);
    pending.line(&long);
    let fitted = &lines(&pending.take())[0];
    assert_eq!(fitted.chars().count(), JobReport::MAX_TEXT);
    assert!(fitted.ends_with('…'));
}

#[test]
fn progress_fits_the_jobs_shape() {
    // Open: a count needs its total; a percentage makes it counted out of 100.
    let mut open = Pending::new(Shape::Open);
    assert!(
        open.directive(Directive::Progress {
            done: 3,
            total: None
        })
        .is_err()
    );
    open.directive(Directive::Percent(42.4)).unwrap();
    let report = open.take();
    assert_eq!((report.done, report.total), (Some(42), Some(100)));
    assert_eq!(open.shape, Shape::Counted { total: 100 });

    let mut counted = Pending::new(Shape::Counted { total: 500 });
    counted
        .directive(Directive::Progress {
            done: 20,
            total: None,
        })
        .unwrap();
    counted.directive(Directive::Percent(10.0)).unwrap();
    assert_eq!(counted.take().done, Some(50));
    assert!(
        counted
            .directive(Directive::Progress {
                done: 501,
                total: None
            })
            .is_err()
    );
    assert!(counted.directive(Directive::Phase("build".into())).is_err());

    let mut phased = Pending::new(Shape::Phased {
        names: vec!["build".into(), "test".into()],
    });
    assert!(phased.directive(Directive::Phase("deploy".into())).is_err());
    phased.directive(Directive::Phase("test".into())).unwrap();
    phased
        .directive(Directive::Progress {
            done: 1,
            total: Some(4),
        })
        .unwrap();
    let report = phased.take();
    assert_eq!(report.phase.as_deref(), Some("test"));
    assert_eq!(
        (report.phase_done, report.phase_total, report.phase_progress),
        (Some(1), Some(4), None)
    );
    phased.directive(Directive::Percent(50.0)).unwrap();
    let report = phased.take();
    assert_eq!(
        (report.phase_done, report.phase_progress),
        (None, Some(0.5))
    );
}

#[test]
fn a_report_not_sent_goes_back_before_what_came_since() {
    let mut pending = Pending::new(Shape::Phased {
        names: vec!["a".into(), "b".into()],
    });
    pending.line("first");
    pending.directive(Directive::Phase("b".into())).unwrap();
    pending.directive(Directive::Message("old".into())).unwrap();
    let unsent = pending.take();
    pending.line("second");
    pending.directive(Directive::Percent(30.0)).unwrap();
    pending.restore(unsent);
    let report = pending.take();
    assert_eq!(lines(&report), ["first", "second"]);
    // The newer progress stands; the phase switch and status line are not lost.
    assert_eq!(report.phase_progress, Some(0.3));
    assert_eq!(
        (report.phase.as_deref(), report.message.as_deref()),
        (Some("b"), Some("old"))
    );
}

#[test]
fn while_the_server_is_away_the_oldest_lines_go_and_the_log_says_so() {
    let mut pending = Pending::new(Shape::Open);
    for i in 0..MAX_BUFFERED + 5 {
        pending.line(&format!("line {i}"));
    }
    let report = pending.take();
    assert_eq!(
        lines(&report)[0],
        "[livedash: 5 lines dropped while the server was unreachable]"
    );
    assert_eq!(lines(&report)[1], "line 5");
}
