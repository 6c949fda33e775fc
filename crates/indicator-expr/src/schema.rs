//! What an expression may name: the five entities, their fields (English
//! identifier, Chinese aliases, type) and the vocabularies of `registry`.
//!
//! Vocabulary values are parsed and printed by the `registry` types
//! themselves (`Stage::parse`, `Stage::code`, …); this module only says which
//! field has which vocabulary. Inside a condition every value is a number:
//! a vocabulary value is its position in `T::ALL` (which is also the declared
//! order of the ordered vocabularies), a grade its number, a flag 0 or 1.

use std::sync::OnceLock;

use registry::{
    KeyTeacherLevel, Location, Ownership, ParseError, Qualification, QualityRating, Sex, Stage, Subject,
    Title,
};

/// The rows an aggregate counts or sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Schools,
    Classes,
    Students,
    Teachers,
    Population,
}

impl Entity {
    pub const ALL: [Entity; 5] = [
        Entity::Schools,
        Entity::Classes,
        Entity::Students,
        Entity::Teachers,
        Entity::Population,
    ];

    /// The identifier used in canonical text.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Schools => "schools",
            Entity::Classes => "classes",
            Entity::Students => "students",
            Entity::Teachers => "teachers",
            Entity::Population => "population",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Entity::Schools => "学校",
            Entity::Classes => "班级",
            Entity::Students => "学生",
            Entity::Teachers => "教师",
            Entity::Population => "人口",
        }
    }

    /// The unit a count of this entity is read in (所, 个, 名…), for `describe_zh`.
    pub(crate) fn counter_zh(self) -> &'static str {
        match self {
            Entity::Schools => "学校数",
            Entity::Classes => "班级数",
            Entity::Students => "学生数",
            Entity::Teachers => "教师数",
            Entity::Population => "人口行数",
        }
    }

    /// Accepts the identifier (any case), the Chinese name and a few synonyms.
    pub(crate) fn lookup(word: &str) -> Option<Entity> {
        let lower = word.to_ascii_lowercase();
        Some(match lower.as_str() {
            "schools" | "school" | "学校" => Entity::Schools,
            "classes" | "class" | "班级" => Entity::Classes,
            "students" | "student" | "学生" | "幼儿" => Entity::Students,
            "teachers" | "teacher" | "教师" | "专任教师" => Entity::Teachers,
            "population" | "人口" | "常住儿童" => Entity::Population,
            _ => return None,
        })
    }

    /// Which per-place series the entity's aggregates fill.
    pub fn places(self) -> Places {
        match self {
            Entity::Population => Places::Townships,
            _ => Places::Schools,
        }
    }
}

/// The places an aggregate is tallied by: `YearSnapshot::schools` or
/// `YearSnapshot::townships` indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Places {
    Schools,
    Townships,
}

/// One closed vocabulary of `registry::codes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocab {
    Stage,
    Ownership,
    Location,
    Sex,
    QualityRating,
    KeyTeacherLevel,
    Subject,
    Title,
    Qualification,
}

macro_rules! per_vocab {
    ($vocab:expr, $ty:ident => $body:expr) => {
        match $vocab {
            Vocab::Stage => {
                type $ty = Stage;
                $body
            }
            Vocab::Ownership => {
                type $ty = Ownership;
                $body
            }
            Vocab::Location => {
                type $ty = Location;
                $body
            }
            Vocab::Sex => {
                type $ty = Sex;
                $body
            }
            Vocab::QualityRating => {
                type $ty = QualityRating;
                $body
            }
            Vocab::KeyTeacherLevel => {
                type $ty = KeyTeacherLevel;
                $body
            }
            Vocab::Subject => {
                type $ty = Subject;
                $body
            }
            Vocab::Title => {
                type $ty = Title;
                $body
            }
            Vocab::Qualification => {
                type $ty = Qualification;
                $body
            }
        }
    };
}

