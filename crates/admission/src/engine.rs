//! The run: the quota round per junior school, then the open round, as the
//! policy says (algorithms.md A2.2–A2.5). Codes are interned to indices
//! first; the candidates are sorted once by their strict key (the chain,
//! then the last-tie rule), so nothing depends on input order.
//!
//! - Open round with one common key: serial dictatorship, O(n log n + L).
//! - Schools with own priorities, per-school lotteries or the call-order
//!   form: student-proposing deferred acceptance with a per-school heap,
//!   O(L log q).
//!
//! Helpers other crates may use: [`key_order`] (the candidates best first),
//! [`Chain`] (the tie-break chain's values for one candidate),
//! [`lottery_number`] (the stable lottery draw) and the general
//! [`deferred_acceptance`].

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use crate::model::{Candidate, Inputs, Score};
use crate::outcome::{Cutoff, JuniorCutoff, Outcome, Placement, Round, SchoolResult};
use crate::policy::{LastTie, Policy, QuotaForm, QuotaMinimum, UnfilledQuota};
use crate::quota::{allocate_quotas, QuotaAllocation};
use crate::AdmissionError;

/// "No index": an unknown code, an unplaced candidate.
pub(crate) const NONE: u32 = u32::MAX;
/// A school named again on the same list (read once).
pub(crate) const REPEAT: u32 = u32::MAX - 1;

/// Runs the admission. Refuses inputs with errors ([`crate::check`]).
pub fn run(inputs: &Inputs, policy: &Policy) -> Result<Outcome, AdmissionError> {
    let index = Index::new(inputs);
    let report = crate::check::check_indexed(inputs, policy, &index);
    if !report.is_ok() {
        return Err(AdmissionError::Invalid(report.errors));
    }
    let prepared = Prepared::with_index(inputs, policy, index);
    Ok(prepared.run(None))
}

/// The candidates' indices best first: the chain field by field (each in
/// its direction), then the last-tie rule (one lottery number per
/// candidate — its top bits, at least 24, when the chain leaves less than
/// 64 bits of room in the packed key; under `AdmitAll` and `SchoolLottery`
/// equal chains stay together), then the examination number, only to be
/// deterministic.
/// Fields the inputs lack count as 0 (the run refuses such a policy).
pub fn key_order(inputs: &Inputs, policy: &Policy) -> Vec<u32> {
    Keys::new(inputs, policy).order
}

