//! Test helper (a dev-dependency only): checks a generated .docx the way a
//! bureau would see it. [`convert`] writes the file under
//! `target/artefacts/<name>/`, converts it to PDF with LibreOffice
//! (`soffice --headless`, a private profile per call so parallel tests do not
//! clash, a timeout), extracts the PDF's text with `pdftotext` and renders
//! page 1 to a PNG with `pdftoppm`, kept as the test's artefact.
//!
//! LibreOffice runs with [`FONTCONFIG`], which maps the 公文 font names to
//! the CJK fonts Debian has.
//!
//! When LibreOffice or poppler-utils is missing, [`convert`] prints one line
//! and returns `Ok(None)` — except under `CI=true`, where it is an error, so
//! CI never passes without having looked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long one conversion may take (LibreOffice's first start with a fresh
/// profile takes a few seconds; a hang is killed).
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// The fontconfig file every conversion uses: the system's configuration
/// plus the 公文 font names (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体,
/// 宋体) mapped to Noto Serif/Sans CJK SC, so the PDF shows Song and Hei
/// shapes where the names ask for them instead of one fallback font.
pub const FONTCONFIG: &str = include_str!("../fonts.conf");

/// What a conversion produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The .docx as written.
    pub docx: PathBuf,
    /// LibreOffice's PDF.
    pub pdf: PathBuf,
    /// Page 1 at 80 dpi.
    pub png: PathBuf,
    /// The PDF's text (`pdftotext -layout`).
    pub text: String,
    /// The number of pages (from `pdfinfo`, 0 if it could not tell).
    pub pages: u32,
    /// The fonts embedded in the PDF (from `pdffonts`, subset prefix
    /// removed, e.g. "NotoSerifCJKjp-Regular-VKana"): which faces the
    /// document's font names became.
    pub fonts: Vec<String>,
    /// How long LibreOffice took.
    pub convert_time: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(
        "CI=true but {0} is not installed (.ci/run installs libreoffice-writer-nogui and poppler-utils)"
    )]
    Missing(&'static str),
    #[error("{step}: {message}")]
    Failed { step: &'static str, message: String },
}

/// Converts `docx` (named `name`, e.g. "gongwen-sample") and returns what
/// LibreOffice made of it, or `Ok(None)` when the tools are missing outside
/// CI (one line printed).
pub fn convert(docx: &[u8], name: &str) -> Result<Option<Rendered>, CheckError> {
    let Some(soffice) = ["soffice", "libreoffice"].into_iter().find(|p| on_path(p)) else {
        return missing("LibreOffice (soffice)");
    };
    for tool in ["pdftotext", "pdftoppm"] {
        if !on_path(tool) {
            return missing("poppler-utils (pdftotext, pdftoppm)");
        }
    }
    let dir = artefact_dir(name);
    std::fs::create_dir_all(&dir).map_err(|e| failed("create the artefact folder", e))?;
    let docx_path = dir.join(format!("{name}.docx"));
    std::fs::write(&docx_path, docx).map_err(|e| failed("write the .docx", e))?;
    let pdf = dir.join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);

    static RUN: AtomicU32 = AtomicU32::new(0);
    let profile = std::env::temp_dir().join(format!(
        "office-check-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&profile).map_err(|e| failed("create the profile folder", e))?;
    let fonts = profile.join("fonts.conf");
    std::fs::write(&fonts, FONTCONFIG).map_err(|e| failed("write fonts.conf", e))?;
    let started = Instant::now();
    let status = run_with_timeout(
        Command::new(soffice)
            .env("FONTCONFIG_FILE", &fonts)
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&docx_path),
        TIMEOUT,
    );
    let convert_time = started.elapsed();
    let _ = std::fs::remove_dir_all(&profile);
    status.map_err(|m| CheckError::Failed {
        step: "soffice --convert-to pdf",
        message: m,
    })?;
    if !pdf.exists() {
        return Err(CheckError::Failed {
            step: "soffice --convert-to pdf",
            message: format!("no PDF at {}", pdf.display()),
        });
    }

    let text_out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .map_err(|e| failed("pdftotext", e))?;
    if !text_out.status.success() {
        return Err(CheckError::Failed {
            step: "pdftotext",
            message: String::from_utf8_lossy(&text_out.stderr).into_owned(),
        });
    }
    let text = String::from_utf8_lossy(&text_out.stdout).into_owned();

    let png_prefix = dir.join(format!("{name}-page1"));
    let ppm = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png_prefix)
        .output()
        .map_err(|e| failed("pdftoppm", e))?;
    if !ppm.status.success() {
        return Err(CheckError::Failed {
            step: "pdftoppm",
            message: String::from_utf8_lossy(&ppm.stderr).into_owned(),
        });
    }
    let png = png_prefix.with_extension("png");

    Ok(Some(Rendered {
        docx: docx_path,
        pdf: pdf.clone(),
        png,
        text,
        pages: page_count(&pdf),
        fonts: embedded_fonts(&pdf),
        convert_time,
    }))
}

/// `target/artefacts/<name>`: the target folder from `CARGO_TARGET_DIR`, or
/// the workspace's (the nearest folder above the test's crate holding a
/// Cargo.lock), or the system temp folder.
pub fn artefact_dir(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
            manifest
                .ancestors()
                .find(|d| d.join("Cargo.lock").exists())
                .map(|root| root.join("target"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join("office-check-target"));
    target.join("artefacts").join(name)
}

/// Whether this run is CI's (`CI=true`), where missing tools are an error.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn missing(tool: &'static str) -> Result<Option<Rendered>, CheckError> {
    missing_when(tool, in_ci())
}

fn missing_when(tool: &'static str, ci: bool) -> Result<Option<Rendered>, CheckError> {
    if ci {
        return Err(CheckError::Missing(tool));
    }
    println!("skipped: {tool} is not installed; the LibreOffice check did not run");
    Ok(None)
}

fn failed(step: &'static str, e: std::io::Error) -> CheckError {
    CheckError::Failed {
        step,
        message: e.to_string(),
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| is_executable(&d.join(program))))
}

fn is_executable(path: &Path) -> bool {
    path.metadata().is_ok_and(|m| m.is_file())
}

/// Runs `command` with its output captured, killing it after `timeout`.
fn run_with_timeout(command: &mut Command, timeout: Duration) -> Result<(), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = child.wait_with_output().map_err(|e| e.to_string())?;
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!(
                        "exit {status}: {}{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    ))
                };
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {} s, killed", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn embedded_fonts(pdf: &Path) -> Vec<String> {
    let Ok(out) = Command::new("pdffonts").arg(pdf).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2) // the column titles and the dashes under them
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| match name.split_once('+') {
            Some((_, face)) => face.to_string(),
            None => name.to_string(),
        })
        .collect()
}

fn page_count(pdf: &Path) -> u32 {
    let Ok(out) = Command::new("pdfinfo").arg(pdf).output() else {
        return 0;
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artefacts_go_under_the_workspace_target_folder() {
        let dir = artefact_dir("probe");
        assert!(dir.ends_with("artefacts/probe"), "{}", dir.display());
    }

    #[test]
    fn a_missing_tool_skips_outside_ci_and_fails_in_ci() {
        assert!(matches!(missing_when("soffice", false), Ok(None)));
        assert!(matches!(
            missing_when("soffice", true),
            Err(CheckError::Missing("soffice"))
        ));
    }

    #[test]
    fn a_command_that_outlives_its_timeout_is_killed() {
        let started = Instant::now();
        let result = run_with_timeout(Command::new("sleep").arg("30"), Duration::from_millis(300));
        assert!(result.is_err_and(|m| m.contains("killed")));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