/// Position of a vocabulary value in its `ALL`, as a condition compares it.
fn ordinal<T: PartialEq + Copy>(all: &[T], value: T) -> f64 {
    all.iter().position(|v| *v == value).unwrap_or(usize::MAX) as f64
}

impl Vocab {
    /// Whether `<`, `>=` … compare by the declared order (none < school <
    /// county …). The others only allow `=`, `!=` and `in`.
    pub fn ordered(self) -> bool {
        matches!(
            self,
            Vocab::KeyTeacherLevel | Vocab::Title | Vocab::Qualification | Vocab::QualityRating
        )
    }

    /// The vocabulary's Chinese name, as in its parse errors.
    pub fn name_zh(self) -> &'static str {
        match self {
            Vocab::Stage => "学段",
            Vocab::Ownership => "办学性质",
            Vocab::Location => "城乡分类",
            Vocab::Sex => "性别",
            Vocab::QualityRating => "优质园等级",
            Vocab::KeyTeacherLevel => "骨干教师级别",
            Vocab::Subject => "任教学科",
            Vocab::Title => "职称",
            Vocab::Qualification => "学历",
        }
    }

    /// Reads a value (code in any case, Chinese label or alias) into its ordinal.
    pub(crate) fn parse(self, text: &str) -> Result<u32, ParseError> {
        let lower = text.to_ascii_lowercase();
        per_vocab!(self, T => {
            let value = T::parse(text).or_else(|err| T::parse(&lower).map_err(|_| err))?;
            Ok(ordinal(T::ALL, value) as u32)
        })
    }

    pub(crate) fn len(self) -> usize {
        per_vocab!(self, T => T::ALL.len())
    }

    pub(crate) fn code(self, ordinal: u32) -> &'static str {
        per_vocab!(self, T => T::ALL.get(ordinal as usize).map_or("?", |v| v.code()))
    }

    pub(crate) fn label_zh(self, ordinal: u32) -> &'static str {
        per_vocab!(self, T => T::ALL.get(ordinal as usize).map_or("?", |v| v.label_zh()))
    }

    /// Every spelling `parse` accepts without aliases: codes and labels.
    pub(crate) fn spellings(self) -> Vec<&'static str> {
        per_vocab!(self, T => T::ALL.iter().flat_map(|v| [v.code(), v.label_zh()]).collect())
    }
}

/// The type of a field or a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Number,
    Flag,
    Grade,
    Vocab(Vocab),
}

impl Type {
    pub fn name_zh(self) -> &'static str {
        match self {
            Type::Number => "数值",
            Type::Flag => "是/否",
            Type::Grade => "年级",
            Type::Vocab(v) => v.name_zh(),
        }
    }

    pub(crate) fn ordered(self) -> bool {
        match self {
            Type::Number | Type::Grade => true,
            Type::Flag => false,
            Type::Vocab(v) => v.ordered(),
        }
    }
}

/// Every field any entity has. School fields (`Ownership` … `FacilityReported`)
/// are read from the row's school for classes, students and teachers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Ownership,
    Inclusive,
    QualityRating,
    Location,
    Serves(Stage),
    Seats,
    SeatsOf(Stage),
    TeachingFloorArea,
    SportsGroundArea,
    EquipmentValue,
    MultimediaClassrooms,
    FacilityReported,
    Stage,
    Grade,
    Size,
    Sex,
    MigrantChild,
    Boarder,
    Myopic,
    Screened,
    Subject,
    Title,
    KeyTeacherLevel,
    Qualification,
    Age,
    YearsAtSchool,
    Children,
}

impl Field {
    /// Read from the row's school (for classes, students and teachers).
    pub fn is_school_level(self) -> bool {
        matches!(
            self,
            Field::Ownership
                | Field::Inclusive
                | Field::QualityRating
                | Field::Location
                | Field::Serves(_)
                | Field::Seats
                | Field::SeatsOf(_)
                | Field::TeachingFloorArea
                | Field::SportsGroundArea
                | Field::EquipmentValue
                | Field::MultimediaClassrooms
                | Field::FacilityReported
        )
    }
}

