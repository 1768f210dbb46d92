//! The table's rules: grace, taking an entry back, the bound, what Redis must hear of.

use super::*;

fn entry(user: Option<&str>, gone_at: Option<u64>) -> Entry {
    Entry {
        user: user.map(str::to_owned),
        streams: u32::from(gone_at.is_none()),
        gone_at,
        written_until: 0,
    }
}

#[test]
fn an_entry_counts_until_its_grace_ends() {
    let mut table = Table::default();
    table.entries.insert("a".into(), entry(None, None));
    table.entries.insert("b".into(), entry(None, Some(10_000)));
    let grace = GRACE.as_millis() as u64;
    assert_eq!(table.next_expiry(), Some(10_000 + grace));
    table.expire(10_000 + grace - 1);
    assert_eq!(table.entries.len(), 2);
    table.expire(10_000 + grace);
    assert_eq!(table.entries.len(), 1);
    assert_eq!(table.next_expiry(), None);
}

#[test]
fn the_bound_drops_the_longest_gone_first_and_never_a_live_entry() {
    let mut table = Table::default();
    table.entries.insert("live".into(), entry(None, None));
    table.entries.insert("old".into(), entry(None, Some(1)));
    table.entries.insert("new".into(), entry(None, Some(2)));
    table.make_room(3);
    assert!(!table.entries.contains_key("old"));
    assert!(table.entries.contains_key("new"));
    table.make_room(1);
    assert_eq!(table.entries.len(), 1, "live entries stay");
    assert!(table.entries.contains_key("live"));
}

#[test]
fn names_are_distinct_and_sorted_and_everyone_counts() {
    let view = view_of([Some("bob"), None, Some("alice"), Some("bob")].into_iter());
    assert_eq!(view.watching, 4);
    assert_eq!(view.users, ["alice", "bob"]);
    let many: Vec<String> = (0..60).map(|i| format!("user{i:02}")).collect();
    let view = view_of(many.iter().map(|u| Some(u.as_str())));
    assert_eq!((view.watching, view.users.len()), (60, MAX_NAMES));
}

#[test]
fn redis_hears_of_changes_and_refreshes_only() {
    let mut table = Table::default();
    let live_for = shared::LIVE_FOR.as_millis() as u64;
    table.entries.insert("a".into(), entry(Some("alice"), None));
    let writes = table.writes(1_000);
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].until, 1_000 + live_for);
    table.entries.get_mut("a").unwrap().written_until = 1_000 + live_for;
    assert!(table.writes(1_100).is_empty(), "written recently");
    assert_eq!(
        table.writes(1_000 + live_for / 2 + 1).len(),
        1,
        "due for a refresh"
    );
    let a = table.entries.get_mut("a").unwrap();
    a.gone_at = Some(2_000);
    a.written_until = 0;
    let writes = table.writes(2_000);
    assert!(writes[0].in_grace);
    assert_eq!(writes[0].until, 2_000 + GRACE.as_millis() as u64);
}

#[tokio::test]
async fn a_reconnect_within_the_grace_takes_its_entry_back_for_the_same_user_only() {
    let presence = Presence::start(None, 100, CancellationToken::new());
    let first = presence.join(None, Some("alice"));
    let id = first.id().to_owned();
    drop(first);
    let again = presence.join(Some(&id), Some("alice"));
    assert_eq!(again.id(), id);
    let other = presence.join(Some(&id), Some("mallory"));
    assert_ne!(other.id(), id, "another user cannot take it");
    let made_up = presence.join(Some("0123"), Some("alice"));
    assert_ne!(made_up.id(), "0123", "only an entry the server holds");
    let mut view = presence.subscribe();
    let seen = view
        .wait_for(|v| v.view.watching == 3)
        .await
        .unwrap()
        .view
        .clone();
    assert_eq!(seen.users, ["alice", "mallory"]);
}