/// The stable lottery number of a candidate (and of a school, for per-school
/// lotteries: `school` is then its code, otherwise empty): FNV-1a over the
/// seed, the school and the examination number, then a SplitMix64
/// finaliser. Never input order; the same on every machine.
pub fn lottery_number(seed: u64, school: &str, candidate: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    seed.to_le_bytes().into_iter().for_each(&mut eat);
    school.bytes().for_each(&mut eat);
    eat(0xff);
    candidate.bytes().for_each(&mut eat);
    let mut z = hash.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The tie-break chain resolved against the inputs' fields: each entry is
/// the columns summed (`语文+数学` is the sum of two fields) and its
/// direction.
#[derive(Debug, Clone)]
pub struct Chain {
    pub fields: Vec<ChainField>,
}

#[derive(Debug, Clone)]
pub struct ChainField {
    /// As the policy names it.
    pub name: String,
    pub columns: Vec<usize>,
    pub higher_first: bool,
}

impl Chain {
    /// Resolves the policy's chain; `Err` names the first unknown field.
    pub fn resolve(inputs: &Inputs, policy: &Policy) -> Result<Chain, String> {
        let mut fields = Vec::with_capacity(policy.tie_break.chain.len());
        for field in &policy.tie_break.chain {
            let mut columns = Vec::new();
            for part in field.field.split('+') {
                let part = part.trim();
                match inputs.fields.iter().position(|f| f == part) {
                    Some(column) => columns.push(column),
                    None => return Err(part.to_owned()),
                }
            }
            fields.push(ChainField {
                name: field.field.clone(),
                columns,
                higher_first: field.higher_first,
            });
        }
        Ok(Chain { fields })
    }

    /// The chain with unknown fields dropped (for helpers that must not fail).
    fn resolve_lenient(inputs: &Inputs, policy: &Policy) -> Chain {
        let fields = policy
            .tie_break
            .chain
            .iter()
            .filter_map(|field| {
                let columns: Option<Vec<usize>> = field
                    .field
                    .split('+')
                    .map(|part| inputs.fields.iter().position(|f| f == part.trim()))
                    .collect();
                Some(ChainField {
                    name: field.field.clone(),
                    columns: columns?,
                    higher_first: field.higher_first,
                })
            })
            .collect();
        Chain { fields }
    }

    /// The value of field `i` for a candidate, in tenths of a point.
    pub fn value(&self, candidate: &Candidate, i: usize) -> i64 {
        self.fields.get(i).map_or(0, |f| {
            f.columns
                .iter()
                .map(|&col| i64::from(candidate.scores.get(col).map_or(0, |s| s.0)))
                .sum()
        })
    }

    /// The value of field `i` turned so that smaller ranks first.
    fn sort_value(&self, candidate: &Candidate, i: usize) -> i64 {
        let value = self.value(candidate, i);
        match self.fields.get(i) {
            Some(f) if f.higher_first => -value,
            _ => value,
        }
    }

    /// The first field where `a` and `b` differ, and the order there
    /// (`Less`: `a` ranks first).
    pub fn first_difference(&self, a: &Candidate, b: &Candidate) -> Option<(usize, Ordering)> {
        (0..self.fields.len()).find_map(|i| {
            let order = self.sort_value(a, i).cmp(&self.sort_value(b, i));
            (order != Ordering::Equal).then_some((i, order))
        })
    }
}

/// The common order: `order` best first, `rank[c]` its position, `group[c]`
/// the rank of the first candidate tied with `c` under the last-tie rule
/// (equal to `rank` under a single lottery).
pub(crate) struct Keys {
    pub order: Vec<u32>,
    pub rank: Vec<u32>,
    pub group: Vec<u32>,
}

impl Keys {
    pub fn new(inputs: &Inputs, policy: &Policy) -> Keys {
        let chain = Chain::resolve_lenient(inputs, policy);
        let cands = &inputs.candidates;
        let n = cands.len();
        let seed = match policy.tie_break.last {
            LastTie::Lottery { seed } => Some(seed),
            LastTie::AdmitAll | LastTie::SchoolLottery { .. } => None,
        };
        let nf = chain.fields.len();
        // Each field's range decides its bit width; packed into one u128
        // with the lottery when they fit (always for ≤ 4 subject fields).
        // One pass over the candidates: every value read once.
        let values: Vec<i64> = cands
            .iter()
            .flat_map(|c| (0..nf).map(move |i| (c, i)))
            .map(|(c, i)| chain.sort_value(c, i))
            .collect();
        let mut lows = vec![i64::MAX; nf];
        let mut highs = vec![i64::MIN; nf];
        for row in values.chunks_exact(nf.max(1)) {
            for (i, &v) in row.iter().enumerate().take(nf) {
                lows[i] = lows[i].min(v);
                highs[i] = highs[i].max(v);
            }
        }
        let widths: Vec<u32> = (0..nf)
            .map(|i| {
                if n == 0 {
                    0
                } else {
                    64 - ((highs[i] - lows[i]) as u64).leading_zeros()
                }
            })
            .collect();
        // One u128 per candidate: the chain, the lottery's top bits (all 64
        // when there is room, at least 24) and the row index in the low
        // bits, so the sort moves 16 bytes per candidate.
        let idx_bits = 64 - (n as u64).leading_zeros();
        let chain_bits: u32 = widths.iter().sum();
        let room = 128u32.saturating_sub(chain_bits + idx_bits);
        let lottery_bits = if seed.is_some() { room.min(64) } else { 0 };
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Whether two candidates tie on the whole chain.
        let chain_equal: ChainEqual;
        if chain_bits + idx_bits <= 128 && (seed.is_none() || lottery_bits >= 24) {
            let low_bits = lottery_bits + idx_bits;
            let mut packed: Vec<u128> = cands
                .iter()
                .enumerate()
                .map(|(idx, c)| {
                    let mut key: u128 = 0;
                    for i in 0..nf {
                        key = (key << widths[i]) | (values[idx * nf + i] - lows[i]) as u128;
                    }
                    if let Some(seed) = seed {
                        let draw = lottery_number(seed, "", &c.id.0) >> (64 - lottery_bits);
                        key = (key << lottery_bits) | u128::from(draw);
                    }
                    (key << idx_bits) | idx as u128
                })
                .collect();
            packed.sort_unstable();
            let row_of = |key: u128| (key & ((1u128 << idx_bits) - 1)) as usize;
            // Equal chain and lottery (a real tie, or equal draws): by
            // examination number, never by input order.
            let mut start = 0;
            while start < packed.len() {
                let mut end = start + 1;
                while end < packed.len() && packed[end] >> idx_bits == packed[start] >> idx_bits {
                    end += 1;
                }
                if end - start > 1 {
                    packed[start..end]
                        .sort_unstable_by(|&a, &b| cands[row_of(a)].id.cmp(&cands[row_of(b)].id));
                }
                start = end;
            }
            order = packed.iter().map(|&key| row_of(key) as u32).collect();
            let mut keys = vec![0u128; if seed.is_none() { n } else { 0 }];
            if seed.is_none() {
                for &key in &packed {
                    keys[row_of(key)] = key >> low_bits;
                }
            }
            chain_equal = ChainEqual::Packed(keys);
        } else {
            let lottery: Vec<u64> = cands
                .iter()
                .map(|c| seed.map_or(0, |seed| lottery_number(seed, "", &c.id.0)))
                .collect();
            let row = |c: u32| &values[c as usize * nf..(c as usize + 1) * nf];
            order.sort_unstable_by(|&a, &b| {
                row(a)
                    .cmp(row(b))
                    .then(lottery[a as usize].cmp(&lottery[b as usize]))
                    .then_with(|| cands[a as usize].id.cmp(&cands[b as usize].id))
            });
            chain_equal = ChainEqual::Rows(values, nf);
        }
        let mut rank = vec![0u32; n];
        let mut group = vec![0u32; n];
        for (pos, &c) in order.iter().enumerate() {
            rank[c as usize] = pos as u32;
            group[c as usize] = if seed.is_none() && pos > 0 && chain_equal.equal(order[pos - 1], c) {
                group[order[pos - 1] as usize]
            } else {
                pos as u32
            };
        }
        Keys { order, rank, group }
    }
}

enum ChainEqual {
    Packed(Vec<u128>),
    Rows(Vec<i64>, usize),
}

impl ChainEqual {
    fn equal(&self, a: u32, b: u32) -> bool {
        match self {
            ChainEqual::Packed(keys) => keys[a as usize] == keys[b as usize],
            ChainEqual::Rows(values, nf) => {
                let row = |c: u32| &values[c as usize * nf..(c as usize + 1) * nf];
                row(a) == row(b)
            }
        }
    }
}

/// Lists flattened: candidate `c`'s entries are `school[off[c]..off[c+1]]`
/// in the order given, [`NONE`] for an unknown code, [`REPEAT`] for a
/// school named again (read once).
pub(crate) struct Lists {
    pub off: Vec<u32>,
    pub school: Vec<u32>,
}

impl Lists {
    fn new<'a>(
        cands: &'a [Candidate],
        list: impl Fn(&'a Candidate) -> &'a [registry::SchoolCode],
        index: &CodeMap,
        schools: usize,
    ) -> Lists {
        // In chunks of candidates, two passes: first every code of the
        // chunk read into a small buffer (a plain loop whose loads overlap —
        // the strings are scattered over the heap), then the lookups on
        // data in cache.
        const CHUNK: usize = 512;
        let max_list = crate::model::limits::MAX_LIST;
        let mut off = Vec::with_capacity(cands.len() + 1);
        off.push(0u32);
        let total: usize = cands.iter().map(|c| list(c).len().min(max_list + 1)).sum();
        let mut school = Vec::with_capacity(total);
        let mut keys: Vec<u64> = Vec::with_capacity(CHUNK * 8);
        let mut ends: Vec<usize> = Vec::with_capacity(CHUNK);
        // The last candidate (plus one) who named each school: a repeat is
        // one comparison.
        let mut seen_by = vec![0u32; schools];
        for (chunk_no, chunk) in cands.chunks(CHUNK).enumerate() {
            keys.clear();
            ends.clear();
            for c in chunk {
                let codes = list(c);
                // An overlong list is the check's error; never read it.
                if codes.len() <= max_list {
                    keys.extend(
                        codes
                            .iter()
                            .map(|code| CodeMap::numeric_key(code.as_str()).unwrap_or(u64::MAX)),
                    );
                }
                ends.push(keys.len());
            }
            let mut a = 0;
            for (i, cand) in chunk.iter().enumerate() {
                let stamp = (chunk_no * CHUNK + i) as u32 + 1;
                let b = ends[i];
                for (k, &key) in keys[a..b].iter().enumerate() {
                    let x = match key {
                        u64::MAX => list(cand)
                            .get(k)
                            .and_then(|code| index.text.get(code.as_str()).copied()),
                        _ => index.numeric.get(&key).copied(),
                    }
                    .unwrap_or(NONE);
                    let entry = match seen_by.get_mut(x as usize) {
                        Some(seen) if *seen == stamp => REPEAT,
                        Some(seen) => {
                            *seen = stamp;
                            x
                        }
                        None => NONE,
                    };
                    school.push(entry);
                }
                a = b;
                off.push(school.len() as u32);
            }
        }
        Lists { off, school }
    }

    /// Every entry of `c` as stored (with [`NONE`] and [`REPEAT`]).
    pub fn raw(&self, c: usize) -> &[u32] {
        &self.school[self.off[c] as usize..self.off[c + 1] as usize]
    }

    /// (1-based position, school) of the known entries of `c`.
    pub fn of(&self, c: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        let (a, b) = (self.off[c as usize] as usize, self.off[c as usize + 1] as usize);
        self.school[a..b]
            .iter()
            .enumerate()
            .filter(|&(_, &x)| x < REPEAT)
            .map(|(k, &x)| ((k + 1).min(255) as u8, x))
    }
}

/// School codes to row indices (the first row with the code). Codes of
/// digits only (学校标识码 always) are looked up as numbers: no string
/// hashing or comparison in the hot loops.
#[derive(Default)]
pub(crate) struct CodeMap<'a> {
    numeric: NumericTable,
    text: FxHashMap<&'a str, u32>,
}

