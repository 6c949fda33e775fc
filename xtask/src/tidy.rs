//! Repository rules that are cheaper to check than to review: every Rust
//! file opens with a `//!` doc; the pure crates name no storage, web or async
//! dependency; no `#[ignore]`d tests; no trailing whitespace; the web
//! crate's modules use only the layers below their own (no import cycle).

use std::path::{Path, PathBuf};

/// Crates that must stay pure (no I/O): their manifests may not name these.
const PURE_CRATES: [&str; 9] = [
    "registry",
    "admission",
    "demo",
    "indicators",
    "indicator-expr",
    "access",
    "plans",
    "gongwen",
    "forecast",
];
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

/// The web crate's modules, lowest layer first: a module may name
/// (`crate::x`) only modules of lower layers, so the shared state never
/// knows a page and the pages are built on one path (issue 11, point 9).
/// `pages/*` count as `pages`; names that are no module (the crate root's
/// `router`) only the top layer may use.
pub const WEB_LAYERS: &[&[&str]] = &[
    &["i18n", "reports", "assets", "data", "download"],
    &["views"],
    &["state"],
    &["client", "error"],
    &["auth"],
    &["layout"],
    &["extract"],
    &["pages"],
    &["api"],
    &["server"],
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
        let ignore_attribute = ["#[", "ignore"].concat();
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
    problems.extend(drivers_only_in_store(root));
    problems.extend(web_layers(&root.join("crates/web/src")));
    problems
}

/// Database drivers: only the store may depend on one.
const DATABASE_DRIVERS: [&str; 7] = [
    "rusqlite",
    "postgres",
    "tokio-postgres",
    "tokio-postgres-rustls",
    "sqlx",
    "diesel",
    "r2d2_postgres",
];

/// Every crate but `store` reaches the database through the store's traits
/// (issue 13, point 1): its `[dependencies]` name no driver. Tests may (a
/// `[dev-dependencies]` entry), to break a database on purpose.
fn drivers_only_in_store(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join("crates")) else {
        return problems;
    };
    let mut manifests: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("Cargo.toml"))
        .filter(|m| m.exists() && !m.starts_with(root.join("crates/store")))
        .collect();
    manifests.push(root.join("xtask/Cargo.toml"));
    for manifest in manifests {
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let shown = manifest
            .strip_prefix(root)
            .unwrap_or(&manifest)
            .display()
            .to_string();
        problems.extend(driver_dependencies(&text).into_iter().map(|driver| {
            format!("{shown}: `{driver}` — only crates/store talks to a database; use the store's traits")
        }));
    }
    problems
}

/// The drivers a manifest's `[dependencies]` section names.
fn driver_dependencies(manifest: &str) -> Vec<String> {
    let mut section = "";
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        if section == "[dependencies]" && DATABASE_DRIVERS.contains(&name) {
            found.push(name.to_owned());
        }
    }
    found
}

/// Violations of [`WEB_LAYERS`] in the web crate's sources under `src`.
fn web_layers(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_rust_files(src, &mut files);
    let layer_of = |module: &str| WEB_LAYERS.iter().position(|layer| layer.contains(&module));
    let mut problems = Vec::new();
    for file in &files {
        let Ok(relative) = file.strip_prefix(src) else {
            continue;
        };
        let module = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned())
            .unwrap_or_default();
        if module == "lib" || module == "main" {
            continue;
        }
        let shown = format!("crates/web/src/{}", relative.display());
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "{shown}: module `{module}` is in no layer of xtask/src/tidy.rs WEB_LAYERS; add it where it belongs"
            ));
            continue;
        };
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                if used == module {
                    continue;
                }
                let allowed = match layer_of(&used) {
                    Some(layer) => layer < own,
                    None => own == WEB_LAYERS.len() - 1,
                };
                if !allowed {
                    problems.push(format!(
                        "{shown}:{}: `{module}` may not use `crate::{used}` (a higher or the same layer in WEB_LAYERS: an import cycle)",
                        i + 1
                    ));
                }
            }
        }
    }
    problems
}

/// The first segments of the `crate::…` paths a line names, including
/// `use crate::{a, b::c}`.
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let word = |text: &str| -> String {
            text.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name = word(item.trim());
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name = word(after);
            if !name.is_empty() {
                found.push(name);
            }
        }
        rest = after;
    }
    found
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
mod driver_tests {
    #[test]
    fn a_driver_is_found_in_dependencies_but_not_in_dev_dependencies() {
        let manifest = "[dependencies]\nregistry.workspace = true\npostgres = \"0.19\"\n\n[dev-dependencies]\nrusqlite.workspace = true\n";
        assert_eq!(super::driver_dependencies(manifest), ["postgres"]);
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
        // The missing doc, the impure dependency, and a driver outside the store.
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn tidy_notices_a_web_module_that_uses_a_higher_layer() {
        let dir = std::env::temp_dir().join(format!("edugov-tidy-web-{}", std::process::id()));
        let src = dir.join("crates/web/src");
        std::fs::create_dir_all(src.join("pages")).unwrap();
        // The shared state naming a page's type: the cycle issue 11 removed.
        std::fs::write(
            src.join("state.rs"),
            "//! s\nuse crate::views::X;\npub type Y = crate::pages::overview::Z;\n",
        )
        .unwrap();
        std::fs::write(
            src.join("pages/mod.rs"),
            "//! p\nuse crate::{state, data::rows};\n",
        )
        .unwrap();
        std::fs::write(src.join("stray.rs"), "//! a module in no layer\n").unwrap();
        let problems = super::web_layers(&src);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("`state` may not use `crate::pages`")
                || problems[1].contains("`state` may not use `crate::pages`"),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("stray.rs")), "{problems:?}");
    }

    #[test]
    fn crate_paths_are_read_from_plain_and_grouped_uses() {
        assert_eq!(
            super::crate_paths("use crate::{auth::Ctx, data};"),
            ["auth", "data"]
        );
        assert_eq!(
            super::crate_paths("let x = crate::pages::visible(a, crate::data::f());"),
            ["pages", "data"]
        );
    }
}
