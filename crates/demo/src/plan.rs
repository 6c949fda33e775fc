//! The demo city's work plan (年度工作要点): built on the items of 济南's
//! 2020 education work report (`shared/seeds/001_…`), in its sections and
//! in its words, with counts scaled to the demo city; the construction
//! projects its count tasks are counted from; and a script of the steps
//! officers took on it — reports filed, sent back and corrected, accepted,
//! 蓝/黄/红 escalations, 挂牌督办, an extension, verifications and 销号.
//!
//! Pure and deterministic for a city and a `today`: the plan year is the
//! year of `today` minus six months, and every deadline and date is placed
//! relative to `today`, so the mix of statuses (on track, behind, overdue,
//! due soon, listed, closed out) holds whatever day the demo is made
//! (`docs/demo-city.md`, "The work plan"). The script's steps are all in the
//! past (at least a day before `today`).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use plans::{
    Assignment, Better, Colour, CountGoal, Counted, Decision, IndicatorGoal, Measure, PlanSpec, ProjectKind,
    ProjectSpec, SectionSpec, Step, TaskSource, TaskSpec,
};
use registry::{AreaCode, SchoolCode, Stage};

use crate::schools::SchoolPlan;
use crate::DemoCity;

/// The demo accounts' usernames (`accounts::demo_accounts`): the city
/// administrator reviews, escalates, lists, verifies and closes out; the
/// analyst reports for the lead units (牵头处室); the county officer of
/// [`DEMO_COUNTY`] reports for that county.
pub const ADMIN: &str = "demo-admin";
pub const LEAD_UNIT: &str = "demo-analyst";
pub const COUNTY_OFFICER: &str = "demo-county";
/// 历城区: the county of the demo county officer (`edugov serve --demo`).
pub const DEMO_COUNTY: &str = "370112";

/// The plan, its projects and the steps taken on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPlan {
    pub spec: PlanSpec,
    /// When the plan was written (its tasks' `Assigned` events).
    pub written: DateTime<Utc>,
    pub projects: Vec<ProjectSpec>,
    /// When the projects were entered (before every step).
    pub projects_entered: DateTime<Utc>,
    /// In time order, all before `today`.
    pub script: Vec<ScriptStep>,
}

/// One step of the script, on the task with 序号 `seq`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptStep {
    pub seq: String,
    pub at: DateTime<Utc>,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A progress report filed — or a returned one corrected (same task,
    /// county and period).
    File {
        county: Option<AreaCode>,
        period: String,
        text: String,
        value: Option<f64>,
        reporter: String,
        evidence: Option<Evidence>,
    },
    /// The decision on the report of that county and period awaiting review.
    Decide {
        county: Option<AreaCode>,
        period: String,
        reviewer: String,
        decision: Decision,
    },
    /// A supervision step, checked by `plans::supervision::decide` on the
    /// task's state when it is written.
    Supervise { actor: String, step: Step },
}

/// An evidence document: a one-page PDF saying it is synthetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the demo expects each task's status to be on `today` — documented
/// and tested, so a change to the plan or the status rules that breaks the
/// demo's mix is noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Achieved,
    OnTrack,
    /// Acceleration needed, limited progress or deterioration.
    Behind,
    /// A milestone under way, before its deadline.
    InProgress,
    Overdue,
    DueSoon,
    ClosedOut,
    /// Depends on the registry's values at the demo's scale (大班额).
    Registry,
}

/// The 序号 of the tasks the script and the docs speak of.
pub mod seq {
    pub const KINDERGARTENS: &str = "1.1";
    pub const SEATS: &str = "1.2";
    pub const GROSS_ENROLMENT: &str = "1.3";
    pub const INCLUSIVE: &str = "1.4";
    pub const PUBLIC_SHARE: &str = "1.5";
    pub const STARTS: &str = "1.7";
    pub const LARGE_CLASSES: &str = "1.8";
    pub const LAYOUT_PLAN: &str = "1.9";
    pub const RENOVATION: &str = "1.10";
    pub const MYOPIA: &str = "3.1";
    pub const HEALTH_GUIDE: &str = "3.2";
    pub const ESTATE_KINDERGARTENS: &str = "4.1";
    pub const DROPOUTS: &str = "4.2";
    pub const COMMUNITY_COLLEGES: &str = "4.4";
    pub const KEY_TEACHERS: &str = "5.1";
    pub const PARENT_SCHOOLS: &str = "6.1";
}

/// 近视率 by the target year: the demo city's rate of primary, junior and
/// senior students is about 50 % in its 2021 school year (`classes.rs`
/// follows the national series), minus about 0.7 points a year — the
/// national pace of 2020–2022 — for the five years to 2026.
pub const MYOPIA_TARGET: f64 = 46.5;

/// The plan year for `today`: the year of `today` minus six months, so the
/// plan has run at least half a year and at most eighteen months.
pub fn plan_year(today: NaiveDate) -> i32 {
    today.checked_sub_months(Months::new(6)).unwrap_or(today).year()
}

fn day(date: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        date.checked_add_days(Days::new(offset as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(offset.unsigned_abs()))
            .unwrap_or(date)
    }
}

fn ymd(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or(NaiveDate::MIN)
}

