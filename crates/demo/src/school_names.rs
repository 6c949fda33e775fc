//! School names that look like 济南's: "历下区燕山小学", "章丘区明水街道中心幼儿园",
//! "济南市第四十中学", "济南市历城第二中学", village schools after a real village
//! committee, private ones from word lists — unique across the city.

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use registry::{Location, Ownership};

use crate::places::{County, CountyKind, Township};
use crate::schools::SchoolKind;

/// Words in the names of private schools and kindergartens.
#[rustfmt::skip]
const KINDERGARTEN_WORDS: [&str; 48] = [
    "阳光", "小太阳", "金色摇篮", "蓝天", "启明星", "童心", "爱心", "育英", "博雅", "七彩", "贝贝", "小天鹅",
    "春苗", "彩虹", "新星", "小橙子", "未来星", "智慧树", "小博士", "金太阳", "小精灵", "快乐宝贝", "东方之星", "天使",
    "星河", "童趣", "绿茵", "小树苗", "晨曦", "明珠", "小荷", "馨园", "泉心", "和美", "乐童", "悦童",
    "嘉禾", "向日葵", "萌芽", "苗苗", "童乐", "启智", "育苗", "金苹果", "小海豚", "荷花", "春晖", "德艺",
];
#[rustfmt::skip]
const SCHOOL_WORDS: [&str; 20] = [
    "育英", "博雅", "弘毅", "明德", "启明", "育才", "致远", "崇文", "海川", "新世纪", "德润", "协和",
    "文博", "泉城", "明湖", "培文", "齐鲁", "振声", "国科", "舜耕",
];

/// Chinese numerals for school names, 1–99 (e.g. 23 → 二十三).
pub(crate) fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or("");
    match n {
        0..=9 => digit(n).to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n % 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) { "" } else { digit(n % 10) }
        ),
        _ => n.to_string(),
    }
}

/// What naming shares across the city: names taken and the numbers of
/// 济南市第N中学.
#[derive(Debug, Default)]
pub(crate) struct CityNames {
    used: HashSet<String>,
    numbers: u32,
}

/// Gives schools names that look like 济南's and are unique in the city.
pub(crate) struct Namer<'a> {
    short: &'static str,
    stem: &'static str,
    kind: CountyKind,
    counters: HashMap<String, u32>,
    city: &'a mut CityNames,
}

