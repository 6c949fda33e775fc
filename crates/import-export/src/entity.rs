//! What a file can hold ([`Entity`]) and the fields its columns carry.
//!
//! A column is a [`Field`] (the idea, with its Chinese header, the header
//! variants bureaus write, a template note and a kind) plus whether the
//! entity requires it. Each entity's column table is in its own module under
//! `entities/`; recognising a file is matching its header row against these
//! tables ([`recognise`]).

use registry::{
    KeyTeacherLevel, Location, Ownership, ParseError, Qualification, QualityRating, Sex, Stage, Subject,
    Title,
};

use crate::cells;

/// The kinds of record a file (or a sheet of a workbook) can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Schools,
    Facilities,
    Classes,
    Students,
    Teachers,
    Population,
    Births,
}

impl Entity {
    /// In the order an import applies them: schools before the classes that
    /// name them, classes before the students placed in them.
    pub const ALL: &'static [Entity] = &[
        Entity::Schools,
        Entity::Facilities,
        Entity::Classes,
        Entity::Students,
        Entity::Teachers,
        Entity::Population,
        Entity::Births,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Entity::Schools => "schools",
            Entity::Facilities => "facilities",
            Entity::Classes => "classes",
            Entity::Students => "students",
            Entity::Teachers => "teachers",
            Entity::Population => "population",
            Entity::Births => "births",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Entity::Schools => "学校",
            Entity::Facilities => "办学条件",
            Entity::Classes => "班级",
            Entity::Students => "学生",
            Entity::Teachers => "教师",
            Entity::Population => "人口",
            Entity::Births => "出生",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Entity::Schools => "Schools",
            Entity::Facilities => "Facilities",
            Entity::Classes => "Classes",
            Entity::Students => "Students",
            Entity::Teachers => "Teachers",
            Entity::Population => "Population",
            Entity::Births => "Births",
        }
    }

    /// Accepts the code (`students`) or the Chinese label (`学生`).
    pub fn parse(text: &str) -> Result<Entity, ParseError> {
        let text = text.trim();
        Entity::ALL
            .iter()
            .copied()
            .find(|e| e.code().eq_ignore_ascii_case(text) || e.label_zh() == text)
            .ok_or_else(|| {
                let known: Vec<String> = Entity::ALL
                    .iter()
                    .map(|e| format!("{}（{}）", e.label_zh(), e.code()))
                    .collect();
                ParseError::new(format!("数据类型“{text}”无法识别，可填：{}", known.join("、")))
            })
    }

    /// The columns of this entity, in template order.
    pub fn columns(self) -> &'static [Column] {
        crate::entities::columns(self)
    }

    /// The entity a sheet or file name points to: `学生`, `学生_2`,
    /// `2024学生名单`, `students.csv`. `None` unless exactly one entity fits.
    pub(crate) fn from_name(name: &str) -> Option<Entity> {
        let lower = name.to_lowercase();
        let mut found = Entity::ALL
            .iter()
            .copied()
            .filter(|e| lower.contains(e.label_zh()) || lower.contains(e.code()));
        let first = found.next()?;
        match found.next() {
            None => Some(first),
            // 学校 is inside 学校班级; prefer the more specific word.
            Some(_) => None,
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// One column of an entity's table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: Field,
    pub required: bool,
}

/// Every idea a column can carry. The same field (学年, 学校标识码) has the
/// same header and meaning in every entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    SchoolYear,
    SchoolCode,
    SchoolName,
    County,
    Township,
    Stages,
    Ownership,
    Inclusive,
    QualityRating,
    Location,
    SeatsPreschool,
    SeatsPrimary,
    SeatsJunior,
    SeatsSenior,
    SeatsVocational,
    SeatsSpecial,
    SchoolGroup,
    Longitude,
    Latitude,
    TeachingFloorArea,
    SportsGroundArea,
    EquipmentValue,
    MultimediaClassrooms,
    Stage,
    Grade,
    ClassName,
    ClassSize,
    IdNumber,
    Name,
    Sex,
    BirthDate,
    HouseholdArea,
    MigrantChild,
    Boarder,
    VisualAcuity,
    Myopic,
    TeachingStage,
    Subject,
    Title,
    KeyTeacherLevel,
    JoinedSchoolYear,
    Qualification,
    BirthYear,
    Age,
    Children,
    Year,
    BirthCount,
}