/// 09:30 (UTC) of a day.
fn at(date: NaiveDate, minute: u32) -> DateTime<Utc> {
    date.and_hms_opt(9, 30 + minute.min(29), 0)
        .unwrap_or_default()
        .and_utc()
}

/// `2026-H2`: the half-year of a day.
fn half(date: NaiveDate) -> String {
    format!("{}-H{}", date.year(), if date.month() <= 6 { 1 } else { 2 })
}

/// The share of the plan year's time elapsed on `today` for a deadline —
/// the same rule as `plans::status` (from 1 January of the plan year).
fn elapsed(year: i32, today: NaiveDate, deadline: NaiveDate) -> f64 {
    let from = ymd(year, 1, 1);
    let span = (deadline.max(from) - from).num_days().max(1) as f64;
    ((today - from).num_days() as f64 / span).clamp(0.0, 1.0)
}

/// A count scaled to the demo city, never below `floor`.
fn scaled(real: f64, scale: f64, floor: u32) -> u32 {
    ((real * scale).round() as u32).max(floor)
}

struct Place {
    code: AreaCode,
    short: &'static str,
}

/// Builder state: the city's counties and schools.
struct Ctx<'a> {
    counties: Vec<Place>,
    schools: &'a [SchoolPlan],
    year: i32,
    today: NaiveDate,
    /// The last day project dates may take: yesterday, within the plan year.
    anchor: NaiveDate,
    /// The last generated school year: projects name schools open then.
    latest: i32,
}

impl Ctx<'_> {
    fn short(&self, county: &AreaCode) -> &'static str {
        self.counties
            .iter()
            .find(|c| &c.code == county)
            .map_or("", |c| c.short)
    }

    /// Counties by how many schools serve `stage`, most first (code on ties).
    fn by_schools(&self, stage: Stage) -> Vec<&Place> {
        let mut out: Vec<(&Place, usize)> = self
            .counties
            .iter()
            .map(|c| (c, self.serving(&c.code, stage).len()))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.code.cmp(&b.0.code)));
        out.into_iter().map(|(c, _)| c).collect()
    }

    fn serving(&self, county: &AreaCode, stage: Stage) -> Vec<&SchoolCode> {
        self.schools
            .iter()
            .filter(|s| &s.record.county == county && s.record.serves(stage) && s.operating(self.latest))
            .map(|s| &s.record.code)
            .collect()
    }
}

const CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn ordinal(n: usize) -> String {
    match n {
        1..=10 => CN[n - 1].to_owned(),
        11..=19 => format!("十{}", CN[n - 11]),
        _ => n.to_string(),
    }
}

