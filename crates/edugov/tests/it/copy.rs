//! `edugov copy`, `compare`, `backup` and the documented restores: a city
//! with accounts, its audit log and a work plan with its history, reports,
//! documents and projects goes from one database to another and
//! comes back the same, rows and indicator values; with `EDUGOV_TEST_PG`
//! through PostgreSQL too (copy there and back, `pg_dump` and `pg_restore`).

use std::path::{Path, PathBuf};

use crate::users::add;
use crate::{edugov, empty_db, pg_database, small_city};

/// A work plan with a task's history, a report decided with a document,
/// and a project put into use (its seats added to its school), written
/// through the store.
fn with_plans(db: &Path) {
    use plans::*;
    use store::prelude::*;
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut store = store::open(&store::DatabaseUrl::Sqlite(db.to_owned())).unwrap();
    let county = registry::AreaCode::parse("370112").unwrap();
    let spec = PlanSpec {
        city: registry::AreaCode::parse("3701").unwrap(),
        year: 2026,
        title: "2026年全市教育工作要点".into(),
        sections: vec![SectionSpec {
            title: "一、学前教育".into(),
            tasks: vec![TaskSpec {
                seq: "1".into(),
                text: "新建改扩建幼儿园".into(),
                source: TaskSource::AnnualPriority,
                leader: "王局长".into(),
                lead_unit: "基础教育处".into(),
                co_units: vec!["发展规划处".into()],
                deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                measure: Measure::Count(CountGoal {
                    counted: Counted::Reported { unit: "所".into() },
                    target: 20.0,
                }),
                counties: vec![Assignment {
                    county: county.clone(),
                    share: Some(12.0),
                }],
            }],
        }],
    };
    let plan = store.save_plan(&spec, "admin", at).unwrap().plan;
    let task = store.plan(plan).unwrap().unwrap().tasks[0].id;
    let bytes = b"%PDF-1.7 evidence %%EOF".to_vec();
    let report = NewReport {
        task,
        county: Some(county),
        period: "2026-H1".into(),
        text: "已建成 6 所".into(),
        value: Some(6.0),
        documents: vec![],
        reporter: "li.county".into(),
        at,
    };
    let document = store::plans::NewDocument {
        name: "验收.pdf",
        kind: DocumentKind::Pdf,
        bytes: &bytes,
    };
    let id = store.file_report(&report, &[document]).unwrap();
    store.decide_report(id, &Decision::Accept, "admin", at).unwrap();
    let school = store.schools().unwrap().into_iter().next().unwrap();
    let (stage, _) = school.seats[0];
    let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    let project = ProjectSpec {
        code: "JN-2026-001".into(),
        name: "扩建工程".into(),
        kind: ProjectKind::Expand,
        school: Some(school.code.clone()),
        planned_school: None,
        site: None,
        county: school.county.clone(),
        stage,
        seats: 180,
        floor_area: 3000.0,
        investment: 1500.0,
        planned_start: Some(day),
        actual_start: Some(day),
        planned_completion: Some(day),
        actual_completion: Some(day),
        in_use: Some(day),
    };
    assert_eq!(
        store
            .save_projects(&[project], "admin", at)
            .unwrap()
            .put_in_use
            .len(),
        1
    );
}

/// Plans, their history, reports, documents and projects, as read back.
fn plan_records(db: &str) -> String {
    use store::prelude::*;
    let store = store::open(&store::DatabaseUrl::parse(db)).unwrap();
    let mut out = format!("{:?}\n", store.projects().unwrap());
    for header in store.plans().unwrap() {
        out.push_str(&format!(
            "{:?}\n{:?}\n{:?}\n",
            store.plan(header.id).unwrap(),
            store.plan_events(header.id).unwrap(),
            store.plan_reports(header.id).unwrap()
        ));
    }
    for info in store.documents().unwrap() {
        out.push_str(&format!("{:?}\n", store.document(info.id).unwrap()));
    }
    out
}

/// Every stored forecast run, whole, with its id.
fn forecast_runs(db: &str) -> String {
    use store::prelude::*;
    let store = store::open(&store::DatabaseUrl::parse(db)).unwrap();
    let mut out = String::new();
    for summary in store.forecast_runs().unwrap() {
        out.push_str(&format!(
            "{summary:?}\n{:?}\n",
            store.forecast_run(summary.id).unwrap()
        ));
    }
    out
}

