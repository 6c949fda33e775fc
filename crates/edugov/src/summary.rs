//! `edugov summary`: counts by county and stage, the first thing a bureau
//! officer checks after generating or importing.

use std::process::ExitCode;

use anyhow::bail;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use registry::{SchoolYear, Stage};
use store::{Store, SummaryRow};

#[derive(clap::Args)]
pub struct SummaryArgs {
    /// School year (default: the latest held)
    #[arg(long)]
    year: Option<String>,
}

pub fn run(db: &store::DatabaseUrl, args: SummaryArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(db)?;
    let year = match args.year {
        Some(text) => SchoolYear::parse(&text)?,
        None => match store.school_years()?.last() {
            Some(year) => *year,
            None => bail!(
                "数据库 {} 中还没有学年数据：先运行 `edugov demo` 或 `edugov import`",
                db
            ),
        },
    };
    print_summary(&store, year)?;
    Ok(ExitCode::SUCCESS)
}

const STAGES: [Stage; 4] = [Stage::Preschool, Stage::Primary, Stage::Junior, Stage::Senior];

pub fn print_summary(store: &dyn Store, year: SchoolYear) -> anyhow::Result<()> {
    let rows = store.summary(year)?;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let mut header = vec![
        "区县代码".to_owned(),
        "区县".to_owned(),
        "学校".to_owned(),
        "班级".to_owned(),
    ];
    header.extend(STAGES.iter().map(|s| format!("{}学生", s.label_zh())));
    header.extend(["学生合计".to_owned(), "专任教师".to_owned()]);
    table.set_header(header);
    let mut total = SummaryRow::default();
    let mut total_by_stage = [0u64; 4];
    for county in rows.iter().filter(|r| r.stage.is_none()) {
        let by_stage: Vec<u64> = STAGES
            .iter()
            .map(|stage| {
                rows.iter()
                    .filter(|r| r.county == county.county && r.stage == Some(*stage))
                    .map(|r| r.students)
                    .sum()
            })
            .collect();
        for (sum, n) in total_by_stage.iter_mut().zip(&by_stage) {
            *sum += n;
        }
        total.schools += county.schools;
        total.classes += county.classes;
        total.students += county.students;
        total.teachers += county.teachers;
        table.add_row(row(&county.county, &county.county_name, county, &by_stage));
    }
    table.add_row(row("", "合计", &total, &total_by_stage));
    for column in table.column_iter_mut().skip(2) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    println!("{}（学生数按学段，含幼儿园）", year.label_zh());
    println!("{table}");
    Ok(())
}

fn row(code: &str, name: &str, r: &SummaryRow, by_stage: &[u64]) -> Vec<Cell> {
    let mut cells = vec![
        Cell::new(code),
        Cell::new(name),
        Cell::new(r.schools),
        Cell::new(r.classes),
    ];
    cells.extend(by_stage.iter().map(Cell::new));
    cells.push(Cell::new(r.students));
    cells.push(Cell::new(r.teachers));
    cells
}