impl DemoCity {
    /// The demo's work plan for `today` (see the module's documentation).
    pub fn work_plan(&self, today: NaiveDate) -> DemoPlan {
        let year = plan_year(today);
        let yesterday = day(today, -1);
        let ctx = Ctx {
            counties: self
                .places
                .counties
                .iter()
                .map(|c| Place {
                    code: c.code.clone(),
                    short: c.profile.short,
                })
                .collect(),
            schools: &self.plans,
            year,
            today,
            anchor: yesterday.min(ymd(year, 12, 31)),
            latest: i32::from(self.config.last_year.0),
        };
        let scale = self.config.scale;
        let latest = i32::from(self.config.last_year.0);
        let first = i32::from(self.config.first_year.0);

        // Deadlines, placed relative to today (docs/demo-city.md).
        let long = ymd(year, 12, 31).max(day(today, 90));
        let building = day(today, 75);
        let overdue = day(today, -45);
        let due_soon = day(today, 2);
        let missed = day(today, -10);

        // Construction projects: kindergartens (1.1, 1.2) and schools (1.7).
        let e_building = elapsed(year, today, building);
        let (kindergartens, completed) = kindergarten_projects(&ctx, scale, e_building);
        let schools = school_projects(&ctx, scale);
        let unstarted_county = schools
            .iter()
            .find(|p| p.actual_start.is_none())
            .map(|p| p.county.clone());
        let mut projects = kindergartens.clone();
        projects.extend(schools.iter().cloned());

        let share_by = |ps: &[ProjectSpec], f: &dyn Fn(&ProjectSpec) -> f64| -> Vec<Assignment> {
            let mut out: Vec<Assignment> = Vec::new();
            for p in ps {
                match out.iter_mut().find(|a| a.county == p.county) {
                    Some(a) => a.share = Some(a.share.unwrap_or(0.0) + f(p)),
                    None => out.push(Assignment {
                        county: p.county.clone(),
                        share: Some(f(p)),
                    }),
                }
            }
            out.sort_by(|a, b| a.county.cmp(&b.county));
            out
        };
        let n_k = kindergartens.len();
        let seats: u32 = kindergartens.iter().map(|p| p.seats).sum();
        let n_all = projects.len();
        let county = |code: &str| AreaCode::parse(code).ok();
        let demo_county = county(DEMO_COUNTY).unwrap_or_else(|| ctx.counties[0].code.clone());
        let assigned = |codes: &[&str]| -> Vec<Assignment> {
            codes
                .iter()
                .filter_map(|c| county(c))
                .filter(|c| ctx.counties.iter().any(|p| &p.code == c))
                .map(|c| Assignment {
                    county: c,
                    share: None,
                })
                .collect()
        };
        let parent_schools = scaled(1000.0, scale, 20);
        let colleges = ctx.counties.len() as f64;
        let smart = scaled(10.0, scale, 3);

        let t =
            |seq: &str, text: String, source: TaskSource, leader: &str, lead: &str, co: &[&str]| TaskSpec {
                seq: seq.to_owned(),
                text,
                source,
                leader: leader.to_owned(),
                lead_unit: lead.to_owned(),
                co_units: co.iter().map(|s| (*s).to_owned()).collect(),
                deadline: long,
                measure: Measure::Milestone,
                counties: Vec::new(),
            };
        let indicator = |code: &str, base_year: i32, target: f64, target_year: i32, better| {
            Measure::Indicator(IndicatorGoal {
                indicator: code.to_owned(),
                stage: None,
                baseline_year: base_year,
                baseline: None,
                target,
                target_year,
                better,
            })
        };
        let count = |counted: Counted, target: f64| Measure::Count(CountGoal { counted, target });
        let (v_pre, v_plan, v_basic, v_health, v_teacher, v_rule) = (
            "分管学前教育副局长",
            "分管发展规划副局长",
            "分管基础教育副局长",
            "分管体卫艺副局长",
            "分管教师工作副局长",
            "分管督导副局长",
        );
        let target_year = latest + 2;

        let facilities = SectionSpec {
            title: "一、教育设施建设新举措".into(),
            tasks: vec![
                TaskSpec {
                    deadline: building,
                    measure: count(
                        Counted::ProjectsCompleted {
                            stage: Some(Stage::Preschool),
                        },
                        n_k as f64,
                    ),
                    counties: share_by(&kindergartens, &|_| 1.0),
                    ..t(
                        seq::KINDERGARTENS,
                        format!("大力发展学前教育：新建、改扩建幼儿园{n_k}处"),
                        TaskSource::AnnualPriority,
                        v_pre,
                        "学前教育处",
                        &["发展规划处", "计划财务处"],
                    )
                },
                TaskSpec {
                    deadline: building,
                    measure: count(
                        Counted::SeatsDelivered {
                            stage: Some(Stage::Preschool),
                        },
                        f64::from(seats),
                    ),
                    counties: share_by(&kindergartens, &|p| f64::from(p.seats)),
                    ..t(
                        seq::SEATS,
                        format!("新增学前教育学位{seats}个"),
                        TaskSource::AnnualPriority,
                        v_pre,
                        "学前教育处",
                        &["发展规划处"],
                    )
                },
                TaskSpec {
                    measure: indicator(
                        "preschool_gross_enrolment_ratio",
                        latest - 2,
                        95.5,
                        target_year,
                        Better::Higher,
                    ),
                    ..t(
                        seq::GROSS_ENROLMENT,
                        "学前三年毛入园率达到95.5%".into(),
                        TaskSource::AnnualPriority,
                        v_pre,
                        "学前教育处",
                        &[],
                    )
                },
                TaskSpec {
                    measure: indicator(
                        "inclusive_coverage",
                        latest - 2,
                        85.0,
                        target_year,
                        Better::Higher,
                    ),
                    ..t(
                        seq::INCLUSIVE,
                        "普惠性幼儿园覆盖率超过85%".into(),
                        TaskSource::HigherDocument,
                        v_pre,
                        "学前教育处",
                        &[],
                    )
                },
                TaskSpec {
                    measure: indicator(
                        "public_preschool_share",
                        latest - 2,
                        50.0,
                        target_year,
                        Better::Higher,
                    ),
                    ..t(
                        seq::PUBLIC_SHARE,
                        "公办幼儿园在园幼儿比例超过50%".into(),
                        TaskSource::HigherDocument,
                        v_pre,
                        "学前教育处",
                        &["机构编制部门"],
                    )
                },
                t(
                    "1.6",
                    "如期完成第三期学前教育行动计划；争创全省学前教育普及普惠县".into(),
                    TaskSource::HigherDocument,
                    v_pre,
                    "学前教育处",
                    &[],
                ),
                TaskSpec {
                    deadline: overdue,
                    measure: count(Counted::ProjectsStarted { stage: None }, n_all as f64),
                    counties: share_by(&projects, &|_| 1.0),
                    ..t(
                        seq::STARTS,
                        format!("持续增加教育资源供给：开工建设{n_all}所中小学幼儿园"),
                        TaskSource::MajorProject,
                        v_plan,
                        "发展规划处",
                        &["计划财务处", "各区县教育和体育局"],
                    )
                },
                TaskSpec {
                    measure: indicator("large_class_count", latest - 2, 0.0, target_year, Better::Lower),
                    counties: assigned(&[DEMO_COUNTY, "370104", "370105", "370176"]),
                    ..t(
                        seq::LARGE_CLASSES,
                        "城镇中小学56人以上大班额“清零”".into(),
                        TaskSource::HigherDocument,
                        v_basic,
                        "基础教育处",
                        &["发展规划处"],
                    )
                },
                t(
                    seq::LAYOUT_PLAN,
                    "发布实施《中小学校幼儿园（2019—2030年）布局规划》".into(),
                    TaskSource::MeetingDecision,
                    v_plan,
                    "发展规划处",
                    &["自然资源和规划部门"],
                ),
                TaskSpec {
                    deadline: due_soon,
                    ..t(
                        seq::RENOVATION,
                        "义务教育“薄改”年底前全面完成学校建设和设备购置任务".into(),
                        TaskSource::HigherDocument,
                        v_plan,
                        "计划财务处",
                        &["装备中心"],
                    )
                },
                TaskSpec {
                    measure: count(Counted::Reported { unit: "所".into() }, f64::from(smart)),
                    ..t(
                        "1.11",
                        format!("加快教育信息化建设：遴选{smart}所智慧校园应用示范校"),
                        TaskSource::AnnualPriority,
                        v_plan,
                        "电教馆",
                        &[],
                    )
                },
            ],
        };
        let governance = SectionSpec {
            title: "二、教育现代化治理新气象".into(),
            tasks: vec![
                t(
                    "2.1",
                    "严格履责强化督导：继续开展对区县政府履行教育职责情况评价，实行教育督导结果“三挂钩”"
                        .into(),
                    TaskSource::AnnualPriority,
                    v_rule,
                    "督导室",
                    &[],
                ),
                t(
                    "2.2",
                    "开展国家县域义务教育优质均衡发展县区创建".into(),
                    TaskSource::HigherDocument,
                    v_rule,
                    "督导室",
                    &["基础教育处"],
                ),
                t(
                    "2.3",
                    "推进教育“一次办成”改革向纵深发展".into(),
                    TaskSource::LeaderInstruction,
                    v_rule,
                    "政策法规处",
                    &["行政审批服务处"],
                ),
            ],
        };
        let five = SectionSpec {
            title: "三、聚焦“五育并举”新高度".into(),
            tasks: vec![
                TaskSpec {
                    measure: indicator(
                        "myopia_rate",
                        latest - 3,
                        MYOPIA_TARGET,
                        target_year,
                        Better::Lower,
                    ),
                    ..t(
                        seq::MYOPIA,
                        format!(
                            "中小学生近视率每年下降不低于1个百分点，{target_year}年降至{MYOPIA_TARGET}%以下"
                        ),
                        TaskSource::HigherDocument,
                        v_health,
                        "体育卫生与艺术教育处",
                        &["卫生健康部门"],
                    )
                },
                TaskSpec {
                    deadline: missed,
                    ..t(
                        seq::HEALTH_GUIDE,
                        "制定《中小学健康教育指导纲要》".into(),
                        TaskSource::AnnualPriority,
                        v_health,
                        "体育卫生与艺术教育处",
                        &[],
                    )
                },
                t(
                    "3.3",
                    "出台《中小学劳动教育指导意见》，建设一批劳动教育实验区、实验校".into(),
                    TaskSource::AnnualPriority,
                    v_basic,
                    "基础教育处",
                    &[],
                ),
            ],
        };
        let quality = SectionSpec {
            title: "四、教育质量提升新突破".into(),
            tasks: vec![
                TaskSpec {
                    deadline: missed,
                    counties: assigned(&[DEMO_COUNTY, "370176"]),
                    ..t(
                        seq::ESTATE_KINDERGARTENS,
                        "城镇居住区配套幼儿园整治任务“清零”".into(),
                        TaskSource::HigherDocument,
                        v_pre,
                        "学前教育处",
                        &["住房城乡建设部门"],
                    )
                },
                TaskSpec {
                    deadline: day(today, 30),
                    ..t(
                        seq::DROPOUTS,
                        "实现控辍保学“清零”".into(),
                        TaskSource::HigherDocument,
                        v_basic,
                        "基础教育处",
                        &["各区县教育和体育局"],
                    )
                },
                t(
                    "4.3",
                    "完成第二期特殊教育提升计划".into(),
                    TaskSource::HigherDocument,
                    v_basic,
                    "基础教育处",
                    &[],
                ),
                TaskSpec {
                    measure: count(
                        Counted::Reported {
                            unit: "个区县".into(),
                        },
                        colleges,
                    ),
                    ..t(
                        seq::COMMUNITY_COLLEGES,
                        "加快社区教育院校建设，100%的区县建成社区教育学院".into(),
                        TaskSource::AnnualPriority,
                        v_basic,
                        "职业教育与终身教育处",
                        &[],
                    )
                },
            ],
        };
        let teachers = SectionSpec {
            title: "五、干部队伍建设新成效".into(),
            tasks: vec![
                TaskSpec {
                    measure: indicator("key_teacher_share", first, 17.0, target_year, Better::Higher),
                    ..t(seq::KEY_TEACHERS, "深入开展“锻铸师魂”“涵养师德”“提升师能”和“激励惠师”四大行动，县级及以上骨干教师占比达到17%".into(), TaskSource::AnnualPriority, v_teacher, "教师工作处", &["组织人事处"])
                },
                t("5.2", "切实减轻教师不合理工作负担；持续治理在职教师有偿补课".into(), TaskSource::LeaderInstruction, v_teacher, "教师工作处", &[]),
            ],
        };
        let service = SectionSpec {
            title: "六、教育社会服务新担当".into(),
            tasks: vec![
                TaskSpec {
                    measure: count(Counted::Reported { unit: "所".into() }, f64::from(parent_schools)),
                    ..t(
                        seq::PARENT_SCHOOLS,
                        format!("实施中小学家庭教育“泉家共成长”工程，建成{parent_schools}所标准化家长学校"),
                        TaskSource::MeetingDecision,
                        v_basic,
                        "基础教育处",
                        &["关工委"],
                    )
                },
                t(
                    "6.2",
                    "建立课后服务信息化管理平台，提升农村学校课后服务水平".into(),
                    TaskSource::Proposal,
                    v_basic,
                    "基础教育处",
                    &["电教馆"],
                ),
                t(
                    "6.3",
                    "建档立卡贫困家庭的义务教育学段适龄儿童全部入学".into(),
                    TaskSource::HigherDocument,
                    v_basic,
                    "基础教育处",
                    &["学生资助中心"],
                ),
            ],
        };
        let sections = vec![facilities, governance, five, quality, teachers, service];
        let spec = PlanSpec {
            city: AreaCode::parse("3701").unwrap_or_else(|_| ctx.counties[0].code.clone()),
            year,
            title: format!("{}教育局{year}年工作要点（演示）", self.city_name()),
            sections,
        };
        let script = script(
            &ctx,
            &spec,
            ScriptInputs {
                demo_county,
                unstarted_county,
                completed_kindergartens: completed,
                parent_schools,
                colleges,
                overdue,
                missed,
                long,
            },
        );
        // The projects that built the schools opened in the generated years
        // go with the plan's own (they count in no task: their dates are
        // in earlier years).
        projects.extend(
            self.opening_projects()
                .into_iter()
                .filter(|p| p.in_use.is_some_and(|d| d < today)),
        );
        DemoPlan {
            written: at(ymd(year, 1, 15), 0),
            projects_entered: at(ymd(year, 1, 20), 0),
            spec,
            projects,
            script,
        }
    }

