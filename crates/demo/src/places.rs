//! The demo city's geography: its real counties and townships (from
//! `registry::divisions`), each with an assumed profile — how urban, how
//! fast growing, how many migrant children, how well equipped — and the
//! other 山东 counties migrant children come from.
//!
//! The profiles are assumptions for a synthetic city, chosen to look like
//! 济南 to a bureau officer; they are not statistics (docs/demo-city.md).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::divisions;
use registry::{AreaCode, AreaKind, Location};

use crate::rng::{between, rng_for, spread, stream};
use crate::DemoError;

/// How a county sits in the city: it sets school sizes, location shares
/// and which schools are crowded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CountyKind {
    /// 历下, 市中, 槐荫, 天桥: the old city, mostly urban.
    Inner,
    /// 历城, 高新: the growing eastern suburbs.
    Growing,
    /// 长清, 章丘, 济阳, 莱芜, 钢城: districts with a town centre and countryside.
    Outer,
    /// 平阴, 商河: counties with a small seat and a large countryside.
    Rural,
}

/// Assumed profile of one county (see docs/demo-city.md for each figure).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CountyProfile {
    pub code: &'static str,
    /// Name used in school names, e.g. "历下区", "高新区".
    pub short: &'static str,
    /// Stem used in city-level school names, e.g. 济南市"历城"第二中学.
    pub stem: &'static str,
    pub kind: CountyKind,
    /// Share of the city's births around 2010 (normalised over counties).
    pub birth_share: f64,
    /// Relative yearly change of that share (suburbs grow, countryside shrinks).
    pub share_trend: f64,
    /// Migrant children (随迁子女) per local child.
    pub migrant_rate: f64,
    /// Share of local children aged 3–5 in kindergarten.
    pub preschool_attendance: f64,
    /// Share of junior graduates entering general senior high (普通高中).
    pub senior_entry: f64,
    /// Median facility level relative to the standard (1.0 = at standard).
    pub resource_level: f64,
    /// Spread (σ of the log) of facilities between the county's schools.
    pub resource_spread: f64,
    /// Sports grounds relative to the standard (land is scarce in the old city).
    pub sports_factor: f64,
    pub center: (f64, f64),
    /// Radius in degrees within which its townships lie.
    pub radius: f64,
    /// The first townships (in code order) that form the county's urban core.
    pub core_townships: usize,
    /// Share of urban and town public primary/junior schools that are crowded (大班额).
    pub crowding: f64,
}

// Columns: code, short name, stem, kind, birth share 2010, yearly share trend, migrant rate,
// kindergarten attendance, senior-high entry, facility level, facility spread, sports factor,
// centre (lon, lat), radius, core townships, crowding.
#[rustfmt::skip]
const PROFILES: [CountyProfile; 13] = [
    profile("370102", "历下区", "历下", CountyKind::Inner, 0.080, 0.000, 0.09, 0.97, 0.66, 1.25, 0.16, 0.70, (117.07, 36.67), 0.04, 11, 0.30),
    profile("370103", "市中区", "市中", CountyKind::Inner, 0.082, -0.002, 0.08, 0.96, 0.63, 1.15, 0.20, 0.75, (116.99, 36.62), 0.05, 13, 0.26),
    profile("370104", "槐荫区", "槐荫", CountyKind::Inner, 0.068, 0.006, 0.15, 0.95, 0.58, 1.00, 0.28, 0.85, (116.92, 36.66), 0.05, 11, 0.32),
    profile("370105", "天桥区", "天桥", CountyKind::Inner, 0.072, 0.004, 0.15, 0.95, 0.57, 0.95, 0.30, 0.85, (116.99, 36.71), 0.05, 13, 0.32),
    profile("370112", "历城区", "历城", CountyKind::Growing, 0.150, 0.012, 0.20, 0.94, 0.56, 0.90, 0.38, 0.95, (117.14, 36.56), 0.13, 8, 0.36),
    profile("370113", "长清区", "长清", CountyKind::Outer, 0.058, -0.004, 0.06, 0.93, 0.55, 1.00, 0.32, 1.10, (116.76, 36.49), 0.12, 2, 0.16),
    profile("370114", "章丘区", "章丘", CountyKind::Outer, 0.108, -0.003, 0.04, 0.94, 0.56, 1.05, 0.30, 1.10, (117.53, 36.70), 0.14, 3, 0.16),
    profile("370115", "济阳区", "济阳", CountyKind::Outer, 0.058, -0.002, 0.04, 0.92, 0.52, 0.85, 0.42, 1.05, (117.18, 36.98), 0.11, 2, 0.14),
    profile("370116", "莱芜区", "莱芜", CountyKind::Outer, 0.100, -0.005, 0.03, 0.93, 0.55, 1.00, 0.30, 1.10, (117.66, 36.23), 0.13, 4, 0.15),
    profile("370117", "钢城区", "钢城", CountyKind::Outer, 0.030, -0.008, 0.03, 0.93, 0.55, 1.05, 0.22, 1.15, (117.81, 36.10), 0.06, 2, 0.10),
    profile("370124", "平阴县", "平阴", CountyKind::Rural, 0.036, -0.010, 0.02, 0.91, 0.50, 0.90, 0.36, 1.20, (116.45, 36.29), 0.11, 2, 0.08),
    profile("370126", "商河县", "商河", CountyKind::Rural, 0.062, -0.010, 0.015, 0.90, 0.48, 0.78, 0.46, 1.10, (117.16, 37.31), 0.11, 1, 0.08),
    profile("370176", "高新区", "高新", CountyKind::Growing, 0.064, 0.025, 0.22, 0.95, 0.60, 1.15, 0.25, 1.00, (117.24, 36.69), 0.07, 2, 0.36),
];

