//! The closed vocabularies of the registry: stage, ownership, location, sex,
//! ratings, teacher subjects, titles and qualifications.
//!
//! Each value has one code (the glossary identifier, stored in the database
//! and used in the API), one Chinese label (shown to users and written in
//! templates) and an English label for the English pages. `parse` accepts either, plus common spellings from bureau files.

use crate::ParseError;

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $variant:ident = $code:literal, $label:literal / $label_en:literal $(, [$($alias:literal),*])? ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $variant ),* }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),* ];

            /// The glossary identifier, as stored and as used in the API.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),* }
            }

            /// The Chinese label users see.
            pub fn label_zh(self) -> &'static str {
                match self { $( $name::$variant => $label ),* }
            }

            /// The English label of the English pages (never parsed: bureau
            /// files carry codes or Chinese).
            pub fn label_en(self) -> &'static str {
                match self { $( $name::$variant => $label_en ),* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$variant), )* _ => None }
            }

            /// Accepts the code, the Chinese label or a listed alias.
            pub fn parse(text: &str) -> Result<$name, ParseError> {
                let text = text.trim();
                $(
                    if text == $code || text == $label $( $(|| text == $alias)* )? {
                        return Ok($name::$variant);
                    }
                )*
                let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.label_zh()).collect();
                Err(ParseError::new(format!(
                    concat!($what, "“{}”无法识别，可填：{}"), text, allowed.join("、")
                )))
            }
        }
    };
}

vocabulary! {
    /// 学段
    Stage, "学段" {
        Preschool = "preschool", "学前" / "Preschool", ["幼儿园", "学前教育"];
        Primary = "primary", "小学" / "Primary";
        Junior = "junior", "初中" / "Junior secondary";
        Senior = "senior", "普通高中" / "Senior secondary", ["高中"];
        Vocational = "vocational", "中职" / "Secondary vocational", ["中等职业教育"];
        Special = "special", "特殊教育" / "Special education", ["特教"];
    }
}

impl Stage {
    /// Grades a stage may hold. Junior may start at 6 because some Shandong
    /// cities (淄博, 烟台, 威海, 泰安) run the 五四制 (five primary, four junior years).
    pub fn grades(self) -> std::ops::RangeInclusive<i8> {
        match self {
            Stage::Preschool => -2..=0,
            Stage::Primary => 1..=6,
            Stage::Junior => 6..=9,
            Stage::Senior | Stage::Vocational => 10..=12,
            Stage::Special => 1..=12,
        }
    }

    /// Typical age at entry to the stage's first grade (age on 31 August).
    pub fn entry_age(self) -> u8 {
        match self {
            Stage::Preschool => 3,
            Stage::Primary | Stage::Special => 6,
            Stage::Junior => 12,
            Stage::Senior | Stage::Vocational => 15,
        }
    }
}

vocabulary! {
    /// 办学性质
    Ownership, "办学性质" {
        Public = "public", "公办" / "Public";
        Private = "private", "民办" / "Private";
    }
}

vocabulary! {
    /// 城区 / 镇区 / 乡村 — statistical urban–rural location.
    Location, "城乡分类" {
        Urban = "urban", "城区" / "Urban", ["城市"];
        Town = "town", "镇区" / "Town", ["县镇"];
        Rural = "rural", "乡村" / "Rural", ["农村"];
    }
}

vocabulary! {
    Sex, "性别" {
        Male = "male", "男" / "Male";
        Female = "female", "女" / "Female";
    }
}

vocabulary! {
    /// 优质园 rating of a kindergarten.
    QualityRating, "等级" {
        Unrated = "unrated", "未评级" / "Unrated", ["无", ""];
        County = "county", "县级优质园" / "County-level quality";
        City = "city", "市级优质园" / "City-level quality";
        Province = "province", "省级优质园" / "Provincial quality", ["省级示范园"];
    }
}

