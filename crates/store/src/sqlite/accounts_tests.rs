//! SQLite-specific tests of [`AccountStore`]: old audit codes rewritten by
//! a migration, and a session touch that skips rather than waits for the
//! write lock. The behaviour of the trait is in `tests/contract/accounts.rs`.

use access::{Role, Scope};
use chrono::{DateTime, Duration, TimeZone, Utc};
use registry::AreaCode;

use super::SqliteStore;
use crate::accounts::{AccountStore, AuditQuery, NewSession, NewUserRecord};
use crate::AuditAction;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 8, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn city() -> Scope {
    Scope::City {
        city: AreaCode::parse("3701").unwrap(),
    }
}

fn add(store: &mut SqliteStore, username: &str, role: Role, scope: &Scope) -> i64 {
    store
        .create_user(&NewUserRecord {
            username,
            display_name: "张老师",
            role,
            scope,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            at: t(0),
        })
        .unwrap()
}

fn session(store: &mut SqliteStore, hash: u8, user_id: i64, created: i64, expires: i64) -> [u8; 32] {
    let token_hash = [hash; 32];
    store
        .create_session(&NewSession {
            token_hash: &token_hash,
            user_id,
            csrf_token: "csrf-secret",
            created_at: t(created),
            expires_at: t(expires),
        })
        .unwrap();
    token_hash
}

/// Rows written before the actions were a closed type (dotted codes) are
/// rewritten by migration 0006, so the filter by action finds them, and
/// a code this build does not know is read as stored.
#[test]
fn old_style_audit_codes_are_migrated_and_unknown_ones_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .conn
            .execute_batch(
                "INSERT INTO audit_log (actor, action, detail) VALUES
                     ('admin', 'user.add', 'li'), ('li', 'user.login_locked', ''),
                     ('x', 'from_a_newer_build', '');
                 DELETE FROM schema_migrations WHERE version = 6;",
            )
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let read = |action| {
        store
            .audit_log(&AuditQuery {
                action,
                limit: 10,
                ..Default::default()
            })
            .unwrap()
    };
    assert_eq!(read(Some(AuditAction::UserAdd)).entries[0].detail, "li");
    assert_eq!(read(Some(AuditAction::UserLoginLocked)).total, 1);
    let codes: Vec<String> = read(None).entries.into_iter().map(|e| e.action).collect();
    assert_eq!(codes, ["from_a_newer_build", "user_login_locked", "user_add"]);
    assert_eq!(AuditAction::from_code("from_a_newer_build"), None);
}

#[test]
fn touching_a_session_does_not_wait_for_another_connections_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let id = add(&mut store, "admin", Role::CityAdmin, &city());
    let hash = session(&mut store, 1, id, 0, 600);
    // Another connection holds the write lock, as an import's commit does.
    let writer = SqliteStore::open(&path).unwrap();
    writer.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let start = std::time::Instant::now();
    store.touch_session(&hash, t(5)).unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // Skipped, and the session still found (reads are not blocked in WAL mode).
    assert_eq!(store.session(&hash, t(6)).unwrap().unwrap().last_seen, t(0));
    writer.conn.execute_batch("ROLLBACK").unwrap();
    store.touch_session(&hash, t(7)).unwrap();
    assert_eq!(store.session(&hash, t(8)).unwrap().unwrap().last_seen, t(7));
}
