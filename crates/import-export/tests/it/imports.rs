//! Files that must import cleanly, and what they leave in the store.

use expect_test::expect;
use import_export::{Entity, ImportOptions};
use registry::Sex;
use rust_xlsxwriter::Workbook;

use crate::support::*;

#[test]
fn a_clean_csv_import_writes_every_row() {
    let (store, _dir) = loaded_store();
    expect![[r#"
        ## 学校
        学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度
        3737010001,历下实验小学,370102,370102001,小学,公办,否,未评级,城区,,1350,,,,,历下教育集团,117.0421,36.6702
        3737010002,历下第一中学,370102,370102002,初中、普通高中,公办,否,未评级,城区,,,900,1200,,,,117.05,36.66
        3737010003,趵突泉幼儿园,370102,370102003,学前,民办,是,省级优质园,城区,360,,,,,,,,
        ## 办学条件
        学年,学校标识码,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,网络多媒体教室间数
        ## 班级
        学年,学校标识码,学段,年级,班级,班额
        2024,3737010001,小学,一年级,1班,2
        2024,3737010002,初中,七年级,3班,2
        ## 学生
        学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视
        2024,3737010001,小学,一年级,1班,370102201803010118,张小明,男,2018-03-01,370102001,否,是,5,否
        2024,3737010001,小学,一年级,1班,370102201805200126,李小红,女,2018-05-20,370102002,否,否,,
        2024,3737010002,初中,七年级,3班,370102201202290214,欧阳建国,男,2012-02-29,410105,是,否,4.6,是
        2024,3737010002,初中,七年级,3班,370102201209090223,王芳,女,2012-09-09,370102003,否,是,4.9,否
        ## 教师
        学年,学校标识码,身份证号,姓名,性别,出生年份,任教学段,任教学科,职称,骨干教师级别,入校学年,学历
        2024,3737010001,370102198504120320,赵老师,女,1985,小学,语文,一级教师,县级,2015,本科
        2024,3737010002,370102197912010417,钱老师,男,1979,初中,数学,高级教师,无,2010,硕士研究生
        ## 人口
        学年,乡镇街道代码,年龄,人数
        ## 出生
        年份,所在区县代码,出生人口数
    "#]]
    .assert_eq(&snapshot(&store));
}

#[test]
fn a_corrected_file_imported_again_updates_rows_instead_of_adding_them() {
    let (mut store, dir) = loaded_store();
    let corrected = students_csv()
        .replace("张小明", "张晓明")
        .replace(",5.0,", ",4.8,");
    let path = write(dir.path(), "学生-更正.csv", &corrected);
    let outcome = import_clean(&mut store, &path);
    assert_eq!(outcome.counts.map(|c| c.students), Some(4));

    let students = snapshot(&store);
    assert!(
        students.contains(",张晓明,男,2018-03-01,370102001,否,是,4.8,否"),
        "{students}"
    );
    assert!(!students.contains("张小明"));
    let summary = store::RegistryRead::summary(&*store, year()).unwrap();
    let total = summary
        .iter()
        .filter(|r| r.stage.is_none())
        .map(|r| r.students)
        .sum::<u64>();
    assert_eq!(total, 4);
}

#[test]
fn a_gbk_csv_as_chinese_excel_saves_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // Chinese Excel's "CSV (逗号分隔)": GBK, CRLF line ends.
    let crlf = SCHOOLS_CSV.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&crlf);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must really be GBK"
    );
    let path = dir.path().join("学校.csv");
    std::fs::write(&path, &bytes).unwrap();

    let mut store = store();
    let outcome = import_clean(&mut store, &path);
    assert_eq!(outcome.counts.map(|c| c.schools), Some(3));
    assert!(snapshot(&store).contains("3737010003,趵突泉幼儿园,370102,370102003,学前,民办,是,省级优质园"));
}

