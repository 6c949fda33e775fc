//! Who may see and do what: roles, the signed-in principal and its scope.
//!
//! Every page, export and API call asks these functions; the web layer never
//! decides access on its own. Pure: no I/O, no clock.

use registry::{AreaCode, AreaLevel, SchoolCode};

/// The roles of edugov. A real deployment starts with no account; the first
/// city administrator is made with `edugov user add` on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 市级管理员: everything in the city, users, audit log, unmasked data.
    CityAdmin,
    /// 市级分析员: reads everything in the city, masked; changes nothing in
    /// the registry or the accounts. As the bureau's staff it files the lead
    /// units' (处室) progress reports, which an administrator reviews.
    CityAnalyst,
    /// 区县数据员: one county — reads it, imports its schools' data.
    CountyOfficer,
    /// 学校数据员: one school — reads it, imports its data.
    SchoolOfficer,
    /// 公众: the indicators the bureau publishes, city and counties only.
    Public,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::CityAdmin,
        Role::CityAnalyst,
        Role::CountyOfficer,
        Role::SchoolOfficer,
        Role::Public,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::CityAdmin => "city_admin",
            Role::CityAnalyst => "city_analyst",
            Role::CountyOfficer => "county_officer",
            Role::SchoolOfficer => "school_officer",
            Role::Public => "public",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::CityAdmin => "市级管理员",
            Role::CityAnalyst => "市级分析员",
            Role::CountyOfficer => "区县数据员",
            Role::SchoolOfficer => "学校数据员",
            Role::Public => "公众",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::CityAdmin => "City administrator",
            Role::CityAnalyst => "City analyst",
            Role::CountyOfficer => "County officer",
            Role::SchoolOfficer => "School officer",
            Role::Public => "Public",
        }
    }

    /// Accepts the code (`county_officer`, also with `-`) or the Chinese label.
    pub fn parse(text: &str) -> Result<Role, AccessError> {
        let text = text.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == text.replace('-', "_") || r.label_zh() == text)
            .ok_or_else(|| AccessError::UnknownRole(text.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("角色“{0}”无法识别，可填：city_admin（市级管理员）、city_analyst（市级分析员）、county_officer（区县数据员）、school_officer（学校数据员）、public（公众）")]
    UnknownRole(String),
    #[error("{role}需要指定{what}")]
    MissingScope { role: &'static str, what: &'static str },
    #[error("{role}的范围应为{what}，而不是“{given}”")]
    WrongScope {
        role: &'static str,
        what: &'static str,
        given: String,
    },
}

/// Where a principal's rights end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// The whole city (4-digit code).
    City {
        city: AreaCode,
    },
    County {
        county: AreaCode,
    },
    /// One school, which lies in `county`.
    School {
        school: SchoolCode,
        county: AreaCode,
    },
}

impl Scope {
    /// Checks that a scope fits a role: city roles and the public a city,
    /// county officers a county, school officers a school.
    pub fn for_role(role: Role, scope: Scope) -> Result<Scope, AccessError> {
        let fits = matches!(
            (role, &scope),
            (
                Role::CityAdmin | Role::CityAnalyst | Role::Public,
                Scope::City { .. }
            ) | (Role::CountyOfficer, Scope::County { .. })
                | (Role::SchoolOfficer, Scope::School { .. })
        );
        if fits {
            return Ok(scope);
        }
        let what = match role {
            Role::CountyOfficer => "一个区县（6 位代码）",
            Role::SchoolOfficer => "一所学校（10 位学校标识码）",
            _ => "全市（4 位代码）",
        };
        let given = match &scope {
            Scope::City { city } => city.as_str().to_owned(),
            Scope::County { county } => county.as_str().to_owned(),
            Scope::School { school, .. } => school.as_str().to_owned(),
        };
        Err(AccessError::WrongScope {
            role: role.label_zh(),
            what,
            given,
        })
    }

    /// The area a principal may see: the city, its county, or its school's county
    /// (a school officer sees its county's aggregates, never other schools' rows).
    pub fn area(&self) -> &AreaCode {
        match self {
            Scope::City { city } => city,
            Scope::County { county } | Scope::School { county, .. } => county,
        }
    }
}

/// The part of the registry a principal's import may write.
///
/// An officer may write only what its scope *holds*: its schools' rows, and
/// the persons whose latest placement (the latest school year they were held
/// in) is at one of its schools. A row for a person held elsewhere becomes a
/// transfer request for the releasing side (`registry::transfer`); only the
/// city moves people, and schools between counties, directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteScope {
    /// The whole city (the city administrator's imports).
    City(AreaCode),
    /// Schools of one county, and its townships' population and births.
    County(AreaCode),
    /// One school's rows, and the county it lies in (a school officer
    /// cannot move it); no population or births.
    School { school: SchoolCode, county: AreaCode },
}