impl<'a> Namer<'a> {
    pub fn new(county: &County, city: &'a mut CityNames) -> Namer<'a> {
        Namer {
            short: county.profile.short,
            stem: county.profile.stem,
            kind: county.profile.kind,
            counters: HashMap::new(),
            city,
        }
    }

    fn next_city_number(&mut self) -> u32 {
        self.city.numbers += 1;
        self.city.numbers
    }

    /// The next number of a counter (first call returns `start`).
    fn next(&mut self, key: &str, start: u32) -> u32 {
        let counter = self.counters.entry(key.to_owned()).or_insert(start - 1);
        *counter += 1;
        *counter
    }

    /// Takes the first free candidate; falls back to a numbered name that is always free.
    fn take(&mut self, candidates: Vec<String>, township: &Township, suffix: &str) -> String {
        for candidate in candidates {
            if self.city.used.insert(candidate.clone()) {
                return candidate;
            }
        }
        loop {
            let key = format!("{}{suffix}", township.stem);
            let n = self.next(&key, 2);
            let name = format!("{}{}第{}{suffix}", self.short, township.stem, chinese_number(n));
            if self.city.used.insert(name.clone()) {
                return name;
            }
        }
    }

    fn village<'t>(&self, rng: &mut ChaCha8Rng, township: &'t Township) -> Option<&'t str> {
        if township.villages.is_empty() {
            return None;
        }
        township
            .villages
            .get(rng.random_range(0..township.villages.len()))
            .map(String::as_str)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn name(
        &mut self,
        rng: &mut ChaCha8Rng,
        kind: SchoolKind,
        township: &Township,
        location: Location,
        ownership: Ownership,
        inclusive: bool,
        first: bool,
    ) -> String {
        let (cs, ts, tn) = (self.short, township.stem.as_str(), township.name.as_str());
        let urban = location == Location::Urban;
        let private = ownership == Ownership::Private;
        let u: f64 = rng.random();
        let mut candidates = Vec::new();
        let suffix = match kind {
            SchoolKind::Kindergarten => {
                if private {
                    for _ in 0..4 {
                        let word = KINDERGARTEN_WORDS[rng.random_range(0..KINDERGARTEN_WORDS.len())];
                        candidates.push(format!("{cs}{word}幼儿园"));
                        candidates.push(format!("{cs}{ts}{word}幼儿园"));
                    }
                    if !inclusive {
                        candidates.push(format!("{cs}{ts}双语幼儿园"));
                        candidates.push(format!("{cs}{ts}艺术幼儿园"));
                    }
                } else if first {
                    candidates.push(if urban {
                        format!("{cs}{ts}幼儿园")
                    } else {
                        format!("{cs}{tn}中心幼儿园")
                    });
                } else if urban && u < 0.25 {
                    // A district has a handful of 实验幼儿园, not dozens.
                    match self.next("实验幼儿园", 1) {
                        1 => candidates.push(format!("{cs}实验幼儿园")),
                        n @ 2..=5 => candidates.push(format!("{cs}第{}实验幼儿园", chinese_number(n))),
                        _ => {}
                    }
                } else if urban && u < 0.32 {
                    candidates.push(format!("{cs}机关幼儿园"));
                } else if !urban {
                    if let Some(village) = self.village(rng, township) {
                        candidates.push(format!("{cs}{tn}{village}幼儿园"));
                    }
                }
                "幼儿园"
            }
            SchoolKind::Primary => {
                if private {
                    let word = SCHOOL_WORDS[rng.random_range(0..SCHOOL_WORDS.len())];
                    candidates.push(format!("{cs}{word}小学"));
                    candidates.push(format!("{cs}{word}实验小学"));
                } else if first {
                    candidates.push(if urban {
                        format!("{cs}{ts}小学")
                    } else {
                        format!("{cs}{tn}中心小学")
                    });
                } else if urban && u < 0.2 {
                    match self.next("实验小学", 1) {
                        1 => candidates.push(format!("{cs}实验小学")),
                        n @ 2..=6 => candidates.push(format!("{cs}第{}实验小学", chinese_number(n))),
                        _ => {}
                    }
                } else if !urban {
                    if let Some(village) = self.village(rng, township) {
                        candidates.push(format!("{cs}{tn}{village}小学"));
                    }
                }
                "小学"
            }
            SchoolKind::NineYear => {
                if private {
                    let word = SCHOOL_WORDS[rng.random_range(0..SCHOOL_WORDS.len())];
                    candidates.push(format!("济南{word}学校"));
                    candidates.push(format!("济南{word}实验学校"));
                } else if urban {
                    candidates.push(format!("{cs}{ts}学校"));
                    candidates.push(format!("{cs}{ts}实验学校"));
                } else {
                    candidates.push(format!("{cs}{tn}中心学校"));
                    if let Some(village) = self.village(rng, township) {
                        candidates.push(format!("{cs}{tn}{village}学校"));
                    }
                }
                "学校"
            }
            SchoolKind::Junior => {
                if private {
                    let word = SCHOOL_WORDS[rng.random_range(0..SCHOOL_WORDS.len())];
                    candidates.push(format!("{cs}{word}中学"));
                    candidates.push(format!("济南{word}中学"));
                } else if self.kind == CountyKind::Inner && urban && u < 0.4 {
                    let n = self.next_city_number();
                    candidates.push(format!("济南市第{}中学", chinese_number(n)));
                } else if urban {
                    if u < 0.55 && self.next("实验初级中学", 1) == 1 {
                        candidates.push(format!("{cs}实验初级中学"));
                    }
                    candidates.push(format!("{cs}{ts}中学"));
                } else if tn.ends_with("街道") {
                    candidates.push(format!("{cs}{ts}中学"));
                } else {
                    candidates.push(format!("{cs}{tn}中学")); // e.g. 商河县玉皇庙镇中学
                }
                "中学"
            }
            SchoolKind::FullSecondary | SchoolKind::Senior => {
                if private {
                    let word = SCHOOL_WORDS[rng.random_range(0..SCHOOL_WORDS.len())];
                    candidates.push(format!("济南{word}高级中学"));
                    candidates.push(format!("{cs}{word}高级中学"));
                } else if self.kind == CountyKind::Inner {
                    let n = self.next_city_number();
                    candidates.push(format!("济南市第{}中学", chinese_number(n)));
                } else {
                    let n = self.next("county_senior", 1);
                    candidates.push(format!("济南市{}第{}中学", self.stem, chinese_number(n)));
                    candidates.push(format!("{cs}实验中学"));
                }
                "中学"
            }
        };
        self.take(candidates, township, suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_read_as_in_school_names() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(47), "四十七");
    }
}