/// Open addressing over numeric keys (never 0: the length is folded in),
/// at most a quarter full: a lookup is a multiply and a probe or two.
#[derive(Default)]
struct NumericTable {
    slots: Vec<(u64, u32)>,
    shift: u32,
}

impl NumericTable {
    fn with_keys(keys: &[(u64, u32)]) -> NumericTable {
        let size = (keys.len() * 4).next_power_of_two().max(8);
        let mut table = NumericTable {
            slots: vec![(0, 0); size],
            shift: 64 - size.trailing_zeros(),
        };
        for &(key, value) in keys {
            let mut slot = table.home(key);
            loop {
                match table.slots[slot] {
                    (0, _) => {
                        table.slots[slot] = (key, value);
                        break;
                    }
                    // The first row with a code keeps it.
                    (k, _) if k == key => break,
                    _ => slot = (slot + 1) & (size - 1),
                }
            }
        }
        table
    }

    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn get(&self, key: &u64) -> Option<&u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.home(*key);
        loop {
            let (k, ref v) = self.slots[slot];
            if k == *key {
                return Some(v);
            }
            if k == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}

impl<'a> CodeMap<'a> {
    /// Up to 17 digits, with the length folded in ("012" ≠ "12").
    fn numeric_key(code: &str) -> Option<u64> {
        let bytes = code.as_bytes();
        if bytes.is_empty() || bytes.len() > 17 {
            return None;
        }
        let (mut value, mut bad) = (0u64, false);
        for &b in bytes {
            let digit = b.wrapping_sub(b'0');
            bad |= digit > 9;
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        }
        (!bad).then_some(value | ((bytes.len() as u64) << 59))
    }

