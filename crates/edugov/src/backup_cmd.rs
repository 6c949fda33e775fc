//! `edugov backup FILE`: a consistent copy of the whole database taken while
//! the server runs — SQLite's online backup (a database file), or
//! `pg_dump`'s custom format for PostgreSQL. Restoring is in docs/deploy.md
//! (SQLite: stop the server, put the file in place; PostgreSQL:
//! `pg_restore --clean --if-exists --no-owner -d URL FILE`); `edugov
//! compare` checks a restored database against the original.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use store::prelude::*;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (it must not exist yet)
    file: PathBuf,
}

pub fn run(db: &store::DatabaseUrl, args: BackupArgs) -> anyhow::Result<ExitCode> {
    if args.file.exists() {
        bail!(
            "备份文件 {} 已存在：请换一个文件名，不覆盖旧的备份",
            args.file.display()
        );
    }
    let started = Instant::now();
    let mut store = crate::open_existing_store(db)?;
    store
        .backup(&args.file)
        .with_context(|| format!("无法把 {db} 备份到 {}", args.file.display()))?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    println!(
        "已备份 {db}（{}）→ {}：{:.1} MB，{:.1} 秒",
        store.backend().name(),
        args.file.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
