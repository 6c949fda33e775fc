//! Chinese personal names: a surname table with assumed frequencies (the
//! common national surnames, weighted towards 山东) and given-name tables
//! built once per city from character lists, one style for children born
//! after 2000 and one for teachers. Persons keep table indices; a name
//! string is made only when a row is written.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::rng::{pick_weighted, rng_for, stream, Picker};

/// Surnames and relative frequencies (per mille, rounded; an assumption
/// modelled on published surname rankings, with 山东's 孙, 于, 姜, 崔 higher).
#[rustfmt::skip]
const SURNAMES: [(&str, f64); 100] = [
    ("王", 90.0), ("张", 78.0), ("李", 75.0), ("刘", 62.0), ("孙", 36.0), ("赵", 27.0), ("杨", 26.0), ("陈", 24.0),
    ("高", 24.0), ("徐", 19.0), ("于", 18.0), ("马", 17.0), ("宋", 15.0), ("周", 13.0), ("郭", 12.0), ("韩", 11.0),
    ("吴", 10.0), ("朱", 10.0), ("胡", 9.0), ("曹", 9.0), ("姜", 9.0), ("崔", 9.0), ("黄", 8.0), ("郑", 8.0),
    ("吕", 8.0), ("田", 8.0), ("董", 8.0), ("林", 7.0), ("侯", 7.0), ("魏", 7.0), ("孟", 7.0), ("何", 6.0),
    ("范", 6.0), ("任", 6.0), ("贾", 6.0), ("许", 6.0), ("邢", 5.0), ("程", 5.0), ("袁", 5.0), ("薛", 5.0),
    ("郝", 5.0), ("丁", 5.0), ("冯", 5.0), ("石", 5.0), ("杜", 5.0), ("付", 5.0), ("梁", 5.0), ("尹", 4.0),
    ("秦", 4.0), ("谢", 4.0), ("苏", 4.0), ("卢", 4.0), ("孔", 4.0), ("房", 3.0), ("曲", 3.0), ("毕", 3.0),
    ("潘", 3.0), ("邱", 3.0), ("沈", 3.0), ("夏", 3.0), ("蔡", 3.0), ("牛", 3.0), ("葛", 3.0), ("鲁", 3.0),
    ("毛", 3.0), ("邵", 3.0), ("耿", 3.0), ("闫", 3.0), ("姚", 3.0), ("武", 3.0), ("常", 3.0), ("颜", 2.0),
    ("庞", 2.0), ("燕", 2.0), ("亓", 2.0), ("翟", 2.0), ("彭", 2.0), ("万", 2.0), ("焦", 2.0), ("申", 2.0),
    ("单", 2.0), ("路", 2.0), ("安", 2.0), ("时", 2.0), ("宫", 2.0), ("纪", 2.0), ("商", 1.0), ("仇", 1.0),
    ("隋", 1.0), ("边", 1.0), ("陆", 1.0), ("慕", 1.0), ("公", 1.0), ("解", 1.0), ("盛", 1.0), ("仲", 1.0),
    ("司", 1.0), ("欧阳", 0.3), ("诸葛", 0.2), ("上官", 0.2),
];