vocabulary! {
    /// 骨干教师 level.
    KeyTeacherLevel, "骨干教师级别" {
        None = "none", "无" / "None", [""];
        School = "school", "校级" / "School level";
        County = "county", "县级" / "County level", ["区县级"];
        City = "city", "市级" / "City level";
        Province = "province", "省级" / "Provincial level";
    }
}

impl KeyTeacherLevel {
    /// "County-level-or-above key teachers" count in the 优质均衡 indicators.
    pub fn is_county_or_above(self) -> bool {
        matches!(
            self,
            KeyTeacherLevel::County | KeyTeacherLevel::City | KeyTeacherLevel::Province
        )
    }
}

vocabulary! {
    /// Main teaching subject of a teacher.
    Subject, "任教学科" {
        Chinese = "chinese", "语文" / "Chinese";
        Mathematics = "mathematics", "数学" / "Mathematics";
        English = "english", "英语" / "English";
        Science = "science", "科学" / "Science";
        Physics = "physics", "物理" / "Physics";
        Chemistry = "chemistry", "化学" / "Chemistry";
        Biology = "biology", "生物" / "Biology";
        Politics = "politics", "道德与法治" / "Morality and law", ["思想政治", "政治"];
        History = "history", "历史" / "History";
        Geography = "geography", "地理" / "Geography";
        PhysicalEducation = "physical_education", "体育" / "Physical education", ["体育与健康"];
        Music = "music", "音乐" / "Music";
        FineArts = "fine_arts", "美术" / "Fine arts";
        InformationTechnology = "information_technology", "信息技术" / "Information technology";
        Preschool = "preschool", "幼儿教育" / "Early-years education", ["学前教育"];
        Other = "other", "其他" / "Other";
    }
}

impl Subject {
    /// PE, music and fine arts teachers count together in the 优质均衡 indicator.
    pub fn is_pe_or_arts(self) -> bool {
        matches!(
            self,
            Subject::PhysicalEducation | Subject::Music | Subject::FineArts
        )
    }
}

vocabulary! {
    /// Professional title (职称), in the 2015 unified primary–secondary scale.
    Title, "职称" {
        Untitled = "untitled", "未定职级" / "No rank yet", ["无"];
        Third = "third", "三级教师" / "Third-grade teacher";
        Second = "second", "二级教师" / "Second-grade teacher";
        First = "first", "一级教师" / "First-grade teacher";
        Senior = "senior", "高级教师" / "Senior teacher";
        Full = "full", "正高级教师" / "Professor-level senior teacher";
    }
}

vocabulary! {
    /// Highest qualification (最高学历).
    Qualification, "学历" {
        Secondary = "secondary", "高中及以下" / "Secondary or below", ["中专"];
        Associate = "associate", "专科" / "Associate degree", ["大专"];
        Bachelor = "bachelor", "本科" / "Bachelor's degree";
        Master = "master", "硕士研究生" / "Master's degree", ["硕士"];
        Doctor = "doctor", "博士研究生" / "Doctorate", ["博士"];
    }
}

impl Qualification {
    /// Whether the qualification is above what teaching `stage` requires.
    /// The 优质均衡 办法 (2017) counts primary teachers with 专科 or above and
    /// junior teachers with 本科 or above as "higher than required"
    /// (rules.md, balanced compulsory education; status: to verify).
    pub fn is_above_required(self, stage: Stage) -> bool {
        match stage {
            Stage::Primary | Stage::Preschool | Stage::Special => self >= Qualification::Associate,
            Stage::Junior => self >= Qualification::Bachelor,
            Stage::Senior | Stage::Vocational => self >= Qualification::Master,
        }
    }
}

/// Grade names from 小班 (−2) to 高三 (12), as bureaus write them.
const GRADE_NAMES: [&str; 15] = [
    "小班",
    "中班",
    "大班",
    "一年级",
    "二年级",
    "三年级",
    "四年级",
    "五年级",
    "六年级",
    "七年级",
    "八年级",
    "九年级",
    "高一",
    "高二",
    "高三",
];