/// Number of [`Field`] variants (sizes per-file position tables).
pub(crate) const FIELD_COUNT: usize = Field::BirthCount as usize + 1;

/// What a column holds: decides the template's drop-down, the export's cell
/// type and the note's wording.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Free text.
    Text,
    /// Digits kept as text (codes), so Excel does not turn them into numbers.
    Code,
    Integer,
    Decimal,
    Date,
    /// 是 / 否.
    Flag,
    /// One value of a closed vocabulary.
    Choice(fn() -> Vec<String>),
    /// Several values of a closed vocabulary, separated by 、 or ,.
    MultiChoice(fn() -> Vec<String>),
}

/// The fixed description of a field.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The header as edugov writes it.
    pub header: &'static str,
    /// Other headers accepted on import (compared after [`normalise_header`]).
    pub aliases: &'static [&'static str],
    pub note: &'static str,
    pub kind: Kind,
    /// Column width in the template and exports, in Excel character units.
    pub width: f64,
}

impl Field {
    pub fn header(self) -> &'static str {
        self.spec().header
    }

    pub fn spec(self) -> FieldSpec {
        use Kind::*;
        let (header, aliases, note, kind, width): (_, &'static [&'static str], _, _, _) = match self {
            Field::SchoolYear => (
                "学年",
                &["学年度", "年度", "统计学年"],
                "学年按起始年份填写，如 2024 或 2024—2025（2024 年 9 月至 2025 年 8 月）",
                Text,
                12.0,
            ),
            Field::SchoolCode => (
                "学校标识码",
                &[
                    "学校代码",
                    "学校编码",
                    "学校识别码",
                    "标识码",
                    "学校（机构）标识码",
                    "机构标识码",
                ],
                "教育部统一分配的 10 位学校（机构）标识码，请按文本格式填写",
                Code,
                14.0,
            ),
            Field::SchoolName => (
                "学校名称",
                &["学校全称", "校名", "幼儿园名称", "学校（机构）名称", "机构名称"],
                "学校或幼儿园的全称",
                Text,
                28.0,
            ),
            Field::County => (
                "所在区县代码",
                &["区县代码", "县区代码", "所属区县代码", "区县行政区划代码"],
                "所在区县（含开发区、高新区）的 6 位统计用区划代码，如 370102",
                Code,
                14.0,
            ),
            Field::Township => (
                "乡镇街道代码",
                &[
                    "乡镇代码",
                    "街道代码",
                    "所在乡镇街道代码",
                    "所属乡镇街道代码",
                    "乡镇（街道）代码",
                ],
                "所在乡镇街道的 9 位统计用区划代码，如 370102001",
                Code,
                14.0,
            ),
            Field::Stages => (
                "学段",
                &["办学学段", "开设学段"],
                "学校开设的学段；九年一贯制、完全中学等可填多个，用顿号“、”或逗号分隔，如 小学、初中",
                MultiChoice(stage_labels),
                16.0,
            ),
            Field::Ownership => (
                "办学性质",
                &["举办性质", "公办民办"],
                "公办 或 民办",
                Choice(ownership_labels),
                10.0,
            ),
            Field::Inclusive => (
                "是否普惠",
                &["普惠性", "是否普惠性幼儿园", "是否普惠园", "普惠"],
                "是否为普惠性幼儿园（公办园及认定的普惠性民办园填“是”）；不填视为“否”",
                Flag,
                10.0,
            ),
            Field::QualityRating => (
                "优质园等级",
                &["幼儿园等级", "等级", "优质园", "示范园等级"],
                "幼儿园的优质园评定等级；未评定或非幼儿园可不填",
                Choice(quality_rating_labels),
                14.0,
            ),
            Field::Location => (
                "城乡分类",
                &["城乡类型", "城乡属性", "城乡"],
                "学校所在地的统计城乡分类：城区、镇区 或 乡村",
                Choice(location_labels),
                10.0,
            ),
            Field::SeatsPreschool => (
                "学前学位",
                &["幼儿园学位", "学前教育学位"],
                SEATS_NOTE,
                Integer,
                10.0,
            ),
            Field::SeatsPrimary => ("小学学位", &[], SEATS_NOTE, Integer, 10.0),
            Field::SeatsJunior => ("初中学位", &[], SEATS_NOTE, Integer, 10.0),
            Field::SeatsSenior => ("高中学位", &["普通高中学位"], SEATS_NOTE, Integer, 10.0),
            Field::SeatsVocational => ("中职学位", &["中等职业教育学位"], SEATS_NOTE, Integer, 10.0),
            Field::SeatsSpecial => ("特教学位", &["特殊教育学位"], SEATS_NOTE, Integer, 10.0),
            Field::SchoolGroup => (
                "教育集团",
                &["所属教育集团", "教育集团/共同体", "发展共同体", "集团"],
                "学校所属的教育集团或发展共同体名称；没有可不填",
                Text,
                20.0,
            ),
            Field::Longitude => (
                "经度",
                &["坐标经度"],
                "学校位置的经度（度，小数），如 117.0009；可不填",
                Decimal,
                12.0,
            ),
            Field::Latitude => (
                "纬度",
                &["坐标纬度"],
                "学校位置的纬度（度，小数），如 36.6758；可不填",
                Decimal,
                12.0,
            ),
            Field::TeachingFloorArea => (
                "教学及辅助用房面积",
                &["教学辅助用房面积"],
                "教学及辅助用房建筑面积，单位：平方米",
                Decimal,
                16.0,
            ),
            Field::SportsGroundArea => (
                "体育运动场馆面积",
                &["运动场馆面积", "体育场馆面积"],
                "体育运动场（馆）面积，单位：平方米",
                Decimal,
                16.0,
            ),
            Field::EquipmentValue => (
                "教学仪器设备值",
                &["教学仪器设备总值", "仪器设备值"],
                "教学仪器设备资产值，单位：元",
                Decimal,
                14.0,
            ),
            Field::MultimediaClassrooms => (
                "网络多媒体教室间数",
                &["多媒体教室间数", "多媒体教室数", "网络多媒体教室数"],
                "网络多媒体教室的间数",
                Integer,
                16.0,
            ),
            Field::Stage => (
                "学段",
                &[],
                "所属学段：学前、小学、初中、普通高中、中职 或 特殊教育；学生表中可不填，由班级或年级推断",
                Choice(stage_labels),
                10.0,
            ),
            Field::Grade => (
                "年级",
                &["所在年级", "年级名称"],
                "小班、中班、大班，一年级至九年级，高一至高三（也可填 1–12）",
                Choice(grade_labels),
                10.0,
            ),
            Field::ClassName => (
                "班级",
                &["班级名称", "班名", "所在班级"],
                "年级内的班级名称，如 3班；学生表中须与班级表一致",
                Text,
                10.0,
            ),
            Field::ClassSize => (
                "班额",
                &["班级人数", "班级学生数", "学生数", "人数"],
                "班级学生人数（0–120），须与学生名单中该班的人数一致",
                Integer,
                8.0,
            ),
            Field::IdNumber => (
                "身份证号",
                &[
                    "身份证件号",
                    "身份证号码",
                    "身份证件号码",
                    "居民身份证号",
                    "公民身份号码",
                    "证件号码",
                    "证件号",
                ],
                "18 位居民身份证号，末位可为 X；请按文本格式填写，避免 Excel 把它变成科学计数法",
                Code,
                22.0,
            ),
            Field::Name => ("姓名", &["学生姓名", "教师姓名", "幼儿姓名"], "姓名", Text, 10.0),
            Field::Sex => (
                "性别",
                &[],
                "男 或 女；可不填，不填时按身份证号确定，填写时须与身份证号一致",
                Choice(sex_labels),
                6.0,
            ),
            Field::BirthDate => (
                "出生日期",
                &["出生年月日", "生日"],
                "如 2016-02-29、2016/2/29 或 20160229；可不填，填写时须与身份证号一致",
                Date,
                12.0,
            ),
            Field::HouseholdArea => (
                "户籍地代码",
                &["户籍所在地代码", "户口所在地代码", "户籍地区划代码", "户籍代码"],
                "户籍所在地的统计用区划代码（区县 6 位或乡镇街道 9 位）",
                Code,
                14.0,
            ),
            Field::MigrantChild => (
                "是否随迁子女",
                &["随迁子女", "是否进城务工人员随迁子女"],
                "户籍不在本市的学生填“是”；不填视为“否”",
                Flag,
                12.0,
            ),
            Field::Boarder => (
                "是否寄宿",
                &["寄宿生", "是否寄宿生", "是否住校"],
                "寄宿生填“是”；不填视为“否”",
                Flag,
                10.0,
            ),
            Field::VisualAcuity => (
                "视力",
                &["裸眼视力", "视力（较差眼）"],
                "较差一眼的裸眼视力，五分记录（3.0–5.3）；本学年未筛查可不填",
                Decimal,
                8.0,
            ),
            Field::Myopic => ("是否近视", &["近视"], "视力筛查结果；未筛查可不填", Flag, 10.0),
            Field::TeachingStage => (
                "任教学段",
                &["学段", "主要任教学段"],
                "教师主要任教的学段（九年一贯制学校尤须填写）",
                Choice(stage_labels),
                10.0,
            ),
            Field::Subject => (
                "任教学科",
                &["学科", "主教学科", "主要任教学科"],
                "主要任教学科",
                Choice(subject_labels),
                12.0,
            ),
            Field::Title => (
                "职称",
                &["专业技术职务", "职称等级"],
                "中小学教师职称",
                Choice(title_labels),
                12.0,
            ),
            Field::KeyTeacherLevel => (
                "骨干教师级别",
                &["骨干教师", "骨干级别"],
                "校级、县级、市级、省级骨干教师；不是骨干教师填“无”或不填",
                Choice(key_teacher_labels),
                12.0,
            ),
            Field::JoinedSchoolYear => (
                "入校学年",
                &["入校年份", "来校年份", "调入本校学年"],
                "到本校任教的学年，如 2019；不得晚于【学年】",
                Text,
                10.0,
            ),
            Field::Qualification => (
                "学历",
                &["最高学历"],
                "最高学历",
                Choice(qualification_labels),
                12.0,
            ),
            Field::BirthYear => (
                "出生年份",
                &["出生年"],
                "可不填，不填时按身份证号确定，填写时须与身份证号一致",
                Integer,
                10.0,
            ),
            Field::Age => (
                "年龄",
                &["周岁", "年龄（周岁）"],
                "学年开始时（9 月 1 日）的周岁年龄，0–25",
                Integer,
                8.0,
            ),
            Field::Children => (
                "人数",
                &["儿童数", "儿童人数", "常住儿童数", "人口数"],
                "该乡镇街道该年龄的常住儿童人数",
                Integer,
                10.0,
            ),
            Field::Year => (
                "年份",
                &["年度", "出生年度", "统计年份"],
                "出生人口统计的公历年份，如 2023",
                Integer,
                8.0,
            ),
            Field::BirthCount => (
                "出生人口数",
                &["出生人数", "出生数", "出生人口"],
                "该区县当年的出生人口数",
                Integer,
                12.0,
            ),
        };
        FieldSpec {
            header,
            aliases,
            note,
            kind,
            width,
        }
    }
}