    fn build(codes: impl Iterator<Item = &'a str>) -> CodeMap<'a> {
        let mut map = CodeMap::default();
        let mut numeric = Vec::new();
        for (i, code) in codes.enumerate() {
            match CodeMap::numeric_key(code) {
                Some(key) => numeric.push((key, i as u32)),
                None => {
                    map.text.entry(code).or_insert(i as u32);
                }
            }
        }
        map.numeric = NumericTable::with_keys(&numeric);
        map
    }

    pub fn get(&self, code: &str) -> Option<u32> {
        match CodeMap::numeric_key(code) {
            Some(key) => self.numeric.get(&key).copied(),
            None => self.text.get(code).copied(),
        }
    }
}

/// The inputs' codes interned to indices, shared by the check and the run.
pub(crate) struct Index<'a> {
    /// Code → first row with it.
    pub senior: CodeMap<'a>,
    pub junior: CodeMap<'a>,
    /// Each candidate's junior school, [`NONE`] when unknown.
    pub cand_junior: Vec<u32>,
    pub open: Lists,
    pub quota: Lists,
}

impl<'a> Index<'a> {
    pub fn new(inputs: &'a Inputs) -> Index<'a> {
        let senior = CodeMap::build(inputs.senior_schools.iter().map(|s| s.code.as_str()));
        let junior = CodeMap::build(inputs.junior_schools.iter().map(|j| j.code.as_str()));
        // Keys first, lookups after (see `Lists::new`).
        let junior_keys: Vec<Option<u64>> = inputs
            .candidates
            .iter()
            .map(|c| CodeMap::numeric_key(c.junior_school.as_str()))
            .collect();
        let cand_junior = inputs
            .candidates
            .iter()
            .zip(&junior_keys)
            .map(|(c, key)| {
                match key {
                    Some(key) => junior.numeric.get(key).copied(),
                    None => junior.text.get(c.junior_school.as_str()).copied(),
                }
                .unwrap_or(NONE)
            })
            .collect();
        let m = inputs.senior_schools.len();
        let open = Lists::new(&inputs.candidates, |c| &c.open_list, &senior, m);
        let quota = Lists::new(&inputs.candidates, |c| &c.quota_list, &senior, m);
        Index {
            senior,
            junior,
            cand_junior,
            open,
            quota,
        }
    }
}

/// The inputs interned, the common order computed, the quotas allocated:
/// everything a run, an explanation or the quota cost needs.
pub(crate) struct Prepared<'a> {
    pub inputs: &'a Inputs,
    pub policy: &'a Policy,
    pub keys: Keys,
    pub cand_junior: Vec<u32>,
    pub open: Lists,
    pub quota: Lists,
    pub quotas: Vec<QuotaAllocation>,
    /// Per candidate: 录取资格 and the city's line met.
    admissible: Vec<bool>,
    /// Per candidate: admissible and 指标生资格.
    quota_ok: Vec<bool>,
    /// Per candidate: the total, kept compact for the rounds' random
    /// access in key order.
    total: Vec<Score>,
    /// Per senior school: the quota minimum, if any.
    quota_min: Vec<Option<Score>>,
}

impl<'a> Prepared<'a> {
    pub fn new(inputs: &'a Inputs, policy: &'a Policy) -> Prepared<'a> {
        Prepared::with_index(inputs, policy, Index::new(inputs))
    }

