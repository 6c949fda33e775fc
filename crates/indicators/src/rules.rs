//! Policy numbers the engine applies: configuration with `rules.md`'s values
//! as defaults, because they change by year and province. A bureau overrides
//! any of them in a TOML file (`edugov indicators --rules FILE`).

use registry::Stage;

use crate::catalogue::Resource;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// 大班额: classes of this many students or more (rules.md 班额: 56).
    pub large_class_min: u32,
    /// 超大班额 (rules.md 班额: 66).
    pub oversize_class_min: u32,
    /// Years at the same school after which a teacher is due to rotate
    /// (rules.md 教师, 交流轮岗 2014: 6).
    pub rotation_min_years: u16,
    /// Age bands of the teacher age structure.
    pub young_teacher_max_age: u16,
    pub older_teacher_min_age: u16,
    /// Policy lines for indicator values; each is `[code, stage or "", value]`.
    /// The direction of "met" comes from the catalogue.
    pub lines: Vec<Line>,
    /// 优质均衡 school standards (rules.md, 2017 办法), primary and junior.
    pub balanced_primary: [f64; 7],
    pub balanced_junior: [f64; 7],
    /// A school passes when it meets at least this many of the seven …
    pub balanced_min_met: usize,
    /// … and the others at no less than this share of the standard (0.85).
    pub balanced_floor_share: f64,
    /// 差异系数 lines (rules.md: primary 0.50, junior 0.45).
    pub cv_primary_max: f64,
    pub cv_junior_max: f64,
    /// How a school serving several stages (九年一贯制, 完全中学, 十二年一贯制)
    /// divides its four facility figures between its 小学部 and 初中部.
    pub split_weights: SplitWeights,
    /// Publication rule (statistical disclosure control): an aggregate of
    /// fewer schools than this is not shown to a reader who may not see
    /// every one of those schools — one school's figures would be read off
    /// its township or county. This is the "threshold rule" of official
    /// statistics: a cell is sensitive when fewer than a set number of
    /// respondents make it; "some agencies require at least five
    /// respondents in a cell, others require three" (OECD glossary,
    /// *threshold rule*, after the UNECE/Eurostat Glossary of Statistical
    /// Disclosure Control, 2005; the Eurostat/ESSnet *Handbook on SDC*,
    /// ch. 4, for primary and secondary suppression). Applied by the web
    /// (`access::Principal::can_view_aggregate`); the command line is the
    /// server's operator and shows everything. 0 or 1 turns it off.
    pub min_published_schools: u32,
}

/// Weights of one pupil of each stage when a school serving several stages
/// divides its 教学及辅助用房面积, 体育运动场馆面积, 教学仪器设备值 and 网络多媒体教室数
/// between its parts: a part's share = its weight × its pupils ÷ Σ weight ×
/// pupils over the school's primary, junior and senior pupils. The 申报 notes
/// of 《县域义务教育优质均衡发展督导评估办法》 (教督〔2017〕6号; quoted in
/// `rules.md`, 优质均衡, and `cv-multistage.md` §3): 九年一贯制
/// “一个小学生：一个初中生＝1：1.1”, 完全中学 初中:高中 = 1:1.2, 十二年一贯制
/// 1:1.1:1.32 — one table, since 1.1 : 1.32 = 1 : 1.2. Pupils of other
/// stages (附设幼儿班, 中职, 特教) have no weight in the rule and take no share.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitWeights {
    pub primary: f64,
    pub junior: f64,
    pub senior: f64,
}

impl Default for SplitWeights {
    fn default() -> SplitWeights {
        SplitWeights {
            primary: 1.0,
            junior: 1.1,
            senior: 1.32,
        }
    }
}

impl SplitWeights {
    /// The weight of one pupil of a stage; 0 for a stage the rule leaves out.
    pub fn of(&self, stage: Stage) -> f64 {
        match stage {
            Stage::Primary => self.primary,
            Stage::Junior => self.junior,
            Stage::Senior => self.senior,
            _ => 0.0,
        }
    }
}