#[test]
fn a_utf8_csv_with_bom_and_a_title_row_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}2024年历下区学校名单,,,\n{SCHOOLS_CSV}");
    let path = write(dir.path(), "list.csv", &text);
    let mut store = store();
    let outcome = import_clean(&mut store, &path);
    assert_eq!(outcome.rows, 3);
    assert_eq!(outcome.tables[0].entity, Entity::Schools);
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    let before = snapshot(&store);
    let path = write(dir.path(), "学校.csv", SCHOOLS_CSV);
    let outcome = import_with(
        &mut store,
        &path,
        ImportOptions {
            dry_run: true,
            scope: None,
            ..ImportOptions::default()
        },
    );
    assert!(outcome.errors.is_empty());
    assert!(outcome.dry_run);
    assert_eq!(outcome.counts.map(|c| c.schools), Some(3));
    assert_eq!(snapshot(&store), before);
}

/// One workbook with a title row, an instructions sheet, and 学生 before
/// 学校 in sheet order: schools must still be applied first.
#[test]
fn a_workbook_with_schools_classes_and_students_sheets_imports_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("历下区.xlsx");
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write(0, 0, "本工作簿由历下区教育局填报").unwrap();
    for (name, text) in [
        ("学生", students_csv()),
        ("学校", SCHOOLS_CSV.to_owned()),
        ("班级", CLASSES_CSV.to_owned()),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        sheet.write(0, 0, format!("{name}名单")).unwrap();
        for (r, line) in (1u32..).zip(text.lines()) {
            for (c, cell) in (0u16..).zip(line.split(',')) {
                match cell.parse::<f64>() {
                    // Numbers as numbers, the way Excel stores them; long
                    // digit strings (codes, ids) stay text.
                    Ok(n) if cell.len() < 8 => sheet.write_number(r, c, n).unwrap(),
                    _ => sheet.write_string(r, c, cell).unwrap(),
                };
            }
        }
    }
    book.save(&path).unwrap();

    let mut store = store();
    let outcome = import_clean(&mut store, &path);
    let tables: Vec<String> = outcome
        .tables
        .iter()
        .map(|t| format!("{} {} {}", t.sheet.as_deref().unwrap_or(""), t.entity, t.rows))
        .collect();
    assert_eq!(tables, ["学校 学校 3", "班级 班级 2", "学生 学生 4"]);
    let (expected, _dir) = loaded_store();
    let without_teachers = |s: String| s.split("## 教师").next().unwrap().to_owned();
    assert_eq!(
        without_teachers(snapshot(&store)),
        without_teachers(snapshot(&expected))
    );
}

#[test]
fn excel_dates_and_serial_numbers_are_read_as_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    import_clean(&mut store, &write(dir.path(), "学校.csv", SCHOOLS_CSV));
    import_clean(&mut store, &write(dir.path(), "班级.csv", CLASSES_CSV));

    let path = dir.path().join("学生.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let lines: Vec<String> = students_csv().lines().map(str::to_owned).collect();
    for (r, line) in (0u32..).zip(&lines) {
        for (c, cell) in (0u16..).zip(line.split(',')) {
            sheet.write_string(r, c, cell).unwrap();
        }
    }
    // Row 2: a real date cell; row 4: a bare serial number (2012-02-29).
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2018, 3, 1).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_datetime_with_format(1, 8, &date, &format).unwrap();
    sheet.write_number(3, 8, 40968.0).unwrap();
    book.save(&path).unwrap();

    let outcome = import_clean(&mut store, &path);
    assert_eq!(outcome.counts.map(|c| c.students), Some(4));
}

#[test]
fn teachers_import_with_birth_year_taken_from_the_identity_number() {
    let (store, _dir) = loaded_store();
    let text = snapshot(&store);
    assert!(
        text.contains(&format!("{},钱老师,男,1979,", id((1979, 12, 1), 41, Sex::Male))),
        "{text}"
    );
}

#[test]
fn progress_goes_through_reading_validating_and_writing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    let path = write(dir.path(), "学校.csv", SCHOOLS_CSV);
    let mut phases = Vec::new();
    let outcome = import_export::import(&mut *store, &path, ImportOptions::default(), today(), &mut |p| {
        if phases.last() != Some(&p.phase) {
            phases.push(p.phase);
        }
        assert!(p.done <= p.total || p.total == 0, "{p:?}");
    })
    .unwrap();
    assert!(outcome.errors.is_empty());
    let labels: Vec<&str> = phases.iter().map(|p| p.label_zh()).collect();
    assert_eq!(labels, ["读取", "校验", "写入"]);
}