    /// The construction projects of the schools that opened in the
    /// generated years after the first (`SchoolPlan::opens`): one 新建
    /// project per school and stage, started in the autumn two years
    /// before, completed in July and put into use on 25 August of the
    /// opening year, with all the stage's seats (so the school's seats are
    /// its projects'; see `DemoCity::opened_schools` for how they are
    /// counted once). Codes `DEMO-<year>-N001`, numbered per opening year.
    pub fn opening_projects(&self) -> Vec<ProjectSpec> {
        let mut out = Vec::new();
        let mut per_year: std::collections::HashMap<u16, usize> = std::collections::HashMap::new();
        for plan in self.plans.iter().filter(|p| self.opened_in_generated_years(p)) {
            let Some(year) = plan.opens.map(i32::from) else {
                continue;
            };
            for stage in plan.kind.stages() {
                let n = per_year.entry(year as u16).or_default();
                *n += 1;
                let seats = plan.record.seats_for(*stage);
                let label = match stage {
                    Stage::Preschool => "幼儿园部",
                    Stage::Primary => "小学部",
                    Stage::Junior => "初中部",
                    _ => "高中部",
                };
                let offset = (*n * 7 % 28) as i64;
                let start = day(ymd(year - 2, 10, 1), offset);
                out.push(ProjectSpec {
                    code: format!("DEMO-{year}-N{:03}", *n),
                    name: format!("{}新建工程（{label}）", plan.record.name),
                    kind: ProjectKind::New,
                    school: Some(plan.record.code.clone()),
                    planned_school: Some(plan.record.name.clone()),
                    site: Some("（演示地址）".into()),
                    county: plan.record.county.clone(),
                    stage: *stage,
                    seats,
                    floor_area: f64::from(seats) * 8.0,
                    investment: f64::from(seats) * 5.0,
                    planned_start: Some(day(start, -14)),
                    actual_start: Some(start),
                    planned_completion: Some(ymd(year, 6, 30)),
                    actual_completion: Some(day(ymd(year, 7, 5), offset / 2)),
                    in_use: Some(ymd(year, 8, 25)),
                });
            }
        }
        out
    }

