//! `cargo xtask bench import`: generate the demo city, export it to CSV,
//! time `edugov import` of those files into a fresh database, and in the
//! same run time DuckDB loading the same CSV files into its own database
//! file. Prints rows per second, peak memory and the ratio edugov / DuckDB.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub struct Options {
    pub scale: String,
    pub seed: String,
    pub keep: bool,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut options = Options {
            scale: "1.0".into(),
            seed: "42".into(),
            keep: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match *arg {
                "--scale" => options.scale = it.next().context("--scale needs a value")?.to_string(),
                "--seed" => options.seed = it.next().context("--seed needs a value")?.to_string(),
                "--keep" => options.keep = true,
                other => bail!("unknown option {other}"),
            }
        }
        Ok(options)
    }
}

/// Entities in dependency order: each file's references exist once the
/// earlier ones are in.
pub(crate) const ENTITIES: [(&str, &str); 6] = [
    ("schools", "学校"),
    ("facilities", "办学条件"),
    ("classes", "班级"),
    ("students", "学生"),
    ("teachers", "教师"),
    ("population", "人口"),
];

pub(crate) struct Run {
    pub seconds: f64,
    pub peak_mib: f64,
    /// User + system CPU time of the process and its threads: on a machine
    /// others share, it moves less than the wall time.
    pub cpu_seconds: f64,
}

pub fn import(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let out = root.join("bench-out");
    std::fs::create_dir_all(&out)?;
    let edugov = build_edugov(&root)?;
    let demo_db = out.join("demo.db");
    let import_db = out.join("import.db");
    let duck_db = out.join("duck.duckdb");
    for db in [&demo_db, &import_db, &duck_db] {
        remove_db(db);
    }

    println!(
        "== edugov import benchmark (scale {}, seed {}) ==",
        options.scale, options.seed
    );
    let demo = run_measured(Command::new(&edugov).args(["--db"]).arg(&demo_db).args([
        "demo",
        "--scale",
        &options.scale,
        "--seed",
        &options.seed,
    ]))?;
    println!(
        "demo city generated in {:.1} s (peak {:.0} MiB)",
        demo.seconds, demo.peak_mib
    );

    let mut files = Vec::new();
    let mut rows_total = 0u64;
    for (entity, _) in ENTITIES {
        let file = out.join(format!("{entity}.csv"));
        let status = Command::new(&edugov)
            .arg("--db")
            .arg(&demo_db)
            .args(["export", entity, "--format", "csv", "--unmasked", "--output"])
            .arg(&file)
            .env("EDUGOV_ALLOW_UNMASKED", "1")
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("export of {entity} failed");
        }
        let rows = count_rows(&file)?;
        rows_total += rows;
        files.push((entity, file, rows));
    }

    let mut edugov_seconds = 0.0;
    let mut edugov_peak: f64 = 0.0;
    println!(
        "\n{:<12} {:>10} {:>10} {:>12} {:>10}",
        "file", "rows", "edugov s", "rows/s", "peak MiB"
    );
    for (entity, file, rows) in &files {
        let run = run_measured(
            Command::new(&edugov)
                .arg("--db")
                .arg(&import_db)
                .arg("import")
                .arg(file),
        )?;
        edugov_seconds += run.seconds;
        edugov_peak = edugov_peak.max(run.peak_mib);
        println!(
            "{:<12} {:>10} {:>10.2} {:>12.0} {:>10.0}",
            entity,
            rows,
            run.seconds,
            *rows as f64 / run.seconds,
            run.peak_mib
        );
    }
    println!(
        "{:<12} {:>10} {:>10.2} {:>12.0} {:>10.0}",
        "edugov all",
        rows_total,
        edugov_seconds,
        rows_total as f64 / edugov_seconds,
        edugov_peak
    );

    let duck = duckdb_load(&root, &files, &duck_db)?;
    println!(
        "{:<12} {:>10} {:>10.2} {:>12.0} {:>10.0}",
        "duckdb all",
        rows_total,
        duck.seconds,
        rows_total as f64 / duck.seconds,
        duck.peak_mib
    );
    println!(
        "\nratio edugov / DuckDB: {:.2}× (edugov parses, validates every row and commits with indexes; DuckDB loads plain tables)",
        edugov_seconds / duck.seconds
    );
    println!("goal: full city under 15 s and within 3× DuckDB");
    if !options.keep {
        for db in [&demo_db, &import_db, &duck_db] {
            remove_db(db);
        }
        for (_, file, _) in &files {
            let _ = std::fs::remove_file(file);
        }
    }
    Ok(())
}

/// Installs DuckDB's Python package with pip when it is missing.
pub fn ensure_duckdb() -> anyhow::Result<()> {
    ensure_pip("duckdb", "duckdb")
}

/// Installs a Python package with pip when `import module` fails.
pub fn ensure_pip(module: &str, package: &str) -> anyhow::Result<()> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let present = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status()?
        .success();
    if !present {
        println!("(installing {package} with pip)");
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", package])
            .status()?;
        if !status.success() {
            bail!("pip install {package} failed");
        }
    }
    Ok(())
}