/// An officer's import writes only its scope: a row for another county's
/// or another school's records is a row error, and nothing is written.
#[test]
fn an_officers_import_is_held_to_its_scope() {
    use import_export::WriteScope;
    use registry::{AreaCode, SchoolCode};

    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    let before = snapshot(&store);
    let path = write(dir.path(), "学校.csv", SCHOOLS_CSV);
    let other_county = WriteScope::County(AreaCode::parse("370112").unwrap());
    let outcome = import_with(
        &mut store,
        &path,
        ImportOptions {
            dry_run: false,
            scope: Some(other_county),
            ..ImportOptions::default()
        },
    );
    assert_eq!(outcome.errors.len(), 3, "{}", errors(&outcome));
    assert!(
        errors(&outcome).contains("学校 3737010001 不在您负责的区县 370112，无权导入"),
        "{}",
        errors(&outcome)
    );
    assert_eq!(snapshot(&store), before);

    // Its own county's schools pass.
    let own = WriteScope::County(AreaCode::parse("370102").unwrap());
    let outcome = import_with(
        &mut store,
        &path,
        ImportOptions {
            dry_run: true,
            scope: Some(own),
            ..ImportOptions::default()
        },
    );
    assert!(outcome.errors.is_empty(), "{}", errors(&outcome));

    // A school officer may write its school's teachers, not another school's.
    let (mut loaded, _dir) = loaded_store();
    let before = snapshot(&loaded);
    let teachers = write(dir.path(), "教师.csv", &teachers_csv());
    let one_school = WriteScope::School {
        school: SchoolCode::parse("3737010001").unwrap(),
        county: AreaCode::parse("370102").unwrap(),
    };
    let outcome = import_with(
        &mut loaded,
        &teachers,
        ImportOptions {
            dry_run: false,
            scope: Some(one_school),
            ..ImportOptions::default()
        },
    );
    assert_eq!(outcome.errors.len(), 1, "{}", errors(&outcome));
    assert!(
        errors(&outcome).contains("学校 3737010002 不是您负责的学校 3737010001"),
        "{}",
        errors(&outcome)
    );
    assert_eq!(snapshot(&loaded), before);
}

