//! Shared fixtures: three schools of 历下区, two classes, four students,
//! two teachers, written as CSV text the way a bureau would.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use import_export::{Entity, Format, ImportOptions, ImportOutcome, PersonalData};
use registry::{IdNumber, SchoolYear, Sex};
use store::{DatabaseUrl, Store};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()
}

pub fn year() -> SchoolYear {
    SchoolYear(2024)
}

/// A fresh store in its own temporary directory.
pub struct TestStore {
    pub store: Box<dyn Store>,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestStore {
    type Target = dyn Store + 'static;
    fn deref(&self) -> &(dyn Store + 'static) {
        &*self.store
    }
}

impl std::ops::DerefMut for TestStore {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        &mut *self.store
    }
}

/// Seeding the province's 64 000 areas takes most of a second; each test
/// copies a database seeded once per build of this test binary instead.
pub fn store() -> TestStore {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-export-it-template.db");
        let built = std::env::current_exe()
            .and_then(|exe| exe.metadata())
            .and_then(|m| m.modified())
            .ok();
        let made = path.metadata().and_then(|m| m.modified()).ok();
        if made.is_none() || made < built {
            let fresh = path.with_extension(format!("{}.db", std::process::id()));
            let store = store::open(&DatabaseUrl::Sqlite(fresh.clone())).unwrap();
            // Folds the WAL back into the file so that a plain copy is complete.
            drop(store);
            std::fs::rename(&fresh, &path).unwrap();
        }
        path
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edugov.db");
    std::fs::copy(template, &path).unwrap();
    TestStore {
        store: store::open(&DatabaseUrl::Sqlite(path)).unwrap(),
        _dir: dir,
    }
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

pub fn import(store: &mut TestStore, path: &Path) -> ImportOutcome {
    import_with(store, path, ImportOptions::default())
}

pub fn import_with(store: &mut TestStore, path: &Path, options: ImportOptions) -> ImportOutcome {
    match import_export::import(&mut **store, path, options, today(), &mut |_| {}) {
        Ok(outcome) => outcome,
        Err(e) => panic!("import of {} failed: {e}", path.display()),
    }
}

/// The errors of an outcome as the screen shows them.
pub fn errors(outcome: &ImportOutcome) -> String {
    import_export::errors_text(&outcome.errors, 100)
}

/// Imports and insists on a clean outcome.
pub fn import_clean(store: &mut TestStore, path: &Path) -> ImportOutcome {
    let outcome = import(store, path);
    assert_eq!(errors(&outcome), "", "{}", path.display());
    assert!(outcome.counts.is_some());
    outcome
}

/// Everything the store holds for the fixture year, as CSV text with
/// personal data in clear: equal snapshots mean equal stores.
pub fn snapshot(store: &TestStore) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for entity in Entity::ALL {
        let path = dir.path().join(format!("{}.csv", entity.code()));
        import_export::export(
            &**store,
            *entity,
            Some(year()),
            Format::Csv,
            &path,
            PersonalData::Clear,
        )
        .unwrap();
        text.push_str(&format!("## {}\n", entity.label_zh()));
        text.push_str(
            std::fs::read_to_string(&path)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
    }
    text
}

/// A valid identity number for a child of 历下区.
pub fn id(birth: (i32, u32, u32), sequence: u16, sex: Sex) -> String {
    let date = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap();
    IdNumber::compose("370102", date, sequence, sex)
        .as_str()
        .to_owned()
}

pub const SCHOOLS_CSV: &str = "\
学校标识码,学校名称,所在区县代码,乡镇街道代码,学段,办学性质,是否普惠,优质园等级,城乡分类,学前学位,小学学位,初中学位,高中学位,中职学位,特教学位,教育集团,经度,纬度
3737010001,历下实验小学,370102,370102001,小学,公办,否,,城区,,1350,,,,,历下教育集团,117.0421,36.6702
3737010002,历下第一中学,370102,370102002,初中、普通高中,公办,否,,城区,,,900,1200,,,,117.05,36.66
3737010003,趵突泉幼儿园,370102,370102003,学前,民办,是,省级优质园,城区,360,,,,,,,,
";

pub const CLASSES_CSV: &str = "\
学年,学校标识码,学段,年级,班级,班额
2024,3737010001,小学,一年级,1班,2
2024,3737010002,初中,七年级,3班,2
";

pub fn students_csv() -> String {
    let rows = [
        (
            "3737010001",
            "一年级",
            "1班",
            id((2018, 3, 1), 11, Sex::Male),
            "张小明",
            "男",
            "2018-03-01",
            "370102001",
            "否",
            "是",
            "5.0",
            "否",
        ),
        (
            "3737010001",
            "一年级",
            "1班",
            id((2018, 5, 20), 12, Sex::Female),
            "李小红",
            "女",
            "2018/5/20",
            "370102002",
            "否",
            "否",
            "",
            "",
        ),
        (
            "3737010002",
            "七年级",
            "3班",
            id((2012, 2, 29), 21, Sex::Male),
            "欧阳建国",
            "",
            "20120229",
            "410105",
            "是",
            "否",
            "4.6",
            "是",
        ),
        (
            "3737010002",
            "七年级",
            "3班",
            id((2012, 9, 9), 22, Sex::Female),
            "王芳",
            "女",
            "",
            "370102003",
            "否",
            "是",
            "4.9",
            "否",
        ),
    ];
    let mut text = String::from(
        "学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视\n",
    );
    for (school, grade, class, id, name, sex, birth, household, migrant, boarder, acuity, myopic) in rows {
        text.push_str(&format!(
            "2024,{school},,{grade},{class},{id},{name},{sex},{birth},{household},{migrant},{boarder},{acuity},{myopic}\n"
        ));
    }
    text
}

pub fn teachers_csv() -> String {
    format!(
        "学年,学校标识码,身份证号,姓名,性别,出生年份,任教学段,任教学科,职称,骨干教师级别,入校学年,学历\n\
         2024,3737010001,{},赵老师,女,1985,小学,语文,一级教师,县级,2015,本科\n\
         2024,3737010002,{},钱老师,男,,初中,数学,高级教师,,2010—2011学年,硕士研究生\n",
        id((1985, 4, 12), 31, Sex::Female),
        id((1979, 12, 1), 41, Sex::Male),
    )
}

/// A store holding the whole fixture, plus the directory its files are in.
pub fn loaded_store() -> (TestStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store();
    for (name, text) in [
        ("学校.csv", SCHOOLS_CSV.to_owned()),
        ("班级.csv", CLASSES_CSV.to_owned()),
        ("学生.csv", students_csv()),
        ("教师.csv", teachers_csv()),
    ] {
        let path = write(dir.path(), name, &text);
        import_clean(&mut store, &path);
    }
    (store, dir)
}
