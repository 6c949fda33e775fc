//! Users and scopes, on an in-memory store.

use chrono::TimeZone;
use registry::{ChangeSet, Location, Ownership, QualityRating, School, SchoolCode, Stage};
use store::accounts::AuditQuery;
use store::prelude::*;
use store::ApplyOptions;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap()
}

fn city() -> Scope {
    Scope::City {
        city: AreaCode::parse("3701").unwrap(),
    }
}

fn new_user(username: &str, role: Role, scope: Scope) -> NewUser<'_> {
    NewUser {
        username,
        display_name: "",
        role,
        scope,
        password: "lantern-quiet-meadow-47",
    }
}

fn store_with_school() -> Box<dyn Store> {
    let mut store = store::open_in_memory().unwrap();
    let changes = ChangeSet {
        schools: vec![School {
            code: SchoolCode::parse("2370112001").unwrap(),
            name: "历城区第一小学".into(),
            county: AreaCode::parse("370112").unwrap(),
            township: None,
            stages: vec![Stage::Primary],
            ownership: Ownership::Public,
            inclusive: false,
            quality_rating: QualityRating::Unrated,
            location: Location::Urban,
            seats: vec![(Stage::Primary, 900)],
            school_group: None,
            longitude: None,
            latitude: None,
        }],
        ..ChangeSet::default()
    };
    store
        .apply(&changes, ApplyOptions::default(), &mut |_, _| {})
        .unwrap();
    store
}

#[test]
fn a_user_is_added_listed_and_audited_without_secrets() {
    let mut store = store::open_in_memory().unwrap();
    let id = add_user(
        &mut store,
        "cli",
        &new_user("Admin", Role::CityAdmin, city()),
        now(),
    )
    .unwrap();
    let users = list_users(&store).unwrap();
    assert_eq!(users.len(), 1);
    let user = &users[0];
    assert_eq!(
        (user.id, user.username.as_str(), user.display_name.as_str()),
        (id, "admin", "admin")
    );
    assert!(user.active);
    assert!(store
        .user_by_id(id)
        .unwrap()
        .unwrap()
        .password_hash
        .starts_with("$argon2id$"));

    let log = store
        .audit_log(&AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(log.entries.len(), 1);
    let entry = &log.entries[0];
    assert_eq!((entry.actor.as_str(), entry.action.as_str()), ("cli", "user_add"));
    assert_eq!(entry.detail, "admin（市级管理员，3701）");
    assert!(!entry.detail.contains("lantern-quiet") && !entry.detail.contains("argon2"));
    assert!(!format!("{:?}", new_user("x", Role::CityAdmin, city())).contains("lantern-quiet"));
}

#[test]
fn bad_usernames_short_passwords_duplicates_and_misfit_scopes_are_refused() {
    let mut store = store::open_in_memory().unwrap();
    let add = |store: &mut dyn Store, user: NewUser<'_>| {
        add_user(store, "cli", &user, now()).map_err(|e| e.to_string())
    };
    add(&mut store, new_user("admin", Role::CityAdmin, city())).unwrap();
    assert_eq!(
        add(&mut store, new_user("admin", Role::CityAnalyst, city())).unwrap_err(),
        "用户名“admin”已存在"
    );
    for bad in ["ab", "-admin", "张三", "a b c", &"x".repeat(33)] {
        let err = add(&mut store, new_user(bad, Role::CityAdmin, city())).unwrap_err();
        assert!(err.starts_with(&format!("用户名“{bad}”不符合要求")), "{err}");
    }
    let short = NewUser {
        password: "123456789",
        ..new_user("li", Role::CityAdmin, city())
    };
    assert_eq!(add(&mut store, short).unwrap_err(), "用户名“li”不符合要求：只能包含小写字母、数字、点（.）、下划线（_）和连字符（-），以字母或数字开头，长度 3–32 个字符");
    let short = NewUser {
        password: "123456789",
        ..new_user("li.na", Role::CityAdmin, city())
    };
    assert_eq!(add(&mut store, short).unwrap_err(), "密码至少需要 15 个字符");
    assert_eq!(
        add(&mut store, new_user("li.na", Role::CountyOfficer, city())).unwrap_err(),
        "区县数据员的范围应为一个区县（6 位代码），而不是“3701”"
    );
    let weak = NewUser {
        password: "password12345678",
        ..new_user("li.na", Role::CityAdmin, city())
    };
    assert!(add(&mut store, weak)
        .unwrap_err()
        .starts_with("密码太常见或太容易猜到"));
    // The user's own name is among the first guesses.
    let own_name = NewUser {
        password: "wangfang-wangfang-88",
        display_name: "王芳",
        ..new_user("wangfang", Role::CityAdmin, city())
    };
    assert!(add(&mut store, own_name)
        .unwrap_err()
        .starts_with("密码太常见或太容易猜到"));
    assert_eq!(list_users(&store).unwrap().len(), 1);
}