const SEATS_NOTE: &str = "该学段的学位数（核定办学规模）；学校未开设该学段的不填";

fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_owned()).collect()
}

fn stage_labels() -> Vec<String> {
    labels(Stage::ALL, Stage::label_zh)
}
fn ownership_labels() -> Vec<String> {
    labels(Ownership::ALL, Ownership::label_zh)
}
fn quality_rating_labels() -> Vec<String> {
    labels(QualityRating::ALL, QualityRating::label_zh)
}
fn location_labels() -> Vec<String> {
    labels(Location::ALL, Location::label_zh)
}
fn sex_labels() -> Vec<String> {
    labels(Sex::ALL, Sex::label_zh)
}
fn subject_labels() -> Vec<String> {
    labels(Subject::ALL, Subject::label_zh)
}
fn title_labels() -> Vec<String> {
    labels(Title::ALL, Title::label_zh)
}
fn key_teacher_labels() -> Vec<String> {
    labels(KeyTeacherLevel::ALL, KeyTeacherLevel::label_zh)
}
fn qualification_labels() -> Vec<String> {
    labels(Qualification::ALL, Qualification::label_zh)
}
fn grade_labels() -> Vec<String> {
    (-2..=12)
        .map(|g| cells::grade_label(registry::Grade(g)))
        .collect()
}

