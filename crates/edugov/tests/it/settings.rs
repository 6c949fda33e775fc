//! Settings from one place: defaults, then the configuration file, then the
//! environment, then the flags; `edugov settings` and `serve
//! --print-settings` say where each value came from.

use std::path::Path;

use crate::{command, run, small_city};

fn row<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(&format!(" {name} ")))
        .unwrap_or_else(|| panic!("no row {name} in\n{out}"))
}

#[test]
fn a_setting_comes_from_the_file_then_the_environment_then_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("edugov.toml");
    std::fs::write(
        &config,
        "database = \"postgres://edugov:p%40ss@db.example:5432/edugov\"\n\
         pool_size = 8\n\
         [server]\nheader_timeout = 20\nrequest_timeout = 30\ntrusted_proxies = [\"10.0.0.0/8\"]\n\
         [import]\nmax_rows = 500000\n",
    )
    .unwrap();
    let settings = |extra: &[&str], env: &[(&str, &str)]| {
        // Not `command`, which passes --db: here the file names the database.
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_edugov"));
        c.env_remove("EDUGOV_DB")
            .env_remove("EDUGOV_POOL_SIZE")
            .env_remove("EDUGOV_CONFIG");
        c.arg("--config").arg(&config).args(extra);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = run(c);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let out = settings(&["settings"], &[("EDUGOV_REQUEST_TIMEOUT", "45")]);
    let database = row(&out, "database");
    assert!(
        database.contains("postgres://edugov:***@db.example:5432/edugov"),
        "{database}"
    );
    assert!(!out.contains("p%40ss") && !out.contains("p@ss"), "{out}");
    assert!(row(&out, "pool_size").contains(" 8 ") && row(&out, "pool_size").contains("配置文件"));
    assert!(row(&out, "server.header_timeout").contains(" 20 "));
    let request = row(&out, "server.request_timeout");
    assert!(
        request.contains(" 45 ") && request.contains("环境变量 EDUGOV_REQUEST_TIMEOUT"),
        "{request}"
    );
    assert!(
        row(&out, "server.import_timeout").contains(" 1800 ")
            && row(&out, "server.import_timeout").contains("默认")
    );
    assert!(row(&out, "server.trusted_proxies").contains("10.0.0.0/8"));
    assert!(row(&out, "import.max_rows").contains("500000"));

    let out = settings(
        &["serve", "--pool-size", "16", "--print-settings"],
        &[("EDUGOV_POOL_SIZE", "12")],
    );
    let pool = row(&out, "pool_size");
    assert!(
        pool.contains(" 16 ") && pool.contains("命令行 --pool-size"),
        "{pool}"
    );
    let out = settings(&["settings"], &[("EDUGOV_POOL_SIZE", "12")]);
    assert!(row(&out, "pool_size").contains(" 12 "));
}

#[test]
fn an_unknown_key_in_the_file_or_a_bad_value_is_refused_naming_it_and_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("edugov.toml");
    std::fs::write(&config, "pool_sise = 3\n").unwrap();
    let mut c = command(
        Path::new("x.db"),
        &["--config", config.to_str().unwrap(), "settings"],
    );
    let out = run(c);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("pool_sise 不存在"), "{}", out.stderr);

    c = command(Path::new("x.db"), &["settings"]);
    c.env("EDUGOV_HEADER_TIMEOUT", "soon");
    let out = run(c);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "错误：设置 server.header_timeout（来自环境变量 EDUGOV_HEADER_TIMEOUT）应为正整数，现为“soon”\n"
    );
    let out = run(command(
        Path::new("x.db"),
        &["serve", "--city", "370112", "--print-settings"],
    ));
    assert!(out.stderr.contains("应为市级代码"), "{}", out.stderr);
}

#[test]
fn the_import_limits_of_the_configuration_file_bind_edugov_import() {
    let city = small_city();
    let (dir, db) = city.copy("limits");
    let config = dir.path().join("edugov.toml");
    std::fs::write(&config, "[import]\nmax_rows = 10\n").unwrap();
    let schools = city.dir.join("schools.csv");
    let args = [
        "--config",
        config.to_str().unwrap(),
        "import",
        schools.to_str().unwrap(),
        "--dry-run",
    ];
    let out = run(command(&db, &args));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("超过 10 行"), "{}", out.stderr);
    // A flag still wins over the file.
    let mut args = args.to_vec();
    args.extend(["--max-rows", "100000"]);
    let out = run(command(&db, &args));
    assert_eq!(out.code, 0, "{}", out.stderr);
}