#[test]
fn a_new_password_must_be_long_and_uncommon_too() {
    let mut store = store::open_in_memory().unwrap();
    add_user(
        &mut store,
        "cli",
        &new_user("admin", Role::CityAdmin, city()),
        now(),
    )
    .unwrap();
    for weak in ["short-one", "qwertyuiop123456", "admin-admin-admin"] {
        assert!(
            set_password(&mut store, "cli", "admin", weak, now()).is_err(),
            "{weak}"
        );
    }
    set_password(&mut store, "cli", "admin", "copper-violin-harbor-82", now()).unwrap();
}

#[test]
fn the_last_active_city_administrator_cannot_be_disabled() {
    let mut store = store::open_in_memory().unwrap();
    add_user(
        &mut store,
        "cli",
        &new_user("admin", Role::CityAdmin, city()),
        now(),
    )
    .unwrap();
    add_user(
        &mut store,
        "cli",
        &new_user("deputy", Role::CityAdmin, city()),
        now(),
    )
    .unwrap();
    add_user(
        &mut store,
        "cli",
        &new_user("analyst", Role::CityAnalyst, city()),
        now(),
    )
    .unwrap();
    set_active(&mut store, "cli", "deputy", false, now()).unwrap();
    let err = set_active(&mut store, "cli", "admin", false, now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "不能停用“admin”：它是最后一个启用的市级管理员，请先启用或添加另一个市级管理员"
    );
    assert!(store.user_by_name("admin").unwrap().unwrap().active);
    // Other roles may all be disabled; with a second administrator active again, so may the first.
    set_active(&mut store, "cli", "analyst", false, now()).unwrap();
    set_active(&mut store, "cli", "deputy", true, now()).unwrap();
    set_active(&mut store, "cli", "admin", false, now()).unwrap();
}

#[test]
fn unknown_users_cannot_be_changed() {
    let mut store = store::open_in_memory().unwrap();
    let err = set_active(&mut store, "cli", "nobody", false, now()).unwrap_err();
    assert_eq!(err.to_string(), "用户“nobody”不存在");
    let err = set_password(&mut store, "cli", "nobody", "lantern-quiet-meadow-47", now()).unwrap_err();
    assert_eq!(err.to_string(), "用户“nobody”不存在");
}

#[test]
fn codes_resolve_to_scopes_checked_against_role_and_registry() {
    let store = store_with_school();
    assert_eq!(resolve_scope(&store, Role::CityAdmin, "3701").unwrap(), city());
    assert_eq!(
        resolve_scope(&store, Role::CountyOfficer, " 370112 ").unwrap(),
        Scope::County {
            county: AreaCode::parse("370112").unwrap()
        }
    );
    assert_eq!(
        resolve_scope(&store, Role::SchoolOfficer, "2370112001").unwrap(),
        Scope::School {
            school: SchoolCode::parse("2370112001").unwrap(),
            county: AreaCode::parse("370112").unwrap(),
        }
    );
    let err = |role, code| resolve_scope(&store, role, code).unwrap_err().to_string();
    assert_eq!(
        err(Role::CityAdmin, "9901"),
        "地区代码“9901”不在本系统的行政区划中"
    );
    assert_eq!(
        err(Role::SchoolOfficer, "2370112999"),
        "学校标识码“2370112999”不在学籍库中，请先导入该学校"
    );
    assert_eq!(
        err(Role::CityAdmin, "37011"),
        "范围“37011”应为 4 位市代码、6 位区县代码或 10 位学校标识码"
    );
    assert_eq!(
        err(Role::CityAdmin, "370112"),
        "市级管理员的范围应为全市（4 位代码），而不是“370112”"
    );
}