/// Headers as people type them: spaces, a `*` marking required columns, a
/// unit or remark in brackets (`面积（平方米）`, `身份证号(必填)`).
pub(crate) fn normalise_header(text: &str) -> String {
    let text = text.trim_start_matches('\u{feff}');
    let cut = text.find(['(', '（', '[', '【']).unwrap_or(text.len());
    text.get(..cut)
        .unwrap_or(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '"' | '\''))
        .collect()
}

/// The field of `entity` a (normalised) header names.
pub(crate) fn field_for(entity: Entity, normalised: &str) -> Option<Field> {
    entity.columns().iter().map(|c| c.field).find(|f| {
        let spec = f.spec();
        normalise_header(spec.header) == normalised
            || spec.aliases.iter().any(|a| normalise_header(a) == normalised)
    })
}

/// Whether the header names a field of any entity (used to find the header
/// row under a title row).
pub(crate) fn is_known_header(normalised: &str) -> bool {
    !normalised.is_empty() && Entity::ALL.iter().any(|e| field_for(*e, normalised).is_some())
}

/// Where each field sits in a file's rows.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub entity: Entity,
    positions: [Option<usize>; FIELD_COUNT],
}

impl Layout {
    pub fn position(&self, field: Field) -> Option<usize> {
        self.positions.get(field as usize).copied().flatten()
    }
}

