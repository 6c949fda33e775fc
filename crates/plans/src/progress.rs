//! How far a measure has come: the progress method of open-sdg (Statistics
//! Canada, after Eurostat) for indicator targets, and the linear fraction
//! "done against time elapsed" for counts and milestones.
//!
//! open-sdg (`sdg-build` `sdg/ProgressMeasure.py`, `docs/progress-methodology.md`;
//! shared/design/anchors-planning.md A3):
//! `CAGR(v1, v0, t1, t0) = (v1/v0)^(1/(t1−t0)) − 1`, and with a target
//! `R = sign·d·CAGR(current, base) / |CAGR(target, base)|` (`d` = +1 when up
//! is good, −1 when down is good; `sign` = −1 for a negative base).
//! R ≥ 0.95 on track, 0.60 ≤ R < 0.95 acceleration needed, 0 ≤ R < 0.60
//! limited progress, R < 0 deterioration; a value beyond the target in the
//! good direction is "target achieved" whatever R says.

use serde::Serialize;

/// Which way is good for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    pub fn code(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }

    pub fn parse(text: &str) -> Option<Better> {
        match text.trim() {
            "higher" | "越高越好" | "提高" | "≥" | ">=" => Some(Better::Higher),
            "lower" | "越低越好" | "降低" | "≤" | "<=" => Some(Better::Lower),
            _ => None,
        }
    }

    fn sign(self) -> f64 {
        match self {
            Better::Higher => 1.0,
            Better::Lower => -1.0,
        }
    }

    /// Whether `value` is at or beyond `target` in the good direction
    /// (within 1e-9 counts as on it, as the indicator judge does).
    pub fn reached(self, value: f64, target: f64) -> bool {
        match self {
            Better::Higher => value >= target - 1e-9,
            Better::Lower => value <= target + 1e-9,
        }
    }
}

/// The status classes, in the words of open-sdg, plus the two a task needs
/// beyond them (nothing to judge yet; a milestone still under way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// 已达成: the value is beyond the target in the good direction.
    TargetAchieved,
    /// 进度正常 (R ≥ 0.95).
    OnTrack,
    /// 需加快 (0.60 ≤ R < 0.95).
    AccelerationNeeded,
    /// 进展有限 (0 ≤ R < 0.60).
    Limited,
    /// 退步 (R < 0).
    Deterioration,
    /// 进行中: a milestone not yet done, before its deadline.
    InProgress,
    /// 数据不足: fewer than two years, a zero span, a sign change.
    NoData,
}

impl Progress {
    pub const ALL: [Progress; 7] = [
        Progress::TargetAchieved,
        Progress::OnTrack,
        Progress::AccelerationNeeded,
        Progress::Limited,
        Progress::Deterioration,
        Progress::InProgress,
        Progress::NoData,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Progress::TargetAchieved => "target_achieved",
            Progress::OnTrack => "on_track",
            Progress::AccelerationNeeded => "acceleration_needed",
            Progress::Limited => "limited",
            Progress::Deterioration => "deterioration",
            Progress::InProgress => "in_progress",
            Progress::NoData => "no_data",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Progress::TargetAchieved => "已达成",
            Progress::OnTrack => "进度正常",
            Progress::AccelerationNeeded => "需加快",
            Progress::Limited => "进展有限",
            Progress::Deterioration => "退步",
            Progress::InProgress => "进行中",
            Progress::NoData => "数据不足",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Progress::TargetAchieved => "Target achieved",
            Progress::OnTrack => "On track",
            Progress::AccelerationNeeded => "Acceleration needed",
            Progress::Limited => "Limited progress",
            Progress::Deterioration => "Deterioration",
            Progress::InProgress => "In progress",
            Progress::NoData => "Not enough data",
        }
    }

    /// The traffic-light colour pages show (green, yellow, orange, red, grey).
    pub fn colour(self) -> &'static str {
        match self {
            Progress::TargetAchieved | Progress::OnTrack => "green",
            Progress::AccelerationNeeded | Progress::InProgress => "yellow",
            Progress::Limited => "orange",
            Progress::Deterioration => "red",
            Progress::NoData => "grey",
        }
    }

    /// Whether the measure is done (nothing more to do but close it out).
    pub fn is_achieved(self) -> bool {
        self == Progress::TargetAchieved
    }

    /// The open-sdg class of a ratio R.
    pub fn of_ratio(r: f64) -> Progress {
        if r >= ON_TRACK {
            Progress::OnTrack
        } else if r >= ACCELERATION {
            Progress::AccelerationNeeded
        } else if r >= 0.0 {
            Progress::Limited
        } else {
            Progress::Deterioration
        }
    }
}

/// open-sdg's thresholds (anchors-planning.md A3).
pub const ON_TRACK: f64 = 0.95;
pub const ACCELERATION: f64 = 0.60;

/// A measured value in a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub year: i32,
    pub value: f64,
}

