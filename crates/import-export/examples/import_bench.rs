//! Times an import of a generated city-sized student CSV into a fresh
//! SQLite file, then an export of the same students back to CSV:
//! `cargo run --release -p import-export --example import_bench -- 200000`.
//! (The whole-city benchmark of the product is `cargo xtask bench import`.)

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use import_export::{Entity, Format, ImportOptions, PersonalData};
use registry::{IdNumber, Sex};

const CLASS_SIZE: u32 = 40;
const CLASSES_PER_GRADE: u32 = 4;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let students: u32 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200_000);
    let dir = tempfile::tempdir()?;
    // KEEP_CSV=dir: write the generated CSV there, or reuse it (profiling).
    let kept = std::env::var_os("KEEP_CSV").map(std::path::PathBuf::from);
    let per_school = CLASS_SIZE * CLASSES_PER_GRADE * 9;
    let schools = students.div_ceil(per_school);
    let counties = ["370102", "370103", "370104", "370105", "370112", "370113"];

    let mut school_csv =
        String::from("学校标识码,学校名称,所在区县代码,学段,办学性质,城乡分类,小学学位,初中学位\n");
    let mut class_csv = String::from("学年,学校标识码,学段,年级,班级,班额\n");
    let mut student_csv = String::from("学年,学校标识码,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n");
    let mut written = 0u32;
    let mut sequence: std::collections::HashMap<(usize, NaiveDate, bool), u16> = Default::default();
    let mut random = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        random
    };
    'schools: for s in 0..schools {
        let code = format!("37370{:05}", s + 1);
        let county = counties[s as usize % counties.len()];
        writeln!(
            school_csv,
            "{code},第{}学校,{county},小学、初中,公办,城区,2000,1200",
            s + 1
        )?;
        for grade in 1..=9u32 {
            let stage = if grade <= 6 { "小学" } else { "初中" };
            for class in 1..=CLASSES_PER_GRADE {
                let size = CLASS_SIZE.min(students - written);
                if size == 0 {
                    break 'schools;
                }
                writeln!(class_csv, "2024,{code},{stage},{grade},{class}班,{size}")?;
                for _ in 0..size {
                    let r = next();
                    let male = r & 1 == 1;
                    let born = NaiveDate::from_ymd_opt(2024 - 6 - grade as i32 + 1, 1, 1).ok_or("date")?
                        + chrono::Days::new(r % 365);
                    let area = (r >> 9) as usize % counties.len();
                    let seq = sequence.entry((area, born, male)).or_insert(0);
                    let sex = if male { Sex::Male } else { Sex::Female };
                    let id = IdNumber::compose(counties[area], born, *seq * 2 + u16::from(male), sex);
                    *seq += 1;
                    let acuity = 4.0 + (r >> 20) as f32 % 13.0 / 10.0;
                    writeln!(
                        student_csv,
                        "2024,{code},{grade},{class}班,{},学生{},{},{},{},否,否,{acuity:.1},{}",
                        id.as_str(),
                        written,
                        sex.label_zh(),
                        born.format("%Y-%m-%d"),
                        counties[area],
                        if acuity < 5.0 { "是" } else { "否" },
                    )?;
                    written += 1;
                }
            }
        }
    }
    let write = |name: &str, text: &str| -> std::io::Result<std::path::PathBuf> {
        let path = kept.as_deref().unwrap_or(dir.path()).join(name);
        std::fs::write(&path, text)?;
        Ok(path)
    };
    let schools_path = write("学校.csv", &school_csv)?;
    let classes_path = write("班级.csv", &class_csv)?;
    if std::env::var_os("VALIDATE_ONLY").is_some() {
        // One bad row at the end: every row is validated, nothing is written.
        student_csv.push_str("2024,3737000001,1,1班,x,x,男,,370102,否,否,,\n");
    }
    let students_path = write("学生.csv", &student_csv)?;
    drop(student_csv);
    println!(
        "{written} students in {schools} schools, {} MiB of CSV",
        std::fs::metadata(&students_path)?.len() / (1 << 20)
    );

    let today = NaiveDate::from_ymd_opt(2025, 11, 1).ok_or("date")?;
    let mut store = store::open(&store::DatabaseUrl::Sqlite(dir.path().join("bench.db")))?;
    for path in [&schools_path, &classes_path] {
        let outcome = import_export::import(&mut store, path, ImportOptions::default(), today, &mut |_| {})?;
        assert!(
            outcome.errors.is_empty(),
            "{}",
            import_export::errors_text(&outcome.errors, 5)
        );
    }
    let mut phases: Vec<(import_export::Phase, Instant)> = Vec::new();
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let outcome = import_export::import(
        &mut store,
        &students_path,
        ImportOptions::default(),
        today,
        &mut |p| {
            if phases.last().map(|(phase, _)| *phase) != Some(p.phase) {
                phases.push((p.phase, Instant::now()));
            }
        },
    )?;
    let total = started.elapsed();
    let mut marks: Vec<String> = Vec::new();
    for (i, (phase, at)) in phases.iter().enumerate() {
        let end = phases.get(i + 1).map(|(_, t)| *t).unwrap_or(started + total);
        marks.push(format!("{} {:.2} s", phase.label_zh(), (end - *at).as_secs_f64()));
    }
    println!(
        "import of {} rows: {:.2} s, {:.2} s of CPU ({:.0} rows/s, {} errors) — {}",
        outcome.rows,
        total.as_secs_f64(),
        cpu_seconds() - cpu_before,
        outcome.rows as f64 / total.as_secs_f64(),
        outcome.errors.len(),
        marks.join(", ")
    );
    if std::env::var_os("VALIDATE_ONLY").is_some() {
        return Ok(());
    }
    assert!(
        outcome.errors.is_empty(),
        "{}",
        import_export::errors_text(&outcome.errors, 5)
    );

    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut streamed = 0u64;
    store::RegistryRead::for_each_student(&store, registry::SchoolYear(2024), &mut |_, _| streamed += 1)?;
    println!(
        "store streams {streamed} students alone in {:.2} s, {:.2} s of CPU",
        started.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );

    for personal_data in [PersonalData::Masked, PersonalData::Clear] {
        let cpu = cpu_seconds();
        let started = Instant::now();
        let out = dir.path().join("学生-导出.csv");
        let rows = import_export::export(&store, Entity::Students, None, Format::Csv, &out, personal_data)?;
        println!(
            "export of {rows} students to CSV ({personal_data:?}): {:.2} s, {:.2} s of CPU",
            started.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
        report_size(&out)?;
    }
    Ok(())
}

/// User and system CPU time of this process so far (Linux), to compare runs
/// on a machine that other work shares.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn report_size(path: &Path) -> std::io::Result<()> {
    println!("  ({} MiB)", std::fs::metadata(path)?.len() / (1 << 20));
    Ok(())
}