/// Every stored admission inputs version with its sign-offs, and every
/// run, whole, with their ids.
fn admission_records(db: &str) -> String {
    use store::prelude::*;
    let store = store::open(&store::DatabaseUrl::parse(db)).unwrap();
    let mut out = String::new();
    for version in store.admission_inputs_list().unwrap() {
        out.push_str(&format!(
            "{version:?}\n{:?}\n{:?}\n",
            store.admission_inputs(version.id).unwrap(),
            store.admission_sign_offs(version.id).unwrap()
        ));
    }
    for summary in store.admission_runs().unwrap() {
        out.push_str(&format!("{:?}\n", store.admission_run(summary.id).unwrap()));
    }
    out
}

/// The small city with two accounts (one disabled) and their audit lines,
/// and a work plan ([`with_plans`]).
fn city_with_accounts(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = small_city().copy(name);
    let password = "violet-anchor-drizzle-2024";
    assert_eq!(add(&db, "admin", "city_admin", "3701", password).code, 0);
    assert_eq!(
        add(&db, "li.county", "county_officer", "370112", password).code,
        0
    );
    assert_eq!(edugov(&db, &["user", "disable", "li.county"]).code, 0);
    with_plans(&db);
    let saved = edugov(&db, &["forecast", "--save", "复制前的预测", "--until", "2027"]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let result = dir.path().join("录取结果.xlsx");
    let admitted = edugov(
        &db,
        &[
            "admission",
            "run",
            crate::admission::SAMPLE,
            "--policy",
            crate::admission::POLICY_50,
            "--year",
            "2025",
            "--out",
            result.to_str().unwrap(),
            "--save",
            "--label",
            "复制前的录取",
        ],
    );
    assert_eq!(admitted.code, 0, "{}", admitted.stderr);
    {
        use store::prelude::*;
        let mut store = store::open(&store::DatabaseUrl::Sqlite(db.clone())).unwrap();
        let version = store.admission_inputs_list().unwrap()[0].id;
        let school = registry::SchoolCode::parse("3701020001").unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2025, 6, 30)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        store
            .sign_off_admission(version, &school, "名单无误", "school_officer", at)
            .unwrap();
    }
    (dir, db)
}

fn copy(from: &str, to: &str) -> crate::Run {
    // `--db` is not read by copy; any path will do.
    edugov(Path::new("unused.db"), &["copy", "--from", from, "--to", to])
}