/// The result of the open-sdg method with every input it used, so a page can
/// show the rule beside the status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ratio {
    pub base: Point,
    pub current: Point,
    pub target: Point,
    pub better: Better,
    /// Growth per year so far: CAGR(current, base).
    pub actual_growth: f64,
    /// Growth per year needed: CAGR(target, base).
    pub needed_growth: f64,
    /// R; `None` when the target is already met (R is not needed then) or
    /// when the base already equals the target (no growth is needed).
    pub r: Option<f64>,
    pub progress: Progress,
    /// Set when open-sdg's zero-base substitute (0.001) was used.
    pub zero_base: bool,
}

/// Why the method gives no ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum NoRatio {
    #[error("尚无基线年之后的数据")]
    NoCurrentYear,
    #[error("目标年份不晚于基线年份")]
    TargetNotAfterBase,
    #[error("基线值与当前值正负号不同，无法计算年均增长率")]
    SignChange,
    #[error("基线值与目标值正负号不同，无法计算所需年均增长率")]
    TargetSignChange,
}

/// open-sdg's compound annual growth rate.
pub fn cagr(v1: f64, v0: f64, t1: i32, t0: i32) -> f64 {
    (v1 / v0).powf(1.0 / f64::from(t1 - t0)) - 1.0
}

/// open-sdg's progress ratio of `current` against `target`, both measured
/// from `base`. The same inputs always give the same answer; nothing here
/// panics or returns NaN for finite inputs.
pub fn ratio(base: Point, current: Point, target: Point, better: Better) -> Result<Ratio, NoRatio> {
    if current.year <= base.year {
        return Err(NoRatio::NoCurrentYear);
    }
    if target.year <= base.year {
        return Err(NoRatio::TargetNotAfterBase);
    }
    // open-sdg: a zero base or a zero target cannot be reached by a rate;
    // each is replaced by 0.001 (with a warning, here the `zero_base` flag
    // the page shows; a zero target — 大班额清零 — is the common case, and
    // whether it is reached is still judged against zero).
    let zero_base = base.value == 0.0;
    let base_value = if zero_base { 0.001 } else { base.value };
    let target_value = if target.value == 0.0 { 0.001 } else { target.value };
    if base_value * current.value < 0.0 {
        return Err(NoRatio::SignChange);
    }
    // The exponential model holds only for values all of one sign.
    if base_value * target_value < 0.0 {
        return Err(NoRatio::TargetSignChange);
    }
    let actual_growth = cagr(current.value, base_value, current.year, base.year);
    let needed_growth = cagr(target_value, base_value, target.year, base.year);
    let sign = if base_value < 0.0 { -1.0 } else { 1.0 };
    let achieved = better.reached(current.value, target.value);
    let r = (!achieved && needed_growth.is_finite() && needed_growth != 0.0 && actual_growth.is_finite())
        .then(|| sign * better.sign() * actual_growth / needed_growth.abs());
    let progress = if achieved {
        Progress::TargetAchieved
    } else {
        match r {
            Some(r) => Progress::of_ratio(r),
            // A target the base already met, then lost: any move the wrong
            // way is deterioration.
            None => Progress::Deterioration,
        }
    };
    Ok(Ratio {
        base,
        current,
        target,
        better,
        actual_growth,
        needed_growth,
        r,
        progress,
        zero_base,
    })
}

/// The linear rule for counts: `done` of `target` against the share of the
/// period elapsed. Done at or past the target is achieved; otherwise the
/// ratio of done to what an even pace would have done by now is classed by
/// open-sdg's thresholds (so the same words mean the same pace everywhere).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pace {
    pub done: f64,
    pub target: f64,
    /// Share of the period elapsed, 0–1.
    pub elapsed: f64,
    /// `target × elapsed`.
    pub expected: f64,
    /// `done / expected`, when something was expected.
    pub r: Option<f64>,
    pub progress: Progress,
}