    /// A school that opened from a project in the generated years after the first.
    pub(crate) fn opened_in_generated_years(&self, plan: &SchoolPlan) -> bool {
        plan.opens
            .is_some_and(|o| o > self.config.first_year.0 && o <= self.config.last_year.0)
    }
}

/// Kindergarten projects (1.1, 1.2): `round(68 × scale)` of them, at least
/// 8, spread over the counties with most kindergartens; even ones enlarge an
/// existing kindergarten (扩建, 110 seats), odd ones build a new one (新建,
/// 330 seats) — 68 of them give 14,960 seats, the report's 1.5万. All start
/// in the spring of the plan year; enough complete to be on track (97 % of
/// an even pace, never all), the enlargements first, and those are put into
/// use a few days after completion. Returns the projects and how many
/// completed.
fn kindergarten_projects(ctx: &Ctx<'_>, scale: f64, elapsed: f64) -> (Vec<ProjectSpec>, usize) {
    let n = scaled(68.0, scale, 8) as usize;
    let order = ctx.by_schools(Stage::Preschool);
    let year = ctx.year;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let place = order[i % order.len()];
        let round = i / order.len();
        let existing = ctx.serving(&place.code, Stage::Preschool);
        let school = (i % 2 == 0 && !existing.is_empty()).then(|| existing[round % existing.len()].clone());
        let expand = school.is_some();
        let start = day(ymd(year, 2, 15), (i * 5 % 45) as i64);
        out.push(ProjectSpec {
            code: format!("DEMO-{year}-K{:03}", i + 1),
            name: if expand {
                format!("{}幼儿园改扩建工程（第{}批）", place.short, ordinal(round + 1))
            } else {
                format!("{}新建幼儿园工程（第{}批）", place.short, ordinal(round + 1))
            },
            kind: if expand {
                ProjectKind::Expand
            } else {
                ProjectKind::New
            },
            planned_school: (!expand).then(|| format!("{}第{}新建幼儿园", place.short, ordinal(round + 1))),
            school,
            site: Some(format!("{}（演示地址）", place.short)),
            county: place.code.clone(),
            stage: Stage::Preschool,
            seats: if expand { 110 } else { 330 },
            floor_area: if expand { 1_200.0 } else { 3_600.0 },
            investment: if expand { 800.0 } else { 2_400.0 },
            planned_start: Some(ymd(year, 3, 1)),
            actual_start: Some(start),
            planned_completion: Some(ymd(year, 8, 31)),
            actual_completion: None,
            in_use: None,
        });
    }
    // On track: 97 % of what an even pace would have done, never all.
    let done = ((0.97 * elapsed * n as f64).ceil() as usize).min(n - 1);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (out[i].kind != ProjectKind::Expand, i));
    for (j, &i) in order.iter().take(done).enumerate() {
        let p = &mut out[i];
        let finished = day(ctx.anchor, -(5 + (j * 7 % 60) as i64));
        p.actual_completion = Some(finished);
        if p.school.is_some() {
            p.in_use = Some(day(finished, 3));
        }
    }
    (out, done)
}