/// One field as the language sees it.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub field: Field,
    /// The English identifier, used in canonical text.
    pub name: String,
    /// The first is the label `describe_zh` uses; all are accepted.
    pub aliases_zh: Vec<String>,
    pub ty: Type,
    /// When the value may be unknown (facility not reported), the flag that
    /// says it is known; `avg` divides by the rows where it is.
    pub known_by: Option<Field>,
    entities: &'static [Entity],
}

const SCHOOL_LEVEL: &[Entity] = &[
    Entity::Schools,
    Entity::Classes,
    Entity::Students,
    Entity::Teachers,
];
const SCHOOLS: &[Entity] = &[Entity::Schools];
const CLASSES_STUDENTS_TEACHERS: &[Entity] = &[Entity::Classes, Entity::Students, Entity::Teachers];
const CLASSES_STUDENTS: &[Entity] = &[Entity::Classes, Entity::Students];
const CLASSES: &[Entity] = &[Entity::Classes];
const STUDENTS: &[Entity] = &[Entity::Students];
const STUDENTS_TEACHERS: &[Entity] = &[Entity::Students, Entity::Teachers];
const TEACHERS: &[Entity] = &[Entity::Teachers];
const TEACHERS_POPULATION: &[Entity] = &[Entity::Teachers, Entity::Population];
const POPULATION: &[Entity] = &[Entity::Population];

impl FieldInfo {
    pub fn label_zh(&self) -> &str {
        self.aliases_zh.first().map_or(self.name.as_str(), String::as_str)
    }

    pub fn belongs_to(&self, entity: Entity) -> bool {
        self.entities.contains(&entity)
    }

    pub(crate) fn entities(&self) -> &'static [Entity] {
        self.entities
    }
}

/// The table of all fields, built once.
pub fn fields() -> &'static [FieldInfo] {
    static FIELDS: OnceLock<Vec<FieldInfo>> = OnceLock::new();
    FIELDS.get_or_init(build_fields)
}

