//! `cargo xtask <task>`: project chores in Rust instead of shell scripts.
//!
//! - `cargo xtask bench import [--scale S]`: the import benchmark against DuckDB.
//! - `cargo xtask bench indicators [--scale S]`: the catalogue against DuckDB SQL, value by value.
//! - `cargo xtask bench web [--scale S] [--duration SECS] [--connections N]`: the web application under wrk.
//! - `cargo xtask bench store [--scale S] [--pg URL] [--province-scale P | --no-province] [--no-city]`:
//!   SQLite, PostgreSQL and DuckDB side by side: imports, snapshots, the web on PostgreSQL, a province.
//! - `cargo xtask bench forecast [--scale S] [--counties N] [--smoke]`: the school-place forecast, its
//!   backtest on the demo city and a numpy peer (issue 15).
//! - `cargo xtask bench plans [--tasks N] [--counties N] [--events N] [--projects N] [--pg URL]`: the progress
//!   method against open-sdg's (Python), the summary .docx against python-docx, the plan store on both backends.
//! - `cargo xtask bench admission [--smoke] [--matching-budget SECS]`: the admission engine at city and
//!   province size, and against Python `matching` at equal size (issue 16).
//! - `cargo xtask check admission [--instances N] [--demo-scale S]`: the independent checker of the
//!   admission engine — `matching` on the open round, a Fraction re-implementation of the quotas.
//! - `cargo xtask probe idle|login-flood --addr HOST:PORT …`: reachability under idle connections and a login flood, against a running server.
//! - `cargo xtask e2e [--pg URL] [-- PLAYWRIGHT ARGS]`: the end-to-end tests in Debian's Chromium (tests/e2e),
//!   on SQLite, or with `--pg` the tests tagged `@pg` on a fresh PostgreSQL database.
//! - `cargo xtask fuzz [--seconds N] [--seed S] [--runs N] [--replay FILE]`: mutated
//!   spreadsheets through the readers and strings through the identity-number validator.
//! - `cargo xtask tidy`: the repository checks (also run by `cargo test`).

mod bench;
mod bench_admission;
mod bench_forecast;
mod bench_indicators;
mod bench_plans;
mod bench_store;
mod bench_web;
mod check_admission;
mod e2e;
mod fuzz;
mod probe;
mod tidy;

use std::path::PathBuf;

use anyhow::bail;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["bench", "import", rest @ ..] => bench::import(&bench::Options::parse(rest)?),
        ["bench", "indicators", rest @ ..] => bench_indicators::indicators(&bench::Options::parse(rest)?),
        ["bench", "web", rest @ ..] => bench_web::web(&bench_web::Options::parse(rest)?),
        ["bench", "store", rest @ ..] => bench_store::store(&bench_store::Options::parse(rest)?),
        ["bench", "plans", rest @ ..] => bench_plans::plans(&bench_plans::Options::parse(rest)?),
        ["bench", "forecast", rest @ ..] => bench_forecast::forecast(&bench_forecast::Options::parse(rest)?),
        ["bench", "admission", rest @ ..] => bench_admission::admission(&bench_admission::Options::parse(rest)?),
        ["check", "admission", rest @ ..] => check_admission::check(&check_admission::Options::parse(rest)?),
        ["e2e", rest @ ..] => e2e::e2e(rest),
        ["probe", rest @ ..] => probe::probe(rest),
        ["fuzz", rest @ ..] => fuzz::fuzz(&fuzz::Options::parse(rest)?),
        ["tidy"] => {
            let problems = tidy::check(&project_root());
            for p in &problems {
                eprintln!("{p}");
            }
            if problems.is_empty() {
                Ok(())
            } else {
                bail!("{} tidy problem(s)", problems.len())
            }
        }
        _ => bail!("usage:\n  cargo xtask bench import [--scale S] [--seed N] [--keep]\n  cargo xtask bench indicators [--scale S] [--seed N] [--keep]\n  cargo xtask bench web [--scale S] [--duration SECS] [--connections N]\n  cargo xtask bench store [--scale S] [--seed N] [--pg URL] [--province-scale P | --no-province] [--no-city] [--duration SECS]\n  cargo xtask bench plans [--tasks N] [--counties N] [--events N] [--projects N] [--reports N] [--cases N] [--seed S] [--pg URL | --no-pg] [--keep]\n  cargo xtask bench forecast [--scale S] [--counties N] [--seed N] [--repeats N] [--no-python] [--no-demo] [--smoke]\n  cargo xtask bench admission [--smoke] [--matching-budget SECS] [--seed N]\n  cargo xtask check admission [--instances N] [--demo-scale S] [--seed N]\n  cargo xtask probe idle --addr HOST:PORT [--connections N] [--samples N]\n  cargo xtask probe login-flood --addr HOST:PORT [--seconds S] [--flooders N] [--spoof]\n  cargo xtask e2e [--pg postgres://USER@HOST:PORT] [-- PLAYWRIGHT ARGS]\n  cargo xtask fuzz [--seconds N] [--seed S] [--runs N] [--replay FILE]\n  cargo xtask tidy"),
    }
}

pub fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
