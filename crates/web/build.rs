//! Front-end libraries come from npm (`assets/package.json` and its
//! lockfile), never from copies in the repository: `npm ci` installs them
//! when they are missing, and the files the pages need are copied into
//! OUT_DIR, from where `src/assets.rs` embeds them in the binary.

use std::path::Path;
use std::process::Command;

const FILES: [(&str, &str); 2] = [
    ("echarts/dist/echarts.min.js", "echarts.min.js"),
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
];

fn main() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    println!("cargo:rerun-if-changed=assets/package.json");
    println!("cargo:rerun-if-changed=assets/package-lock.json");
    let modules = assets.join("node_modules");
    if FILES.iter().any(|(from, _)| !modules.join(from).exists()) {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&assets)
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!(
                "`npm ci` in {} failed ({other:?}): the web pages need echarts and htmx from npm; install Node.js and npm",
                assets.display()
            ),
        }
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| panic!("OUT_DIR is set by cargo"));
    for (from, to) in FILES {
        let source = modules.join(from);
        std::fs::copy(&source, Path::new(&out).join(to))
            .unwrap_or_else(|e| panic!("copy {}: {e}", source.display()));
        println!("cargo:rerun-if-changed={}", source.display());
    }
}
