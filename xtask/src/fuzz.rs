//! `cargo xtask fuzz [--seconds N] [--seed S] [--runs N] [--replay FILE]`: a
//! fuzz harness on the stable toolchain (no cargo-fuzz, no nightly).
//!
//! Random and mutated `.xlsx` and `.csv` files go through the importer's
//! readers (`import_export::read_rows`, and the plan files'
//! `read_work_plan` and `read_projects`: header recognition, streaming,
//! limits, the checks of a row on its own), and random strings through the
//! identity-number validator (`registry::IdNumber::parse`). Mutations start
//! from valid files — the templates edugov writes and small workbooks and
//! CSVs built here — and flip bytes, truncate, duplicate chunks, corrupt one
//! zip part's XML, make sheets sparse (a cell at `XFD1048576` or beyond) and
//! write absurd `<dimension>` strings. Each input runs under `catch_unwind`;
//! a panic is a crash, saved under `target/fuzz-crashes/` with the seed and
//! input number in its name. The i-th input of a seed is always the same, so
//! `--seed S --runs N` replays a run. An abort (which no unwind catches)
//! leaves the input being read in `target/fuzz-crashes/in-flight.*`.
//!
//! Prints `N inputs, K crashes` and fails when K > 0.

use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use import_export::{Entity, ReadLimits};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Options {
    seconds: u64,
    seed: u64,
    runs: Option<u64>,
    replay: Option<PathBuf>,
}

impl Options {
    pub fn parse(args: &[&str]) -> anyhow::Result<Options> {
        let mut options = Options {
            seconds: 60,
            seed: 1,
            runs: None,
            replay: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
            match *arg {
                "--seconds" => options.seconds = value()?.parse().context("--seconds")?,
                "--seed" => options.seed = value()?.parse().context("--seed")?,
                "--runs" => options.runs = Some(value()?.parse().context("--runs")?),
                "--replay" => options.replay = Some(PathBuf::from(value()?)),
                other => bail!("unknown option {other}"),
            }
        }
        Ok(options)
    }
}

/// A fixed day, so that a run never depends on the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 1).unwrap_or_default()
}

/// Smaller than the defaults, so that each input is quick; the code paths
/// are the same.
fn limits() -> ReadLimits {
    ReadLimits {
        max_file_bytes: 8 << 20,
        max_sheet_bytes: 32 << 20,
        max_part_bytes: 8 << 20,
        max_cell_chars: 4096,
        max_columns: 64,
        max_rows: 20_000,
        max_line_bytes: 64 << 10,
    }
}

