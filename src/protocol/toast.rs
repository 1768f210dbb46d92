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
}

/// Body of `POST /api/notifications`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationRequest {
    pub level: Level,
    pub title: String,
    #[serde(default)]
    pub body: String,
}

impl NotificationRequest {
    pub const MAX_TITLE: usize = 120;
    pub const MAX_BODY: usize = 1_000;

    /// Checks what serde cannot: lengths and blank titles. The message names the field.
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
        Ok(())
    }
}