/// School projects (1.7): `round(62 × scale)`, at least 6 (with the 68
/// kindergartens, the report's 130), primary, junior and senior in turn,
/// planned to start in the plan year; every third has not started although
/// its planned start passed — so 开工率 is about 80 %, as in the 青岛 summary.
fn school_projects(ctx: &Ctx<'_>, scale: f64) -> Vec<ProjectSpec> {
    let n = scaled(62.0, scale, 6) as usize;
    let year = ctx.year;
    let stages = [Stage::Primary, Stage::Junior, Stage::Primary, Stage::Senior];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let stage = stages[i % stages.len()];
        let order = ctx.by_schools(stage);
        // Rotated so the school projects fall on other counties first.
        let place = order[(i + 3) % order.len()];
        let round = i / order.len();
        let existing = ctx.serving(&place.code, stage);
        let school = (i % 3 != 1 && !existing.is_empty()).then(|| existing[round % existing.len()].clone());
        let expand = school.is_some();
        let (label, seats) = match stage {
            Stage::Primary => ("小学", 1_080),
            Stage::Junior => ("初级中学", 1_200),
            _ => ("高级中学", 1_500),
        };
        let seats: u32 = if expand { seats / 3 } else { seats };
        let started = i % 3 != 2;
        let actual_start = started.then(|| day(ctx.anchor, -(10 + (i * 11 % 120) as i64)));
        let planned_start = match actual_start {
            Some(s) => day(s, -10),
            None => day(ctx.anchor, -(40 + (i % 20) as i64)),
        };
        out.push(ProjectSpec {
            code: format!("DEMO-{year}-S{:03}", i + 1),
            name: if expand {
                format!("{}{}改扩建工程", place.short, label)
            } else {
                format!("{}新建{}工程（第{}批）", place.short, label, ordinal(round + 1))
            },
            kind: if expand {
                if i % 2 == 0 {
                    ProjectKind::Expand
                } else {
                    ProjectKind::Rebuild
                }
            } else {
                ProjectKind::New
            },
            planned_school: (!expand)
                .then(|| format!("{}第{}新建{}", place.short, ordinal(round + 1), label)),
            school,
            site: Some(format!("{}（演示地址）", place.short)),
            county: place.code.clone(),
            stage,
            seats,
            floor_area: f64::from(seats) * 8.0,
            investment: f64::from(seats) * 5.0,
            planned_start: Some(planned_start),
            actual_start,
            planned_completion: Some(ymd(year + 1, 8, 31)),
            actual_completion: None,
            in_use: None,
        });
    }
    out
}

struct ScriptInputs {
    demo_county: AreaCode,
    unstarted_county: Option<AreaCode>,
    completed_kindergartens: usize,
    parent_schools: u32,
    colleges: f64,
    overdue: NaiveDate,
    missed: NaiveDate,
    long: NaiveDate,
}