    pub fn with_index(inputs: &'a Inputs, policy: &'a Policy, index: Index<'a>) -> Prepared<'a> {
        let total: Vec<Score> = inputs.candidates.iter().map(Candidate::total).collect();
        let admissible: Vec<bool> = inputs
            .candidates
            .iter()
            .zip(&total)
            .map(|(c, &t)| c.eligible && policy.min_total.is_none_or(|min| t >= min))
            .collect();
        let quota_ok = inputs
            .candidates
            .iter()
            .zip(&admissible)
            .map(|(c, &a)| a && c.quota_eligible)
            .collect();
        let quota_min = inputs
            .senior_schools
            .iter()
            .map(|s| match &policy.quota.minimum {
                QuotaMinimum::None => None,
                QuotaMinimum::Absolute { score } => Some(*score),
                QuotaMinimum::BelowPreviousCutoff { below, cutoffs } => {
                    cutoffs.get(&s.code).map(|cut| Score((cut.0 - below.0).max(0)))
                }
            })
            .collect();
        Prepared {
            inputs,
            policy,
            keys: Keys::new(inputs, policy),
            cand_junior: index.cand_junior,
            open: index.open,
            quota: index.quota,
            quotas: allocate_quotas(inputs, policy),
            admissible,
            quota_ok,
            total,
            quota_min,
        }
    }

    /// Admissible at all: 录取资格 and the city's line.
    pub fn admissible(&self, c: u32) -> bool {
        self.admissible[c as usize]
    }

    /// May be admitted at `x` in the open round.
    pub fn open_eligible(&self, c: u32, x: u32) -> bool {
        self.admissible[c as usize]
            && self.inputs.senior_schools[x as usize]
                .min_score
                .is_none_or(|min| self.total[c as usize] >= min)
    }

    /// The quota minimum at `x`, if any.
    pub fn quota_minimum(&self, x: u32) -> Option<Score> {
        self.quota_min[x as usize]
    }

    /// May be admitted at `x` in the quota round.
    pub fn quota_eligible(&self, c: u32, x: u32) -> bool {
        self.quota_ok[c as usize]
            && self.inputs.senior_schools[x as usize].quota_school
            && self.quota_min[x as usize].is_none_or(|min| self.total[c as usize] >= min)
    }

    /// The open round runs as deferred acceptance rather than serial
    /// dictatorship.
    pub fn open_is_da(&self) -> bool {
        matches!(self.policy.tie_break.last, LastTie::SchoolLottery { .. })
            || matches!(self.policy.quota.form, QuotaForm::CallOrder { .. })
            || (self.policy.school_priorities
                && self
                    .inputs
                    .senior_schools
                    .iter()
                    .any(|s| !s.priority_counties.is_empty()))
    }

    /// Below the school's own priority group (`SeniorSchool::priority_counties`).
    pub fn outside_priority(&self, c: u32, x: u32) -> bool {
        let school = &self.inputs.senior_schools[x as usize];
        self.policy.school_priorities
            && !school.priority_counties.is_empty()
            && !school
                .priority_counties
                .contains(&self.inputs.candidates[c as usize].residence)
    }

    /// A candidate's priority at a school in deferred acceptance (smaller
    /// first), before any call-order merge: the priority group, the chain
    /// group, a per-school lottery, the common rank.
    fn school_priority(&self, c: u32, x: u32) -> u128 {
        let flag = u128::from(self.outside_priority(c, x));
        let rank = u128::from(self.keys.rank[c as usize]);
        let group = u128::from(self.keys.group[c as usize]);
        match self.policy.tie_break.last {
            LastTie::Lottery { .. } => (flag << 96) | rank,
            LastTie::AdmitAll => (flag << 96) | group,
            LastTie::SchoolLottery { seed } => {
                let draw = lottery_number(
                    seed,
                    self.inputs.senior_schools[x as usize].code.as_str(),
                    &self.inputs.candidates[c as usize].id.0,
                ) >> 32;
                (flag << 96) | (group << 64) | (u128::from(draw) << 32) | rank
            }
        }
    }

    fn admit_ties(&self) -> bool {
        self.policy.tie_break.last == LastTie::AdmitAll
    }

    /// The whole run; `without_quota` drops one candidate's quota list
    /// (the quota cost's counterfactual).
    pub fn run(&self, without_quota: Option<u32>) -> Outcome {
        let inputs = self.inputs;
        let n = inputs.candidates.len();
        let m = inputs.senior_schools.len();
        let mut placements = vec![Placement::NONE; n];

        // Quota slots (x, j) with seats.
        let mut slot_of: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        let mut slot_cap: Vec<u32> = Vec::new();
        let mut slot_key: Vec<(u32, u32)> = Vec::new();
        let mut reserved = vec![0u32; m];
        for alloc in &self.quotas {
            reserved[alloc.senior as usize] = alloc.seats;
            for share in alloc.shares.iter().filter(|s| s.seats > 0) {
                slot_of.insert((alloc.senior, share.junior), slot_cap.len() as u32);
                slot_cap.push(share.seats);
                slot_key.push((alloc.senior, share.junior));
            }
        }
        let slots = slot_cap.len();
        let mut slot_admitted = vec![0u32; slots];
        let mut slot_last = vec![NONE; slots];

        // Quota round: per junior school, serial dictatorship in key order
        // (A2.2); a per-school lottery makes it deferred acceptance.
        if slots > 0 {
            let slots_by_key = &slot_of;
            let quota_entries = |c: u32| {
                let j = self.cand_junior[c as usize];
                self.quota
                    .of(c)
                    .filter(move |_| Some(c) != without_quota)
                    .filter(move |&(_, x)| self.quota_eligible(c, x))
                    .filter_map(move |(pos, x)| slots_by_key.get(&(x, j)).map(|&v| (pos, v)))
            };
            if let LastTie::SchoolLottery { .. } = self.policy.tie_break.last {
                let mut market = Market::with_capacity(n);
                for c in 0..n as u32 {
                    for (pos, v) in quota_entries(c) {
                        market.push(pos, v, self.school_priority(c, slot_key[v as usize].0));
                    }
                    market.end_candidate();
                }
                let held = market.solve(&self.keys.order, &slot_cap, false);
                for c in 0..n {
                    if let Some((pos, v)) = held[c] {
                        let x = slot_key[v as usize].0;
                        placements[c] = Placement {
                            school: Some(x),
                            round: Some(Round::Quota),
                            choice: Some(pos),
                        };
                        slot_admitted[v as usize] += 1;
                    }
                }
                for &c in &self.keys.order {
                    if placements[c as usize].round == Some(Round::Quota) {
                        let j = self.cand_junior[c as usize];
                        let x = placements[c as usize].school.unwrap_or(NONE);
                        if let Some(&v) = slot_of.get(&(x, j)) {
                            slot_last[v as usize] = c;
                        }
                    }
                }
            } else {
                let ties = self.admit_ties();
                for &c in &self.keys.order {
                    for (pos, v) in quota_entries(c) {
                        let v = v as usize;
                        let tied = ties
                            && slot_last[v] != NONE
                            && self.keys.group[slot_last[v] as usize] == self.keys.group[c as usize];
                        if slot_admitted[v] < slot_cap[v] || tied {
                            slot_admitted[v] += 1;
                            slot_last[v] = c;
                            placements[c as usize] = Placement {
                                school: Some(slot_key[v].0),
                                round: Some(Round::Quota),
                                choice: Some(pos),
                            };
                            break;
                        }
                    }
                }
            }
        }

        // Unfilled quota seats flow back or lapse.
        let mut unfilled = reserved.clone();
        for v in 0..slots {
            let x = slot_key[v].0 as usize;
            unfilled[x] -= slot_cap[v].min(unfilled[x]);
            unfilled[x] += slot_cap[v].saturating_sub(slot_admitted[v]);
        }
        let mut quota_admitted = vec![0u32; m];
        let mut quota_last = vec![NONE; m];
        for v in 0..slots {
            let x = slot_key[v].0 as usize;
            quota_admitted[x] += slot_admitted[v];
            let last = slot_last[v];
            if last != NONE
                && (quota_last[x] == NONE
                    || self.keys.rank[last as usize] > self.keys.rank[quota_last[x] as usize])
            {
                quota_last[x] = last;
            }
        }
        let returned: Vec<u32> = match self.policy.unfilled_quota {
            UnfilledQuota::OpenRound => unfilled.clone(),
            UnfilledQuota::Lapse => vec![0; m],
        };
        let open_seats: Vec<u32> = (0..m)
            .map(|x| inputs.senior_schools[x].seats.saturating_sub(reserved[x]) + returned[x])
            .collect();

        // Open round.
        let mut open_admitted = vec![0u32; m];
        let mut open_last = vec![NONE; m];
        if self.open_is_da() {
            let priorities = self.call_order_positions(&placements);
            let mut market = Market::with_capacity(n);
            for c in 0..n as u32 {
                if placements[c as usize].school.is_none() {
                    for (pos, x) in self.open.of(c) {
                        if self.open_eligible(c, x) {
                            let prio = match priorities.get(&(x, c)) {
                                Some(&p) => u128::from(p),
                                None => self.school_priority(c, x),
                            };
                            market.push(pos, x, prio);
                        }
                    }
                }
                market.end_candidate();
            }
            let held = market.solve(&self.keys.order, &open_seats, self.admit_ties());
            let mut worst: Vec<Option<u128>> = vec![None; m];
            for c in 0..n {
                if let Some((pos, x)) = held[c] {
                    placements[c] = Placement {
                        school: Some(x),
                        round: Some(Round::Open),
                        choice: Some(pos),
                    };
                    open_admitted[x as usize] += 1;
                    let prio = match priorities.get(&(x, c as u32)) {
                        Some(&p) => u128::from(p),
                        None => self.school_priority(c as u32, x),
                    };
                    // The last admitted by the school's own order; equal
                    // priorities (admit-all ties) by rank.
                    let better = worst[x as usize].is_none_or(|w| {
                        (prio, self.keys.rank[c]) > (w, self.keys.rank[open_last[x as usize] as usize])
                    });
                    if better {
                        worst[x as usize] = Some(prio);
                        open_last[x as usize] = c as u32;
                    }
                }
            }
        } else {
            let ties = self.admit_ties();
            for &c in &self.keys.order {
                if placements[c as usize].school.is_some() || !self.admissible(c) {
                    continue;
                }
                for (pos, x) in self.open.of(c) {
                    let xi = x as usize;
                    let tied = ties
                        && open_last[xi] != NONE
                        && self.keys.group[open_last[xi] as usize] == self.keys.group[c as usize];
                    if (open_admitted[xi] < open_seats[xi] || tied) && self.open_eligible(c, x) {
                        open_admitted[xi] += 1;
                        open_last[xi] = c;
                        placements[c as usize] = Placement {
                            school: Some(x),
                            round: Some(Round::Open),
                            choice: Some(pos),
                        };
                        break;
                    }
                }
            }
        }

        let cutoff = |c: u32| {
            (c != NONE).then(|| Cutoff {
                candidate: c,
                score: inputs.candidates[c as usize].total(),
            })
        };
        let schools = (0..m)
            .map(|x| {
                let seats = inputs.senior_schools[x].seats;
                SchoolResult {
                    school: x as u32,
                    seats,
                    quota_seats: reserved[x],
                    quota_admitted: quota_admitted[x],
                    quota_returned: returned[x],
                    quota_lapsed: unfilled[x] - returned[x],
                    open_seats: open_seats[x],
                    open_admitted: open_admitted[x],
                    seats_left: seats.saturating_sub(quota_admitted[x] + open_admitted[x]),
                    quota_cutoff: cutoff(quota_last[x]),
                    open_cutoff: cutoff(open_last[x]),
                }
            })
            .collect();
        let junior_cutoffs = (0..slots)
            .map(|v| JuniorCutoff {
                senior: slot_key[v].0,
                junior: slot_key[v].1,
                seats: slot_cap[v],
                admitted: slot_admitted[v],
                cutoff: cutoff(slot_last[v]),
            })
            .collect();
        Outcome {
            quotas: self.quotas.clone(),
            placements,
            schools,
            junior_cutoffs,
        }
    }

    /// The call-order form (Parcoursup): per quota school, its open-round
    /// applicants in its own priority order, merged so that every prefix
    /// of length k holds at least ⌈min_rural·k⌉ rural candidates while
    /// rural ones remain. The position becomes the school's priority.
    fn call_order_positions(&self, placements: &[Placement]) -> FxHashMap<(u32, u32), u64> {
        let mut positions = FxHashMap::default();
        let QuotaForm::CallOrder { min_rural } = self.policy.quota.form else {
            return positions;
        };
        let m = self.inputs.senior_schools.len();
        let mut applicants: Vec<Vec<u32>> = vec![Vec::new(); m];
        for &c in &self.keys.order {
            if placements[c as usize].school.is_some() {
                continue;
            }
            for (_, x) in self.open.of(c) {
                if self.inputs.senior_schools[x as usize].quota_school && self.open_eligible(c, x) {
                    applicants[x as usize].push(c);
                }
            }
        }
        for (x, list) in applicants.iter_mut().enumerate() {
            if list.is_empty() {
                continue;
            }
            let x = x as u32;
            list.sort_by_key(|&c| self.school_priority(c, x));
            let rural = |c: u32| {
                let j = self.cand_junior[c as usize];
                j != NONE && self.inputs.junior_schools[j as usize].rural
            };
            let (rural_queue, other_queue): (Vec<u32>, Vec<u32>) = list.iter().partition(|&&c| rural(c));
            let (mut r, mut o) = (0usize, 0usize);
            for k in 1..=list.len() {
                let needed = min_rural.ceil_mul(k as u32);
                let take_rural = r < rural_queue.len()
                    && ((r as u128) < needed
                        || o >= other_queue.len()
                        || self.school_priority(rural_queue[r], x) < self.school_priority(other_queue[o], x));
                let c = if take_rural {
                    r += 1;
                    rural_queue[r - 1]
                } else {
                    o += 1;
                    other_queue[o - 1]
                };
                positions.insert((x, c), k as u64);
            }
        }
        positions
    }
}

/// Candidates' acceptable entries flattened for deferred acceptance.
struct Market {
    off: Vec<u32>,
    pos: Vec<u8>,
    school: Vec<u32>,
    prio: Vec<u128>,
}

impl Market {
    fn with_capacity(n: usize) -> Market {
        let mut off = Vec::with_capacity(n + 1);
        off.push(0);
        Market {
            off,
            pos: Vec::new(),
            school: Vec::new(),
            prio: Vec::new(),
        }
    }