#[allow(clippy::too_many_arguments)]
const fn profile(
    code: &'static str,
    short: &'static str,
    stem: &'static str,
    kind: CountyKind,
    birth_share: f64,
    share_trend: f64,
    migrant_rate: f64,
    preschool_attendance: f64,
    senior_entry: f64,
    resource_level: f64,
    resource_spread: f64,
    sports_factor: f64,
    center: (f64, f64),
    radius: f64,
    core_townships: usize,
    crowding: f64,
) -> CountyProfile {
    CountyProfile {
        code,
        short,
        stem,
        kind,
        birth_share,
        share_trend,
        migrant_rate,
        preschool_attendance,
        senior_entry,
        resource_level,
        resource_spread,
        sports_factor,
        center,
        radius,
        core_townships,
        crowding,
    }
}

/// Townships that are filling with new housing (新城, 片区 development).
const GROWING_TOWNSHIPS: [&str; 16] = [
    "唐冶",
    "港沟",
    "郭店",
    "王舍人",
    "孙村",
    "巨野河",
    "遥墙",
    "临港",
    "美里湖",
    "腊山",
    "吴家堡",
    "兴福",
    "十六里河",
    "兴隆",
    "桑梓店",
    "大桥",
];

/// Mountain and remote townships whose schools shrink.
const REMOTE_TOWNSHIPS: [&str; 16] = [
    "仲宫",
    "柳埠",
    "西营",
    "彩石",
    "唐王",
    "万德",
    "张夏",
    "孝里",
    "马山",
    "双泉",
    "垛庄",
    "茶业口",
    "和庄",
    "雪野",
    "洪范池",
    "沙河",
];

/// Where migrant children's households are registered: nearby 山东 cities,
/// weighted by an assumed share of Jinan's migrant children.
/// Development zones and the county whose code their residents' identity
/// numbers carry: 济南高新区's townships were taken from 历城区. Zone codes
/// (fifth digit 7) are the NBS's statistical codes, not GB/T 2260 codes.
const ZONE_ID_COUNTIES: [(&str, &str); 1] = [("370176", "370112")];

const MIGRANT_ORIGINS: [(&str, f64); 14] = [
    ("3714", 0.18), // 德州
    ("3715", 0.14), // 聊城
    ("3709", 0.12), // 泰安
    ("3717", 0.12), // 菏泽
    ("3713", 0.10), // 临沂
    ("3716", 0.09), // 滨州
    ("3708", 0.08), // 济宁
    ("3703", 0.06), // 淄博
    ("3707", 0.05), // 潍坊
    ("3704", 0.03), // 枣庄
    ("3705", 0.02), // 东营
    ("3706", 0.01), // 烟台
    ("3711", 0.01), // 日照
    ("3710", 0.01), // 威海
];