/// The steps taken on the plan, oldest first; `k` days before today.
fn script(ctx: &Ctx<'_>, spec: &PlanSpec, s: ScriptInputs) -> Vec<ScriptStep> {
    let today = ctx.today;
    let on = |k: i64| day(today, -k);
    let mut out: Vec<ScriptStep> = Vec::new();
    let mut push = |seq: &str, k: i64, minute: u32, action: Action| {
        out.push(ScriptStep {
            seq: seq.to_owned(),
            at: at(on(k), minute),
            action,
        });
    };
    let file = |county: Option<&AreaCode>,
                k: i64,
                text: String,
                value: Option<f64>,
                reporter: &str,
                evidence: Option<Evidence>| Action::File {
        county: county.cloned(),
        period: half(on(k)),
        text,
        value,
        reporter: reporter.to_owned(),
        evidence,
    };
    let decide = |county: Option<&AreaCode>, filed: i64, decision: Decision| Action::Decide {
        county: county.cloned(),
        period: half(on(filed)),
        reviewer: ADMIN.to_owned(),
        decision,
    };
    let sup = |actor: &str, step: Step| Action::Supervise {
        actor: actor.to_owned(),
        step,
    };
    let dc = Some(&s.demo_county);
    let short = ctx.short(&s.demo_county);
    let year = ctx.year;

    // 1.7 开工: 蓝 → 黄 → 红 with a new deadline, which passes too; the
    // county with projects not started is put under 挂牌督办.
    let red_due = day(today, -3);
    push(
        seq::STARTS,
        70,
        0,
        sup(
            ADMIN,
            Step::Escalate {
                colour: Colour::Blue,
                reason: "距完成时限不足一个月，仍有项目未开工，请加快推进".into(),
                due: None,
            },
        ),
    );
    push(
        seq::STARTS,
        55,
        0,
        sup(
            ADMIN,
            Step::Escalate {
                colour: Colour::Yellow,
                reason: "开工率低于时序进度，存在逾期风险".into(),
                due: None,
            },
        ),
    );
    push(
        seq::STARTS,
        30,
        0,
        sup(
            ADMIN,
            Step::Escalate {
                colour: Colour::Red,
                reason: format!("已超过完成时限（{}）仍未全部开工，限期办结", s.overdue),
                due: Some(red_due),
            },
        ),
    );
    if let Some(county) = &s.unstarted_county {
        push(
            seq::STARTS,
            25,
            0,
            sup(
                ADMIN,
                Step::List {
                    county: Some(county.clone()),
                    reason: format!("{}计划开工项目未按期开工，实行挂牌督办", ctx.short(county)),
                    due: day(today, 20),
                },
            ),
        );
    }

    // 1.1 幼儿园: 历城's half-year report sent back (no acceptance record),
    // corrected with the document, accepted.
    let k_filed = 60;
    push(
        seq::KINDERGARTENS,
        k_filed,
        0,
        file(
            dc,
            k_filed,
            format!("{short}幼儿园建设项目按计划推进，部分已竣工。"),
            None,
            COUNTY_OFFICER,
            None,
        ),
    );
    push(
        seq::KINDERGARTENS,
        58,
        0,
        decide(
            dc,
            k_filed,
            Decision::Return {
                reason: "未附竣工验收备案材料，请补充后重新报送".into(),
            },
        ),
    );
    push(
        seq::KINDERGARTENS,
        55,
        0,
        file(
            dc,
            k_filed,
            format!("{short}幼儿园建设项目已竣工的均已完成竣工验收备案，备案表附后；在建项目按计划推进。"),
            None,
            COUNTY_OFFICER,
            Some(evidence(&format!(
                "{year} kindergarten completion records, {}",
                s.demo_county
            ))),
        ),
    );
    push(seq::KINDERGARTENS, 54, 0, decide(dc, k_filed, Decision::Accept));

    // 1.2 学位: behind the even pace — a yellow warning.
    push(
        seq::SEATS,
        12,
        0,
        sup(
            ADMIN,
            Step::Escalate {
                colour: Colour::Yellow,
                reason: "新增学位进度明显滞后于时序进度，请督促已竣工幼儿园尽快投入使用".into(),
                due: None,
            },
        ),
    );

    // 1.4 普惠 (target achieved): reported, accepted, verified, 销号.
    push(
        seq::INCLUSIVE,
        40,
        0,
        file(
            None,
            40,
            "普惠性幼儿园覆盖率已超过85%，认定材料附后。".into(),
            None,
            LEAD_UNIT,
            Some(evidence(&format!(
                "{year} inclusive kindergarten recognition list"
            ))),
        ),
    );
    push(seq::INCLUSIVE, 38, 0, decide(None, 40, Decision::Accept));
    push(
        seq::INCLUSIVE,
        20,
        0,
        sup(
            ADMIN,
            Step::Verify {
                note: "经核对登记数据，覆盖率已达目标".into(),
            },
        ),
    );
    push(
        seq::INCLUSIVE,
        19,
        0,
        sup(
            ADMIN,
            Step::CloseOut {
                note: "目标已达成，予以销号".into(),
            },
        ),
    );

    // 1.8 大班额: the county with the heaviest task is listed (对任务最为繁重
    // 的县区…实行挂牌督办、销号管理); its report awaits review.
    push(
        seq::LARGE_CLASSES,
        25,
        0,
        sup(
            ADMIN,
            Step::List {
                county: Some(s.demo_county.clone()),
                reason: format!("{short}化解城镇中小学大班额任务最为繁重，实行挂牌督办、销号管理"),
                due: day(today, 35),
            },
        ),
    );
    push(
        seq::LARGE_CLASSES,
        3,
        0,
        file(
            dc,
            3,
            format!("{short}已制定“一校一策”大班额化解方案，新学期通过新建学校分流、均衡编班推进化解。"),
            None,
            COUNTY_OFFICER,
            Some(evidence(&format!("{year} large-class plan, {}", s.demo_county))),
        ),
    );

    // 1.10 薄改: due in two days — a blue reminder.
    push(
        seq::RENOVATION,
        5,
        0,
        sup(
            ADMIN,
            Step::Escalate {
                colour: Colour::Blue,
                reason: "距完成时限不足一周，请按期完成并报送佐证材料".into(),
                due: None,
            },
        ),
    );

    // 4.1 配套幼儿园: 历城 asks for an extension before the deadline; granted.
    let until = day(today, 60);
    push(
        seq::ESTATE_KINDERGARTENS,
        30,
        0,
        sup(
            COUNTY_OFFICER,
            Step::RequestExtension {
                until,
                reason: "配套幼儿园移交涉及开发企业产权办理，需协调住建部门，申请延期".into(),
            },
        ),
    );
    push(seq::ESTATE_KINDERGARTENS, 28, 0, sup(ADMIN, Step::GrantExtension));

    // 4.2 控辍保学: closed out after verification by another person.
    push(
        seq::DROPOUTS,
        40,
        1,
        file(
            None,
            40,
            "已实现控辍保学“清零”，各区县劝返复学台账附后。".into(),
            None,
            LEAD_UNIT,
            Some(evidence(&format!("{year} dropout return ledger"))),
        ),
    );
    push(seq::DROPOUTS, 38, 1, decide(None, 40, Decision::Accept));
    push(
        seq::DROPOUTS,
        20,
        1,
        sup(
            ADMIN,
            Step::Verify {
                note: "抽查区县台账，与学籍数据一致".into(),
            },
        ),
    );
    push(
        seq::DROPOUTS,
        18,
        0,
        sup(
            ADMIN,
            Step::CloseOut {
                note: "经核验已完成，予以销号".into(),
            },
        ),
    );

    // 4.4 社区教育学院: reported on pace.
    let e_long = elapsed(year, today, s.long);
    let colleges_done = ((0.97 * e_long * s.colleges).ceil()).min(s.colleges - 1.0);
    push(
        seq::COMMUNITY_COLLEGES,
        15,
        0,
        file(
            None,
            15,
            format!("已有{colleges_done}个区县建成社区教育学院。"),
            Some(colleges_done),
            LEAD_UNIT,
            None,
        ),
    );
    push(seq::COMMUNITY_COLLEGES, 14, 0, decide(None, 15, Decision::Accept));

    // 6.1 家长学校: the figure sent back for its list, corrected, accepted —
    // at about three quarters of an even pace (需加快).
    let target = f64::from(s.parent_schools);
    let built = (0.75 * e_long * target).ceil().min(target - 1.0);
    push(
        seq::PARENT_SCHOOLS,
        50,
        0,
        file(
            None,
            50,
            format!("已建成标准化家长学校{built}所。"),
            Some(built),
            LEAD_UNIT,
            None,
        ),
    );
    push(
        seq::PARENT_SCHOOLS,
        48,
        0,
        decide(
            None,
            50,
            Decision::Return {
                reason: "未附家长学校名单，数字无从核对，请补充".into(),
            },
        ),
    );
    push(
        seq::PARENT_SCHOOLS,
        45,
        0,
        file(
            None,
            50,
            format!("已建成标准化家长学校{built}所，名单附后。"),
            Some(built),
            LEAD_UNIT,
            Some(evidence(&format!("{year} parent school list"))),
        ),
    );
    push(seq::PARENT_SCHOOLS, 44, 0, decide(None, 50, Decision::Accept));

    let _ = (spec, s.missed, s.completed_kindergartens);
    out.sort_by_key(|st| st.at);
    out
}