fn users(db: &str) -> String {
    let out = edugov(Path::new(db), &["user", "list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn audit_lines(db: &str) -> usize {
    let out = edugov(Path::new("unused.db"), &["compare", db, db]);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("audit_log"))
        .unwrap()
        .to_owned();
    line.split('┆').nth(1).unwrap().trim().parse().unwrap()
}

#[test]
fn a_copy_carries_the_registry_accounts_and_audit_log_and_checks_them() {
    let (dir, from) = city_with_accounts("copy-from");
    let to = dir.path().join("copy-to.db");
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let out = copy(from, to);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for table in [
        "student",
        "enrolment",
        "teaching_post",
        "app_user",
        "audit_log",
        "demo_marker",
        "work_plan",
        "task",
        "task_county",
        "task_event",
        "progress_report",
        "report_document",
        "evidence_document",
        "construction_project",
        "forecast_run",
        "admission_inputs",
        "admission_sign_off",
        "admission_run",
    ] {
        let row = out
            .stdout
            .lines()
            .find(|l| l.contains(&format!(" {table} ")))
            .unwrap();
        assert!(row.ends_with("相同 │"), "{row}");
    }
    assert!(out.stdout.contains("个值全部相同"), "{}", out.stdout);
    assert!(out.stdout.contains("核对通过"), "{}", out.stdout);
    assert!(
        out.stdout.contains("登录会话和登录失败记录不复制"),
        "{}",
        out.stdout
    );
    // The users as listed (role, scope, active flag, times) and the demo mark.
    assert_eq!(users(to), users(from));
    assert!(users(to).contains("停用"));
    assert_eq!(audit_lines(to), audit_lines(from));
    assert!(
        audit_lines(from) >= 6,
        "demo, two users added, one disabled, plan and projects saved"
    );
    // Plans with their ids, history, reports, documents and projects; the
    // project's seats were copied with its school, not added again (the
    // indicator catalogue, seats included, compared equal above).
    let records = plan_records(from);
    assert!(
        records.contains("JN-2026-001") && records.contains("li.county"),
        "{records}"
    );
    assert_eq!(plan_records(to), records);
    assert_eq!(forecast_runs(to), forecast_runs(from));
    assert!(forecast_runs(from).contains("复制前的预测"));
    assert_eq!(admission_records(to), admission_records(from));
    assert!(admission_records(from).contains("复制前的录取"));
    // The small city holds the demo's own plan too (its year follows the
    // day the fixture was made): the counts are the source's.
    let counts = plan_counts(from);
    assert!(out.stderr.contains(&counts), "{counts}\n{}", out.stderr);
}

/// What `edugov copy` reports of the plans: 工作要点, 督办记录, 进展报告,
/// 佐证材料 and 建设项目 of the database, counted through the store.
fn plan_counts(db: &str) -> String {
    use store::prelude::*;
    let store = store::open(&store::DatabaseUrl::parse(db)).unwrap();
    let headers = store.plans().unwrap();
    let (mut events, mut reports, mut documents) = (0, 0, std::collections::HashSet::new());
    for header in &headers {
        events += store.plan_events(header.id).unwrap().len();
        let filed = store.plan_reports(header.id).unwrap();
        reports += filed.len();
        documents.extend(filed.iter().flat_map(|r| r.report.documents.iter().copied()));
    }
    format!(
        "工作要点 {}，督办记录 {events}，进展报告 {reports}，佐证材料 {}，建设项目 {}",
        headers.len(),
        documents.len(),
        store.projects().unwrap().len()
    )
}

#[test]
fn a_copy_into_a_database_that_is_not_empty_is_refused_and_writes_nothing() {
    let (_dir, from) = small_city().copy("refuse-from");
    let (_dir2, to) = empty_db("refuse-to");
    let password = "violet-anchor-drizzle-2024";
    assert_eq!(add(&to, "admin", "city_admin", "3701", password).code, 0);
    let before = users(to.to_str().unwrap());
    let out = copy(from.to_str().unwrap(), to.to_str().unwrap());
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("不是空的") && out.stderr.contains("app_user 1 行"),
        "{}",
        out.stderr
    );
    assert_eq!(users(to.to_str().unwrap()), before);
    assert!(
        edugov(&to, &["summary"]).stdout.is_empty() || !edugov(&to, &["summary"]).stdout.contains("历城区")
    );
}