fn build_fields() -> Vec<FieldInfo> {
    let mut out = Vec::new();
    let mut add = |field: Field, name: &str, aliases: &[&str], ty: Type, entities: &'static [Entity]| {
        out.push(FieldInfo {
            field,
            name: name.to_owned(),
            aliases_zh: aliases.iter().map(|a| (*a).to_owned()).collect(),
            ty,
            known_by: None,
            entities,
        });
    };
    use Type::{Flag, Number, Vocab as V};
    add(
        Field::Ownership,
        "ownership",
        &["办学性质", "举办性质"],
        V(Vocab::Ownership),
        SCHOOL_LEVEL,
    );
    add(
        Field::Inclusive,
        "inclusive",
        &["普惠", "普惠性"],
        Flag,
        SCHOOL_LEVEL,
    );
    add(
        Field::QualityRating,
        "quality_rating",
        &["优质园等级", "等级"],
        V(Vocab::QualityRating),
        SCHOOL_LEVEL,
    );
    add(
        Field::Location,
        "location",
        &["城乡分类", "城乡"],
        V(Vocab::Location),
        SCHOOL_LEVEL,
    );
    add(Field::Seats, "seats", &["学位数", "学位"], Number, SCHOOLS);
    for stage in Stage::ALL {
        let serves = format!("serves_{}", stage.code());
        let serves_zh = format!("设{}", stage.label_zh());
        add(Field::Serves(*stage), &serves, &[&serves_zh], Flag, SCHOOLS);
        let seats = format!("seats_{}", stage.code());
        let seats_zh = format!("{}学位数", stage.label_zh());
        let seats_short = format!("{}学位", stage.label_zh());
        add(
            Field::SeatsOf(*stage),
            &seats,
            &[&seats_zh, &seats_short],
            Number,
            SCHOOLS,
        );
    }
    add(
        Field::FacilityReported,
        "facility_reported",
        &["已报办学条件", "办学条件已报"],
        Flag,
        SCHOOLS,
    );
    add(
        Field::TeachingFloorArea,
        "teaching_floor_area",
        &["教学及辅助用房面积", "教学辅助用房面积"],
        Number,
        SCHOOLS,
    );
    add(
        Field::SportsGroundArea,
        "sports_ground_area",
        &["体育运动场馆面积", "运动场馆面积"],
        Number,
        SCHOOLS,
    );
    add(
        Field::EquipmentValue,
        "equipment_value",
        &["教学仪器设备值", "仪器设备值"],
        Number,
        SCHOOLS,
    );
    add(
        Field::MultimediaClassrooms,
        "multimedia_classrooms",
        &["网络多媒体教室间数", "多媒体教室间数", "多媒体教室数"],
        Number,
        SCHOOLS,
    );
    add(
        Field::Stage,
        "stage",
        &["学段", "任教学段"],
        V(Vocab::Stage),
        CLASSES_STUDENTS_TEACHERS,
    );
    add(Field::Grade, "grade", &["年级"], Type::Grade, CLASSES_STUDENTS);
    add(Field::Size, "size", &["班额", "班级人数"], Number, CLASSES);
    add(Field::Sex, "sex", &["性别"], V(Vocab::Sex), STUDENTS_TEACHERS);
    add(
        Field::MigrantChild,
        "migrant_child",
        &["随迁子女"],
        Flag,
        STUDENTS,
    );
    add(
        Field::Boarder,
        "boarder",
        &["寄宿生", "寄宿", "住校"],
        Flag,
        STUDENTS,
    );
    add(Field::Myopic, "myopic", &["近视"], Flag, STUDENTS);
    add(
        Field::Screened,
        "screened",
        &["已筛查", "视力已筛查"],
        Flag,
        STUDENTS,
    );
    add(
        Field::Subject,
        "subject",
        &["任教学科", "学科"],
        V(Vocab::Subject),
        TEACHERS,
    );
    add(Field::Title, "title", &["职称"], V(Vocab::Title), TEACHERS);
    add(
        Field::KeyTeacherLevel,
        "key_teacher_level",
        &["骨干教师级别", "骨干级别", "骨干教师"],
        V(Vocab::KeyTeacherLevel),
        TEACHERS,
    );
    add(
        Field::Qualification,
        "qualification",
        &["学历", "最高学历"],
        V(Vocab::Qualification),
        TEACHERS,
    );
    add(Field::Age, "age", &["年龄"], Number, TEACHERS_POPULATION);
    add(
        Field::YearsAtSchool,
        "years_at_school",
        &["本校任教年限", "在校年限"],
        Number,
        TEACHERS,
    );
    add(
        Field::Children,
        "children",
        &["人数", "儿童数", "人口数"],
        Number,
        POPULATION,
    );
    for info in &mut out {
        if matches!(
            info.field,
            Field::TeachingFloorArea
                | Field::SportsGroundArea
                | Field::EquipmentValue
                | Field::MultimediaClassrooms
        ) {
            info.known_by = Some(Field::FacilityReported);
        }
        if info.field == Field::Myopic {
            info.known_by = Some(Field::Screened);
        }
    }
    out
}

/// The field a word names, whatever the entity (identifier in any case, or a Chinese alias).
pub(crate) fn lookup_field(word: &str) -> Option<&'static FieldInfo> {
    let lower = word.to_ascii_lowercase();
    fields()
        .iter()
        .find(|f| f.name == lower || f.aliases_zh.iter().any(|a| a == word))
}

pub(crate) fn field_info(field: Field) -> &'static FieldInfo {
    // Every `Field` is in the table (checked by a test); the fallback is never taken.
    fields()
        .iter()
        .find(|f| f.field == field)
        .unwrap_or(&FALLBACK_FIELD)
}

static FALLBACK_FIELD: FieldInfo = FieldInfo {
    field: Field::Size,
    name: String::new(),
    aliases_zh: Vec::new(),
    ty: Type::Number,
    known_by: None,
    entities: &[],
};

/// The closest spelling within a small edit distance, for "did you mean".
pub(crate) fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