    fn push(&mut self, pos: u8, school: u32, prio: u128) {
        self.pos.push(pos);
        self.school.push(school);
        self.prio.push(prio);
    }

    fn end_candidate(&mut self) {
        self.off.push(self.school.len() as u32);
    }

    /// Student-proposing deferred acceptance (A2.4): each free candidate
    /// proposes to the next school on their list; the school holds its
    /// best by priority (a max-heap, the worst on top) and rejects the
    /// rest. With `admit_ties`, candidates tied with the worst held one
    /// are kept together even over the seats (A2.5a). Returns each
    /// candidate's (position, school) or `None`.
    fn solve(&self, proposers: &[u32], capacities: &[u32], admit_ties: bool) -> Vec<Option<(u8, u32)>> {
        let n = self.off.len() - 1;
        let mut next: Vec<u32> = self.off[..n].to_vec();
        let mut held: Vec<BinaryHeap<(u128, u32)>> = vec![BinaryHeap::new(); capacities.len()];
        // The best proposes first: fewer rejections, same result.
        let mut free: Vec<u32> = proposers.iter().rev().copied().collect();
        let mut tied: Vec<(u128, u32)> = Vec::new();
        while let Some(c) = free.pop() {
            let ci = c as usize;
            let end = self.off[ci + 1];
            if next[ci] >= end {
                continue;
            }
            let e = next[ci] as usize;
            next[ci] += 1;
            let x = self.school[e] as usize;
            let cap = capacities.get(x).copied().unwrap_or(0) as usize;
            let Some(heap) = held.get_mut(x) else {
                free.push(c);
                continue;
            };
            heap.push((self.prio[e], c));
            while heap.len() > cap {
                let Some(&(worst, _)) = heap.peek() else { break };
                tied.clear();
                while let Some(&(p, d)) = heap.peek() {
                    if p != worst || (!admit_ties && !tied.is_empty()) {
                        break;
                    }
                    heap.pop();
                    tied.push((p, d));
                }
                if admit_ties && heap.len() < cap {
                    // The tied group straddles the last seat: all stay.
                    heap.extend(tied.drain(..));
                    break;
                }
                free.extend(tied.drain(..).map(|(_, d)| d));
            }
        }
        let mut result = vec![None; n];
        for (x, heap) in held.into_iter().enumerate() {
            for (_, c) in heap {
                let ci = c as usize;
                // The held entry is the last one proposed.
                let e = next[ci] as usize - 1;
                result[ci] = Some((self.pos[e], x as u32));
            }
        }
        result
    }
}

/// Student-proposing deferred acceptance (Gale–Shapley 1962; A2.4), in
/// general: `prefs[s]` lists the schools student `s` accepts, best first;
/// `priorities[s][k]` is the student's priority at `prefs[s][k]` (smaller
/// first; equal priorities at one school are broken by student index);
/// `capacities[x]` the seats. Returns each student's school. The
/// student-optimal stable matching; strategy-proof for students. Entries
/// naming no school (`≥ capacities.len()`) or lacking a priority are
/// ignored.
pub fn deferred_acceptance(
    prefs: &[Vec<u32>],
    priorities: &[Vec<u32>],
    capacities: &[u32],
) -> Vec<Option<u32>> {
    let mut market = Market::with_capacity(prefs.len());
    for (s, list) in prefs.iter().enumerate() {
        for (k, &x) in list.iter().enumerate() {
            if (x as usize) < capacities.len() && !list[..k].contains(&x) {
                if let Some(&p) = priorities.get(s).and_then(|p| p.get(k)) {
                    market.push(k.min(255) as u8, x, (u128::from(p) << 32) | s as u128);
                }
            }
        }
        market.end_candidate();
    }
    let proposers: Vec<u32> = (0..prefs.len() as u32).collect();
    market
        .solve(&proposers, capacities, false)
        .into_iter()
        .map(|held| held.map(|(_, x)| x))
        .collect()
}
