//! The catalogue: every official indicator edugov computes, with its names,
//! definition, unit, stages, direction and source. One entry per idea; the
//! engine (`compute.rs`) reads the [`Measure`] to know what to count.
//!
//! Sources are the sections of `shared/domain/rules.md`; their policy lines
//! (85 % 普惠, CV ≤ 0.50 …) are defaults in [`crate::Rules`], not constants here,
//! because they change by year and province.

use registry::Stage;

/// How a value is shown: its unit and the digits a report prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of things (classes, teachers).
    Count,
    /// Per cent, 0–100 (or above, for seat utilisation).
    Percent,
    /// Students per teacher, shown as "13.5∶1".
    PerTeacher,
    /// Per 100 students.
    Per100Students,
    /// Students per class.
    PerClass,
    /// Square metres per student.
    SquareMetresPerStudent,
    /// Yuan per student.
    YuanPerStudent,
    /// 差异系数, a pure number.
    Coefficient,
}

impl Unit {
    /// Digits after the point that reports show; the cross-check compares to these.
    pub fn digits(self) -> usize {
        match self {
            Unit::Count => 0,
            Unit::Coefficient => 3,
            _ => 2,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Unit::Count => "个",
            Unit::Percent => "%",
            Unit::PerTeacher => "∶1",
            Unit::Per100Students => "每百名学生",
            Unit::PerClass => "人/班",
            Unit::SquareMetresPerStudent => "平方米/生",
            Unit::YuanPerStudent => "元/生",
            Unit::Coefficient => "",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Percent => "%",
            Unit::PerTeacher => ":1",
            Unit::Per100Students => "per 100 students",
            Unit::PerClass => "students per class",
            Unit::SquareMetresPerStudent => "m² per student",
            Unit::YuanPerStudent => "yuan per student",
            Unit::Coefficient => "",
        }
    }
}

/// Whether a rising value is good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    /// Context figures (counts, utilisation) with no good direction.
    Neutral,
}

/// Catalogue sections, for choosing a family at once (`--group balanced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Basics,
    ClassSize,
    Preschool,
    Teachers,
    Balanced,
    Students,
}

impl Group {
    pub const ALL: &'static [Group] = &[
        Group::Basics,
        Group::ClassSize,
        Group::Preschool,
        Group::Teachers,
        Group::Balanced,
        Group::Students,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Group::Basics => "basics",
            Group::ClassSize => "class_size",
            Group::Preschool => "preschool",
            Group::Teachers => "teachers",
            Group::Balanced => "balanced",
            Group::Students => "students",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Group::Basics => "基本情况",
            Group::ClassSize => "班额",
            Group::Preschool => "学前教育",
            Group::Teachers => "教师队伍",
            Group::Balanced => "义务教育优质均衡",
            Group::Students => "学生发展",
        }
    }
}

/// Which places an indicator is defined for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
// Named apart from `access::Scope`, which the API documents too.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = IndicatorScope))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every level, down to each school and school group.
    Everywhere,
    /// Areas only: the measure needs population or last year's cohort,
    /// which belong to places, not schools.
    AreasOnly,
    /// Counties only: a spread across the county's schools (差异系数).
    Counties,
}

/// The 优质均衡 school resource measures, in the 办法's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    AboveQualifiedTeachers,
    KeyTeachers,
    PeArtsTeachers,
    TeachingFloorArea,
    SportsGroundArea,
    EquipmentValue,
    MultimediaClassrooms,
}