/// A one-page PDF (ASCII text, Helvetica): evidence that says it is
/// synthetic. Offsets in the cross-reference table are computed, so readers
/// open it without repair.
pub fn evidence(title: &str) -> Evidence {
    let text: String = format!("edugov demo evidence - synthetic, not an official document: {title}")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 11 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    let slug: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Evidence {
        name: format!("{}.pdf", slug.trim_matches('-')),
        bytes: pdf.into_bytes(),
    }
}

/// The status the demo means each task to have on the day it is made.
pub fn expected(seq: &str) -> Expected {
    match seq {
        // 毛入园率 rises about a point a year towards 95.5 % (docs/demo-city.md).
        seq::KINDERGARTENS | seq::COMMUNITY_COLLEGES | seq::GROSS_ENROLMENT => Expected::OnTrack,
        seq::SEATS | seq::KEY_TEACHERS | seq::PARENT_SCHOOLS | "1.11" => Expected::Behind,
        seq::PUBLIC_SHARE => Expected::Achieved,
        seq::MYOPIA => Expected::OnTrack,
        seq::INCLUSIVE | seq::DROPOUTS => Expected::ClosedOut,
        seq::STARTS | seq::HEALTH_GUIDE => Expected::Overdue,
        seq::RENOVATION => Expected::DueSoon,
        seq::LARGE_CLASSES => Expected::Registry,
        _ => Expected::InProgress,
    }
}

#[cfg(test)]
mod tests;
