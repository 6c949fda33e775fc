//! Accounts through `AccountStore`: users, sessions, login throttling and
//! the audit log.

use access::{Role, Scope};
use chrono::{DateTime, Duration, TimeZone, Utc};
use registry::{AreaCode, SchoolCode};
use store::accounts::{AuditQuery, FailureCount, LoginFailures, NewSession, NewUserRecord};
use store::prelude::*;
use store::{AuditAction, StoreError};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 8, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn city() -> Scope {
    Scope::City {
        city: AreaCode::parse("3701").unwrap(),
    }
}

fn add(store: &mut dyn Store, username: &str, role: Role, scope: &Scope) -> i64 {
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

fn session(store: &mut dyn Store, hash: u8, user_id: i64, created: i64, expires: i64) -> [u8; 32] {
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

contract!(
    fn users_are_created_found_and_listed_by_username(db) {
        let mut store = db.open();
        assert!(store.schema_version().unwrap() >= 1);
        let school = Scope::School {
            school: SchoolCode::parse("2370112001").unwrap(),
            county: AreaCode::parse("370112").unwrap(),
        };
        let zhang = add(&mut *store, "zhang", Role::SchoolOfficer, &school);
        let admin = add(&mut *store, "admin", Role::CityAdmin, &city());

        let found = store.user_by_name("zhang").unwrap().unwrap();
        assert_eq!(found.id, zhang);
        assert_eq!(found.role, Role::SchoolOfficer);
        assert_eq!(found.scope, school);
        assert!(found.active);
        assert_eq!((found.created_at, found.updated_at), (t(0), t(0)));
        assert_eq!(store.user_by_id(admin).unwrap().unwrap().username, "admin");
        assert!(store.user_by_name("nobody").unwrap().is_none());
        assert!(store.user_by_id(999).unwrap().is_none());
        let names: Vec<_> = store.users().unwrap().into_iter().map(|u| u.username).collect();
        assert_eq!(names, ["admin", "zhang"]);
        assert!(!format!("{found:?}").contains("argon2"));
}
);

contract!(
    fn a_taken_username_or_an_unknown_area_is_refused(db) {
        let mut store = db.open();
        add(&mut *store, "admin", Role::CityAdmin, &city());
        let err = store
            .create_user(&NewUserRecord {
                username: "admin",
                display_name: "另一个",
                role: Role::CityAnalyst,
                scope: &city(),
                password_hash: "x",
                at: t(1),
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
        assert_eq!(err.to_string(), "用户名“admin”已存在");
        let nowhere = Scope::County {
            county: AreaCode::parse("370199").unwrap(),
        };
        let err = store
            .create_user(&NewUserRecord {
                username: "ghost",
                display_name: "无",
                role: Role::CountyOfficer,
                scope: &nowhere,
                password_hash: "x",
                at: t(1),
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownReference(_)), "{err:?}");
}
);

contract!(
    fn password_and_active_flag_change_and_stamp_updated_at(db) {
        let mut store = db.open();
        let id = add(&mut *store, "analyst", Role::CityAnalyst, &city());
        assert!(store.set_password_hash(id, "new-hash", t(5)).unwrap());
        assert!(store.set_active(id, false, t(6)).unwrap());
        let user = store.user_by_id(id).unwrap().unwrap();
        assert_eq!(user.password_hash, "new-hash");
        assert!(!user.active);
        assert_eq!((user.created_at, user.updated_at), (t(0), t(6)));
        assert!(!store.set_password_hash(999, "x", t(7)).unwrap());
        assert!(!store.set_active(999, true, t(7)).unwrap());
}
);

contract!(
    fn a_session_is_found_only_before_it_expires_and_while_its_user_is_active(db) {
        let mut store = db.open();
        let id = add(&mut *store, "analyst", Role::CityAnalyst, &city());
        let hash = session(&mut *store, 1, id, 0, 60);

        let found = store.session(&hash, t(10)).unwrap().unwrap();
        assert_eq!(found.user.id, id);
        assert_eq!(found.csrf_token, "csrf-secret");
        assert_eq!(
            (found.created_at, found.expires_at, found.last_seen),
            (t(0), t(60), t(0))
        );
        assert!(!format!("{found:?}").contains("csrf-secret"));
        assert!(store.session(&[9; 32], t(10)).unwrap().is_none());
        assert!(
            store.session(&hash, t(60)).unwrap().is_none(),
            "expired at expires_at"
        );

        store.touch_session(&hash, t(20)).unwrap();
        assert_eq!(store.session(&hash, t(21)).unwrap().unwrap().last_seen, t(20));

        store.set_active(id, false, t(22)).unwrap();
        assert!(store.session(&hash, t(23)).unwrap().is_none());
        store.set_active(id, true, t(24)).unwrap();
        assert!(store.session(&hash, t(25)).unwrap().is_some());

        assert!(store.delete_session(&hash).unwrap());
        assert!(!store.delete_session(&hash).unwrap());
        assert!(store.session(&hash, t(26)).unwrap().is_none());
}
);

contract!(
    fn sessions_end_by_user_and_by_expiry(db) {
        let mut store = db.open();
        let a = add(&mut *store, "a", Role::CityAdmin, &city());
        let b = add(&mut *store, "b", Role::CityAnalyst, &city());
        let a1 = session(&mut *store, 1, a, 0, 600);
        let a2 = session(&mut *store, 2, a, 0, 600);
        let b1 = session(&mut *store, 3, b, 0, 30);
        let b2 = session(&mut *store, 4, b, 0, 600);
        let b3 = session(&mut *store, 5, b, 0, 600);
        store.touch_session(&b3, t(100)).unwrap();

        assert_eq!(store.delete_user_sessions(a).unwrap(), 2);
        assert!(store.session(&a1, t(1)).unwrap().is_none());
        assert!(store.session(&a2, t(1)).unwrap().is_none());
        // At 120: b1 is past expires_at; b2 was last seen at 0, before 90.
        assert_eq!(store.delete_expired_sessions(t(120), Some(t(90))).unwrap(), 2);
        assert!(store.session(&b2, t(121)).unwrap().is_none());
        assert!(store.session(&b3, t(121)).unwrap().is_some());
        assert_eq!(store.delete_expired_sessions(t(700), None).unwrap(), 1);
        let _ = b1;
}
);

contract!(
    fn login_failures_are_counted_by_pair_client_and_username_and_cleared_per_client(db) {
        let mut store = db.open();
        for minute in [0, 5, 10] {
            store
                .record_login_failure("admin", "10.0.0.1", t(minute))
                .unwrap();
        }
        store.record_login_failure("admin", "10.0.0.2", t(6)).unwrap();
        store.record_login_failure("nobody", "10.0.0.1", t(7)).unwrap();
        let counts = store.login_failures("admin", "10.0.0.1", t(5)).unwrap();
        let count = |count, last| FailureCount {
            count,
            last: Some(t(last)),
        };
        assert_eq!(counts.pair, count(2, 10));
        assert_eq!(counts.client, count(3, 10));
        assert_eq!(counts.username, count(3, 10));
        let none = store.login_failures("ghost", "10.9.9.9", t(0)).unwrap();
        assert_eq!(none, LoginFailures::default());

        assert_eq!(store.prune_login_failures(t(6)).unwrap(), 2);
        assert_eq!(
            store.login_failures("admin", "10.0.0.1", t(0)).unwrap().pair,
            count(1, 10)
        );
        // Signing in clears that client's failures of that username only.
        store.clear_login_failures("admin", "10.0.0.1").unwrap();
        let after = store.login_failures("admin", "10.0.0.1", t(0)).unwrap();
        assert_eq!(after.pair.count, 0);
        assert_eq!(after.client, count(1, 7));
        assert_eq!(after.username, count(1, 6));
}
);

contract!(
    fn the_last_active_city_administrator_cannot_be_disabled(db) {
        let mut store = db.open();
        let a = add(&mut *store, "a", Role::CityAdmin, &city());
        let b = add(&mut *store, "b", Role::CityAdmin, &city());
        let analyst = add(&mut *store, "c", Role::CityAnalyst, &city());
        assert!(store.set_active(a, false, t(1)).unwrap());
        assert!(
            !store.set_active(b, false, t(2)).unwrap(),
            "b is the last active one"
        );
        assert!(store.user_by_id(b).unwrap().unwrap().active);
        assert!(store.set_active(analyst, false, t(3)).unwrap());
        assert!(store.set_active(a, true, t(4)).unwrap());
        assert!(store.set_active(b, false, t(5)).unwrap());
}
);

contract!(
    fn the_audit_log_reads_newest_first_paged_and_filtered(db) {
        let mut store = db.open();
        for (minute, actor, action) in [
            (0, "admin", AuditAction::UserAdd),
            (1, "admin", AuditAction::UserDisable),
            (2, "zhang", AuditAction::Import),
            (3, "admin", AuditAction::UserAdd),
        ] {
            store
                .record_audit(t(minute), actor, action, &format!("第 {minute} 条"))
                .unwrap();
        }
        store
            .audit("li", AuditAction::ViewUnmasked, "学校 2370112001")
            .unwrap();

        let all = store
            .audit_log(&AuditQuery {
                limit: 2,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(all.total, 5);
        let actors: Vec<_> = all.entries.iter().map(|e| e.actor.as_str()).collect();
        assert_eq!(actors, ["li", "admin"]);
        assert_eq!(all.entries[1].at, t(3));
        assert_eq!(all.entries[1].detail, "第 3 条");

        let page = store
            .audit_log(&AuditQuery {
                actor: Some("admin"),
                offset: 1,
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.total, 3);
        let details: Vec<_> = page.entries.iter().map(|e| e.detail.as_str()).collect();
        assert_eq!(details, ["第 1 条", "第 0 条"]);

        let adds = store
            .audit_log(&AuditQuery {
                actor: Some("admin"),
                action: Some(AuditAction::UserAdd),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(adds.total, 2);
        assert!(adds.entries.iter().all(|e| e.action == "user_add"));
}
);

contract!(
    /// A school officer sees its county's aggregates: when the city moves the
    /// school to another county, the officer's scope moves with it.
    fn a_school_officers_county_follows_its_school(db) {
        let mut store = db.open();
        let code = SchoolCode::parse("2370112001").unwrap();
        let officer = add(
            &mut *store,
            "xiao",
            Role::SchoolOfficer,
            &Scope::School {
                school: code.clone(),
                county: AreaCode::parse("370112").unwrap(),
            },
        );
        let county_officer = Scope::County {
            county: AreaCode::parse("370112").unwrap(),
        };
        let other = add(&mut *store, "li", Role::CountyOfficer, &county_officer);
        let school = registry::School {
            code: code.clone(),
            name: "实验小学".into(),
            county: AreaCode::parse("370102").unwrap(),
            township: None,
            stages: vec![registry::Stage::Primary],
            ownership: registry::Ownership::Public,
            inclusive: false,
            quality_rating: registry::QualityRating::Unrated,
            location: registry::Location::Urban,
            seats: vec![(registry::Stage::Primary, 900)],
            school_group: None,
            longitude: None,
            latitude: None,
        };
        // Stored in 历城区 first, then moved by the city to 历下区.
        for county in ["370112", "370102"] {
            let changes = registry::ChangeSet {
                schools: vec![registry::School {
                    county: AreaCode::parse(county).unwrap(),
                    ..school.clone()
                }],
                ..registry::ChangeSet::default()
            };
            store
                .apply(&changes, store::ApplyOptions::default(), &mut |_, _| {})
                .unwrap();
        }
        assert_eq!(
            store.user_by_id(officer).unwrap().unwrap().scope,
            Scope::School {
                school: code,
                county: AreaCode::parse("370102").unwrap(),
            }
        );
        assert_eq!(store.user_by_id(other).unwrap().unwrap().scope, county_officer);
}
);

contract!(
    /// Two connections (two servers behind a load balancer) share sessions and
    /// throttling: what one writes, the other reads at once.
    fn sessions_and_login_failures_are_shared_between_connections(db) {
        let mut one = db.open();
        let other = db.open();
        let id = add(&mut *one, "admin", Role::CityAdmin, &city());
        let hash = session(&mut *one, 1, id, 0, 600);
        assert_eq!(other.session(&hash, t(1)).unwrap().unwrap().user.id, id);
        one.record_login_failure("admin", "10.0.0.1", t(2)).unwrap();
        assert_eq!(other.login_failures("admin", "10.0.0.1", t(0)).unwrap().pair.count, 1);
        one.delete_session(&hash).unwrap();
        assert!(other.session(&hash, t(3)).unwrap().is_none());
    }
);

contract!(
    /// `audit` stamps the line with the database's clock: now, in UTC.
    fn an_audit_line_without_a_time_is_stamped_with_the_databases_clock(db) {
        let mut store = db.open();
        let before = Utc::now() - Duration::seconds(5);
        store.audit("li", AuditAction::ViewUnmasked, "学校 2370112001").unwrap();
        let after = Utc::now() + Duration::seconds(5);
        let page = store.audit_log(&AuditQuery { limit: 1, ..Default::default() }).unwrap();
        assert_eq!(page.total, 1);
        let line = &page.entries[0];
        assert!(before <= line.at && line.at <= after, "{}", line.at);
        assert_eq!((line.actor.as_str(), line.action.as_str()), ("li", "view_unmasked"));
    }
);

contract!(
    fn a_restored_user_keeps_its_hash_role_scope_flag_and_times(db) {
        // Written elsewhere (as `edugov copy` reads a source database) …
        let mut from = store::open_in_memory().unwrap();
        add(&mut *from, "admin", Role::CityAdmin, &city());
        let county = Scope::County {
            county: AreaCode::parse("370112").unwrap(),
        };
        let officer = add(&mut *from, "li", Role::CountyOfficer, &county);
        assert!(from.set_active(officer, false, t(90)).unwrap());
        let users = from.users().unwrap();

        // … and restored here, verbatim but for the id.
        let mut to = db.open();
        for user in &users {
            to.restore_user(user).unwrap();
        }
        let without_ids = |users: Vec<store::accounts::UserRecord>| {
            users
                .into_iter()
                .map(|u| store::accounts::UserRecord { id: 0, ..u })
                .collect::<Vec<_>>()
        };
        assert_eq!(without_ids(to.users().unwrap()), without_ids(users.clone()));
        let li = to.user_by_name("li").unwrap().unwrap();
        assert!(!li.active);
        assert_eq!(li.updated_at, t(90));
        assert_eq!(li.created_at, t(0));
        assert!(matches!(to.restore_user(&users[0]), Err(StoreError::Duplicate(_))));
    }
);
