//! Repository rules that are cheaper to check than to review: every Rust
//! file opens with a `//!` doc; the pure crates name no storage, web or async
//! dependency; no `#[ignore]`d tests; no trailing whitespace.

use std::path::{Path, PathBuf};

/// Crates that must stay pure (no I/O): their manifests may not name these.
const PURE_CRATES: [&str; 5] = ["registry", "demo", "indicators", "indicator-expr", "access"];
const IMPURE_DEPENDENCIES: [&str; 9] = [
    "rusqlite",
    "sqlx",
    "postgres",
    "tokio",
    "axum",
    "hyper",
    "calamine",
    "rust_xlsxwriter",
    "store",
];

pub fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in ["crates", "xtask"] {
        collect_rust_files(&root.join(dir), &mut files);
    }
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            problems.push(format!("{}: unreadable", file.display()));
            continue;
        };
        let shown = file.strip_prefix(root).unwrap_or(file).display().to_string();
        if !text.trim_start().starts_with("//!") {
            problems.push(format!(
                "{shown}: a module starts with a `//!` doc saying what it is for"
            ));
        }
        let ignore_attribute = ["#[", "ignore]"].concat();
        for (i, line) in text.lines().enumerate() {
            if line.ends_with(' ') || line.ends_with('\t') {
                problems.push(format!("{shown}:{}: trailing whitespace", i + 1));
            }
            if line.trim_start().starts_with(&ignore_attribute) {
                problems.push(format!(
                    "{shown}:{}: no ignored tests; gate slow ones on an env var",
                    i + 1
                ));
            }
        }
    }
    for name in PURE_CRATES {
        let manifest = root.join("crates").join(name).join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        for line in text.lines() {
            let dependency = line.split(['=', '.', ' ']).next().unwrap_or("");
            if IMPURE_DEPENDENCIES.contains(&dependency) {
                problems.push(format!(
                    "crates/{name}/Cargo.toml: `{dependency}` — {name} is pure domain code and may not depend on storage, web or async crates"
                ));
            }
        }
    }
    problems
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_repository_is_tidy() {
        let problems = super::check(&crate::project_root());
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn tidy_notices_a_missing_module_doc_and_an_impure_dependency() {
        let dir = std::env::temp_dir().join(format!("edugov-tidy-{}", std::process::id()));
        let src = dir.join("crates/registry/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(
            dir.join("crates/registry/Cargo.toml"),
            "[dependencies]\nrusqlite.workspace = true\n",
        )
        .unwrap();
        let problems = super::check(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