/// A policy line: the value an indicator should reach (or stay under).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Line {
    pub indicator: String,
    /// The stage it applies to; `None` = the all-stage value or an indicator without stages.
    #[serde(default)]
    pub stage: Option<Stage>,
    pub value: f64,
    /// Where the number comes from.
    #[serde(default)]
    pub source: String,
}

impl Default for Rules {
    fn default() -> Rules {
        let line = |indicator: &str, stage: Option<Stage>, value: f64, source: &str| Line {
            indicator: indicator.to_owned(),
            stage,
            value,
            source: source.to_owned(),
        };
        const PRESCHOOL: &str = "“十四五”学前教育发展提升行动计划：2025年目标";
        const LARGE: &str = "国发〔2016〕40号：消除大班额";
        const MYOPIA: &str = "综合防控儿童青少年近视实施方案：2030年目标";
        let mut lines = vec![
            line("preschool_gross_enrolment_ratio", None, 90.0, PRESCHOOL),
            line("inclusive_coverage", None, 85.0, PRESCHOOL),
            line("public_preschool_share", None, 50.0, PRESCHOOL),
            line("large_class_count", None, 0.0, LARGE),
            line("oversize_class_count", None, 0.0, LARGE),
            line("myopia_rate", Some(Stage::Primary), 38.0, MYOPIA),
            line("myopia_rate", Some(Stage::Junior), 60.0, MYOPIA),
            line("myopia_rate", Some(Stage::Senior), 70.0, MYOPIA),
        ];
        // 大班额 and 超大班额 are primary and junior (their total, `None`, too);
        // senior high's own indicators carry no line by default (issue 12).
        for stage in [Stage::Primary, Stage::Junior] {
            lines.push(line("large_class_count", Some(stage), 0.0, LARGE));
            lines.push(line("oversize_class_count", Some(stage), 0.0, LARGE));
        }
        let primary = [4.2, 1.0, 0.9, 4.5, 7.5, 2000.0, 2.3];
        let junior = [5.3, 1.0, 0.9, 5.8, 10.2, 2500.0, 2.4];
        const BALANCED: &str = "县域义务教育优质均衡发展督导评估办法（2017）";
        for resource in Resource::ALL {
            let code = resource_code(resource);
            lines.push(line(
                code,
                Some(Stage::Primary),
                primary[resource.index()],
                BALANCED,
            ));
            lines.push(line(
                code,
                Some(Stage::Junior),
                junior[resource.index()],
                BALANCED,
            ));
            let cv = resource_cv_code(resource);
            lines.push(line(cv, Some(Stage::Primary), 0.50, BALANCED));
            lines.push(line(cv, Some(Stage::Junior), 0.45, BALANCED));
        }
        lines.push(line(
            "balanced_cv_unmet_count",
            Some(Stage::Primary),
            0.0,
            BALANCED,
        ));
        lines.push(line(
            "balanced_cv_unmet_count",
            Some(Stage::Junior),
            0.0,
            BALANCED,
        ));
        Rules {
            large_class_min: 56,
            oversize_class_min: 66,
            rotation_min_years: 6,
            young_teacher_max_age: 35,
            older_teacher_min_age: 50,
            lines,
            balanced_primary: primary,
            balanced_junior: junior,
            balanced_min_met: 6,
            balanced_floor_share: 0.85,
            cv_primary_max: 0.50,
            cv_junior_max: 0.45,
            split_weights: SplitWeights::default(),
            min_published_schools: 3,
        }
    }
}