/// A required column the file lacks, with the header that probably meant it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    pub header: &'static str,
    pub suggestion: Option<String>,
}

/// Why a header row could not be read as an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    Unrecognised,
    Missing {
        entity: Entity,
        missing: Vec<MissingColumn>,
    },
    Duplicate {
        header: &'static str,
        first: String,
        second: String,
    },
}

/// Recognises the entity from the header row (and, to break ties or name
/// the entity a broken file meant, from the sheet or file name).
pub(crate) fn recognise(headers: &[String], name_hint: Option<Entity>) -> Result<Layout, HeaderProblem> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    struct Candidate {
        entity: Entity,
        matched: usize,
        missing: Vec<&'static str>,
    }
    let candidates: Vec<Candidate> = Entity::ALL
        .iter()
        .map(|&entity| {
            let present: Vec<Field> = normalised.iter().filter_map(|h| field_for(entity, h)).collect();
            let missing = entity
                .columns()
                .iter()
                .filter(|c| c.required && !present.contains(&c.field))
                .map(|c| c.field.header())
                .collect();
            Candidate {
                entity,
                matched: present.len(),
                missing,
            }
        })
        .collect();
    let complete = candidates
        .iter()
        .filter(|c| c.missing.is_empty())
        .max_by_key(|c| (Some(c.entity) == name_hint, c.matched));
    let chosen = match complete {
        Some(c) => c,
        None => {
            let hinted = candidates
                .iter()
                .find(|c| Some(c.entity) == name_hint && c.matched > 0);
            // Two matching headers (学年 and 学校标识码 are shared by most
            // entities) are not enough to say what a file meant.
            let best = candidates
                .iter()
                .filter(|c| c.matched >= 3)
                .max_by_key(|c| c.matched);
            let Some(c) = hinted.or(best) else {
                return Err(HeaderProblem::Unrecognised);
            };
            let unknown: Vec<&str> = headers
                .iter()
                .zip(&normalised)
                .filter(|(_, n)| !n.is_empty() && field_for(c.entity, n).is_none())
                .map(|(h, _)| h.trim())
                .collect();
            let missing = c
                .missing
                .iter()
                .map(|header| MissingColumn {
                    header,
                    suggestion: suggest(header, &unknown),
                })
                .collect();
            return Err(HeaderProblem::Missing {
                entity: c.entity,
                missing,
            });
        }
    };
    let mut positions = [None; FIELD_COUNT];
    for (index, header) in normalised.iter().enumerate() {
        let Some(field) = field_for(chosen.entity, header) else {
            continue;
        };
        let Some(slot) = positions.get_mut(field as usize) else {
            continue;
        };
        if let Some(first) = *slot {
            let name = |i: usize| headers.get(i).map(|h| h.trim().to_owned()).unwrap_or_default();
            return Err(HeaderProblem::Duplicate {
                header: field.header(),
                first: format!("第 {} 列“{}”", first + 1, name(first)),
                second: format!("第 {} 列“{}”", index + 1, name(index)),
            });
        }
        *slot = Some(index);
    }
    Ok(Layout {
        entity: chosen.entity,
        positions,
    })
}

