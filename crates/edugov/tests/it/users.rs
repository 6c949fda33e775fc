//! `edugov user`: adding, listing, disabling users and setting passwords,
//! with passwords read from standard input as a deployment script would.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::{command, edugov, empty_db, small_city, Run};

/// Runs edugov with `input` on standard input.
fn edugov_with_input(db: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command(db, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may fail and exit before it reads: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn add(db: &Path, username: &str, role: &str, scope: &str, password: &str) -> Run {
    edugov_with_input(
        db,
        &[
            "user",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--scope",
            scope,
            "--password-stdin",
        ],
        &format!("{password}\n"),
    )
}

#[test]
fn the_first_administrator_is_added_from_standard_input_and_listed() {
    let (_dir, db) = empty_db("users");
    let out = edugov(&db, &["user", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("还没有用户"), "{}", out.stdout);

    let out = edugov_with_input(
        &db,
        &[
            "user",
            "add",
            "--username",
            "Wang.Admin",
            "--role",
            "市级管理员",
            "--scope",
            "3701",
            "--name",
            "王科长",
            "--password-stdin",
        ],
        "violet-anchor-drizzle-2024\r\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "已添加用户 wang.admin（市级管理员）\n");

    let out = edugov(&db, &["user", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let row = out.stdout.lines().find(|l| l.contains("wang.admin")).unwrap();
    for cell in ["王科长", "市级管理员", "3701 济南市", "启用"] {
        assert!(row.contains(cell), "{cell} missing in {row}");
    }
    assert!(!out.stdout.contains("argon2") && !out.stdout.contains("violet-anchor"));
}

#[test]
fn a_wrong_role_or_scope_is_refused_naming_the_field() {
    let (_dir, db) = empty_db("users");
    let cases = [
        ("root", "3701", "错误：--role：角色“root”无法识别"),
        (
            "county_officer",
            "3701",
            "错误：--scope：区县数据员的范围应为一个区县（6 位代码），而不是“3701”",
        ),
        (
            "city_admin",
            "9901",
            "错误：--scope：地区代码“9901”不在本系统的行政区划中",
        ),
        (
            "school_officer",
            "2370112001",
            "错误：--scope：学校标识码“2370112001”不在学籍库中，请先导入该学校",
        ),
        (
            "city_admin",
            "37-01",
            "错误：--scope：范围“37-01”应为 4 位市代码、6 位区县代码或 10 位学校标识码",
        ),
    ];
    for (role, scope, message) in cases {
        let out = add(&db, "someone", role, scope, "violet-anchor-drizzle-2024");
        assert_eq!(out.code, 1, "{role} {scope}");
        assert!(out.stderr.starts_with(message), "{role} {scope}: {}", out.stderr);
    }
    let out = add(&db, "x", "city_admin", "3701", "violet-anchor-drizzle-2024");
    assert!(
        out.stderr.starts_with("错误：--username：用户名“x”不符合要求"),
        "{}",
        out.stderr
    );
    let out = add(&db, "short", "city_admin", "3701", "123456789");
    assert_eq!(out.stderr, "错误：密码：密码至少需要 15 个字符\n");
    assert!(edugov(&db, &["user", "list"]).stdout.starts_with("还没有用户"));
}

#[test]
fn without_a_terminal_the_password_must_come_from_standard_input() {
    let (_dir, db) = empty_db("users");
    let out = edugov(
        &db,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "city_admin",
            "--scope",
            "3701",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--password-stdin"), "{}", out.stderr);
}

#[test]
fn users_are_disabled_enabled_and_given_new_passwords() {
    let (_dir, db) = empty_db("users");
    assert_eq!(
        add(
            &db,
            "li.county",
            "county_officer",
            "370112",
            "violet-anchor-drizzle-2024"
        )
        .code,
        0
    );
    let out = add(
        &db,
        "li.county",
        "county_officer",
        "370112",
        "violet-anchor-drizzle-2024",
    );
    assert_eq!(out.stderr, "错误：--username：用户名“li.county”已存在\n");

    let out = edugov(&db, &["user", "disable", "li.county"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list = edugov(&db, &["user", "list"]).stdout;
    let row = list.lines().find(|l| l.contains("li.county")).unwrap();
    assert!(row.contains("停用") && row.contains("370112 历城区"), "{row}");

    assert_eq!(edugov(&db, &["user", "enable", "li.county"]).code, 0);
    let list = edugov(&db, &["user", "list"]).stdout;
    assert!(
        list.lines()
            .any(|l| l.contains("li.county") && l.contains("启用")),
        "{list}"
    );

    let out = edugov_with_input(
        &db,
        &["user", "passwd", "li.county", "--password-stdin"],
        "copper-violin-harbor-82\n",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = edugov_with_input(
        &db,
        &["user", "passwd", "li.county", "--password-stdin"],
        "short\n",
    );
    assert_eq!(out.stderr, "错误：密码：密码至少需要 15 个字符\n");
    // Long enough but common: refused, nothing written.
    for weak in ["password1234567890", "qwertyuiop1234567"] {
        let out = edugov_with_input(
            &db,
            &["user", "passwd", "li.county", "--password-stdin"],
            &format!("{weak}\n"),
        );
        assert_eq!(out.code, 1, "{weak}");
        assert!(
            out.stderr.starts_with("错误：密码：密码太常见或太容易猜到"),
            "{weak}: {}",
            out.stderr
        );
    }
    let out = edugov_with_input(
        &db,
        &["user", "passwd", "nobody", "--password-stdin"],
        "copper-violin-harbor-82\n",
    );
    assert_eq!(out.stderr, "错误：用户“nobody”不存在\n");
    let out = edugov(&db, &["user", "disable", "nobody"]);
    assert_eq!(out.stderr, "错误：用户“nobody”不存在\n");
}

#[test]
fn a_school_officer_gets_the_county_of_a_school_in_the_registry() {
    let city = small_city();
    let (_dir, db) = city.copy("users");
    let schools = std::fs::read_to_string(city.dir.join("schools.csv")).unwrap();
    let row = schools.lines().nth(1).unwrap();
    let mut cells = row.split(',');
    let (code, name, county) = (
        cells.next().unwrap(),
        cells.next().unwrap(),
        cells.next().unwrap(),
    );

    let out = add(
        &db,
        "zhang.school",
        "school_officer",
        code,
        "violet-anchor-drizzle-2024",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = add(
        &db,
        "zhao.school",
        "county_officer",
        code,
        "violet-anchor-drizzle-2024",
    );
    assert!(
        out.stderr.contains("--scope：区县数据员的范围应为一个区县"),
        "{}",
        out.stderr
    );

    let list = edugov(&db, &["user", "list"]).stdout;
    let row = list.lines().find(|l| l.contains("zhang.school")).unwrap();
    assert!(row.contains(&format!("{code} {name}")), "{row}");
    assert!(row.contains("学校数据员"), "{row}");
    let _ = county;
}

#[test]
fn the_last_active_city_administrator_cannot_be_disabled() {
    let (_dir, db) = empty_db("last-admin");
    assert_eq!(
        add(&db, "admin", "city_admin", "3701", "violet-anchor-drizzle-2024").code,
        0
    );
    assert_eq!(
        add(&db, "deputy", "city_admin", "3701", "copper-violin-harbor-82").code,
        0
    );
    assert_eq!(edugov(&db, &["user", "disable", "deputy"]).code, 0);
    let out = edugov(&db, &["user", "disable", "admin"]);
    assert_eq!(
        out.stderr,
        "错误：不能停用“admin”：它是最后一个启用的市级管理员，请先启用或添加另一个市级管理员\n"
    );
    let list = edugov(&db, &["user", "list"]).stdout;
    assert!(
        list.lines()
            .any(|l| l.contains("admin") && !l.contains("deputy") && l.contains("启用")),
        "{list}"
    );
    // With the deputy enabled again, the first may go.
    assert_eq!(edugov(&db, &["user", "enable", "deputy"]).code, 0);
    assert_eq!(edugov(&db, &["user", "disable", "admin"]).code, 0);
}