impl WriteScope {
    /// Whether rows of this school, lying in `county`, may be written.
    pub fn allows_school(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        match self {
            WriteScope::City(city) => county.is_within(city),
            WriteScope::County(mine) => county == mine,
            WriteScope::School {
                school: mine,
                county: its,
            } => school == mine && county == its,
        }
    }

    /// Whether population or births of this area may be written.
    pub fn allows_area(&self, area: &AreaCode) -> bool {
        match self {
            WriteScope::City(city) => area.is_within(city),
            WriteScope::County(mine) => area.is_within(mine),
            WriteScope::School { .. } => false,
        }
    }

    /// Whether this scope moves people held by other schools directly (the
    /// city) instead of asking the releasing side.
    pub fn moves_people_directly(&self) -> bool {
        matches!(self, WriteScope::City(_))
    }

    /// Whether a person whose latest placement is at `school` in `county`
    /// is this scope's to write (rename, move, enrol in another year).
    pub fn holds_person(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        self.moves_people_directly() || self.allows_school(school, county)
    }

    /// The refusal of a row for a school outside the scope.
    pub fn refusal(&self, school: &SchoolCode) -> String {
        match self {
            WriteScope::City(mine) => format!("学校 {school} 不在本市 {mine}，无权导入"),
            WriteScope::County(mine) => format!("学校 {school} 不在您负责的区县 {mine}，无权导入"),
            WriteScope::School { school: mine, .. } => {
                format!("学校 {school} 不是您负责的学校 {mine}，无权导入")
            }
        }
    }

    /// Why a 学校 row may not be written, if it may not: the school must be
    /// in scope both where it is stored and where the row puts it, and only
    /// the city moves a school to another county.
    pub fn school_refusal(
        &self,
        school: &SchoolCode,
        county: &AreaCode,
        stored_county: Option<&AreaCode>,
    ) -> Option<String> {
        // Where the school lies now: as stored, or for a school officer's
        // own school not yet stored, the county of the officer's scope.
        let home = stored_county.or(match self {
            WriteScope::School {
                school: mine,
                county: its,
            } if mine == school => Some(its),
            _ => None,
        });
        let Some(home) = home else {
            return (!self.allows_school(school, county)).then(|| self.refusal(school));
        };
        if !self.allows_school(school, home) {
            return Some(self.refusal(school));
        }
        if self.moves_people_directly() {
            return (!self.allows_school(school, county)).then(|| self.refusal(school));
        }
        (home != county).then(|| {
            format!("学校 {school} 属于区县 {home}，所属区县只能由市级管理员更改（本行填写 {county}）")
        })
    }

    /// The refusal of a population or births row outside the scope.
    pub fn area_refusal(&self, area: &AreaCode) -> String {
        match self {
            WriteScope::City(mine) => format!("区域 {area} 不在本市 {mine}，无权导入"),
            WriteScope::County(mine) => format!("区域 {area} 不在您负责的区县 {mine}，无权导入"),
            WriteScope::School { .. } => format!("学校数据员无权导入区域 {area} 的人口或出生数据"),
        }
    }
}

/// Which part of the forecast a principal sees ([`Principal::forecast_scope`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForecastScope {
    /// The city aggregate and every county.
    City(AreaCode),
    /// One county alone (`forecast::Run::for_county`).
    County(AreaCode),
}