/// One input: a file for the readers, or a string for the validator.
enum Input {
    File { extension: &'static str, bytes: Vec<u8> },
    Id(String),
}

pub fn fuzz(options: &Options) -> anyhow::Result<()> {
    let root = crate::project_root();
    let crashes = root.join("target").join("fuzz-crashes");
    std::fs::create_dir_all(&crashes)?;
    if let Some(path) = &options.replay {
        let extension = match path.extension().and_then(|e| e.to_str()) {
            Some("xlsx") => "xlsx",
            Some("txt") => "txt",
            _ => "csv",
        };
        let bytes = std::fs::read(path)?;
        let input = if extension == "txt" {
            Input::Id(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            Input::File { extension, bytes }
        };
        return match run_one(&input, &crashes) {
            Ok(()) => {
                println!("1 input, 0 crashes");
                Ok(())
            }
            Err(message) => bail!("crash: {message}"),
        };
    }
    let seeds = Seeds::build()?;
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let (mut inputs, mut crashed) = (0u64, 0u64);
    let mut kinds = [0u64; 3];
    loop {
        let done = match options.runs {
            Some(runs) => inputs >= runs,
            None => Instant::now() >= deadline,
        };
        if done {
            break;
        }
        // The i-th input depends only on the seed and i.
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ inputs);
        let input = seeds.input(&mut rng);
        kinds[match &input {
            Input::File {
                extension: "xlsx", ..
            } => 0,
            Input::File { .. } => 1,
            Input::Id(_) => 2,
        }] += 1;
        if let Err(message) = run_one(&input, &crashes) {
            crashed += 1;
            let (extension, bytes) = match &input {
                Input::File { extension, bytes } => (*extension, bytes.clone()),
                Input::Id(text) => ("txt", text.clone().into_bytes()),
            };
            let path = crashes.join(format!("seed{}-input{inputs}.{extension}", options.seed));
            std::fs::write(&path, bytes)?;
            eprintln!("crash on input {inputs}: {message} (saved as {})", path.display());
        }
        inputs += 1;
    }
    println!(
        "{inputs} inputs, {crashed} crashes ({} xlsx, {} csv, {} identity numbers; seed {})",
        kinds[0], kinds[1], kinds[2], options.seed
    );
    if crashed > 0 {
        bail!("{crashed} crash(es), inputs saved under {}", crashes.display());
    }
    Ok(())
}

/// Runs one input; `Err` with the panic's message when it panicked.
fn run_one(input: &Input, crashes: &Path) -> Result<(), String> {
    match input {
        Input::File { extension, bytes } => {
            let path = crashes.join(format!("in-flight.{extension}"));
            std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let outcome = guarded(|| {
                // Refusals are fine; only a panic is a crash.
                let _ =
                    import_export::with_read_limits(limits(), || import_export::read_rows(&path, today()));
                // The plan files' reader (任务分解表, 项目台账) on the same bytes.
                if let Ok(city) = registry::AreaCode::parse("3701") {
                    let plan = import_export::PlanContext {
                        city: city.clone(),
                        year: Some(2026),
                        title: None,
                        counties: Vec::new(),
                    };
                    let _ = import_export::with_read_limits(limits(), || {
                        import_export::read_work_plan(&path, &plan)
                    });
                    let projects = import_export::ProjectContext {
                        city,
                        counties: Vec::new(),
                        schools: Default::default(),
                        stored: Default::default(),
                    };
                    let _ = import_export::with_read_limits(limits(), || {
                        import_export::read_projects(&path, &projects)
                    });
                }
            });
            let _ = std::fs::remove_file(&path);
            outcome
        }
        Input::Id(text) => guarded(|| {
            if let Ok(id) = registry::IdNumber::parse(text, today()) {
                assert_eq!(id.as_str().len(), 18);
                let _ = (id.birth_date(), id.sex(), id.masked(), id.area_prefix());
                let again = registry::IdNumber::parse(id.as_str(), today());
                assert_eq!(again.as_ref(), Ok(&id), "a valid number parses again as itself");
            }
        }),
    }
}

/// Runs `work`, turning a panic into its message.
fn guarded(work: impl FnOnce()) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic".to_owned())
    })
}

/// Valid files to mutate.
struct Seeds {
    xlsx: Vec<Vec<u8>>,
    csv: Vec<Vec<u8>>,
}

const STUDENTS_HEADER: &str = "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视";

