//! The lines a command run by `livedash run` prints to move its bar instead of its log:
//! `::progress 40/100`, `::progress 40%`, `::progress 40` (of `--total`), `::phase NAME` and
//! `::message TEXT`. Other lines, including other `::` lines (GitHub Actions' `::group::`),
//! are log lines.

#[derive(Clone, Debug, PartialEq)]
pub enum Directive {
    /// `done` of `total`; `total` is `None` for `::progress N`, which counts against the
    /// total already known.
    Progress {
        done: u64,
        total: Option<u64>,
    },
    /// 0 to 100.
    Percent(f64),
    Phase(String),
    Message(String),
}

/// `None` when `line` is not a directive; `Some(Err)` when it is one, malformed.
pub fn parse(line: &str) -> Option<Result<Directive, String>> {
    let line = line.trim_end();
    let (name, argument) = match line.strip_prefix("::")?.split_once(char::is_whitespace) {
        Some((name, argument)) => (name, argument.trim()),
        None => (line.strip_prefix("::")?, ""),
    };
    Some(match name {
        "progress" => progress(argument),
        "phase" if argument.is_empty() => Err("`::phase` needs a phase name".into()),
        "phase" => Ok(Directive::Phase(argument.to_owned())),
        "message" => Ok(Directive::Message(argument.to_owned())),
        _ => return None,
    })
}

fn progress(argument: &str) -> Result<Directive, String> {
    let malformed = || "not `::progress DONE/TOTAL`, `PERCENT%` or `DONE`".to_owned();
    if let Some(percent) = argument.strip_suffix('%') {
        let percent: f64 = percent.trim().parse().map_err(|_| malformed())?;
        return if (0.0..=100.0).contains(&percent) {
            Ok(Directive::Percent(percent))
        } else {
            Err("a percentage is 0 to 100".into())
        };
    }
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| malformed());
    match argument.split_once('/') {
        Some((done, total)) => {
            let (done, total) = (number(done)?, number(total)?);
            if total == 0 || done > total {
                return Err("DONE must be at most TOTAL, which must be at least 1".into());
            }
            Ok(Directive::Progress {
                done,
                total: Some(total),
            })
        }
        None => Ok(Directive::Progress {
            done: number(argument)?,
            total: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_recognised() {
        let cases = [
            (
                "::progress 40/100",
                Directive::Progress {
                    done: 40,
                    total: Some(100),
                },
            ),
            (
                "::progress  3 / 7 \r",
                Directive::Progress {
                    done: 3,
                    total: Some(7),
                },
            ),
            (
                "::progress 12",
                Directive::Progress {
                    done: 12,
                    total: None,
                },
            ),
            ("::progress 40%", Directive::Percent(40.0)),
            ("::progress 99.5 %", Directive::Percent(99.5)),
            ("::phase build docs", Directive::Phase("build docs".into())),
            (
                "::message copying 3 files",
                Directive::Message("copying 3 files".into()),
            ),
            ("::message", Directive::Message(String::new())),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(line), Some(Ok(expected)), "{line}");
        }
    }

    #[test]
    fn other_lines_are_log_lines() {
        for line in [
            "progress 4/5",
            " ::progress 4/5",
            "::group::Build",
            "::progressive",
            "",
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
    }

    #[test]
    fn malformed_directives_say_why() {
        for (line, says) in [
            ("::progress", "not `::progress DONE/TOTAL`"),
            ("::progress 5/4", "at most TOTAL"),
            ("::progress 1/0", "at least 1"),
            ("::progress 101%", "0 to 100"),
            ("::progress -1", "not `::progress DONE/TOTAL`"),
            ("::progress NaN%", "0 to 100"),
            ("::phase", "needs a phase name"),
        ] {
            let error = parse(line).unwrap().unwrap_err();
            assert!(error.contains(says), "{line}: {error}");
        }
    }
}