/// Counties of other provinces that 济南's migrant children come from, with
/// weights relative to `MIGRANT_ORIGINS` (which sum to about 1): about a
/// quarter of migrant children come from outside 山东, most from the
/// neighbouring 河南, 河北, 安徽 and 江苏 (docs/demo-city.md). Real county codes,
/// each checked against `registry::id_area_codes` when the places load.
const OTHER_PROVINCE_ORIGINS: [(&str, f64); 30] = [
    ("411402", 0.012), // 河南 商丘 梁园区
    ("411403", 0.012), // 睢阳区
    ("411421", 0.010), // 民权县
    ("411425", 0.012), // 虞城县
    ("411426", 0.012), // 夏邑县
    ("411481", 0.012), // 永城市
    ("411602", 0.010), // 河南 周口 川汇区
    ("411623", 0.010), // 商水县
    ("411625", 0.010), // 郸城县
    ("411628", 0.010), // 鹿邑县
    ("131102", 0.012), // 河北 衡水 桃城区
    ("131126", 0.012), // 故城县
    ("131127", 0.012), // 景县
    ("131182", 0.010), // 深州市
    ("130534", 0.012), // 河北 邢台 清河县
    ("130535", 0.012), // 临西县
    ("130533", 0.010), // 威县
    ("341202", 0.012), // 安徽 阜阳 颍州区
    ("341221", 0.012), // 临泉县
    ("341222", 0.012), // 太和县
    ("341302", 0.010), // 安徽 宿州 埇桥区
    ("341321", 0.010), // 砀山县
    ("341322", 0.010), // 萧县
    ("320321", 0.010), // 江苏 徐州 丰县
    ("320322", 0.010), // 沛县
    ("320382", 0.010), // 邳州市
    ("230103", 0.006), // 黑龙江 哈尔滨 南岗区
    ("220102", 0.006), // 吉林 长春 南关区
    ("140105", 0.006), // 山西 太原 小店区
    ("150102", 0.006), // 内蒙古 呼和浩特 新城区
];

#[derive(Debug, Clone)]
pub(crate) struct Township {
    pub code: AreaCode,
    /// Index of the code in `Places::areas`.
    pub area: u16,
    pub name: String,
    /// The name without 街道/镇/乡, e.g. "燕山".
    pub stem: String,
    pub p_urban: f64,
    pub p_town: f64,
    /// Relative number of children living there.
    pub weight: f64,
    /// Yearly growth factor of its schools' intake.
    pub growth: f64,
    pub remote: bool,
    pub lon: f64,
    pub lat: f64,
    /// Village stems for naming village schools (e.g. "全家").
    pub villages: Vec<String>,
}