/// Characters of children's given names (born 2000–2024), with weights.
const BOY_FIRST: &str = "子10 浩8 宇6 梓7 一6 俊5 博5 文5 家4 明4 嘉4 晨4 皓4 志3 思3 泽3 承3 锦3 天3 铭3 睿3 煜3 昊3 奕3 沐3 景3 佳2 凯2 雨2 宏2 建2 鸿2 振2 逸2 星2 昕2 辰2 瑞2 安2 烁1";
const BOY_SECOND: &str = "轩10 宇9 阳6 泽6 然6 航5 博5 睿5 辰5 杰5 宸5 豪4 鑫4 铭4 浩4 霖4 晨4 熙4 恒3 源3 瑞3 哲3 凯3 川3 诚3 远3 安3 言3 宁2 毅2 成2 峰2 琦2 乐2 赫2 骁2 逸2 彬2 翔2";
const BOY_SINGLE: &str = "浩3 宇3 轩2 博2 睿2 鑫2 杰2 昊2 晨2 涛1 磊1 阳2 凯1 航1 铭1 哲1 旭1";
const BOY_FULL: &str = "子轩5 浩宇5 宇轩4 浩然4 一鸣3 梓睿3 俊熙3 沐宸3 子墨3 梓豪2 宇航3 博文3 皓轩3 奕辰3 梓轩3 思远2 锦程2 天佑2 明哲2 嘉懿2";
const GIRL_FIRST: &str = "欣8 梓7 子6 雨7 思6 诗5 佳5 语5 可5 一5 若4 梦4 紫3 嘉4 依4 心3 悦3 艺3 雅3 婉2 芷3 晨2 美2 书3 安2 静2 沐2 亦2 瑾2 清2";
const GIRL_SECOND: &str = "涵10 怡8 萱8 彤6 妍6 琪5 悦5 然4 雯4 菲3 瑶5 诺5 馨5 婷3 晴4 桐5 冉3 宁3 欣3 溪3 汐3 玥3 楠3 萌2 璐2 莹2 茜2 曦3 琳3 蕊2";
const GIRL_SINGLE: &str = "欣2 涵2 琪2 悦2 瑶2 婷2 雪2 静2 妍1 萱1 彤1 晴1 璐1 颖2";
const GIRL_FULL: &str = "梓涵5 欣怡5 一诺4 雨桐4 子涵4 可馨3 诗涵4 梓萱3 语桐3 思彤3 若汐3 欣妍3 紫涵3 依诺3 佳怡3 雨涵3 梦琪3 艺涵3 诗琪2 可欣2";

/// Characters of adults' given names (teachers born 1963–2002).
const MAN_FIRST: &str = "建4 志4 海4 永3 国3 晓4 文3 德2 春2 新3 宏3 立3 金2 庆2 玉2 云2 振2 俊2 家2 明2";
const MAN_SECOND: &str =
    "国3 军4 华4 明4 平3 东3 林3 伟4 强4 刚3 涛3 峰3 杰3 勇3 鹏3 辉3 斌2 波2 亮2 成2 龙2 超2";
const MAN_SINGLE: &str =
    "伟5 强5 磊5 军4 勇3 涛4 斌3 鹏3 刚3 杰3 超3 明3 辉3 峰3 波2 亮2 健2 华2 宁2 东2 林2 飞2 凯2 龙2";
const WOMAN_FIRST: &str =
    "晓5 丽3 秀3 春3 海2 玉3 美2 金2 爱2 桂2 雪3 文2 慧3 淑2 明2 红2 凤2 彩1 新2 婷2 佳2 思2 雨2";
const WOMAN_SECOND: &str =
    "燕4 华3 红3 英3 芳4 霞3 梅3 丽4 玲3 静4 娟3 敏3 艳3 萍3 莉2 慧3 洁2 琳2 颖2 倩2 雯2 婷3 琪2";
const WOMAN_SINGLE: &str = "芳5 丽4 静5 敏4 燕4 艳3 娟4 霞3 萍3 玲3 红3 梅3 莉3 洁3 琳3 颖3 倩3 娜4 楠3 丹3";

/// Size of each given-name table: names repeat, as real names do.
const TABLE_SIZE: usize = 4096;

/// Prebuilt name parts: persons hold indices, rows get strings.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    surnames: Vec<&'static str>,
    surname_picker: Picker,
    boys: Vec<String>,
    girls: Vec<String>,
    men: Vec<String>,
    women: Vec<String>,
}

/// Which given-name style a person gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generation {
    Child,
    Adult,
}

impl Names {
    pub fn build(seed: u64) -> Names {
        let mut rng = rng_for(seed, &[stream::NAMES]);
        let surname_picker = Picker::new(SURNAMES.iter().enumerate().map(|(i, (_, w))| (i as u32, *w)));
        let surnames = SURNAMES.iter().map(|(s, _)| *s).collect();
        // Share of two-character given names: most children's, fewer adults'.
        let boys = given_table(&mut rng, BOY_FULL, BOY_FIRST, BOY_SECOND, BOY_SINGLE, 0.30, 0.12);
        let girls = given_table(
            &mut rng,
            GIRL_FULL,
            GIRL_FIRST,
            GIRL_SECOND,
            GIRL_SINGLE,
            0.30,
            0.10,
        );
        let men = given_table(&mut rng, "", MAN_FIRST, MAN_SECOND, MAN_SINGLE, 0.0, 0.40);
        let women = given_table(&mut rng, "", WOMAN_FIRST, WOMAN_SECOND, WOMAN_SINGLE, 0.0, 0.38);
        Names {
            surnames,
            surname_picker,
            boys,
            girls,
            men,
            women,
        }
    }

