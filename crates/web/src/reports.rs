//! The error reports of recent imports, kept in memory for their uploader
//! to download: the page shows the first rows only, and a report can be
//! far too large to embed in it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use import_export::RowError;

/// Reports kept at once: the oldest goes first.
pub const MAX_REPORTS: usize = 32;
/// Rows of error kept over all reports (about 200 bytes each), so a few
/// huge failed files cannot hold gigabytes; the newest report always stays.
pub const MAX_ROWS: usize = 2_000_000;
/// How long a report can be downloaded after its upload.
pub const KEEP_FOR: Duration = Duration::from_secs(3600);

struct Report {
    id: String,
    user_id: i64,
    made: Instant,
    errors: Arc<Vec<RowError>>,
}

#[derive(Default)]
pub struct Reports {
    kept: VecDeque<Report>,
}

impl Reports {
    /// Keeps `errors` for `user_id` under `id` (random, unguessable).
    pub fn insert(&mut self, id: String, user_id: i64, errors: Arc<Vec<RowError>>, now: Instant) {
        self.expire(now);
        self.kept.push_back(Report {
            id,
            user_id,
            made: now,
            errors,
        });
        while self.kept.len() > MAX_REPORTS
            || (self.kept.len() > 1 && self.kept.iter().map(|r| r.errors.len()).sum::<usize>() > MAX_ROWS)
        {
            self.kept.pop_front();
        }
    }

    /// The report `id` if `user_id` uploaded it and it has not expired:
    /// another user's report is as missing as one never made.
    pub fn get(&mut self, id: &str, user_id: i64, now: Instant) -> Option<Arc<Vec<RowError>>> {
        self.expire(now);
        self.kept
            .iter()
            .find(|r| r.id == id && r.user_id == user_id)
            .map(|r| r.errors.clone())
    }

    fn expire(&mut self, now: Instant) {
        self.kept
            .retain(|r| now.saturating_duration_since(r.made) < KEEP_FOR);
    }

    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(n: usize) -> Arc<Vec<RowError>> {
        let error = RowError {
            file: "a.csv".into(),
            sheet: None,
            row: 2,
            column: None,
            value: String::new(),
            message: "坏".into(),
        };
        Arc::new(vec![error; n])
    }

    #[test]
    fn a_report_is_its_uploaders_only() {
        let now = Instant::now();
        let mut reports = Reports::default();
        reports.insert("r1".into(), 7, errors(3), now);
        assert_eq!(reports.get("r1", 7, now).map(|e| e.len()), Some(3));
        assert!(reports.get("r1", 8, now).is_none());
        assert!(reports.get("r2", 7, now).is_none());
    }

    #[test]
    fn reports_expire_after_an_hour() {
        let now = Instant::now();
        let mut reports = Reports::default();
        reports.insert("r1".into(), 7, errors(1), now);
        let later = now + KEEP_FOR - Duration::from_secs(1);
        assert!(reports.get("r1", 7, later).is_some());
        assert!(reports.get("r1", 7, now + KEEP_FOR).is_none());
        assert!(reports.is_empty());
    }

    #[test]
    fn only_the_newest_reports_are_kept() {
        let now = Instant::now();
        let mut reports = Reports::default();
        for i in 0..MAX_REPORTS + 5 {
            reports.insert(format!("r{i}"), 7, errors(1), now);
        }
        assert_eq!(reports.len(), MAX_REPORTS);
        assert!(reports.get("r0", 7, now).is_none());
        assert!(reports.get(&format!("r{}", MAX_REPORTS + 4), 7, now).is_some());
        // Rows are bounded too, but the newest report stays whatever its size.
        reports.insert("big".into(), 7, errors(MAX_ROWS), now);
        assert_eq!(reports.len(), 1);
        reports.insert("bigger".into(), 7, errors(MAX_ROWS + 1), now);
        assert_eq!(reports.len(), 1);
        assert!(reports.get("bigger", 7, now).is_some());
    }
}