#[test]
fn a_mistyped_source_file_is_refused_and_not_created() {
    let (dir, to) = empty_db("typo-to");
    let missing = dir.path().join("no-such.db");
    let missing_text = missing.to_str().unwrap();
    for args in [
        vec!["copy", "--from", missing_text, "--to", to.to_str().unwrap()],
        vec!["compare", missing_text, to.to_str().unwrap()],
    ] {
        let out = edugov(&to, &args);
        assert_eq!(out.code, 1, "{args:?}");
        assert!(out.stderr.contains("不存在"), "{}", out.stderr);
        assert!(!missing.exists(), "{args:?} created the mistyped file");
    }
    let out = edugov(&missing, &["backup", dir.path().join("b.db").to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("不存在"), "{}", out.stderr);
    assert!(!missing.exists());
}

#[test]
fn comparing_two_different_databases_names_the_tables_and_fails() {
    let (_dir, other) = city_with_accounts("compare-other");
    let out = edugov(
        Path::new("unused.db"),
        &[
            "compare",
            small_city().db.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let row = out.stdout.lines().find(|l| l.contains(" app_user ")).unwrap();
    assert!(row.contains("不同"), "{row}");
    assert!(out.stdout.contains("核对未通过"), "{}", out.stdout);
}

#[test]
fn a_sqlite_backup_restored_by_copying_the_file_is_the_same_database() {
    let (dir, db) = city_with_accounts("backup");
    let backup = dir.path().join("saved.db");
    let out = edugov(&db, &["backup", backup.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("已备份"), "{}", out.stdout);
    // A second backup never overwrites the first.
    let again = edugov(&db, &["backup", backup.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("已存在"), "{}", again.stderr);
    // The documented restore: the server stopped, the file copied into place.
    let restored = dir.path().join("restored.db");
    std::fs::copy(&backup, &restored).unwrap();
    let out = edugov(
        Path::new("unused.db"),
        &["compare", db.to_str().unwrap(), restored.to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("核对通过"), "{}", out.stdout);
}

#[test]
fn a_city_copied_to_postgresql_and_back_and_restored_from_pg_dump_is_the_same() {
    let Some(pg) = pg_database("copy_there") else {
        return;
    };
    let Some(restored) = pg_database("copy_restored") else {
        return;
    };
    let (dir, from) = city_with_accounts("pg-from");
    let from = from.to_str().unwrap();
    let out = copy(from, &pg.url);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("核对通过"), "{}", out.stdout);

    let back = dir.path().join("back.db");
    let out = copy(&pg.url, back.to_str().unwrap());
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(users(back.to_str().unwrap()), users(from));
    assert_eq!(plan_records(&pg.url), plan_records(from));
    assert_eq!(plan_records(back.to_str().unwrap()), plan_records(from));
    assert_eq!(admission_records(&pg.url), admission_records(from));
    assert_eq!(admission_records(back.to_str().unwrap()), admission_records(from));

    // pg_dump while nothing else runs, then the documented restore into a
    // fresh database.
    let dump = dir.path().join("edugov.dump");
    let out = edugov(Path::new(&pg.url), &["backup", dump.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let status = std::process::Command::new("pg_restore")
        .args(["--clean", "--if-exists", "--no-owner", "-d", &restored.url])
        .arg(&dump)
        .status()
        .unwrap();
    assert!(status.success());
    let out = edugov(Path::new("unused.db"), &["compare", &pg.url, &restored.url]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn once_the_owner_has_migrated_the_application_role_with_only_dml_rights_opens_the_database() {
    let Some(pg) = pg_database("roles") else { return };
    let server = std::env::var("EDUGOV_TEST_PG").unwrap();
    let server = server.trim_end_matches('/');
    let (owner, app) = (format!("{}_owner", pg.name), format!("{}_app", pg.name));
    let admin = |db: &str, sql: &str| {
        let mut client = postgres::Client::connect(&format!("{server}/{db}"), postgres::NoTls).unwrap();
        client.batch_execute(sql).unwrap();
    };
    /// Roles are the cluster's, not the database's: dropped after it, even when the test fails.
    /// The database goes first (its objects belong to the owner).
    struct Roles(String, String, [String; 2]);
    impl Drop for Roles {
        fn drop(&mut self) {
            if let Ok(mut client) = postgres::Client::connect(&self.0, postgres::NoTls) {
                let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.1));
                for role in &self.2 {
                    let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
                }
            }
        }
    }
    let _roles = Roles(
        format!("{server}/postgres"),
        pg.name.clone(),
        [owner.clone(), app.clone()],
    );
    admin(
        "postgres",
        &format!(
            "CREATE ROLE {owner} LOGIN; CREATE ROLE {app} LOGIN; ALTER DATABASE {0} OWNER TO {owner}",
            pg.name
        ),
    );
    admin(
        &pg.name,
        &format!("REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO {owner}; GRANT USAGE ON SCHEMA public TO {app}"),
    );
    // The URL with another user: postgres://USER@host:port/db.
    let as_role = |role: &str| {
        let (scheme, rest) = server.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        format!("{scheme}://{role}@{host}/{}", pg.name)
    };
    let dir = tempfile::tempdir().unwrap();
    // The owner's first open runs the migrations; then the grants of docs/deploy.md.
    let out = edugov(
        Path::new(&as_role(&owner)),
        &["backup", dir.path().join("owner.dump").to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = edugov(
        Path::new(&as_role(&app)),
        &["backup", dir.path().join("early.dump").to_str().unwrap()],
    );
    assert_eq!(
        out.code, 1,
        "before the grants the application role reads nothing"
    );
    admin(
        &pg.name,
        &format!(
            "SET ROLE {owner};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}"
        ),
    );
    let out = edugov(
        Path::new(&as_role(&app)),
        &["backup", dir.path().join("app.dump").to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    drop(pg);
    admin(
        "postgres",
        &format!("DROP ROLE IF EXISTS {owner}; DROP ROLE IF EXISTS {app}"),
    );
}