impl Resource {
    pub const ALL: [Resource; 7] = [
        Resource::AboveQualifiedTeachers,
        Resource::KeyTeachers,
        Resource::PeArtsTeachers,
        Resource::TeachingFloorArea,
        Resource::SportsGroundArea,
        Resource::EquipmentValue,
        Resource::MultimediaClassrooms,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What an indicator counts. The engine's one `match` over this is the
/// definition in code; `definition_zh` says the same in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    SchoolCount,
    ClassCount,
    StudentCount,
    TeacherCount,
    LargeClassCount,
    LargeClassShare,
    OversizeClassCount,
    OversizeClassShare,
    AverageClassSize,
    PreschoolGrossEnrolment,
    InclusiveCoverage,
    PublicPreschoolShare,
    QualityKindergartenShare,
    StudentTeacherRatio,
    KeyTeacherShare,
    SeniorTitleShare,
    YoungTeacherShare,
    OlderTeacherShare,
    RotationEligibleShare,
    Resource(Resource),
    ResourceCv(Resource),
    BalancedSchoolShare,
    BalancedCvUnmetCount,
    MyopiaRate,
    MigrantChildShare,
    MigrantPublicShare,
    BoarderShare,
    SeatUtilisation,
    SeniorEntryRate,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub group: Group,
    /// Numerator, denominator, filters — in the words a bureau uses.
    pub definition_zh: &'static str,
    pub definition_en: &'static str,
    pub unit: Unit,
    /// The stages it is broken down by; empty = one value over all stages.
    pub stages: &'static [Stage],
    /// Whether a value over all its stages together is also given (stage = none).
    pub all_stages: bool,
    /// Whether values are also given for each grade of its stages.
    pub by_grade: bool,
    pub direction: Direction,
    pub scope: Scope,
    /// The policy it follows, as its document is cited (title and number),
    /// or where its figures come from when no policy sets a line for it.
    pub source: &'static str,
    #[serde(skip)]
    pub measure: Measure,
}

use Stage::{Junior, Preschool, Primary, Senior};

const CLASS_STAGES: &[Stage] = &[Primary, Junior, Senior];
const SCHOOL_STAGES: &[Stage] = &[Preschool, Primary, Junior, Senior];
const COMPULSORY: &[Stage] = &[Primary, Junior];
const SENIOR: &[Stage] = &[Senior];
const PRESCHOOL: &[Stage] = &[];

// The policy each indicator follows, named as a bureau cites it (document
// title and number where `shared/domain/rules.md` gives one) — never a file
// of ours; counts with no policy behind them say where the figures come from.
const CLASS_SIZE_SOURCE: &str =
    "《国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见》（国发〔2016〕40号）：消除56人以上大班额、66人以上超大班额";
/// Senior high: the same 56 and 66 lines applied, no national line to reach
/// zero (rules.md 班额: standard class size, senior).
const SENIOR_CLASS_SIZE_SOURCE: &str =
    "《高中阶段教育普及攻坚计划（2017—2020年）》（教育部等四部门，2017）：普通高中亦以56人为大班额线";
const PRESCHOOL_SOURCE: &str = "《“十四五”学前教育发展提升行动计划》（教育部等九部门，2021）";
const BALANCED_SOURCE: &str = "《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）";
const ROTATION_SOURCE: &str =
    "《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》（教育部、财政部、人力资源社会保障部，2014）";
const STAFFING_SOURCE: &str = "《关于统一城乡中小学教职工编制标准的通知》（中央编办、教育部、财政部，2014）";
const MYOPIA_SOURCE: &str = "《综合防控儿童青少年近视实施方案》（教育部等八部门，2018）";
const MIGRANT_SOURCE: &str = "《教育部办公厅关于做好2019年普通中小学招生入学工作的通知》";
/// A count or share of the registry with no policy line of its own.
const REGISTRY_SOURCE: &str = "学籍与教师登记数据";

// How every definition ends: which value "met" is judged on (issue 12).
// Counts are whole numbers; any other value is judged unrounded, not as a
// report shows it (`judge.rs`: no rule we follow says the official method
// rounds first; for the 差异系数 rules.md leaves it open, so the exact CV).
macro_rules! judged_zh {
    (Count) => {
        ""
    };
    (Coefficient) => {
        "。是否达标按未经舍入的差异系数判断，不按显示的三位小数（评估办法未规定先舍入再比较）"
    };
    ($unit:ident) => {
        "。是否达标按未经舍入的数值判断，不按显示的两位小数"
    };
}

macro_rules! judged_en {
    (Count) => {
        ""
    };
    (Coefficient) => {
        ". Met or not is judged on the unrounded CV, not on the three decimals shown (the 办法 sets no rounding before the comparison)"
    };
    ($unit:ident) => {
        ". Met or not is judged on the unrounded value, not on the two decimals shown"
    };
}

macro_rules! indicator {
    ($code:literal, $zh:literal, $en:literal, $group:ident, $measure:expr, $unit:ident, $stages:expr,
     all: $all:literal, grade: $grade:literal, $direction:ident, $scope:ident, $source:expr,
     $def_zh:literal, $def_en:literal) => {
        Indicator {
            code: $code,
            name_zh: $zh,
            name_en: $en,
            group: Group::$group,
            definition_zh: concat!($def_zh, judged_zh!($unit)),
            definition_en: concat!($def_en, judged_en!($unit)),
            unit: Unit::$unit,
            stages: $stages,
            all_stages: $all,
            by_grade: $grade,
            direction: Direction::$direction,
            scope: Scope::$scope,
            source: $source,
            measure: $measure,
        }
    };
}

/// The whole catalogue, in report order.
pub static CATALOGUE: &[Indicator] = &[
    // 基本情况
    indicator!("school_count", "学校数", "Schools", Basics, Measure::SchoolCount, Count, SCHOOL_STAGES,
        all: true, grade: false, Neutral, Everywhere, REGISTRY_SOURCE,
        "开设该学段的学校数（一所学校可开设多个学段，合计时只计一次）",
        "Schools serving the stage (a school serving several stages counts once in the total)"),
    indicator!("class_count", "班级数", "Classes", Basics, Measure::ClassCount, Count, SCHOOL_STAGES,
        all: true, grade: false, Neutral, Everywhere, REGISTRY_SOURCE,
        "本学年登记的班级数", "Classes registered this school year"),
    indicator!("student_count", "在校生数", "Students", Basics, Measure::StudentCount, Count, SCHOOL_STAGES,
        all: true, grade: true, Neutral, Everywhere, REGISTRY_SOURCE,
        "本学年有学籍的在校学生（幼儿）数", "Students (children) enrolled this school year"),
    indicator!("teacher_count", "专任教师数", "Full-time teachers", Basics, Measure::TeacherCount, Count,
        SCHOOL_STAGES, all: true, grade: false, Neutral, Everywhere, REGISTRY_SOURCE,
        "本学年在岗专任教师数（按任教学段）", "Full-time teachers in post this school year, by the stage they teach"),
    // 班额. The headline 大班额 and 超大班额 figures are the ones the policy
    // targets: primary and junior classes (消除义务教育56人以上大班额), their
    // total the sum of the two. Senior high is its own indicator, with no
    // policy line by default (issue 12).
    indicator!("large_class_count", "大班额班级数", "Large classes (56+), primary and junior", ClassSize,
        Measure::LargeClassCount, Count, COMPULSORY, all: true, grade: false, LowerIsBetter, Everywhere,
        CLASS_SIZE_SOURCE,
        "小学、初中班额达到大班额线（默认56人）及以上的班级数；合计为小学与初中之和，即消除大班额政策所指之数（普通高中另见“普通高中大班额班级数”）",
        "Primary and junior classes with at least the large-class line (default 56) of students; the total is primary plus junior, the count the policy to end large classes targets (senior high: senior_large_class_count)"),
    indicator!("large_class_share", "大班额比例", "Share of large classes, primary and junior", ClassSize,
        Measure::LargeClassShare, Percent, COMPULSORY, all: true, grade: false, LowerIsBetter,
        Everywhere, CLASS_SIZE_SOURCE,
        "小学、初中大班额班级数 ÷ 小学、初中班级总数 × 100%（普通高中另见“普通高中大班额比例”）",
        "Primary and junior large classes ÷ primary and junior classes × 100% (senior high: senior_large_class_share)"),
    indicator!("oversize_class_count", "超大班额班级数", "Oversize classes (66+), primary and junior", ClassSize,
        Measure::OversizeClassCount, Count, COMPULSORY, all: true, grade: false, LowerIsBetter, Everywhere,
        CLASS_SIZE_SOURCE,
        "小学、初中班额达到超大班额线（默认66人）及以上的班级数；合计为小学与初中之和（普通高中另见“普通高中超大班额班级数”）",
        "Primary and junior classes with at least the oversize line (default 66) of students; the total is primary plus junior (senior high: senior_oversize_class_count)"),
    indicator!("oversize_class_share", "超大班额比例", "Share of oversize classes, primary and junior", ClassSize,
        Measure::OversizeClassShare, Percent, COMPULSORY, all: true, grade: false, LowerIsBetter,
        Everywhere, CLASS_SIZE_SOURCE,
        "小学、初中超大班额班级数 ÷ 小学、初中班级总数 × 100%（普通高中另见“普通高中超大班额比例”）",
        "Primary and junior oversize classes ÷ primary and junior classes × 100% (senior high: senior_oversize_class_share)"),
    indicator!("senior_large_class_count", "普通高中大班额班级数", "Senior-high large classes (56+)", ClassSize,
        Measure::LargeClassCount, Count, SENIOR, all: false, grade: false, LowerIsBetter, Everywhere,
        SENIOR_CLASS_SIZE_SOURCE,
        "普通高中班额达到大班额线（默认56人）及以上的班级数；不计入“大班额班级数”，默认不设标准线",
        "Senior-high classes with at least the large-class line (default 56) of students; not in large_class_count, no policy line by default"),
    indicator!("senior_large_class_share", "普通高中大班额比例", "Share of senior-high large classes", ClassSize,
        Measure::LargeClassShare, Percent, SENIOR, all: false, grade: false, LowerIsBetter, Everywhere,
        SENIOR_CLASS_SIZE_SOURCE,
        "普通高中大班额班级数 ÷ 普通高中班级总数 × 100%", "Senior-high large classes ÷ senior-high classes × 100%"),
    indicator!("senior_oversize_class_count", "普通高中超大班额班级数", "Senior-high oversize classes (66+)", ClassSize,
        Measure::OversizeClassCount, Count, SENIOR, all: false, grade: false, LowerIsBetter, Everywhere,
        SENIOR_CLASS_SIZE_SOURCE,
        "普通高中班额达到超大班额线（默认66人）及以上的班级数；不计入“超大班额班级数”，默认不设标准线",
        "Senior-high classes with at least the oversize line (default 66) of students; not in oversize_class_count, no policy line by default"),
    indicator!("senior_oversize_class_share", "普通高中超大班额比例", "Share of senior-high oversize classes", ClassSize,
        Measure::OversizeClassShare, Percent, SENIOR, all: false, grade: false, LowerIsBetter, Everywhere,
        SENIOR_CLASS_SIZE_SOURCE,
        "普通高中超大班额班级数 ÷ 普通高中班级总数 × 100%", "Senior-high oversize classes ÷ senior-high classes × 100%"),
    indicator!("average_class_size", "平均班额", "Average class size", ClassSize, Measure::AverageClassSize,
        PerClass, SCHOOL_STAGES, all: false, grade: false, LowerIsBetter, Everywhere, CLASS_SIZE_SOURCE,
        "各班登记班额之和 ÷ 班级数", "Sum of registered class sizes ÷ classes"),
    // 学前教育
    indicator!("preschool_gross_enrolment_ratio", "学前三年毛入园率", "Preschool gross enrolment ratio", Preschool,
        Measure::PreschoolGrossEnrolment, Percent, PRESCHOOL, all: false, grade: false, HigherIsBetter,
        AreasOnly, PRESCHOOL_SOURCE,
        "在园幼儿数 ÷ 本区域3—5周岁常住儿童数 × 100%（仅区域，学校无人口分母）",
        "Children in kindergarten ÷ resident children aged 3–5 × 100% (areas only)"),
    indicator!("inclusive_coverage", "普惠性幼儿园覆盖率", "Inclusive kindergarten coverage", Preschool,
        Measure::InclusiveCoverage, Percent, PRESCHOOL, all: false, grade: false, HigherIsBetter, Everywhere,
        PRESCHOOL_SOURCE,
        "（公办园 + 普惠性民办园）在园幼儿数 ÷ 在园幼儿总数 × 100%",
        "Children in public or inclusive private kindergartens ÷ all kindergarten children × 100%"),
    indicator!("public_preschool_share", "公办园在园幼儿占比", "Share of children in public kindergartens",
        Preschool, Measure::PublicPreschoolShare, Percent, PRESCHOOL, all: false, grade: false, HigherIsBetter,
        Everywhere, PRESCHOOL_SOURCE,
        "公办园在园幼儿数 ÷ 在园幼儿总数 × 100%", "Children in public kindergartens ÷ all kindergarten children × 100%"),
    indicator!("quality_kindergarten_share", "优质园在园幼儿占比", "Share of children in quality-rated kindergartens",
        Preschool, Measure::QualityKindergartenShare, Percent, PRESCHOOL, all: false, grade: false,
        HigherIsBetter, Everywhere, PRESCHOOL_SOURCE,
        "市级及以上优质园在园幼儿数 ÷ 在园幼儿总数 × 100%",
        "Children in city- or province-rated quality kindergartens ÷ all kindergarten children × 100%"),
    // 教师队伍
    indicator!("student_teacher_ratio", "生师比", "Student–teacher ratio", Teachers,
        Measure::StudentTeacherRatio, PerTeacher, SCHOOL_STAGES, all: false, grade: false, LowerIsBetter,
        Everywhere, STAFFING_SOURCE,
        "在校生数 ÷ 该学段专任教师数", "Students ÷ full-time teachers of the stage"),
    indicator!("key_teacher_share", "县级及以上骨干教师占比", "Share of county-or-above key teachers", Teachers,
        Measure::KeyTeacherShare, Percent, SCHOOL_STAGES, all: true, grade: false, HigherIsBetter, Everywhere,
        BALANCED_SOURCE,
        "县级及以上骨干教师数 ÷ 专任教师数 × 100%", "County-, city- or province-level key teachers ÷ teachers × 100%"),
    indicator!("senior_title_share", "高级职称教师占比", "Share of teachers with senior titles", Teachers,
        Measure::SeniorTitleShare, Percent, SCHOOL_STAGES, all: true, grade: false, HigherIsBetter, Everywhere,
        REGISTRY_SOURCE,
        "高级教师及正高级教师数 ÷ 专任教师数 × 100%", "Senior and full-senior titled teachers ÷ teachers × 100%"),
    indicator!("young_teacher_share", "35岁及以下教师占比", "Share of teachers aged 35 or under", Teachers,
        Measure::YoungTeacherShare, Percent, SCHOOL_STAGES, all: true, grade: false, Neutral, Everywhere,
        REGISTRY_SOURCE,
        "学年起始年份 − 出生年份 ≤ 35 的专任教师数 ÷ 专任教师数 × 100%",
        "Teachers aged 35 or under (school year minus birth year) ÷ teachers × 100%"),
    indicator!("older_teacher_share", "50岁及以上教师占比", "Share of teachers aged 50 or over", Teachers,
        Measure::OlderTeacherShare, Percent, SCHOOL_STAGES, all: true, grade: false, Neutral, Everywhere,
        REGISTRY_SOURCE,
        "学年起始年份 − 出生年份 ≥ 50 的专任教师数 ÷ 专任教师数 × 100%",
        "Teachers aged 50 or over (school year minus birth year) ÷ teachers × 100%"),
    indicator!("rotation_eligible_share", "应交流教师占比", "Share of teachers eligible for rotation", Teachers,
        Measure::RotationEligibleShare, Percent, COMPULSORY, all: true, grade: false, Neutral, Everywhere,
        ROTATION_SOURCE,
        "在同一学校任教满交流年限（默认6年，学年 − 入校学年 ≥ 6）的专任教师数 ÷ 专任教师数 × 100%",
        "Teachers with at least the rotation term (default 6 years) at the same school ÷ teachers × 100%"),
    // 义务教育优质均衡：七项资源配置指标（学校值、区域值）
    indicator!("above_qualified_teachers_per_100", "每百名学生拥有高于规定学历教师数",
        "Teachers above the required qualification per 100 students", Balanced,
        Measure::Resource(Resource::AboveQualifiedTeachers), Per100Students, COMPULSORY, all: false,
        grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "高于规定学历（小学专科及以上、初中本科及以上）专任教师数 ÷ 在校生数 × 100",
        "Teachers above the required qualification (primary: associate+, junior: bachelor+) ÷ students × 100"),
    indicator!("key_teachers_per_100", "每百名学生拥有县级及以上骨干教师数",
        "County-or-above key teachers per 100 students", Balanced, Measure::Resource(Resource::KeyTeachers),
        Per100Students, COMPULSORY, all: false, grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "县级及以上骨干教师数 ÷ 在校生数 × 100", "County-or-above key teachers ÷ students × 100"),
    indicator!("pe_arts_teachers_per_100", "每百名学生拥有体育、艺术（美术、音乐）专任教师数",
        "PE and arts teachers per 100 students", Balanced, Measure::Resource(Resource::PeArtsTeachers),
        Per100Students, COMPULSORY, all: false, grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "体育、音乐、美术专任教师数 ÷ 在校生数 × 100", "PE, music and fine-arts teachers ÷ students × 100"),
    indicator!("teaching_floor_area_per_student", "生均教学及辅助用房面积", "Teaching floor area per student",
        Balanced, Measure::Resource(Resource::TeachingFloorArea), SquareMetresPerStudent, COMPULSORY,
        all: false, grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "开设该学段、已报办学条件的学校（一贯制学校、完全中学按学部拆分：按加权学生数 小学1 : 初中1.1 : 高中1.32 分摊）：教学及辅助用房面积之和 ÷ 这些学校（学部）该学段在校生数",
        "Schools serving the stage with facilities reported (a school serving several stages split by weighted pupils 1 : 1.1 : 1.32): teaching floor area ÷ their students of the stage"),
    indicator!("sports_ground_area_per_student", "生均体育运动场馆面积", "Sports ground area per student",
        Balanced, Measure::Resource(Resource::SportsGroundArea), SquareMetresPerStudent, COMPULSORY,
        all: false, grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "开设该学段、已报办学条件的学校（一贯制学校、完全中学按学部拆分：按加权学生数 小学1 : 初中1.1 : 高中1.32 分摊）：体育运动场馆面积之和 ÷ 这些学校（学部）该学段在校生数",
        "Schools serving the stage with facilities reported (split by weighted pupils 1 : 1.1 : 1.32): sports ground area ÷ their students of the stage"),
    indicator!("equipment_value_per_student", "生均教学仪器设备值", "Teaching equipment value per student",
        Balanced, Measure::Resource(Resource::EquipmentValue), YuanPerStudent, COMPULSORY, all: false,
        grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "开设该学段、已报办学条件的学校（一贯制学校、完全中学按学部拆分：按加权学生数 小学1 : 初中1.1 : 高中1.32 分摊）：教学仪器设备值之和 ÷ 这些学校（学部）该学段在校生数",
        "Schools serving the stage with facilities reported (split by weighted pupils 1 : 1.1 : 1.32): equipment value ÷ their students of the stage"),
    indicator!("multimedia_classrooms_per_100", "每百名学生拥有网络多媒体教室数",
        "Networked multimedia classrooms per 100 students", Balanced,
        Measure::Resource(Resource::MultimediaClassrooms), Per100Students, COMPULSORY, all: false,
        grade: false, HigherIsBetter, Everywhere, BALANCED_SOURCE,
        "开设该学段、已报办学条件的学校（一贯制学校、完全中学按学部拆分：按加权学生数 小学1 : 初中1.1 : 高中1.32 分摊）：网络多媒体教室数之和 ÷ 这些学校（学部）该学段在校生数 × 100",
        "Schools serving the stage with facilities reported (split by weighted pupils 1 : 1.1 : 1.32): multimedia classrooms ÷ their students of the stage × 100"),
    // 差异系数：县域内各校之间
    indicator!("above_qualified_teachers_cv", "高于规定学历教师数差异系数",
        "CV of above-qualified teachers per 100 students", Balanced,
        Measure::ResourceCv(Resource::AboveQualifiedTeachers), Coefficient, COMPULSORY, all: false,
        grade: false, LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内该学段各校（一贯制学校、完全中学按小学部、初中部计）“每百名学生拥有高于规定学历教师数”的差异系数（以该学段在校生数加权的标准差 ÷ 加权平均数）；不足两所（部）不计算",
        "Across the county's schools of the stage (a school serving several stages as its 小学部 / 初中部): enrolment-weighted standard deviation ÷ weighted mean; none under two units"),
    indicator!("key_teachers_cv", "骨干教师数差异系数", "CV of key teachers per 100 students", Balanced,
        Measure::ResourceCv(Resource::KeyTeachers), Coefficient, COMPULSORY, all: false, grade: false,
        LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校“每百名学生拥有县级及以上骨干教师数”的差异系数（学部计，在校生数加权；不足两所不计算）",
        "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("pe_arts_teachers_cv", "体育艺术教师数差异系数", "CV of PE and arts teachers per 100 students",
        Balanced, Measure::ResourceCv(Resource::PeArtsTeachers), Coefficient, COMPULSORY, all: false,
        grade: false, LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校“每百名学生拥有体育、艺术专任教师数”的差异系数（学部计，在校生数加权；不足两所不计算）",
        "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("teaching_floor_area_cv", "生均教学及辅助用房面积差异系数", "CV of teaching floor area per student",
        Balanced, Measure::ResourceCv(Resource::TeachingFloorArea), Coefficient, COMPULSORY, all: false,
        grade: false, LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校生均教学及辅助用房面积的差异系数（学部计，在校生数加权；不足两所不计算）",
        "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("sports_ground_area_cv", "生均体育运动场馆面积差异系数", "CV of sports ground area per student",
        Balanced, Measure::ResourceCv(Resource::SportsGroundArea), Coefficient, COMPULSORY, all: false,
        grade: false, LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校生均体育运动场馆面积的差异系数（学部计，在校生数加权；不足两所不计算）", "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("equipment_value_cv", "生均教学仪器设备值差异系数", "CV of equipment value per student", Balanced,
        Measure::ResourceCv(Resource::EquipmentValue), Coefficient, COMPULSORY, all: false, grade: false,
        LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校生均教学仪器设备值的差异系数（学部计，在校生数加权；不足两所不计算）", "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("multimedia_classrooms_cv", "网络多媒体教室数差异系数", "CV of multimedia classrooms per 100 students",
        Balanced, Measure::ResourceCv(Resource::MultimediaClassrooms), Coefficient, COMPULSORY, all: false,
        grade: false, LowerIsBetter, Counties, BALANCED_SOURCE,
        "县域内各校每百名学生拥有网络多媒体教室数的差异系数（学部计，在校生数加权；不足两所不计算）",
        "Enrolment-weighted CV across the county's schools and school parts of the stage; none under two units"),
    indicator!("balanced_cv_unmet_count", "差异系数未达标项数", "CV indicators over the line", Balanced,
        Measure::BalancedCvUnmetCount, Count, COMPULSORY, all: false, grade: false, LowerIsBetter, Counties,
        BALANCED_SOURCE,
        "七项资源配置指标中差异系数超过标准（小学0.50、初中0.45）的项数（不计算的差异系数不计入）",
        "How many of the seven resource CVs exceed the line (primary 0.50, junior 0.45)"),
    indicator!("balanced_school_share", "资源配置达标学校比例", "Share of schools meeting the resource standards",
        Balanced, Measure::BalancedSchoolShare, Percent, COMPULSORY, all: false, grade: false, HigherIsBetter,
        Everywhere, BALANCED_SOURCE,
        "七项资源配置指标至少六项达标、其余一项不低于标准85%的学校（学部）数 ÷ 参评学校（学部）数 × 100%（一贯制学校、完全中学按学部评价）",
        "Schools (or parts of schools serving several stages) meeting at least six of the seven standards and the seventh at 85% or more ÷ those assessed × 100%"),
    // 学生发展
    indicator!("myopia_rate", "近视率", "Myopia rate", Students, Measure::MyopiaRate, Percent, CLASS_STAGES,
        all: true, grade: true, LowerIsBetter, Everywhere, MYOPIA_SOURCE,
        "筛查为近视的学生数 ÷ 参加筛查的学生数 × 100%", "Students screened myopic ÷ students screened × 100%"),
    indicator!("migrant_child_share", "随迁子女占比", "Share of migrant children", Students,
        Measure::MigrantChildShare, Percent, COMPULSORY, all: true, grade: false, Neutral, Everywhere,
        REGISTRY_SOURCE, "进城务工人员随迁子女数 ÷ 在校生数 × 100%", "Migrant children ÷ students × 100%"),
    indicator!("migrant_public_share", "随迁子女在公办学校就读比例", "Share of migrant children in public schools",
        Students, Measure::MigrantPublicShare, Percent, COMPULSORY, all: true, grade: false, HigherIsBetter,
        Everywhere, MIGRANT_SOURCE,
        "在公办学校就读的随迁子女数 ÷ 随迁子女数 × 100%", "Migrant children in public schools ÷ migrant children × 100%"),
    indicator!("boarder_share", "寄宿生占比", "Share of boarders", Students, Measure::BoarderShare, Percent,
        CLASS_STAGES, all: true, grade: false, Neutral, Everywhere, REGISTRY_SOURCE,
        "寄宿生数 ÷ 在校生数 × 100%", "Boarders ÷ students × 100%"),
    indicator!("seat_utilisation", "学位使用率", "Seat utilisation", Students, Measure::SeatUtilisation, Percent,
        SCHOOL_STAGES, all: true, grade: false, Neutral, Everywhere, REGISTRY_SOURCE,
        "在校生数 ÷ 核定学位数 × 100%（超过100%即学位不足）",
        "Students ÷ seats × 100% (over 100% means too few seats)"),
    indicator!("senior_entry_ratio", "初中升高中比例", "Junior-to-senior entry rate", Students,
        Measure::SeniorEntryRate, Percent, PRESCHOOL, all: false, grade: false, HigherIsBetter, AreasOnly,
        REGISTRY_SOURCE,
        "本学年普通高中一年级在校生数 ÷ 上一学年初中九年级在校生数 × 100%（仅区域）",
        "Senior grade-10 students this year ÷ junior grade-9 students last year × 100% (areas only)"),
];

/// The catalogue entry with this code.
pub fn find(code: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.code == code)
}

/// The catalogue entries of a group, in report order.
pub fn group(group: Group) -> impl Iterator<Item = &'static Indicator> {
    CATALOGUE.iter().filter(move |i| i.group == group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_names_a_policy_or_the_registry_never_a_file_of_ours() {
        for i in CATALOGUE {
            let lower = i.source.to_lowercase();
            assert!(
                !lower.contains(".md") && !lower.contains("edugov"),
                "{}: {}",
                i.code,
                i.source
            );
            assert!(
                i.source.starts_with('《') || i.source == REGISTRY_SOURCE,
                "{} cites neither a document nor the registry: {}",
                i.code,
                i.source
            );
        }
        assert_eq!(
            find("large_class_count").map(|i| i.source),
            Some(CLASS_SIZE_SOURCE)
        );
        assert!(BALANCED_SOURCE.contains("教督〔2017〕6号"));
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for i in CATALOGUE {
            assert!(seen.insert(i.code), "duplicate {}", i.code);
            assert!(i
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            assert!(!i.name_zh.is_empty() && !i.definition_zh.is_empty() && !i.definition_en.is_empty());
        }
    }

    #[test]
    fn the_issue_list_is_covered() {
        for code in [
            "large_class_count",
            "oversize_class_share",
            "average_class_size",
            "preschool_gross_enrolment_ratio",
            "inclusive_coverage",
            "public_preschool_share",
            "quality_kindergarten_share",
            "student_teacher_ratio",
            "key_teacher_share",
            "rotation_eligible_share",
            "above_qualified_teachers_cv",
            "myopia_rate",
            "migrant_public_share",
            "boarder_share",
            "seat_utilisation",
            "senior_entry_ratio",
        ] {
            assert!(find(code).is_some(), "{code}");
        }
    }
}