pub fn pace(done: f64, target: f64, elapsed: f64) -> Pace {
    let elapsed = if elapsed.is_finite() {
        elapsed.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let expected = target * elapsed;
    let r = (expected > 0.0).then(|| done / expected);
    let progress = if done >= target - 1e-9 {
        Progress::TargetAchieved
    } else {
        match r {
            Some(r) => Progress::of_ratio(r),
            // Nothing expected yet: nothing is behind.
            None => Progress::OnTrack,
        }
    };
    Pace {
        done,
        target,
        elapsed,
        expected,
        r,
        progress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(year: i32, value: f64) -> Point {
        Point { year, value }
    }

    fn r_of(base: f64, current: f64, target: f64, better: Better) -> Ratio {
        ratio(p(2019, base), p(2021, current), p(2025, target), better).expect("ratio")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn inclusive_coverage_80_to_84_against_90_is_on_track_with_r_1_2457() {
        let r = r_of(80.0, 84.0, 90.0, Better::Higher);
        assert!(close(r.actual_growth, 0.024695), "{}", r.actual_growth);
        assert!(close(r.needed_growth, 0.019824), "{}", r.needed_growth);
        assert!(close(r.r.expect("r"), 1.2457), "{:?}", r.r);
        assert_eq!(r.progress, Progress::OnTrack);
    }

    #[test]
    fn inclusive_coverage_80_to_81_is_limited_with_r_0_3143() {
        let r = r_of(80.0, 81.0, 90.0, Better::Higher);
        assert!(close(r.r.expect("r"), 0.3143), "{:?}", r.r);
        assert_eq!(r.progress, Progress::Limited);
    }

    #[test]
    fn inclusive_coverage_80_to_79_is_deterioration_with_r_minus_0_3163() {
        let r = r_of(80.0, 79.0, 90.0, Better::Higher);
        assert!(close(r.r.expect("r"), -0.3163), "{:?}", r.r);
        assert_eq!(r.progress, Progress::Deterioration);
    }

    #[test]
    fn myopia_where_down_is_good_follows_the_worked_cases() {
        let cases = [
            (53.0, 1.1644, Progress::OnTrack),
            (54.5, 0.2891, Progress::Limited),
            (56.0, -0.5743, Progress::Deterioration),
        ];
        for (current, expected, progress) in cases {
            let r = r_of(55.0, current, 50.0, Better::Lower);
            assert!(close(r.r.expect("r"), expected), "{current}: {:?}", r.r);
            assert_eq!(r.progress, progress, "{current}");
        }
    }

    #[test]
    fn a_value_beyond_the_target_is_achieved_whatever_the_ratio() {
        let r = r_of(80.0, 91.0, 90.0, Better::Higher);
        assert_eq!(r.progress, Progress::TargetAchieved);
        assert_eq!(r.r, None);
        let r = r_of(55.0, 49.5, 50.0, Better::Lower);
        assert_eq!(r.progress, Progress::TargetAchieved);
        // Exactly on the target counts as reached.
        assert_eq!(
            r_of(80.0, 90.0, 90.0, Better::Higher).progress,
            Progress::TargetAchieved
        );
    }

    #[test]
    fn thresholds_are_open_sdgs() {
        assert_eq!(Progress::of_ratio(0.95), Progress::OnTrack);
        assert_eq!(Progress::of_ratio(0.9499), Progress::AccelerationNeeded);
        assert_eq!(Progress::of_ratio(0.60), Progress::AccelerationNeeded);
        assert_eq!(Progress::of_ratio(0.5999), Progress::Limited);
        assert_eq!(Progress::of_ratio(0.0), Progress::Limited);
        assert_eq!(Progress::of_ratio(-0.0001), Progress::Deterioration);
    }

    #[test]
    fn clearing_large_classes_to_zero_aims_at_open_sdgs_0_001() {
        // 120 large classes in 2019, 30 in 2021, target 0 in 2025: open-sdg
        // replaces the zero target by 0.001, so the growth needed is
        // (0.001/120)^(1/6) − 1 = −0.857 a year, not −100 %.
        let r = r_of(120.0, 30.0, 0.0, Better::Lower);
        assert!(close(r.needed_growth, -0.857_613), "{}", r.needed_growth);
        assert!(close(r.r.expect("r"), 0.583_013), "{:?}", r.r);
        assert_eq!(r.progress, Progress::Limited);
        assert_eq!(
            r_of(120.0, 0.0, 0.0, Better::Lower).progress,
            Progress::TargetAchieved
        );
    }

    #[test]
    fn a_zero_base_uses_open_sdgs_substitute_and_says_so() {
        let r = r_of(0.0, 5.0, 10.0, Better::Higher);
        assert!(r.zero_base);
        assert!(r.r.expect("r").is_finite());
    }

    #[test]
    fn the_method_refuses_what_open_sdg_refuses() {
        assert_eq!(
            ratio(p(2021, 80.0), p(2021, 84.0), p(2025, 90.0), Better::Higher),
            Err(NoRatio::NoCurrentYear)
        );
        assert_eq!(
            ratio(p(2019, 80.0), p(2021, 84.0), p(2019, 90.0), Better::Higher),
            Err(NoRatio::TargetNotAfterBase)
        );
        assert_eq!(
            ratio(p(2019, -1.0), p(2021, 2.0), p(2025, 3.0), Better::Higher),
            Err(NoRatio::SignChange)
        );
        // A negative series cannot grow by a rate to a positive target.
        assert_eq!(
            ratio(p(2019, -5.0), p(2021, -4.0), p(2025, 3.0), Better::Higher),
            Err(NoRatio::TargetSignChange)
        );
    }

    #[test]
    fn pace_compares_done_with_an_even_pace() {
        // 68 kindergartens in the year, half the year gone.
        assert_eq!(pace(34.0, 68.0, 0.5).progress, Progress::OnTrack);
        assert_eq!(pace(30.0, 68.0, 0.5).progress, Progress::AccelerationNeeded);
        assert_eq!(pace(10.0, 68.0, 0.5).progress, Progress::Limited);
        assert_eq!(pace(68.0, 68.0, 0.2).progress, Progress::TargetAchieved);
        assert_eq!(pace(0.0, 68.0, 0.0).progress, Progress::OnTrack);
        assert_eq!(pace(0.0, 68.0, f64::NAN).progress, Progress::OnTrack);
        assert!(close(pace(30.0, 68.0, 0.5).r.expect("r"), 30.0 / 34.0));
    }
}