/// 年级: −2, −1, 0 are 小班, 中班, 大班; 1–12 are primary to senior grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Grade(pub i8);

impl Grade {
    pub fn parse(text: &str) -> Result<Grade, ParseError> {
        let text = text.trim();
        if let Some(i) = GRADE_NAMES.iter().position(|name| *name == text) {
            return Ok(Grade(i as i8 - 2));
        }
        let digits = text.trim_end_matches("年级");
        match digits.parse::<i8>() {
            Ok(g) if (-2..=12).contains(&g) => Ok(Grade(g)),
            _ => Err(ParseError::new(format!(
                "年级“{text}”无法识别，可填 小班/中班/大班、1–12 或 一年级…九年级、高一…高三"
            ))),
        }
    }

    /// The name a teacher writes: 小班, 一年级, 高二 (for grades −2 to 12).
    pub fn name_zh(self) -> Option<&'static str> {
        usize::try_from(i16::from(self.0) + 2)
            .ok()
            .and_then(|i| GRADE_NAMES.get(i))
            .copied()
    }

    pub fn label_zh(self) -> String {
        self.name_zh()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}年级", self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_parse_code_label_and_alias() {
        assert_eq!(Stage::parse("junior"), Ok(Stage::Junior));
        assert_eq!(Stage::parse("初中"), Ok(Stage::Junior));
        assert_eq!(Stage::parse("幼儿园"), Ok(Stage::Preschool));
        assert_eq!(Subject::parse("体育与健康"), Ok(Subject::PhysicalEducation));
        let err = Ownership::parse("合资").unwrap_err();
        assert_eq!(err.0, "办学性质“合资”无法识别，可填：公办、民办");
    }

    #[test]
    fn every_code_round_trips() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(*stage));
            assert_eq!(Stage::parse(stage.label_zh()), Ok(*stage));
        }
        for title in Title::ALL {
            assert_eq!(Title::parse(title.label_zh()), Ok(*title));
        }
    }

    #[test]
    fn every_value_has_its_own_english_label() {
        fn distinct(labels: Vec<&'static str>) {
            let mut seen = std::collections::HashSet::new();
            for label in &labels {
                assert!(!label.is_empty() && label.is_ascii(), "{label:?}");
                assert!(seen.insert(*label), "{label} twice in {labels:?}");
            }
        }
        distinct(Stage::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Ownership::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Location::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Sex::ALL.iter().map(|v| v.label_en()).collect());
        distinct(QualityRating::ALL.iter().map(|v| v.label_en()).collect());
        distinct(KeyTeacherLevel::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Subject::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Title::ALL.iter().map(|v| v.label_en()).collect());
        distinct(Qualification::ALL.iter().map(|v| v.label_en()).collect());
        assert_eq!(Title::Third.label_en(), "Third-grade teacher");
    }

    #[test]
    fn grades_read_chinese_and_numbers() {
        assert_eq!(Grade::parse("小班"), Ok(Grade(-2)));
        assert_eq!(Grade::parse("七年级"), Ok(Grade(7)));
        assert_eq!(Grade::parse("高三"), Ok(Grade(12)));
        assert_eq!(Grade::parse("9"), Ok(Grade(9)));
        assert!(Grade::parse("13").is_err());
        assert_eq!(Grade(11).label_zh(), "高二");
        assert_eq!(Grade::parse(&Grade(4).label_zh()), Ok(Grade(4)));
    }

    #[test]
    fn qualification_above_required_depends_on_stage() {
        assert!(Qualification::Associate.is_above_required(Stage::Primary));
        assert!(!Qualification::Associate.is_above_required(Stage::Junior));
        assert!(Qualification::Bachelor.is_above_required(Stage::Junior));
    }
}