/// Stored records of another county cannot be taken over through an
/// officer's file: not by writing the school again with the officer's
/// county, and not by enrolling or posting a known identity number at the
/// officer's own school in the same school year.
#[test]
fn an_officer_cannot_take_over_another_countys_school_or_people() {
    use import_export::WriteScope;
    use registry::{AreaCode, SchoolCode};

    let (mut store, dir) = loaded_store();
    // A school of 历城区, written by the city.
    let licheng_school = "学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度\n\
         3737011201,历城实验小学,370112,370112001,小学,公办,否,,城区,,900,,,,,,,\n";
    import_clean(&mut store, &write(dir.path(), "历城学校.csv", licheng_school));
    let before = snapshot(&store);
    let officer = |county: &str| ImportOptions {
        scope: Some(WriteScope::County(AreaCode::parse(county).unwrap())),
        user: "licheng".into(),
        ..ImportOptions::default()
    };

    // 历城区's officer claims 历下区's school by giving it county 370112.
    let claimed = SCHOOLS_CSV.replace(
        "3737010001,历下实验小学,370102,370102001",
        "3737010001,历下实验小学,370112,370112001",
    );
    let path = write(dir.path(), "学校-改区县.csv", &claimed);
    let outcome = import_with(&mut store, &path, officer("370112"));
    let text = errors(&outcome);
    assert!(
        text.contains("学校 3737010001 不在您负责的区县 370112，无权导入"),
        "{text}"
    );
    assert_eq!(snapshot(&store), before);

    // Nor may 历下区's officer, or the school's own officer, move it away.
    let own_school = ImportOptions {
        dry_run: false,
        scope: Some(WriteScope::School {
            school: SchoolCode::parse("3737010001").unwrap(),
            county: AreaCode::parse("370102").unwrap(),
        }),
        ..ImportOptions::default()
    };
    for options in [officer("370102"), own_school] {
        let outcome = import_with(&mut store, &path, options);
        let text = errors(&outcome);
        assert!(
            text.contains("学校 3737010001 属于区县 370102，所属区县只能由市级管理员更改（本行填写 370112）"),
            "{text}"
        );
        assert_eq!(snapshot(&store), before);
    }

    // 张小明 is enrolled at 历下实验小学 in 2024, 赵老师 teaches there: 历城区's
    // officer's rows for them at its own school are not written but become
    // transfer requests for 历下区 — whatever name the row gives.
    let zhang = id((2018, 3, 1), 11, Sex::Male);
    let zhao = id((1985, 4, 12), 31, Sex::Female);
    let students = format!(
        "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n\
         2024,3737011201,小学,一年级,,{zhang},张三,男,2018-03-01,370112001,否,否,,\n"
    );
    let teachers = format!(
        "学年,学校标识码,身份证号,姓名,性别,出生年份,任教学段,任教学科,职称,骨干教师级别,入校学年,学历\n\
         2024,3737011201,{zhao},赵某,女,1985,小学,语文,一级教师,县级,2015,本科\n"
    );
    let filed = |outcome: &import_export::ImportOutcome| -> Vec<String> {
        outcome
            .transfers
            .iter()
            .map(|n| format!("{} {} {} {:?}", n.file, n.row, n.id_number, n.kind))
            .collect()
    };
    let right_name = students.replace(",张三,", ",张小明,");
    for (name, text) in [("学生.csv", &students), ("学生-同名.csv", &right_name)] {
        // A dry run answers as for anyone new: no lookup, no request.
        let check = import_with(
            &mut store,
            &write(dir.path(), name, text),
            ImportOptions {
                dry_run: true,
                ..officer("370112")
            },
        );
        assert!(
            check.errors.is_empty() && check.transfers.is_empty(),
            "{}",
            errors(&check)
        );
        let outcome = import_with(
            &mut store,
            &write(dir.path(), "学生.csv", text),
            officer("370112"),
        );
        assert!(outcome.errors.is_empty(), "{}", errors(&outcome));
        assert!(!outcome.held_for_city);
        // The same answer for the right name and a wrong one.
        assert_eq!(filed(&outcome), ["学生.csv 2 370102********0118 Student"]);
        assert_eq!(snapshot(&store), before);
    }
    let outcome = import_with(
        &mut store,
        &write(dir.path(), "教师.csv", &teachers),
        officer("370112"),
    );
    assert!(outcome.errors.is_empty(), "{}", errors(&outcome));
    assert_eq!(outcome.transfers.len(), 1);
    assert_eq!(snapshot(&store), before);
    // A number registered nowhere is simply enrolled (the city's registry
    // grows); a dry run answers it exactly as it answered 张小明's.
    let nobody = id((2018, 3, 1), 77, Sex::Male);
    let unknown = students.replace(&zhang, &nobody);
    let check = import_with(
        &mut store,
        &write(dir.path(), "学生.csv", &unknown),
        ImportOptions {
            dry_run: true,
            ..officer("370112")
        },
    );
    assert!(
        check.errors.is_empty() && check.transfers.is_empty(),
        "{}",
        errors(&check)
    );

    // Two requests are pending (the student's second filing replaced the
    // first, now withdrawn), filed by 历城区's officer (the user name of
    // `officer`), for 历下区 to decide; the registry is unchanged.
    let pending = store
        .transfers(&store::TransferQuery {
            county: Some(AreaCode::parse("370102").unwrap()),
            status: Some(store::TransferStatus::Pending),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(pending.len(), 2);
    let withdrawn = store
        .transfers(&store::TransferQuery {
            status: Some(store::TransferStatus::Withdrawn),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(withdrawn.len(), 1);
    assert!(pending
        .iter()
        .all(|r| r.request.from.school.as_str() == "3737010001"
            && r.request.to_county.as_str() == "370112"
            && r.request.requested_by == "licheng"));

    // The next school year, same stage: still 历下区's pupil — a request.
    let next_year = students.replace("\n2024,", "\n2025,");
    let outcome = import_with(
        &mut store,
        &write(dir.path(), "学生-2025.csv", &next_year),
        officer("370112"),
    );
    assert!(outcome.errors.is_empty(), "{}", errors(&outcome));
    assert_eq!(outcome.transfers.len(), 1);
    assert_eq!(snapshot(&store), before);

    // More requests than a file may file: nothing is written or filed and
    // no row is answered; the file is for the city.
    let outcome = import_with(
        &mut store,
        &write(dir.path(), "学生-2025.csv", &next_year),
        ImportOptions {
            transfer_limits: import_export::TransferLimits {
                per_file: 0,
                pending_per_user: 100,
            },
            ..officer("370112")
        },
    );
    assert!(outcome.held_for_city && outcome.transfers.is_empty() && outcome.errors.is_empty());
    assert_eq!(store.pending_transfers_by("licheng").unwrap(), 3);
    // And beyond the pending requests one user may have open.
    let outcome = import_with(
        &mut store,
        &write(dir.path(), "学生-2025.csv", &next_year),
        ImportOptions {
            transfer_limits: import_export::TransferLimits {
                per_file: 20,
                pending_per_user: 3,
            },
            ..officer("370112")
        },
    );
    assert!(outcome.held_for_city);
    assert_eq!(store.pending_transfers_by("licheng").unwrap(), 3);

    // A school officer whose school is not stored yet writes it in its own
    // county only.
    let new_school = ImportOptions {
        dry_run: false,
        scope: Some(WriteScope::School {
            school: SchoolCode::parse("3737010009").unwrap(),
            county: AreaCode::parse("370102").unwrap(),
        }),
        ..ImportOptions::default()
    };
    let elsewhere = licheng_school.replace("3737011201,历城实验小学", "3737010009,新建小学");
    let outcome = import_with(&mut store, &write(dir.path(), "新校.csv", &elsewhere), new_school);
    let text = errors(&outcome);
    assert!(
        text.contains("学校 3737010009 属于区县 370102，所属区县只能由市级管理员更改（本行填写 370112）"),
        "{text}"
    );
    assert_eq!(snapshot(&store), before);

    // Within its own county an officer moves people freely: 历下区's officer
    // posts 赵老师 at 历下第一中学.
    let within = teachers
        .replace("3737011201", "3737010002")
        .replace(",小学,语文,", ",初中,语文,");
    let outcome = import_with(
        &mut store,
        &write(dir.path(), "教师-区内.csv", &within),
        ImportOptions {
            dry_run: true,
            ..officer("370102")
        },
    );
    assert!(outcome.errors.is_empty(), "{}", errors(&outcome));
}

/// The import's audit line is written by the store with the data (issue
/// 10, point 10): a committed import has exactly one, a dry run or an
/// import the store rejects (a class size that disagrees with its roster,
/// found only inside the transaction) has none and changes nothing.
#[test]
fn an_imports_audit_line_exists_if_and_only_if_the_import_committed() {
    use store::accounts::AuditQuery;
    let (mut store, dir) = loaded_store();
    let audited = |dry_run| ImportOptions {
        dry_run,
        scope: None,
        user: "zhang".to_owned(),
        audit: true,
        ..ImportOptions::default()
    };
    let lines = |store: &dyn store::Store| -> Vec<String> {
        let page = store
            .audit_log(&AuditQuery {
                action: Some(store::AuditAction::Import),
                limit: 10,
                ..AuditQuery::default()
            })
            .unwrap();
        page.entries
            .into_iter()
            .map(|e| format!("{} {}", e.actor, e.detail))
            .collect()
    };
    let before = snapshot(&store);

    let wrong = write(
        dir.path(),
        "班级.csv",
        &CLASSES_CSV.replace("一年级,1班,2", "一年级,1班,3"),
    );
    let outcome = import_with(&mut store, &wrong, audited(false));
    assert!(errors(&outcome).contains("申报班额 3 人，名单中有 2 名学生"));
    assert_eq!(snapshot(&store), before);
    assert!(lines(&*store).is_empty());

    let schools = write(dir.path(), "学校.csv", SCHOOLS_CSV);
    let outcome = import_with(&mut store, &schools, audited(true));
    assert!(outcome.errors.is_empty());
    assert!(lines(&*store).is_empty());

    let outcome = import_with(&mut store, &schools, audited(false));
    assert!(outcome.errors.is_empty());
    assert_eq!(lines(&*store), ["zhang 学校.csv：3 行"]);
}

/// A pupil who finishes a stage and enters the next one at a school of
/// another county is admitted, not transferred: 历城区's officer registers a
/// 历下区 junior graduate of 2024 at its senior school in 2025 at once, and
/// from then on 历城区 holds them. Anything looser is a transfer: the same
/// row for 2024, a first-grader "admitted" to junior school a year later,
/// and a row rewriting a year in which another county held the pupil.
#[test]
fn entering_the_next_stage_in_another_county_is_an_admission_not_a_transfer() {
    use import_export::WriteScope;
    use registry::AreaCode;
    use store::PersonKind;

    let (mut store, dir) = loaded_store();
    let header = "学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度\n";
    let schools = format!(
        "{header}3737011202,历城实验中学,370112,370112001,初中、普通高中,公办,否,,城区,,,900,900,,,,,\n\
         3737011201,历城实验小学,370112,370112001,小学,公办,否,,城区,,900,,,,,,,\n"
    );
    import_clean(&mut store, &write(dir.path(), "历城学校.csv", &schools));
    let students_header = "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n";
    let graduate = id((2009, 5, 1), 21, Sex::Female);
    let moved = id((2016, 6, 1), 23, Sex::Female);
    // The city records a 历下区 junior graduate of 2024, and a pupil who was
    // at 历下实验小学 in 2024 and at 历城实验小学 in 2025.
    let city = format!(
        "{students_header}2024,3737010002,初中,九年级,,{graduate},王小丽,女,2009-05-01,370102001,否,否,,\n\
         2024,3737010001,小学,二年级,,{moved},赵小芳,女,2016-06-01,370102001,否,否,,\n\
         2025,3737011201,小学,三年级,,{moved},赵小芳,女,2016-06-01,370102001,否,否,,\n"
    );
    import_clean(&mut store, &write(dir.path(), "市级学生.csv", &city));
    let officer = ImportOptions {
        scope: Some(WriteScope::County(AreaCode::parse("370112").unwrap())),
        user: "licheng".into(),
        ..ImportOptions::default()
    };
    let holder = |store: &dyn store::Store, number: &str| {
        let id_number = registry::IdNumber::parse(number, today()).unwrap();
        store
            .latest_placements(PersonKind::Student, &[&id_number])
            .unwrap()[0]
            .clone()
            .map(|p| (p.school_year.0, p.school.to_string()))
    };
    let row = |year: u16, school: &str, stage: &str, grade: &str, number: &str| {
        let (birth, sex) = if number == graduate {
            ("2009-05-01", "女")
        } else if number == moved {
            ("2016-06-01", "女")
        } else {
            ("2018-03-01", "男")
        };
        format!("{students_header}{year},{school},{stage},{grade},,{number},某某,{sex},{birth},370112001,否,否,,\n")
    };
    let mut import = |name: &str, text: String| {
        let outcome = import_with(&mut store, &write(dir.path(), name, &text), officer.clone());
        assert!(outcome.errors.is_empty(), "{}", errors(&outcome));
        outcome.transfers.len()
    };

    // Same year: still 历下区's pupil — a request, nothing written.
    assert_eq!(
        import("a.csv", row(2024, "3737011202", "普通高中", "高一", &graduate)),
        1
    );
    // A first-grader is not "admitted" to junior school a year later.
    let zhang = id((2018, 3, 1), 11, Sex::Male);
    assert_eq!(
        import("b.csv", row(2025, "3737011202", "初中", "七年级", &zhang)),
        1
    );
    // 历城区 holds 赵小芳 now, but 2024 was 历下区's year: a request.
    assert_eq!(
        import("c.csv", row(2024, "3737011201", "小学", "二年级", &moved)),
        1
    );
    // The graduate, the next year, the next stage's first grade: admitted.
    assert_eq!(
        import("d.csv", row(2025, "3737011202", "普通高中", "高一", &graduate)),
        0
    );

    assert_eq!(holder(&*store, &graduate), Some((2025, "3737011202".to_owned())));
    assert_eq!(holder(&*store, &zhang), Some((2024, "3737010001".to_owned())));
    let in_2024 = store
        .placements_in_year(
            PersonKind::Student,
            &[(
                registry::SchoolYear(2024),
                &registry::IdNumber::parse(&moved, today()).unwrap(),
            )],
        )
        .unwrap();
    assert_eq!(in_2024[0].as_ref().unwrap().school.as_str(), "3737010001");
}

/// Adding one pupil to 一年级1班 (declared 2) is one file: without the
/// option the file is refused and the error says which option does it;
/// with `update_class_sizes` the pupil is written and the class's 班额
/// becomes 3 in the same import, which says so — nothing else changes.
#[test]
fn one_more_pupil_is_one_students_file_with_update_class_sizes() {
    let (mut store, dir) = loaded_store();
    let header = students_csv().lines().next().unwrap().to_owned();
    let one_more = write(
        dir.path(),
        "新生.csv",
        &format!(
            "{header}\n2024,3737010001,小学,一年级,1班,{},赵小刚,男,,370102001,否,否,,\n",
            id((2018, 7, 7), 13, Sex::Male)
        ),
    );
    let before = snapshot(&store);
    let refused = import(&mut store, &one_more);
    let text = errors(&refused);
    assert!(text.contains("申报班额 2 人，名单中有 3 名学生"), "{text}");
    assert!(
        text.contains(
            "请勾选“班额随学生名单更新”后重新导入（命令行加 --update-class-sizes），班额将改为 3 人"
        ),
        "{text}"
    );
    assert_eq!(snapshot(&store), before);

    let follow = || ImportOptions {
        update_class_sizes: true,
        ..ImportOptions::default()
    };
    let dry = import_with(
        &mut store,
        &one_more,
        ImportOptions {
            dry_run: true,
            ..follow()
        },
    );
    assert!(dry.errors.is_empty());
    assert_eq!(dry.counts.map(|c| c.resized_classes.len()), Some(1));
    assert_eq!(snapshot(&store), before);

    let outcome = import_with(&mut store, &one_more, follow());
    assert_eq!(errors(&outcome), "");
    let resized: Vec<String> = outcome
        .counts
        .unwrap()
        .resized_classes
        .iter()
        .map(|r| format!("{} {} {}→{}", r.class.school, r.class.name, r.declared, r.listed))
        .collect();
    assert_eq!(resized, ["3737010001 1班 2→3"]);
    let after = snapshot(&store);
    let removed: Vec<&str> = before
        .lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .collect();
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(removed, ["2024,3737010001,小学,一年级,1班,2"]);
    assert_eq!(added.len(), 2, "the class's new size and the pupil: {added:?}");
    assert_eq!(added[0], "2024,3737010001,小学,一年级,1班,3");
    assert!(added[1].contains(",赵小刚,"), "{added:?}");
}

#[test]
fn a_crlf_csv_names_the_same_rows_as_an_lf_one() {
    // Excel writes CSV with CRLF line ends; the csv crate's line numbers run
    // short after them (rust-csv#395). An error in the third school (file
    // row 4) must be named row 4 either way.
    let dir = tempfile::tempdir().unwrap();
    let broken = SCHOOLS_CSV.replace("3737010003,趵突泉幼儿园,370102", "3737010003,趵突泉幼儿园,37010X");
    let mut texts = Vec::new();
    for (name, text) in [
        ("lf.csv", broken.clone()),
        ("crlf.csv", broken.replace('\n', "\r\n")),
    ] {
        let path = write(dir.path(), name, &text);
        let mut store = store();
        let outcome = import(&mut store, &path);
        assert_eq!(outcome.errors.len(), 1, "{}", errors(&outcome));
        assert_eq!(outcome.errors[0].row, 4, "{name}: {}", errors(&outcome));
        texts.push(errors(&outcome).replace(name, "F"));
    }
    assert_eq!(texts[0], texts[1]);
}
