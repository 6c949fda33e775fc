//! Tests of TLS to PostgreSQL against a server that speaks it: the
//! throwaway cluster of `scripts/pg-throwaway`, whose base URL is
//! `EDUGOV_TEST_PG` and whose CA certificate is `EDUGOV_TEST_PG_CA`
//! (`scripts/pg-throwaway ca`; .ci/run sets both). Its server certificate
//! names IP 127.0.0.1 only. Without both variables the tests say they were
//! skipped; with `CI=true` they fail instead.

use std::io::Write;

use postgres::Client;

use super::{tls, PgStore};
use crate::{Maintenance, StoreError};

/// A CA certificate that signed nothing the test cluster shows.
const OTHER_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls-other-ca.pem");

/// The cluster's base URL, with a password that must never be shown (trust
/// authentication ignores it), and its CA; `None` when the test skips.
fn server(test: &str) -> Option<(String, String)> {
    let (Ok(base), Ok(ca)) = (
        std::env::var("EDUGOV_TEST_PG"),
        std::env::var("EDUGOV_TEST_PG_CA"),
    ) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "EDUGOV_TEST_PG or EDUGOV_TEST_PG_CA is not set: CI must run the TLS tests (scripts/pg-throwaway)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: EDUGOV_TEST_PG and EDUGOV_TEST_PG_CA (a cluster with TLS: scripts/pg-throwaway) are not both set"
        );
        return None;
    };
    let base = base
        .trim_end_matches('/')
        .replacen("://postgres@", "://postgres:s3cret@", 1);
    Some((base, ca))
}

/// Whether the server sees this connection encrypted.
fn encrypted(client: &mut Client) -> bool {
    client
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .unwrap()
        .get(0)
}

fn connect_error(url: &str) -> String {
    match tls::connect(url) {
        Ok(_) => panic!("{url} connected"),
        Err(error @ StoreError::Connect { .. }) => error.to_string(),
        Err(other) => panic!("not a connection error: {other:?}"),
    }
}

#[test]
fn sslmode_require_encrypts_the_connection() {
    let Some((base, _)) = server("sslmode_require_encrypts_the_connection") else {
        return;
    };
    let mut client = tls::connect(&format!("{base}/postgres?sslmode=require")).unwrap();
    assert!(encrypted(&mut client));
}

#[test]
fn without_sslmode_tls_is_used_when_the_server_offers_it() {
    let Some((base, _)) = server("without_sslmode_tls_is_used_when_the_server_offers_it") else {
        return;
    };
    let mut client = tls::connect(&format!("{base}/postgres")).unwrap();
    assert!(
        encrypted(&mut client),
        "libpq's default, prefer, encrypts when it can"
    );
}

#[test]
fn sslmode_disable_connects_in_the_clear() {
    let Some((base, _)) = server("sslmode_disable_connects_in_the_clear") else {
        return;
    };
    let mut client = tls::connect(&format!("{base}/postgres?sslmode=disable")).unwrap();
    assert!(!encrypted(&mut client));
}

#[test]
fn verify_full_against_the_right_ca_connects_encrypted() {
    let Some((base, ca)) = server("verify_full_against_the_right_ca_connects_encrypted") else {
        return;
    };
    let mut client = tls::connect(&format!("{base}/postgres?sslmode=verify-full&sslrootcert={ca}")).unwrap();
    assert!(encrypted(&mut client));
}

#[test]
fn verify_full_against_a_wrong_ca_is_refused_with_a_clear_error() {
    let Some((base, _)) = server("verify_full_against_a_wrong_ca_is_refused_with_a_clear_error") else {
        return;
    };
    let error = connect_error(&format!(
        "{base}/postgres?sslmode=verify-full&sslrootcert={OTHER_CA}"
    ));
    assert!(error.contains("服务器证书不是由信任的根证书签发"), "{error}");
    assert!(
        error.contains(OTHER_CA),
        "the message names the roots used: {error}"
    );
    assert!(error.contains("postgres:***@"), "{error}");
    assert!(!error.contains("s3cret"), "{error}");
}

#[test]
fn require_with_a_wrong_root_file_is_refused_as_libpq_refuses_it() {
    let Some((base, _)) = server("require_with_a_wrong_root_file_is_refused_as_libpq_refuses_it") else {
        return;
    };
    let error = connect_error(&format!("{base}/postgres?sslmode=require&sslrootcert={OTHER_CA}"));
    assert!(error.contains("服务器证书不是由信任的根证书签发"), "{error}");
}

#[test]
fn verify_full_refuses_a_host_the_certificate_does_not_name_and_verify_ca_accepts_it() {
    let test = "verify_full_refuses_a_host_the_certificate_does_not_name_and_verify_ca_accepts_it";
    let Some((base, ca)) = server(test) else {
        return;
    };
    if !base.contains("@127.0.0.1:") {
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: EDUGOV_TEST_PG is not on 127.0.0.1"
        );
        return;
    }
    let by_name = base.replacen("@127.0.0.1:", "@localhost:", 1);
    let error = connect_error(&format!(
        "{by_name}/postgres?sslmode=verify-full&sslrootcert={ca}"
    ));
    assert!(error.contains("服务器证书上的名称与连接的主机不符"), "{error}");
    let mut client = tls::connect(&format!("{by_name}/postgres?sslmode=verify-ca&sslrootcert={ca}")).unwrap();
    assert!(encrypted(&mut client));
}

#[test]
fn a_store_opened_with_verify_full_works_and_backs_up_through_pg_dump_with_the_same_sslmode() {
    let test = "a_store_opened_with_verify_full_works_and_backs_up_through_pg_dump_with_the_same_sslmode";
    let Some((base, ca)) = server(test) else {
        return;
    };
    let name = format!("tls_backup_{}", std::process::id());
    let mut admin = tls::connect(&format!("{base}/postgres?sslmode=require")).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let url = format!("{base}/{name}?sslmode=verify-full&sslrootcert={ca}");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut store = PgStore::open(&url).unwrap();
        assert!(encrypted(&mut store.conn.borrow_mut()));
        let good = dir.path().join("good.dump");
        store.backup(&good).unwrap();
        assert!(std::fs::metadata(&good).unwrap().len() > 0);

        // pg_dump reads sslmode and sslrootcert from the URL itself: with
        // the wrong CA it refuses the server as edugov does.
        store.url = format!("{base}/{name}?sslmode=verify-full&sslrootcert={OTHER_CA}");
        let refused = dir.path().join("refused.dump");
        let error = store.backup(&refused).unwrap_err().to_string();
        assert!(error.contains("pg_dump 失败"), "{error}");
        assert!(error.contains("certificate"), "{error}");
        assert!(!refused.exists());
    }));
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
