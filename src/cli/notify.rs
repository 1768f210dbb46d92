//! `livedash notify TITLE`: a notification on every open dashboard, through the same API
//! (and the same token and rate limit) as any other producer.

use super::{args::NotifyArgs, client::Client};
use crate::protocol::{Level, NotificationRequest, Toast};

pub async fn notify(args: NotifyArgs) -> u8 {
    let level = match args.level.as_str() {
        "success" => Level::Success,
        "warning" => Level::Warning,
        "error" => Level::Error,
        _ => Level::Info,
    };
    let request = NotificationRequest {
        level,
        title: args.title,
        body: args.body,
        link: args.link,
    };
    match Client::new(&args.client)
        .post::<_, Toast>("/api/notifications", &request)
        .await
    {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("livedash: {e}");
            e.exit_code()
        }
    }
}