/// The release `edugov`, built now; or the binary `EDUGOV_BENCH_BIN` names
/// (to try a benchmark's plumbing at a tiny scale with a debug build —
/// never for figures).
pub fn build_edugov(root: &Path) -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("EDUGOV_BENCH_BIN") {
        println!("(edugov from EDUGOV_BENCH_BIN: {})", Path::new(&bin).display());
        return Ok(PathBuf::from(bin));
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "--quiet", "-p", "edugov"])
        .status()?;
    if !status.success() {
        bail!("cargo build --release -p edugov failed");
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    Ok(target.join("release").join("edugov"))
}

/// DuckDB's load of the same files: the whole (what the ratios use) and
/// each table's share.
pub(crate) struct DuckLoad {
    pub seconds: f64,
    pub peak_mib: f64,
    /// Of the whole Python process (DuckDB uses every core).
    pub cpu_seconds: f64,
    /// Seconds per file, in the order given.
    pub tables: Vec<f64>,
}

/// DuckDB loads each CSV into its own table in a database file; timed
/// inside Python so interpreter start-up is not counted against it. The
/// closing checkpoint (writing the tables to the file) counts in the whole,
/// not in any table.
pub(crate) fn duckdb_load(
    root: &Path,
    files: &[(&str, PathBuf, u64)],
    db: &Path,
) -> anyhow::Result<DuckLoad> {
    ensure_duckdb()?;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut script = String::from("import duckdb, json, time\n");
    script.push_str(&format!(
        "con = duckdb.connect({:?})\ncon.execute('SET enable_progress_bar = false')\ntables = []\nstart = time.perf_counter()\n",
        db.display().to_string()
    ));
    for (entity, file, _) in files {
        // Paths are ours (bench-out/…/<entity>.csv): no quote inside to escape.
        script.push_str(&format!(
            "t = time.perf_counter()\ncon.execute(\"CREATE TABLE {entity} AS SELECT * FROM read_csv('{}', header=true)\")\ntables.append(time.perf_counter() - t)\n",
            file.display()
        ));
    }
    script.push_str(
        "con.execute('CHECKPOINT')\nprint(json.dumps({'seconds': time.perf_counter() - start, 'tables': tables}))\n",
    );
    let output = spawn_measured(Command::new(python).current_dir(root).args(["-c", &script]))?;
    let last_line = output
        .stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let json: serde_json::Value =
        serde_json::from_str(last_line).with_context(|| format!("duckdb printed {:?}", output.stdout))?;
    let seconds = json["seconds"]
        .as_f64()
        .with_context(|| format!("duckdb printed {:?}", output.stdout))?;
    let tables = json["tables"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default();
    Ok(DuckLoad {
        seconds,
        peak_mib: output.peak_mib,
        cpu_seconds: output.cpu_seconds,
        tables,
    })
}

pub(crate) fn run_measured(command: &mut Command) -> anyhow::Result<Run> {
    let started = Instant::now();
    let output = spawn_measured(command)?;
    Ok(Run {
        seconds: started.elapsed().as_secs_f64(),
        peak_mib: output.peak_mib,
        cpu_seconds: output.cpu_seconds,
    })
}

pub(crate) struct Measured {
    pub stdout: String,
    pub peak_mib: f64,
    pub cpu_seconds: f64,
}

/// Runs a command and samples its peak resident memory (VmHWM, a high-water
/// mark, so sampling every 20 ms loses at most the last moments) and its
/// CPU time (`/proc/<pid>/stat`, the same way: at most 20 ms short).
pub(crate) fn spawn_measured(command: &mut Command) -> anyhow::Result<Measured> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let stat_file = format!("/proc/{}/stat", child.id());
    let mut peak_kib = 0u64;
    let mut cpu_seconds = 0f64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Ok(text) = std::fs::read_to_string(&stat_file) {
            cpu_seconds = cpu_seconds.max(stat_cpu_seconds(&text));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output()?;
    if !status.success() {
        bail!(
            "{:?} failed: {}",
            command,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Measured {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        peak_mib: peak_kib as f64 / 1024.0,
        cpu_seconds,
    })
}

/// utime + stime of a `/proc/<pid>/stat` line, in seconds (100 ticks a
/// second, Linux's USER_HZ). Fields are counted after the `)` that ends the
/// command name, which may itself hold spaces.
fn stat_cpu_seconds(stat: &str) -> f64 {
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

pub(crate) fn count_rows(file: &Path) -> anyhow::Result<u64> {
    let text = std::fs::read(file)?;
    Ok(text.iter().filter(|b| **b == b'\n').count().saturating_sub(1) as u64)
}

pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", ".wal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_time_is_read_after_a_command_name_with_spaces() {
        let stat = "4242 (edu gov) S 1 4242 4242 0 -1 4194304 500 0 0 0 250 125 0 0 20 0 3 0 100 0 0";
        assert_eq!(super::stat_cpu_seconds(stat), 3.75);
    }
}