/// The signed-in user (or the anonymous public).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Principal {
    /// Whether aggregate values (indicators) of an area may be shown.
    /// Everyone sees what the bureau publishes (the city and its counties);
    /// city roles see the whole city, officers also what lies in their
    /// county — a signed-in officer never sees less than the public.
    pub fn can_view_area(&self, area: &AreaCode) -> bool {
        let within_scope = self.role != Role::Public && area.is_within(self.scope.area());
        within_scope || self.is_published(area)
    }

    /// The city's and its counties' figures: what a bureau publishes.
    fn is_published(&self, area: &AreaCode) -> bool {
        let city = self.scope.area().ancestor(AreaLevel::City);
        city.is_some_and(|city| area.is_within(&city)) && area.level() <= AreaLevel::County
    }

    /// Whether a school's page (classes, teachers, students) may be opened.
    pub fn can_view_school(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        match (&self.role, &self.scope) {
            (Role::Public, _) => false,
            (_, Scope::City { city }) => county.is_within(city),
            (_, Scope::County { county: mine }) => county == mine,
            (_, Scope::School { school: mine, .. }) => school == mine,
        }
    }

    /// Whether the principal may open every school that lies in `area`
    /// (school-level access to all of them): city roles within their city,
    /// a county officer within its county. The public never; a school
    /// officer neither, as an area holds other schools than its own.
    pub fn sees_every_school_in(&self, area: &AreaCode) -> bool {
        match (&self.role, &self.scope) {
            (Role::Public, _) | (_, Scope::School { .. }) => false,
            (_, Scope::City { city }) => area.is_within(city),
            (_, Scope::County { county }) => area.is_within(county),
        }
    }

    /// Whether the schools behind an area's figure may be listed (the
    /// `/areas/{code}/schools` page and export): a signed-in principal whose
    /// scope lies within the area or holds it — the list then shows only
    /// the schools [`Principal::can_view_school`] allows. Another county's
    /// area (or one that does not exist) is refused alike; the public never
    /// lists schools.
    pub fn can_list_schools_in(&self, area: &AreaCode) -> bool {
        let mine = self.scope.area();
        self.role != Role::Public && (area.is_within(mine) || mine.is_within(area))
    }

    /// Whether the figures of an aggregate of `schools` schools in `area`
    /// (an area × stage, a school group …) may be shown: the area must be
    /// visible, and the aggregate made of at least `min_schools` schools —
    /// fewer would reveal a school's own figures — unless the principal may
    /// see every one of those schools anyway. An aggregate of no school
    /// (population only) reveals none. `min_schools` is the publication
    /// rule, configuration (`indicators::Rules::min_published_schools`,
    /// the statistical "threshold rule"; default 3).
    pub fn can_view_aggregate(&self, area: &AreaCode, schools: u64, min_schools: u32) -> bool {
        self.can_view_area(area)
            && (schools == 0 || schools >= u64::from(min_schools) || self.sees_every_school_in(area))
    }

    /// Full identity numbers and names: administrators only, and audited.
    pub fn can_view_unmasked(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Uploading registry files (for the schools in scope).
    pub fn can_import(&self) -> bool {
        matches!(
            self.role,
            Role::CityAdmin | Role::CountyOfficer | Role::SchoolOfficer
        )
    }

    /// Whether an imported row for this school may be written by this principal.
    pub fn can_write_school(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        self.write_scope()
            .is_some_and(|scope| scope.allows_school(school, county))
    }

    /// What this principal's imports may write; `None` for roles that do not
    /// import. The city's imports write its whole city and move people
    /// directly; officers' imports are bounded by [`WriteScope`].
    pub fn write_scope(&self) -> Option<WriteScope> {
        if !self.can_import() {
            return None;
        }
        Some(match &self.scope {
            Scope::City { city } => WriteScope::City(city.clone()),
            Scope::County { county } => WriteScope::County(county.clone()),
            Scope::School { school, county } => WriteScope::School {
                school: school.clone(),
                county: county.clone(),
            },
        })
    }

    /// The transfer page (转学申请): everyone who imports — the officers on
    /// both sides of a request, and the city.
    pub fn can_view_transfers(&self) -> bool {
        self.can_import()
    }

    /// Whether a transfer request may be shown: to the side that asked
    /// (`to`, the receiving school) and the side that releases (`from`, the
    /// school that held the person in the latest year they were held).
    pub fn can_view_transfer(&self, from: (&SchoolCode, &AreaCode), to: (&SchoolCode, &AreaCode)) -> bool {
        self.can_view_transfers()
            && (self.can_view_school(from.0, from.1) || self.can_view_school(to.0, to.1))
    }

    /// Approving or refusing a transfer request is the releasing side's: the
    /// school that held the person, its county's officer, or the city.
    pub fn can_decide_transfer(&self, from_school: &SchoolCode, from_county: &AreaCode) -> bool {
        self.can_write_school(from_school, from_county)
    }

    pub fn can_manage_users(&self) -> bool {
        self.role == Role::CityAdmin
    }

    pub fn can_read_audit(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Lists of personal data (students, teachers) — masked unless allowed unmasked.
    pub fn can_view_people(&self) -> bool {
        self.role != Role::Public
    }

    // Work plans and supervision (`plans`). A county's part of a task is
    // named by its county; the lead unit's (a city department's) part by
    // `None`.

    /// The plan pages — the plan tree, a task's page, the supervision board
    /// (public within the bureau), the projects: city roles and county
    /// officers. School officers and the public have no plan pages.
    pub fn can_view_plans(&self) -> bool {
        matches!(
            self.role,
            Role::CityAdmin | Role::CityAnalyst | Role::CountyOfficer
        )
    }

    /// Whether a part's reports (their texts, documents and the steps taken
    /// on them) may be shown: city roles every part; a county officer its
    /// own county's only — never another county's, nor the lead unit's.
    pub fn can_view_part(&self, county: Option<&AreaCode>) -> bool {
        match (&self.role, &self.scope) {
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { .. }) => true,
            (Role::CountyOfficer, Scope::County { county: mine }) => county == Some(mine),
            _ => false,
        }
    }

    /// Filing (or correcting) a progress report for a part of a task whose
    /// answerable counties are `assigned`: a county officer only for its own
    /// county, and only on a task assigned to it; the lead unit's report
    /// (`None`) by the bureau's staff — a city analyst or administrator — so
    /// that another person (an administrator) can review it.
    pub fn can_report(&self, county: Option<&AreaCode>, assigned: &[AreaCode]) -> bool {
        match (&self.role, &self.scope, county) {
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { .. }, None) => true,
            (Role::CountyOfficer, Scope::County { county: mine }, Some(county)) => {
                county == mine && assigned.contains(mine)
            }
            _ => false,
        }
    }

    /// Accepting or sending back progress reports: a city administrator —
    /// never on its own report, which `plans::report::check_decision`
    /// refuses whoever asks.
    pub fn can_review_reports(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Supervision steps — escalation (蓝/黄/红), 挂牌督办 and its removal,
    /// answering extension requests, verification and 销号: a city
    /// administrator only. A county officer never closes out.
    pub fn can_supervise(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Asking for an extension: the answerable county's officer for its
    /// part (on a task assigned to it), the bureau's staff (a city analyst
    /// or administrator) for the whole task (`None`).
    pub fn can_request_extension(&self, county: Option<&AreaCode>, assigned: &[AreaCode]) -> bool {
        self.can_report(county, assigned)
    }

    /// Importing plans and projects, and generating the bureau's reports
    /// (the summary, the ledger): a city administrator.
    pub fn can_import_plans(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Downloading the generated summary and ledger: the city's roles (an
    /// analyst reads and downloads, changes nothing).
    pub fn can_download_plan_reports(&self) -> bool {
        matches!(self.role, Role::CityAdmin | Role::CityAnalyst)
    }

    // The school-place forecast (`forecast`). It projects the whole city
    // county by county, so its figures are the bureau's planning, not
    // published statistics: no public page, no school officer's.

    /// The forecast pages at all (the city's or a county's): city roles and
    /// county officers. School officers and the public get none, as with
    /// the plan pages.
    pub fn can_view_forecasts(&self) -> bool {
        self.forecast_scope().is_some()
    }

    /// Whose forecast the principal sees: the city's whole (city roles, as
    /// `Forecast` holds it: the city and every county), or one county's
    /// alone (a county officer — never the city aggregate, which sums the
    /// other counties, nor another county). `None`: no forecast at all.
    pub fn forecast_scope(&self) -> Option<ForecastScope> {
        match (&self.role, &self.scope) {
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { city }) => {
                Some(ForecastScope::City(city.clone()))
            }
            (Role::CountyOfficer, Scope::County { county }) => Some(ForecastScope::County(county.clone())),
            _ => None,
        }
    }

    /// Whether one area's forecast (the city or a county) may be shown: the
    /// city roles any area within their city, a county officer its own
    /// county only.
    pub fn can_view_forecast_of(&self, area: &AreaCode) -> bool {
        match self.forecast_scope() {
            Some(ForecastScope::City(city)) => area.is_within(&city),
            Some(ForecastScope::County(county)) => area == &county,
            None => false,
        }
    }

    /// Making a run and saving it (the stored runs are the inputs next
    /// year's accuracy is computed from): the city's planners, an
    /// administrator or analyst. A county officer reads its county's part.
    pub fn can_save_forecast(&self) -> bool {
        matches!(
            (&self.role, &self.scope),
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { .. })
        )
    }

    // High-school admission (`admission`, 中考招生). Cutoffs and seats are
    // the bureau's published figures; candidates are personal data, seen
    // row by row only within scope ([`Principal::can_view_candidate`]) and
    // masked unless [`Principal::can_view_unmasked`].

    /// The admission pages at all (inputs, runs, cutoffs): every signed-in
    /// role — a school checks and signs off its own list there — never the
    /// public.
    pub fn can_view_admission(&self) -> bool {
        self.role != Role::Public
    }

    /// Running an admission (choosing inputs and policy) and importing a
    /// year's inputs: the city administrator, whose run is the city's
    /// decision.
    pub fn can_run_admission(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Correcting an input (a score, an eligibility flag, a list) into a
    /// new inputs version: the city administrator.
    pub fn can_correct_admission_inputs(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// Signing off a school's list in an inputs version: that school's
    /// officer, its county's officer, or the city administrator (for a
    /// school whose officer cannot). The analyst reads, signs nothing.
    pub fn can_sign_off_admission(&self, school: &SchoolCode, county: &AreaCode) -> bool {
        match (&self.role, &self.scope) {
            (Role::CityAdmin, Scope::City { city }) => county.is_within(city),
            (Role::CountyOfficer, Scope::County { county: mine }) => county == mine,
            (Role::SchoolOfficer, Scope::School { school: mine, .. }) => school == mine,
            _ => false,
        }
    }

    /// Whether one candidate's row (their number, name, scores, lists,
    /// placement, explanation) may be shown. `junior` is the candidate's
    /// junior school and its county; `admitted` the senior school (and its
    /// county) that admitted them in the run looked at, if any.
    ///
    /// City roles see every candidate of the city. A county officer sees
    /// the candidates of its county's junior schools, and those admitted to
    /// its county's senior schools (the county enrols them; it must know
    /// whom). A school officer sees its own graduates (its school is the
    /// junior school) or its own admits (its school is the admitting senior
    /// school). The public none.
    pub fn can_view_candidate(
        &self,
        junior: (&SchoolCode, &AreaCode),
        admitted: Option<(&SchoolCode, &AreaCode)>,
    ) -> bool {
        let sees = |school: &SchoolCode, county: &AreaCode| match (&self.role, &self.scope) {
            (Role::Public, _) => false,
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { city }) => county.is_within(city),
            (Role::CountyOfficer, Scope::County { county: mine }) => county == mine,
            (Role::SchoolOfficer, Scope::School { school: mine, .. }) => school == mine,
            _ => false,
        };
        sees(junior.0, junior.1) || admitted.is_some_and(|(school, county)| sees(school, county))
    }

    /// Whether every candidate of the city is in scope (city roles): a
    /// list then needs no filtering and the city-wide figures that count
    /// candidates (first choices, the quota cost) may be shown.
    pub fn sees_every_candidate(&self) -> bool {
        matches!(
            (&self.role, &self.scope),
            (Role::CityAdmin | Role::CityAnalyst, Scope::City { .. })
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> AreaCode {
        AreaCode::parse(text).unwrap()
    }

    fn principal(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            role,
            scope: Scope::for_role(role, scope).unwrap(),
        }
    }

    #[test]
    fn schools_are_listed_within_the_principals_scope_and_never_for_the_public() {
        let (city, county, other, township) =
            (code("3701"), code("370112"), code("370102"), code("370112001"));
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: SchoolCode::parse("2370112001").unwrap(),
                county: county.clone(),
            },
        );
        let public = principal(Role::Public, Scope::City { city: city.clone() });
        for area in [&city, &county, &other, &township] {
            assert!(admin.can_list_schools_in(area), "{area}");
            assert!(!public.can_list_schools_in(area), "{area}");
        }
        for (area, listed) in [(&city, true), (&county, true), (&township, true), (&other, false)] {
            assert_eq!(officer.can_list_schools_in(area), listed, "{area}");
            assert_eq!(school.can_list_schools_in(area), listed, "{area}");
        }
        assert!(
            !officer.can_list_schools_in(&code("370199")),
            "a county that does not exist"
        );
    }

    #[test]
    fn a_county_officer_sees_its_county_in_full_and_the_published_figures_of_others() {
        let p = principal(
            Role::CountyOfficer,
            Scope::County {
                county: code("370112"),
            },
        );
        assert!(p.can_view_area(&code("370112")));
        assert!(p.can_view_area(&code("370112001")));
        assert!(p.can_view_area(&code("3701")));
        // Another county's totals are published; its townships are not.
        assert!(p.can_view_area(&code("370102")));
        assert!(!p.can_view_area(&code("370102001")));
        assert!(!p.can_view_area(&code("3702")));
        assert!(!p.can_view_area(&code("370202")));
        assert!(!p.can_view_area(&code("37")));
        let school = SchoolCode::parse("2370102001").unwrap();
        assert!(!p.can_view_school(&school, &code("370102")));
        assert!(p.can_view_school(&school, &code("370112")));
        assert!(!p.can_view_unmasked() && !p.can_manage_users());
    }

    #[test]
    fn an_aggregate_of_fewer_than_k_schools_is_shown_only_to_who_sees_them_all() {
        let city = Scope::City { city: code("3701") };
        let public = principal(Role::Public, city.clone());
        let analyst = principal(Role::CityAnalyst, city);
        let lixia = principal(
            Role::CountyOfficer,
            Scope::County {
                county: code("370102"),
            },
        );
        let licheng = principal(
            Role::CountyOfficer,
            Scope::County {
                county: code("370112"),
            },
        );
        let school_officer = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: SchoolCode::parse("2370102001").unwrap(),
                county: code("370102"),
            },
        );
        // 历下区's senior high: one school.
        let county = code("370102");
        for (p, sees) in [
            (&public, false),
            (&licheng, false),
            (&school_officer, false),
            (&analyst, true),
            (&lixia, true),
        ] {
            assert_eq!(p.can_view_aggregate(&county, 1, 3), sees, "{:?}", p.role);
            // Three or more schools, or none at all: everyone who sees the area.
            assert!(p.can_view_aggregate(&county, 3, 3));
            assert!(p.can_view_aggregate(&county, 0, 3));
        }
        // A township of 历下区 with two schools: its school officer sees the
        // township, but not those schools' figures; the county officer does.
        let township = code("370102001");
        assert!(!school_officer.can_view_aggregate(&township, 2, 3));
        assert!(lixia.can_view_aggregate(&township, 2, 3));
        // Never an area the principal may not see, however many schools.
        assert!(!licheng.can_view_aggregate(&township, 50, 3));
        // The rule is configuration: k = 1 shows every aggregate.
        assert!(public.can_view_aggregate(&county, 1, 1));
    }

    #[test]
    fn nobody_signed_in_sees_fewer_areas_than_the_public() {
        let public = principal(Role::Public, Scope::City { city: code("3701") });
        let county = Scope::County {
            county: code("370112"),
        };
        let school = Scope::School {
            school: SchoolCode::parse("2370112001").unwrap(),
            county: code("370112"),
        };
        let city = Scope::City { city: code("3701") };
        let signed_in = [
            principal(Role::CityAdmin, city.clone()),
            principal(Role::CityAnalyst, city),
            principal(Role::CountyOfficer, county),
            principal(Role::SchoolOfficer, school),
        ];
        for area in [
            "37",
            "3701",
            "370102",
            "370112",
            "370102001",
            "370112001",
            "3702",
            "370202",
        ] {
            let area = code(area);
            if public.can_view_area(&area) {
                for p in &signed_in {
                    assert!(p.can_view_area(&area), "{:?} misses {area}", p.role);
                }
            }
        }
    }

    #[test]
    fn a_school_officer_sees_one_school() {
        let mine = SchoolCode::parse("2370112001").unwrap();
        let other = SchoolCode::parse("2370112002").unwrap();
        let p = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: mine.clone(),
                county: code("370112"),
            },
        );
        assert!(p.can_view_school(&mine, &code("370112")));
        assert!(!p.can_view_school(&other, &code("370112")));
        assert!(p.can_write_school(&mine, &code("370112")));
    }

    #[test]
    fn the_public_sees_published_areas_and_no_school() {
        let p = principal(Role::Public, Scope::City { city: code("3701") });
        assert!(p.can_view_area(&code("3701")) && p.can_view_area(&code("370112")));
        assert!(!p.can_view_area(&code("370112001")));
        assert!(!p.can_view_school(&SchoolCode::parse("2370112001").unwrap(), &code("370112")));
        assert!(!p.can_view_people() && !p.can_import());
    }

    #[test]
    fn scopes_must_fit_roles() {
        let err = Scope::for_role(Role::CountyOfficer, Scope::City { city: code("3701") }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "区县数据员的范围应为一个区县（6 位代码），而不是“3701”"
        );
        assert_eq!(Role::parse("county-officer"), Ok(Role::CountyOfficer));
        assert_eq!(Role::parse("市级管理员"), Ok(Role::CityAdmin));
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn only_the_releasing_side_decides_a_transfer_and_both_sides_see_it() {
        let lixia = code("370102");
        let licheng = code("370112");
        let from = SchoolCode::parse("2370102001").unwrap();
        let to = SchoolCode::parse("2370112001").unwrap();
        let city = principal(Role::CityAdmin, Scope::City { city: code("3701") });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: code("3701") });
        let releasing = principal(
            Role::CountyOfficer,
            Scope::County {
                county: lixia.clone(),
            },
        );
        let receiving = principal(
            Role::CountyOfficer,
            Scope::County {
                county: licheng.clone(),
            },
        );
        let releasing_school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: from.clone(),
                county: lixia.clone(),
            },
        );
        let receiving_school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: to.clone(),
                county: licheng.clone(),
            },
        );
        let bystander = principal(
            Role::CountyOfficer,
            Scope::County {
                county: code("370103"),
            },
        );
        let public = principal(Role::Public, Scope::City { city: code("3701") });
        for (p, decides, sees) in [
            (&city, true, true),
            (&analyst, false, false),
            (&releasing, true, true),
            (&releasing_school, true, true),
            (&receiving, false, true),
            (&receiving_school, false, true),
            (&bystander, false, false),
            (&public, false, false),
        ] {
            assert_eq!(
                p.can_decide_transfer(&from, &lixia),
                decides,
                "{:?} {:?}",
                p.role,
                p.scope
            );
            assert_eq!(
                p.can_view_transfer((&from, &lixia), (&to, &licheng)),
                sees,
                "{:?}",
                p.scope
            );
        }
    }

    #[test]
    fn an_officer_holds_only_the_people_its_schools_hold_and_the_city_holds_all() {
        let lixia = code("370102");
        let mine = SchoolCode::parse("2370102001").unwrap();
        let other = SchoolCode::parse("2370112001").unwrap();
        let county = WriteScope::County(lixia.clone());
        assert!(county.holds_person(&mine, &lixia));
        assert!(!county.holds_person(&other, &code("370112")));
        let school = WriteScope::School {
            school: mine.clone(),
            county: lixia.clone(),
        };
        assert!(school.holds_person(&mine, &lixia));
        assert!(!school.holds_person(&SchoolCode::parse("2370102002").unwrap(), &lixia));
        let city = WriteScope::City(code("3701"));
        assert!(city.holds_person(&other, &code("370112")) && city.moves_people_directly());
        // The city moves a school between its counties, never out of the city.
        assert_eq!(city.school_refusal(&other, &lixia, Some(&code("370112"))), None);
        assert!(city
            .school_refusal(&other, &code("370202"), Some(&code("370112")))
            .is_some());
        assert!(county
            .school_refusal(&mine, &code("370112"), Some(&lixia))
            .is_some());
        // The public and the analyst import nothing.
        let analyst = principal(Role::CityAnalyst, Scope::City { city: code("3701") });
        assert_eq!(analyst.write_scope(), None);
    }

    #[test]
    fn plan_pages_are_the_bureaus_and_county_officers_see_only_their_own_parts() {
        let (city, county, other) = (code("3701"), code("370112"), code("370102"));
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: SchoolCode::parse("2370112001").unwrap(),
                county: county.clone(),
            },
        );
        let public = principal(Role::Public, Scope::City { city: city.clone() });
        for p in [&admin, &analyst, &officer] {
            assert!(p.can_view_plans(), "{:?}", p.role);
        }
        for p in [&school, &public] {
            assert!(!p.can_view_plans(), "{:?}", p.role);
            assert!(!p.can_view_part(Some(&county)) && !p.can_view_part(None));
        }
        for part in [Some(&county), Some(&other), None] {
            assert!(admin.can_view_part(part) && analyst.can_view_part(part));
        }
        assert!(officer.can_view_part(Some(&county)));
        assert!(!officer.can_view_part(Some(&other)));
        assert!(
            !officer.can_view_part(None),
            "the lead unit's reports are the city's"
        );
    }

    #[test]
    fn a_county_officer_reports_only_for_its_county_on_its_tasks_and_never_reviews_or_closes_out() {
        let (city, county, other) = (code("3701"), code("370112"), code("370102"));
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let both = [county.clone(), other.clone()];
        let theirs = [other.clone()];
        assert!(officer.can_report(Some(&county), &both));
        assert!(!officer.can_report(Some(&other), &both), "another county's part");
        assert!(
            !officer.can_report(Some(&county), &theirs),
            "a task not assigned to it"
        );
        assert!(!officer.can_report(None, &both), "the lead unit's report");
        assert!(officer.can_request_extension(Some(&county), &both));
        assert!(!officer.can_request_extension(None, &both));
        assert!(!officer.can_review_reports() && !officer.can_supervise());
        assert!(!officer.can_import_plans() && !officer.can_download_plan_reports());
        // The city administrator reports for the lead unit, not for a county.
        assert!(admin.can_report(None, &both));
        assert!(!admin.can_report(Some(&county), &both));
        assert!(admin.can_request_extension(None, &both));
        assert!(admin.can_review_reports() && admin.can_supervise());
        assert!(admin.can_import_plans() && admin.can_download_plan_reports());
        // The analyst reads and downloads, and reports for the lead unit
        // (reviewed by an administrator), never for a county.
        assert!(analyst.can_report(None, &both) && !analyst.can_report(Some(&county), &both));
        assert!(!analyst.can_review_reports() && !analyst.can_supervise());
        assert!(!analyst.can_import_plans() && analyst.can_download_plan_reports());
    }

    #[test]
    fn forecasts_are_seen_by_the_city_whole_by_a_county_officer_for_its_county_and_saved_by_city_planners() {
        let (city, county, other) = (code("3701"), code("370112"), code("370102"));
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: SchoolCode::parse("2370112001").unwrap(),
                county: county.clone(),
            },
        );
        let public = principal(Role::Public, Scope::City { city: city.clone() });
        for p in [&admin, &analyst] {
            assert!(p.can_view_forecasts() && p.can_save_forecast(), "{:?}", p.role);
            assert_eq!(p.forecast_scope(), Some(ForecastScope::City(city.clone())));
            for area in [&city, &county, &other] {
                assert!(p.can_view_forecast_of(area), "{area}");
            }
            assert!(
                !p.can_view_forecast_of(&code("3702")),
                "another city's forecast is not this city's planners'"
            );
        }
        assert!(officer.can_view_forecasts());
        assert!(
            !officer.can_save_forecast(),
            "a county officer reads, the city saves"
        );
        assert_eq!(
            officer.forecast_scope(),
            Some(ForecastScope::County(county.clone()))
        );
        assert!(officer.can_view_forecast_of(&county));
        assert!(!officer.can_view_forecast_of(&other), "another county");
        assert!(
            !officer.can_view_forecast_of(&city),
            "the city aggregate sums the other counties"
        );
        for p in [&school, &public] {
            assert!(!p.can_view_forecasts() && !p.can_save_forecast(), "{:?}", p.role);
            assert_eq!(p.forecast_scope(), None);
            for area in [&city, &county] {
                assert!(!p.can_view_forecast_of(area), "{:?} {area}", p.role);
            }
        }
    }

    #[test]
    fn admission_pages_are_every_signed_in_roles_and_the_city_administrator_runs_and_corrects() {
        let (city, county) = (code("3701"), code("370112"));
        let school_code = SchoolCode::parse("2370112001").unwrap();
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: school_code,
                county,
            },
        );
        let public = principal(Role::Public, Scope::City { city });
        for p in [&admin, &analyst, &officer, &school] {
            assert!(p.can_view_admission(), "{:?}", p.role);
        }
        assert!(!public.can_view_admission());
        assert!(admin.can_run_admission() && admin.can_correct_admission_inputs());
        for p in [&analyst, &officer, &school, &public] {
            assert!(!p.can_run_admission(), "{:?}", p.role);
            assert!(!p.can_correct_admission_inputs(), "{:?}", p.role);
        }
        assert!(admin.sees_every_candidate() && analyst.sees_every_candidate());
        for p in [&officer, &school, &public] {
            assert!(!p.sees_every_candidate(), "{:?}", p.role);
        }
    }

    #[test]
    fn a_list_is_signed_off_by_its_school_its_county_or_the_city_administrator() {
        let (city, county, other) = (code("3701"), code("370112"), code("370102"));
        let mine = SchoolCode::parse("2370112001").unwrap();
        let sibling = SchoolCode::parse("2370112002").unwrap();
        let foreign = SchoolCode::parse("2370102001").unwrap();
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let school = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: mine.clone(),
                county: county.clone(),
            },
        );
        let public = principal(Role::Public, Scope::City { city });
        for (p, own, sib, far) in [
            (&admin, true, true, true),
            (&analyst, false, false, false),
            (&officer, true, true, false),
            (&school, true, false, false),
            (&public, false, false, false),
        ] {
            assert_eq!(p.can_sign_off_admission(&mine, &county), own, "{:?}", p.role);
            assert_eq!(p.can_sign_off_admission(&sibling, &county), sib, "{:?}", p.role);
            assert_eq!(p.can_sign_off_admission(&foreign, &other), far, "{:?}", p.role);
        }
        assert!(
            !admin.can_sign_off_admission(&SchoolCode::parse("2370202001").unwrap(), &code("370202")),
            "another city's school"
        );
    }

    #[test]
    fn a_candidate_is_seen_by_the_city_and_by_the_county_and_school_that_sent_or_admitted_them() {
        let (city, county, other) = (code("3701"), code("370112"), code("370102"));
        let junior = SchoolCode::parse("2370112001").unwrap();
        let sibling = SchoolCode::parse("2370112002").unwrap();
        let foreign_junior = SchoolCode::parse("2370102001").unwrap();
        let foreign_senior = SchoolCode::parse("2370102009").unwrap();
        let senior = SchoolCode::parse("2370112009").unwrap();
        let admin = principal(Role::CityAdmin, Scope::City { city: city.clone() });
        let analyst = principal(Role::CityAnalyst, Scope::City { city: city.clone() });
        let officer = principal(
            Role::CountyOfficer,
            Scope::County {
                county: county.clone(),
            },
        );
        let junior_officer = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: junior.clone(),
                county: county.clone(),
            },
        );
        let senior_officer = principal(
            Role::SchoolOfficer,
            Scope::School {
                school: senior.clone(),
                county: county.clone(),
            },
        );
        let public = principal(Role::Public, Scope::City { city });
        // (junior school, admitted at), who sees the row.
        let own = (&junior, &county);
        let sib = (&sibling, &county);
        let far = (&foreign_junior, &other);
        type At<'a> = (&'a SchoolCode, &'a AreaCode);
        let cases: [(At, Option<At>, [bool; 6]); 5] = [
            // admin, analyst, county officer, junior's officer, senior's officer, public
            (own, None, [true, true, true, true, false, false]),
            (
                own,
                Some((&foreign_senior, &other)),
                [true, true, true, true, false, false],
            ),
            (
                sib,
                Some((&senior, &county)),
                [true, true, true, false, true, false],
            ),
            // Another county's graduate admitted here: the county enrols them.
            (
                far,
                Some((&senior, &county)),
                [true, true, true, false, true, false],
            ),
            // Another county's graduate admitted there: nobody of 370112.
            (
                far,
                Some((&foreign_senior, &other)),
                [true, true, false, false, false, false],
            ),
        ];
        for (junior_at, admitted, expected) in cases {
            for (p, sees) in [
                &admin,
                &analyst,
                &officer,
                &junior_officer,
                &senior_officer,
                &public,
            ]
            .into_iter()
            .zip(expected)
            {
                assert_eq!(
                    p.can_view_candidate(junior_at, admitted),
                    sees,
                    "{:?} {:?} {junior_at:?} {admitted:?}",
                    p.role,
                    p.scope
                );
            }
        }
        // Another city's candidate: not the city's roles' either.
        let elsewhere = SchoolCode::parse("2370202001").unwrap();
        assert!(!admin.can_view_candidate((&elsewhere, &code("370202")), None));
    }
}