impl Seeds {
    fn build() -> anyhow::Result<Seeds> {
        // Tests build seeds on several threads of one process at once.
        static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let build = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("edugov-fuzz-{}-{build}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let mut xlsx = Vec::new();
        for entity in Entity::ALL {
            let path = dir.join(format!("{}.xlsx", entity.code()));
            import_export::write_template(*entity, &path)?;
            xlsx.push(std::fs::read(&path)?);
        }
        let _ = std::fs::remove_dir_all(&dir);
        let rows = [
            "2024,3737010001,小学,一年级,1班,370102201803010113,张小明,男,2018-03-01,370102001,否,是,5.0,否",
            "2024,3737010001,,一年级,1班,11010519491231002X,李小红,女,2018/5/20,370102002,否,否,,",
            "2024,3737010002,初中,七年级,3班,370121201202290210,欧阳建国,,20120229,410105,是,否,4.6,是",
        ];
        let students = format!("{STUDENTS_HEADER}\n{}\n", rows.join("\n"));
        let classes = "学年,学校标识码,学段,年级,班级,班额\n2024,3737010001,小学,一年级,1班,2\n".to_owned();
        let mut csv = vec![
            students.clone().into_bytes(),
            classes.into_bytes(),
            format!("\u{feff}{students}").into_bytes(),
            students.replace(',', "\t").into_bytes(),
        ];
        // The same in GBK, the code page Chinese Excel saves CSV in.
        csv.push(encoding_rs::GBK.encode(&students).0.into_owned());
        let table: Vec<Vec<String>> = students
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        xlsx.push(workbook(&table, "学生", false));
        xlsx.push(workbook(&table, "学生", true));
        Ok(Seeds { xlsx, csv })
    }

    fn input(&self, rng: &mut ChaCha8Rng) -> Input {
        match rng.random_range(0..10) {
            0..=4 => Input::File {
                extension: "xlsx",
                bytes: self.xlsx_input(rng),
            },
            5..=7 => Input::File {
                extension: "csv",
                bytes: self.csv_input(rng),
            },
            _ => Input::Id(id_input(rng)),
        }
    }

    fn xlsx_input(&self, rng: &mut ChaCha8Rng) -> Vec<u8> {
        let seed = &self.xlsx[rng.random_range(0..self.xlsx.len())];
        match rng.random_range(0..6) {
            0 => flip_bytes(seed.clone(), rng),
            1 => truncate(seed.clone(), rng),
            2 => splice(seed.clone(), rng),
            3 => mutate_part(seed, rng, |xml, rng| flip_bytes(truncate_maybe(xml, rng), rng)),
            4 => mutate_part(seed, rng, sparse),
            _ => mutate_part(seed, rng, dimension),
        }
    }

    fn csv_input(&self, rng: &mut ChaCha8Rng) -> Vec<u8> {
        let seed = self.csv[rng.random_range(0..self.csv.len())].clone();
        match rng.random_range(0..5) {
            0 => flip_bytes(seed, rng),
            1 => truncate(seed, rng),
            2 => splice(seed, rng),
            3 => csv_noise(seed, rng),
            _ => random_bytes(rng),
        }
    }
}

/// A small workbook with `table` on sheet `sheet`, its strings shared (as
/// Excel writes them) or inline (as constant-memory writers do).
fn workbook(table: &[Vec<String>], sheet: &str, shared: bool) -> Vec<u8> {
    const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let mut strings: Vec<String> = Vec::new();
    let mut data = String::new();
    for (r, row) in table.iter().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, text) in row.iter().enumerate() {
            let cell = format!("{}{}", column_name(c), r + 1);
            let escaped = text.replace('&', "&amp;").replace('<', "&lt;");
            if let Ok(number) = text.parse::<f64>() {
                data.push_str(&format!(r#"<c r="{cell}"><v>{number}</v></c>"#));
            } else if shared {
                data.push_str(&format!(r#"<c r="{cell}" t="s"><v>{}</v></c>"#, strings.len()));
                strings.push(escaped);
            } else {
                data.push_str(&format!(
                    r#"<c r="{cell}" t="inlineStr"><is><t>{escaped}</t></is></c>"#
                ));
            }
        }
        data.push_str("</row>");
    }
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into()),
        ("_rels/.rels".into(), r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml".into(), format!(r#"<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels".into(), r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml".into(), format!(r#"<worksheet xmlns="{NS}"><dimension ref="A1:{}{}"/><sheetData>{data}</sheetData></worksheet>"#, column_name(table.first().map_or(1, Vec::len).saturating_sub(1)), table.len())),
    ];
    if shared {
        let items: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
        parts.push((
            "xl/sharedStrings.xml".into(),
            format!(
                r#"<sst xmlns="{NS}" count="{0}" uniqueCount="{0}">{items}</sst>"#,
                strings.len()
            ),
        ));
    }
    zip_parts(
        parts
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_bytes().to_vec()))
            .collect(),
    )
}

fn zip_parts(parts: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        if zip.start_file(name, options).is_err() || zip.write_all(&body).is_err() {
            continue;
        }
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// `A`, `Z`, `AA` … for a 0-based column.
fn column_name(column: usize) -> String {
    let mut n = column + 1;
    let mut name = Vec::new();
    while n > 0 {
        name.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Unzips `seed`, changes one part (preferring the sheets) with `change`,
/// and zips it again.
fn mutate_part(
    seed: &[u8],
    rng: &mut ChaCha8Rng,
    change: fn(Vec<u8>, &mut ChaCha8Rng) -> Vec<u8>,
) -> Vec<u8> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(seed)) else {
        return seed.to_vec();
    };
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let Ok(mut part) = archive.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut body = Vec::new();
        if std::io::Read::read_to_end(&mut part, &mut body).is_err() {
            continue;
        }
        parts.push((name, body));
    }
    if parts.is_empty() {
        return seed.to_vec();
    }
    let sheets: Vec<usize> = (0..parts.len())
        .filter(|i| parts[*i].0.starts_with("xl/worksheets/"))
        .collect();
    let target = if !sheets.is_empty() && rng.random_bool(0.7) {
        sheets[rng.random_range(0..sheets.len())]
    } else {
        rng.random_range(0..parts.len())
    };
    let body = std::mem::take(&mut parts[target].1);
    parts[target].1 = change(body, rng);
    zip_parts(parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect())
}

/// Adds a cell far away: column up to `XFD` and beyond, row up to and past
/// Excel's 1,048,576.
fn sparse(xml: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let column = column_name(match rng.random_range(0..3) {
        0 => 16_383,
        1 => rng.random_range(0..20_000),
        _ => rng.random_range(0..1_000_000),
    });
    let row: u64 = match rng.random_range(0..3) {
        0 => 1_048_576,
        1 => rng.random_range(1..2_000_000),
        _ => rng.random_range(1..u64::from(u32::MAX) + 10),
    };
    let cell = format!(r#"<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row>"#);
    insert_before(xml, b"</sheetData>", cell.as_bytes())
}

/// Replaces the `<dimension>` with an absurd or huge one.
fn dimension(xml: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let reference = match rng.random_range(0..5) {
        0 => "A1:XFD1048576".to_owned(),
        1 => format!("A1:{}", "Z".repeat(rng.random_range(1..40))),
        2 => format!(
            "{}:{}",
            "9".repeat(rng.random_range(1..60)),
            "A".repeat(rng.random_range(1..60))
        ),
        3 => "A0:A0".to_owned(),
        _ => String::from_utf8_lossy(&random_bytes(rng)).replace(['"', '<', '>'], ""),
    };
    let text = String::from_utf8_lossy(&xml).into_owned();
    match (text.find("<dimension ref=\""), text.find("<sheetData")) {
        (Some(start), _) => {
            let after = start + "<dimension ref=\"".len();
            let end = text[after..].find('"').map_or(after, |e| after + e);
            format!("{}{reference}{}", &text[..after], &text[end..]).into_bytes()
        }
        (None, Some(at)) => {
            format!("{}<dimension ref=\"{reference}\"/>{}", &text[..at], &text[at..]).into_bytes()
        }
        (None, None) => xml,
    }
}

fn insert_before(mut bytes: Vec<u8>, marker: &[u8], insert: &[u8]) -> Vec<u8> {
    match bytes.windows(marker.len()).position(|w| w == marker) {
        Some(at) => {
            bytes.splice(at..at, insert.iter().copied());
            bytes
        }
        None => {
            bytes.extend_from_slice(insert);
            bytes
        }
    }
}

fn flip_bytes(mut bytes: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    for _ in 0..rng.random_range(1..16) {
        let at = rng.random_range(0..bytes.len());
        bytes[at] = match rng.random_range(0..3) {
            0 => bytes[at] ^ (1 << rng.random_range(0..8)),
            1 => rng.random(),
            _ => *b"<>\"&;,\n\r\t0919AZ"
                .get(rng.random_range(0..16))
                .unwrap_or(&b'0'),
        };
    }
    bytes
}

fn truncate(mut bytes: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let keep = rng.random_range(0..=bytes.len());
    bytes.truncate(keep);
    bytes
}

fn truncate_maybe(bytes: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    if rng.random_bool(0.3) {
        truncate(bytes, rng)
    } else {
        bytes
    }
}

/// Copies a chunk of the input somewhere else in it (repeated structure is
/// what parsers trip on).
fn splice(mut bytes: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    let start = rng.random_range(0..bytes.len());
    let end = (start + rng.random_range(1..512)).min(bytes.len());
    let chunk = bytes[start..end].to_vec();
    let at = rng.random_range(0..=bytes.len());
    for _ in 0..rng.random_range(1..4) {
        bytes.splice(at..at, chunk.iter().copied());
    }
    bytes
}

/// Quotes, separators, blank and long fields, invalid UTF-8 and GBK.
fn csv_noise(bytes: Vec<u8>, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let pieces: [&[u8]; 12] = [
        b"\"",
        b"\"\"",
        b",",
        b"\t",
        b"\r\n",
        b"\n\n\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\x81\x30",
        "学年,学校标识码".as_bytes(),
        "370199201503041237".as_bytes(),
        b"=HYPERLINK(\"x\")",
    ];
    let mut out = bytes;
    for _ in 0..rng.random_range(1..10) {
        let at = rng.random_range(0..=out.len());
        let piece: Vec<u8> = if rng.random_bool(0.1) {
            vec![b'x'; rng.random_range(0..200_000)]
        } else {
            pieces[rng.random_range(0..pieces.len())].to_vec()
        };
        out.splice(at..at, piece);
    }
    out
}

fn random_bytes(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let len = rng.random_range(0..2048);
    (0..len).map(|_| rng.random()).collect()
}

/// Strings near and far from identity numbers.
fn id_input(rng: &mut ChaCha8Rng) -> String {
    const DIGITS: &[u8] = b"0123456789Xx";
    match rng.random_range(0..5) {
        // 17 or 18 characters of digits and X, sometimes padded.
        0 => {
            let len = rng.random_range(15..20);
            let body: String = (0..len)
                .map(|_| DIGITS[rng.random_range(0..DIGITS.len())] as char)
                .collect();
            if rng.random_bool(0.2) {
                format!(" {body}\t")
            } else {
                body
            }
        }
        // A well-formed number with a random area, date and check.
        1 => {
            let area = rng.random_range(0..1_000_000u32);
            let date = format!(
                "{:04}{:02}{:02}",
                rng.random_range(1800..2100),
                rng.random_range(0..14),
                rng.random_range(0..33)
            );
            let check = DIGITS[rng.random_range(0..DIGITS.len())] as char;
            format!("{area:06}{date}{:03}{check}", rng.random_range(0..1000))
        }
        // Any characters, multi-byte ones included, of about the right length.
        2 => (0..rng.random_range(0..24))
            .map(|_| char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('？'))
            .collect(),
        // Full-width digits and other look-alikes.
        3 => (0..18)
            .map(|_| ['０', '１', '９', 'Ｘ', '1', '7', 'X', '٣', '-', ' '][rng.random_range(0..10)])
            .collect(),
        // A real prefix with a valid check character, or one off.
        _ => {
            let area = [
                "370102", "370121", "110105", "441900", "810000", "370199", "370100",
            ][rng.random_range(0..7)];
            let date = chrono::NaiveDate::from_ymd_opt(
                rng.random_range(1900..2026),
                rng.random_range(1..13),
                rng.random_range(1..29),
            )
            .unwrap_or_default();
            let sex = if rng.random_bool(0.5) {
                registry::Sex::Male
            } else {
                registry::Sex::Female
            };
            let id = registry::IdNumber::compose(area, date, rng.random_range(0..1000), sex);
            let mut text = id.as_str().to_owned();
            if rng.random_bool(0.3) {
                text.pop();
                text.push(DIGITS[rng.random_range(0..DIGITS.len())] as char);
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let seeds = Seeds::build().unwrap();
        let render = |seed: u64| -> Vec<Vec<u8>> {
            (0..40u64)
                .map(|i| {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i);
                    match seeds.input(&mut rng) {
                        Input::File { bytes, .. } => bytes,
                        Input::Id(text) => text.into_bytes(),
                    }
                })
                .collect()
        };
        assert_eq!(render(7), render(7));
        assert_ne!(render(7), render(8));
    }

    #[test]
    fn the_seed_files_are_read_as_tables() {
        let seeds = Seeds::build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (i, bytes) in seeds.csv.iter().enumerate() {
            let path = dir.path().join(format!("学生{i}.csv"));
            std::fs::write(&path, bytes).unwrap();
            let rows = import_export::with_read_limits(limits(), || import_export::read_rows(&path, today()));
            assert!(rows.is_ok_and(|r| r >= 1), "csv seed {i}");
        }
        for (i, bytes) in seeds.xlsx.iter().enumerate().skip(Entity::ALL.len()) {
            let path = dir.path().join(format!("学生{i}.xlsx"));
            std::fs::write(&path, bytes).unwrap();
            let rows = import_export::with_read_limits(limits(), || import_export::read_rows(&path, today()));
            assert_eq!(rows.unwrap(), 3, "xlsx seed {i}");
        }
    }

    #[test]
    fn a_panic_is_caught_and_named_and_a_refusal_is_not_a_crash() {
        assert_eq!(guarded(|| panic!("boom")), Err("boom".to_owned()));
        let dir = tempfile::tempdir().unwrap();
        let sparse = Input::File {
            extension: "xlsx",
            bytes: mutate_part(
                &Seeds::build().unwrap().xlsx[Entity::ALL.len()],
                &mut ChaCha8Rng::seed_from_u64(1),
                sparse,
            ),
        };
        assert_eq!(run_one(&sparse, dir.path()), Ok(()));
        assert_eq!(run_one(&Input::Id("３７０１".into()), dir.path()), Ok(()));
    }
}