impl Township {
    pub fn draw_location(&self, rng: &mut ChaCha8Rng) -> Location {
        let u: f64 = rng.random();
        if u < self.p_urban {
            Location::Urban
        } else if u < self.p_urban + self.p_town {
            Location::Town
        } else {
            Location::Rural
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct County {
    pub code: AreaCode,
    /// Index of the code in `Places::areas`.
    pub area: u16,
    /// Index in `Places::areas` of the code its people's identity numbers
    /// open with: its own, or for a development zone (a statistical code,
    /// never on an identity number) the county its townships came from.
    pub id_area: u16,
    pub profile: CountyProfile,
    pub townships: Vec<Township>,
}

#[derive(Debug, Clone)]
pub(crate) struct Places {
    pub city_name: String,
    pub counties: Vec<County>,
    /// Every area code a student or teacher may carry: the city's counties
    /// and townships and the other 山东 counties. Persons hold indices.
    pub areas: Vec<AreaCode>,
    /// Other 山东 counties and counties of other provinces migrant children
    /// come from, with weights (indices into `areas`).
    pub migrant_origins: Vec<(u16, f64)>,
    /// Every regular county of 山东 outside the city (teachers' birthplaces).
    pub other_counties: Vec<u16>,
    /// The first county's code, for lookups that cannot miss but must not panic.
    pub fallback: AreaCode,
}

impl Places {
    pub fn load(city: &str, seed: u64) -> Result<Places, DemoError> {
        let city_name = divisions::city_name(city).ok_or_else(|| DemoError::UnknownCity(city.to_owned()))?;
        if city != "3701" {
            return Err(DemoError::UnknownCity(format!("{city}（{city_name}）")));
        }
        let mut areas: Vec<AreaCode> = Vec::new();
        let push_area = |code: &AreaCode, areas: &mut Vec<AreaCode>| -> u16 {
            areas.push(code.clone());
            (areas.len() - 1) as u16
        };
        let villages = village_stems(city);
        let mut counties = Vec::new();
        for area in divisions::counties_of(city) {
            let Some(profile) = PROFILES.iter().find(|p| p.code == area.code.as_str()) else {
                continue;
            };
            let county_area = push_area(&area.code, &mut areas);
            let id_area = match ZONE_ID_COUNTIES
                .iter()
                .find(|(zone, _)| *zone == area.code.as_str())
            {
                Some((_, county)) => match areas.iter().position(|a| a.as_str() == *county) {
                    Some(index) => index as u16,
                    None => match AreaCode::parse(county) {
                        Ok(code) => push_area(&code, &mut areas),
                        Err(_) => county_area,
                    },
                },
                None => county_area,
            };
            let mut rng = rng_for(seed, &[stream::PLACES, code_number(area.code.as_str())]);
            let mut townships = Vec::new();
            let listed: Vec<_> = divisions::townships_of(area.code.as_str())
                .into_iter()
                // Codes 4xx are parks and development offices, not residential townships.
                .filter(|t| t.code.as_str().get(6..7).is_some_and(|d| d < "4"))
                .collect();
            for (index, township) in listed.iter().enumerate() {
                let stem = township_stem(&township.name);
                let core = index < profile.core_townships;
                let growing = GROWING_TOWNSHIPS.iter().any(|g| stem == *g);
                let remote = REMOTE_TOWNSHIPS.iter().any(|r| stem == *r);
                let (p_urban, p_town, weight, growth): (f64, f64, f64, f64) = match (profile.kind, core) {
                    (CountyKind::Inner, true) => (0.96, 0.04, 1.0, 1.0),
                    (CountyKind::Inner, false) => (0.45, 0.40, 0.8, 1.02),
                    (CountyKind::Growing, true) => (0.90, 0.10, 1.2, 1.01),
                    (CountyKind::Growing, false) => (0.45, 0.35, 0.8, 1.01),
                    (CountyKind::Outer, true) => (0.85, 0.15, 2.4, 1.01),
                    (CountyKind::Outer, false) => (0.0, 0.40, 0.75, 0.975),
                    (CountyKind::Rural, true) => (0.55, 0.45, 2.6, 1.0),
                    (CountyKind::Rural, false) => (0.0, 0.30, 0.8, 0.965),
                };
                let (p_urban, p_town, weight, growth) = if growing {
                    let p_urban = p_urban.max(0.55);
                    (p_urban, (1.0 - p_urban) * 0.8, weight * 1.3, 1.055)
                } else if remote {
                    (0.0, 0.35, weight * 0.55, 0.955)
                } else {
                    (p_urban, p_town, weight, growth)
                };
                let angle = between(&mut rng, 0.0, std::f64::consts::TAU);
                // Core townships sit near the centre, others further out.
                let distance = profile.radius
                    * if core {
                        between(&mut rng, 0.0, 0.45)
                    } else {
                        between(&mut rng, 0.35, 1.0)
                    };
                let lon = (profile.center.0 + distance * angle.cos()).clamp(116.25, 117.85);
                let lat = (profile.center.1 + distance * angle.sin() * 0.8).clamp(36.03, 37.55);
                let code_area = push_area(&township.code, &mut areas);
                townships.push(Township {
                    code: township.code.clone(),
                    area: code_area,
                    name: township.name.clone(),
                    stem,
                    p_urban,
                    p_town,
                    weight: weight * spread(&mut rng, 0.25),
                    growth: growth * between(&mut rng, 0.995, 1.005),
                    remote,
                    lon,
                    lat,
                    villages: villages
                        .iter()
                        .filter(|(code, _)| code.starts_with(township.code.as_str()))
                        .map(|(_, stem)| stem.clone())
                        .collect(),
                });
            }
            if townships.is_empty() {
                continue;
            }
            counties.push(County {
                code: area.code.clone(),
                area: county_area,
                id_area,
                profile: *profile,
                townships,
            });
        }
        let Some(fallback) = counties.first().map(|c| c.code.clone()) else {
            return Err(DemoError::UnknownCity(city.to_owned()));
        };
        let mut migrant_origins = Vec::new();
        let mut other_counties = Vec::new();
        for (origin, weight) in MIGRANT_ORIGINS {
            let list: Vec<_> = divisions::counties_of(origin)
                .into_iter()
                .filter(|c| c.kind == AreaKind::Regular)
                .collect();
            let each = weight / list.len().max(1) as f64;
            for county in list {
                let index = push_area(&county.code, &mut areas);
                migrant_origins.push((index, each));
                other_counties.push(index);
            }
        }
        for (code, weight) in OTHER_PROVINCE_ORIGINS {
            // Only codes an identity number may carry (GB 11643 area check).
            if let Ok(code) = AreaCode::parse(code) {
                if registry::id_area_codes::is_issuing_area(code.as_str()) {
                    let index = push_area(&code, &mut areas);
                    migrant_origins.push((index, weight));
                }
            }
        }
        Ok(Places {
            city_name,
            counties,
            areas,
            migrant_origins,
            other_counties,
            fallback,
        })
    }

    pub fn township_count(&self) -> usize {
        self.counties.iter().map(|c| c.townships.len()).sum()
    }
}

/// A county code as a number, for seeding streams.
pub(crate) fn code_number(code: &str) -> u64 {
    code.parse().unwrap_or(0)
}

/// "燕山街道" → "燕山", "玉皇庙镇" → "玉皇庙".
fn township_stem(name: &str) -> String {
    for suffix in ["街道办事处", "街道", "镇", "乡"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem.to_owned();
            }
        }
    }
    name.to_owned()
}

/// Village committees of the city, as (code, stem) for naming village
/// schools: "全家村民委员会" → "全家".
fn village_stems(city: &str) -> Vec<(String, String)> {
    divisions::all()
        .into_iter()
        .filter(|a| a.code.as_str().len() == 12 && a.code.as_str().starts_with(city))
        .filter_map(|a| {
            let stem = a.name.strip_suffix("村民委员会")?;
            let chars = stem.chars().count();
            ((2..=4).contains(&chars) && !stem.contains("中心") && !stem.contains("社区"))
                .then(|| (a.code.as_str().to_owned(), stem.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jinan_loads_with_all_thirteen_counties_and_their_townships() {
        let places = Places::load("3701", 1).unwrap();
        assert_eq!(places.counties.len(), 13);
        assert!(places.township_count() > 140, "{}", places.township_count());
        let shanghe = places
            .counties
            .iter()
            .find(|c| c.code.as_str() == "370126")
            .unwrap();
        assert!(shanghe.townships.iter().all(|t| !t.name.contains("开发区")));
        assert!(shanghe.townships.iter().any(|t| !t.villages.is_empty()));
        assert!(places.migrant_origins.len() > 50);
    }

    #[test]
    fn other_and_unknown_cities_are_refused() {
        assert!(matches!(Places::load("3702", 1), Err(DemoError::UnknownCity(_))));
        assert!(matches!(Places::load("9999", 1), Err(DemoError::UnknownCity(_))));
    }

    #[test]
    fn township_stems_drop_the_suffix() {
        assert_eq!(township_stem("燕山街道"), "燕山");
        assert_eq!(township_stem("玉皇庙镇"), "玉皇庙");
        assert_eq!(township_stem("商河经济开发区"), "商河经济开发区");
    }
}