    /// Draws a (surname, given name) pair of indices.
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> (u8, u16) {
        let surname = self.surname_picker.pick(rng.random()).unwrap_or(0) as u8;
        let given = rng.random_range(0..TABLE_SIZE) as u16;
        (surname, given)
    }

    /// The full name, in one allocation.
    pub fn full(&self, surname: u8, given: u16, male: bool, generation: Generation) -> String {
        let table = match (generation, male) {
            (Generation::Child, true) => &self.boys,
            (Generation::Child, false) => &self.girls,
            (Generation::Adult, true) => &self.men,
            (Generation::Adult, false) => &self.women,
        };
        let family = self.surnames.get(usize::from(surname)).copied().unwrap_or("王");
        let own = table.get(usize::from(given)).map(String::as_str).unwrap_or("明");
        let mut name = String::with_capacity(family.len() + own.len());
        name.push_str(family);
        name.push_str(own);
        name
    }

    /// Index of a surname, for tests and statistics.
    #[cfg(test)]
    pub fn surname(&self, index: u8) -> &str {
        self.surnames.get(usize::from(index)).copied().unwrap_or("")
    }
}

/// "子10 浩8" → [("子", 10.0), ("浩", 8.0)].
fn weighted(list: &'static str) -> Vec<(&'static str, f64)> {
    list.split_whitespace()
        .filter_map(|item| {
            let digits = item.find(|c: char| c.is_ascii_digit())?;
            Some((&item[..digits], item[digits..].parse().ok()?))
        })
        .collect()
}

fn given_table(
    rng: &mut ChaCha8Rng,
    full: &'static str,
    first: &'static str,
    second: &'static str,
    single: &'static str,
    full_share: f64,
    single_share: f64,
) -> Vec<String> {
    let (full, first, second, single) = (
        weighted(full),
        weighted(first),
        weighted(second),
        weighted(single),
    );
    let weights = |list: &[(&str, f64)]| list.iter().map(|(_, w)| *w).collect::<Vec<f64>>();
    let (wf, w1, w2, ws) = (
        weights(&full),
        weights(&first),
        weights(&second),
        weights(&single),
    );
    let mut table = Vec::with_capacity(TABLE_SIZE);
    while table.len() < TABLE_SIZE {
        let u: f64 = rng.random();
        let name = if u < full_share && !full.is_empty() {
            full[pick_weighted(rng, &wf)].0.to_owned()
        } else if u < full_share + single_share && !single.is_empty() {
            single[pick_weighted(rng, &ws)].0.to_owned()
        } else {
            let a = first[pick_weighted(rng, &w1)].0;
            let b = second[pick_weighted(rng, &w2)].0;
            if a == b {
                continue; // 浩浩 and the like are nicknames, not registered names
            }
            format!("{a}{b}")
        };
        table.push(name);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn names_are_two_to_four_chinese_characters() {
        let names = Names::build(1);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for i in 0..2000 {
            let (s, g) = names.draw(&mut rng);
            let generation = if i % 2 == 0 {
                Generation::Child
            } else {
                Generation::Adult
            };
            let name = names.full(s, g, i % 3 == 0, generation);
            let chars = name.chars().count();
            assert!((2..=4).contains(&chars), "{name}");
            assert!(
                name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}"
            );
        }
    }

    #[test]
    fn wang_zhang_and_li_are_the_commonest_surnames() {
        let names = Names::build(1);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..20_000 {
            *counts.entry(names.surname(names.draw(&mut rng).0)).or_insert(0) += 1;
        }
        let mut ranked: Vec<_> = counts.into_iter().collect();
        ranked.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let top: Vec<&str> = ranked.iter().take(3).map(|(s, _)| *s).collect();
        assert!(
            top.contains(&"王") && top.contains(&"张") && top.contains(&"李"),
            "{top:?}"
        );
    }
}