/// The unknown header most like `wanted`: a typo (`身份证编号`), a
/// variant sharing its start (`学校编号` for 学校标识码).
fn suggest(wanted: &str, unknown: &[&str]) -> Option<String> {
    let wanted: Vec<char> = wanted.chars().collect();
    unknown
        .iter()
        .filter_map(|header| {
            let candidate: Vec<char> = normalise_header(header).chars().collect();
            let distance = edit_distance(&wanted, &candidate);
            let prefix = wanted.iter().zip(&candidate).take_while(|(a, b)| a == b).count();
            let contains = contains_chars(&candidate, &wanted) || contains_chars(&wanted, &candidate);
            let close = distance * 2 <= wanted.len().max(candidate.len()) || prefix >= 2 || contains;
            close.then_some((distance, *header))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, header)| header.to_owned())
}

fn contains_chars(haystack: &[char], needle: &[char]) -> bool {
    needle.len() >= 2 && haystack.windows(needle.len()).any(|w| w == needle)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = current.get_mut(j + 1) {
                *slot = substitute.min(delete).min(insert);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|h| h.to_string()).collect()
    }

    #[test]
    fn entity_parses_code_and_label() {
        assert_eq!(Entity::parse("students"), Ok(Entity::Students));
        assert_eq!(Entity::parse("学生"), Ok(Entity::Students));
        assert_eq!(
            Entity::parse("家长").unwrap_err().0,
            "数据类型“家长”无法识别，可填：学校（schools）、办学条件（facilities）、班级（classes）、学生（students）、教师（teachers）、人口（population）、出生（births）"
        );
    }

    #[test]
    fn every_template_header_is_recognised_as_its_own_entity() {
        for entity in Entity::ALL {
            let all: Vec<String> = entity
                .columns()
                .iter()
                .map(|c| c.field.header().to_owned())
                .collect();
            assert_eq!(recognise(&all, None).map(|l| l.entity), Ok(*entity));
            let required: Vec<String> = entity
                .columns()
                .iter()
                .filter(|c| c.required)
                .map(|c| c.field.header().to_owned())
                .collect();
            assert_eq!(
                recognise(&required, None).map(|l| l.entity),
                Ok(*entity),
                "{entity:?}"
            );
        }
    }

    #[test]
    fn headers_with_units_stars_and_aliases_are_matched() {
        let layout = recognise(
            &headers(&["*学年", "学校代码", "学段", "年级", "班级名称", "班额（人）"]),
            None,
        )
        .unwrap();
        assert_eq!(layout.entity, Entity::Classes);
        assert_eq!(layout.position(Field::ClassSize), Some(5));
    }

    #[test]
    fn a_renamed_column_is_suggested() {
        let problem = recognise(
            &headers(&["学年", "学校标识码", "年级", "身份证编号", "姓名", "户籍地代码"]),
            None,
        )
        .unwrap_err();
        assert_eq!(
            problem,
            HeaderProblem::Missing {
                entity: Entity::Students,
                missing: vec![MissingColumn {
                    header: "身份证号",
                    suggestion: Some("身份证编号".into())
                }]
            }
        );
    }

    #[test]
    fn a_column_given_twice_is_refused() {
        let problem = recognise(
            &headers(&[
                "学校代码",
                "学校名称",
                "所在区县代码",
                "学段",
                "办学性质",
                "城乡分类",
                "学校标识码",
            ]),
            None,
        )
        .unwrap_err();
        assert_eq!(
            problem,
            HeaderProblem::Duplicate {
                header: "学校标识码",
                first: "第 1 列“学校代码”".into(),
                second: "第 7 列“学校标识码”".into()
            }
        );
    }

    #[test]
    fn names_point_to_entities() {
        assert_eq!(Entity::from_name("学生_2"), Some(Entity::Students));
        assert_eq!(Entity::from_name("2024学生名单"), Some(Entity::Students));
        assert_eq!(Entity::from_name("Sheet1"), None);
    }
}