impl Rules {
    /// The policy line for an indicator at a stage, if the rules hold one.
    pub fn line(&self, indicator: &str, stage: Option<Stage>) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| l.indicator == indicator && l.stage == stage)
    }

    /// Rules read from a file keep the default lines they do not restate:
    /// a file's line replaces the default for the same indicator and stage.
    pub fn keeping_default_lines(mut self) -> Rules {
        let mut lines = Rules::default().lines;
        for line in self.lines.drain(..) {
            lines.retain(|l| !(l.indicator == line.indicator && l.stage == line.stage));
            lines.push(line);
        }
        self.lines = lines;
        self
    }

    /// The 优质均衡 standard of one resource at a stage (primary or junior).
    pub fn balanced_standard(&self, stage: Stage, resource: Resource) -> Option<f64> {
        let table = match stage {
            Stage::Primary => &self.balanced_primary,
            Stage::Junior => &self.balanced_junior,
            _ => return None,
        };
        table.get(resource.index()).copied()
    }

    pub fn cv_max(&self, stage: Stage) -> Option<f64> {
        match stage {
            Stage::Primary => Some(self.cv_primary_max),
            Stage::Junior => Some(self.cv_junior_max),
            _ => None,
        }
    }
}

pub(crate) fn resource_code(resource: Resource) -> &'static str {
    match resource {
        Resource::AboveQualifiedTeachers => "above_qualified_teachers_per_100",
        Resource::KeyTeachers => "key_teachers_per_100",
        Resource::PeArtsTeachers => "pe_arts_teachers_per_100",
        Resource::TeachingFloorArea => "teaching_floor_area_per_student",
        Resource::SportsGroundArea => "sports_ground_area_per_student",
        Resource::EquipmentValue => "equipment_value_per_student",
        Resource::MultimediaClassrooms => "multimedia_classrooms_per_100",
    }
}

pub(crate) fn resource_cv_code(resource: Resource) -> &'static str {
    match resource {
        Resource::AboveQualifiedTeachers => "above_qualified_teachers_cv",
        Resource::KeyTeachers => "key_teachers_cv",
        Resource::PeArtsTeachers => "pe_arts_teachers_cv",
        Resource::TeachingFloorArea => "teaching_floor_area_cv",
        Resource::SportsGroundArea => "sports_ground_area_cv",
        Resource::EquipmentValue => "equipment_value_cv",
        Resource::MultimediaClassrooms => "multimedia_classrooms_cv",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_line_replaces_only_its_own_default() {
        let file = Rules {
            lines: vec![Line {
                indicator: "inclusive_coverage".into(),
                stage: None,
                value: 90.0,
                source: "plan".into(),
            }],
            ..Rules::default()
        };
        let rules = file.keeping_default_lines();
        assert_eq!(
            rules.line("inclusive_coverage", None).map(|l| l.value),
            Some(90.0)
        );
        assert_eq!(
            rules.line("public_preschool_share", None).map(|l| l.value),
            Some(50.0)
        );
        assert_eq!(rules.lines.len(), Rules::default().lines.len());
    }

    #[test]
    fn the_split_weights_are_the_national_ones_and_a_file_may_change_one() {
        let weights = Rules::default().split_weights;
        assert_eq!(
            (
                weights.of(Stage::Primary),
                weights.of(Stage::Junior),
                weights.of(Stage::Senior)
            ),
            (1.0, 1.1, 1.32)
        );
        assert_eq!(weights.of(Stage::Preschool), 0.0);
        // junior : senior = 1 : 1.2, the 完全中学 ratio.
        assert!((weights.senior / weights.junior - 1.2).abs() < 1e-12);
        let file: Rules = toml::from_str("[split_weights]\nsenior = 1.2\n").unwrap();
        assert_eq!(file.split_weights.senior, 1.2);
        assert_eq!(file.split_weights.junior, 1.1);
        assert!(toml::from_str::<Rules>("[split_weights]\ninfant = 1.0\n").is_err());
    }

    #[test]
    fn every_line_names_a_catalogue_indicator() {
        for line in &Rules::default().lines {
            assert!(crate::find(&line.indicator).is_some(), "{}", line.indicator);
        }
    }
}
