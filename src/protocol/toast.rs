//! Notifications ("toasts"), and the request body external systems use to publish them.

use super::Millis;
use serde::{Deserialize, Serialize};

/// How urgent a notification is; decides its colour and icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Info, Level::Success, Level::Warning, Level::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Success => "success",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A published notification as every dashboard receives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Toast {
    /// Assigned by the server; unique for its lifetime.
    pub id: u64,
    pub level: Level,
    pub title: String,
    pub body: String,
    pub ts_ms: Millis,
    /// A page of this dashboard the notification leads to (`/jobs/12`): a same-origin path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Body of `POST /api/notifications`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationRequest {
    pub level: Level,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// A path on this dashboard (`/jobs/12`); see [`NotificationRequest::validate`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl NotificationRequest {
    pub const MAX_TITLE: usize = 120;
    pub const MAX_BODY: usize = 1_000;
    pub const MAX_LINK: usize = 512;

    /// Checks what serde cannot: lengths, blank titles, links that would leave the
    /// dashboard. The message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err("`title` must not be blank".into());
        }
        if title.chars().count() > Self::MAX_TITLE {
            return Err(format!(
                "`title` is longer than {} characters",
                Self::MAX_TITLE
            ));
        }
        if self.body.chars().count() > Self::MAX_BODY {
            return Err(format!(
                "`body` is longer than {} characters",
                Self::MAX_BODY
            ));
        }
        if let Some(link) = &self.link {
            same_origin_path(link, Self::MAX_LINK).map_err(|why| format!("`link` {why}"))?;
        }
        Ok(())
    }
}

/// A link may only be a path on this dashboard: `/` and then no second `/` or `\` (which
/// browsers read as another host, `//evil.example`), no scheme, no spaces or control
/// characters; at most `max` bytes.
fn same_origin_path(link: &str, max: usize) -> Result<(), String> {
    if link.len() > max {
        return Err(format!("is longer than {max} bytes"));
    }
    let well_formed = link.starts_with('/')
        && !link[1..].starts_with('/')
        && !link
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "must be a path on this dashboard, like `/jobs/12` (got `{}`)",
            link.chars().take(80).collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn links_stay_on_the_dashboard() {
        for good in ["/", "/jobs/12", "/jobs/12?tab=log#end", "/a/b-c_d.e"] {
            assert!(same_origin_path(good, 512).is_ok(), "{good}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "jobs/12",
            "/jobs/ 12",
            "/jobs/\n12",
            "",
        ] {
            assert!(same_origin_path(bad, 512).is_err(), "{bad:?}");
        }
        assert!(same_origin_path(&format!("/{}", "a".repeat(600)), 512).is_err());
    }
}
