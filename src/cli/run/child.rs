//! The command `livedash run` runs: started in a process group of its own, so a cancel
//! reaches everything it started (a shell's children too), and ended with SIGTERM, then
//! SIGKILL after a grace period.

use super::super::exit;
use nix::{
    sys::signal::{Signal, killpg},
    unistd::Pid,
};
use std::{
    ffi::OsString,
    io::IsTerminal,
    os::unix::process::ExitStatusExt,
    process::{ExitStatus, Stdio},
    time::Duration,
};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};

pub struct Running {
    pub child: Child,
    /// The process group's id (the child's pid), kept after the child is reaped.
    group: Pid,
}

/// Why the command did not start, with the exit code a shell would give.
pub struct NotStarted {
    pub message: String,
    pub code: u8,
}

/// The running command, and its output.
pub fn start(command: &[OsString]) -> Result<(Running, ChildStdout, ChildStderr), NotStarted> {
    let (program, args) = command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(args)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // In its own process group the command is not in the terminal's foreground: reading a
    // terminal would stop it (SIGTTIN). Input piped into `livedash run` is passed on.
    if std::io::stdin().is_terminal() {
        cmd.stdin(Stdio::null());
    }
    let mut child = cmd.spawn().map_err(|e| NotStarted {
        message: format!("cannot run `{}`: {e}", program.to_string_lossy()),
        code: match e.kind() {
            std::io::ErrorKind::NotFound => exit::NOT_FOUND,
            _ => exit::CANNOT_EXECUTE,
        },
    })?;
    let pid = child.id().expect("a child just spawned has a pid");
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let group = Pid::from_raw(pid as i32);
    Ok((Running { child, group }, stdout, stderr))
}

impl Running {
    /// Ends the command's whole process group: SIGTERM, then SIGKILL for whatever is left
    /// after `grace` or when `hurry` resolves (or at once, once the command has exited).
    pub async fn terminate(&mut self, grace: Duration, hurry: impl Future) -> ExitStatus {
        let _ = killpg(self.group, Signal::SIGTERM);
        let exited = tokio::select! {
            status = tokio::time::timeout(grace, self.child.wait()) => status.ok(),
            _ = hurry => None,
        };
        let status = match exited {
            Some(status) => status,
            None => {
                let _ = killpg(self.group, Signal::SIGKILL);
                self.child.wait().await
            }
        };
        // Children it left behind in its group go too (an empty group: nothing happens).
        let _ = killpg(self.group, Signal::SIGKILL);
        status.unwrap_or_else(|_| ExitStatus::from_raw(Signal::SIGKILL as i32))
    }
}

/// The exit code a shell would report for `status`: its code, or 128 + the signal.
pub fn code_of(status: ExitStatus) -> u8 {
    match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(signal)) => 128u8.saturating_add(signal as u8),
        (None, None) => 1,
    }
}

/// How the job's failure reads on the dashboard.
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => match Signal::try_from(signal) {
            Ok(signal) => format!("killed by {signal}"),
            Err(_) => format!("killed by signal {signal}"),
        },
        (None, None) => "ended for an unknown reason".to_owned(),
    }
}
