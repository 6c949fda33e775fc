//! The error reports of recent imports, kept in memory for their uploader
//! to download: the page shows the first rows only, and a report can be
//! far too large to embed in it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use import_export::RowError;

/// Reports kept at once: the oldest goes first.
pub const MAX_REPORTS: usize = 32;
/// Reports kept for one user, so that one user's uploads cannot push out
/// everyone else's before they are downloaded.
pub const MAX_PER_USER: usize = 4;
/// Errors a report lists: a file that wrong is to be corrected from its
/// first errors and uploaded again (the page says so), and one report stays
/// a few tens of megabytes at most.
pub const MAX_REPORT_ROWS: usize = 100_000;
/// Memory all reports may take (their errors' estimated size); the newest
/// report always stays.
pub const MAX_BYTES: usize = 256 << 20;
/// How long a report can be downloaded after its upload.
pub const KEEP_FOR: Duration = Duration::from_secs(3600);

struct Report {
    id: String,
    user_id: i64,
    made: Instant,
    errors: Arc<Vec<RowError>>,
    bytes: usize,
}

/// What an error takes in memory, about.
fn size_of(error: &RowError) -> usize {
    std::mem::size_of::<RowError>()
        + error.file.len()
        + error.sheet.as_ref().map_or(0, String::len)
        + error.column.as_ref().map_or(0, String::len)
        + error.value.len()
        + error.message.len()
}

#[derive(Default)]
pub struct Reports {
    kept: VecDeque<Report>,
}

impl Reports {
    /// Keeps the first [`MAX_REPORT_ROWS`] of `errors` for `user_id` under
    /// `id` (random, unguessable).
    pub fn insert(&mut self, id: String, user_id: i64, errors: Arc<Vec<RowError>>, now: Instant) {
        self.expire(now);
        let errors = if errors.len() > MAX_REPORT_ROWS {
            Arc::new(errors[..MAX_REPORT_ROWS].to_vec())
        } else {
            errors
        };
        let bytes = errors.iter().map(size_of).sum();
        self.kept.push_back(Report {
            id,
            user_id,
            made: now,
            errors,
            bytes,
        });
        while self.kept.iter().filter(|r| r.user_id == user_id).count() > MAX_PER_USER {
            if let Some(oldest) = self.kept.iter().position(|r| r.user_id == user_id) {
                self.kept.remove(oldest);
            }
        }
        while self.kept.len() > MAX_REPORTS
            || (self.kept.len() > 1 && self.kept.iter().map(|r| r.bytes).sum::<usize>() > MAX_BYTES)
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
            reports.insert(format!("r{i}"), i as i64, errors(1), now);
        }
        assert_eq!(reports.len(), MAX_REPORTS);
        assert!(reports.get("r0", 0, now).is_none());
        let newest = MAX_REPORTS + 4;
        assert!(reports.get(&format!("r{newest}"), newest as i64, now).is_some());
    }

    #[test]
    fn one_user_keeps_a_few_reports_and_cannot_push_out_anothers() {
        let now = Instant::now();
        let mut reports = Reports::default();
        reports.insert("theirs".into(), 8, errors(1), now);
        for i in 0..MAX_REPORTS {
            reports.insert(format!("mine{i}"), 7, errors(1), now);
        }
        assert_eq!(reports.len(), MAX_PER_USER + 1);
        assert!(reports.get("theirs", 8, now).is_some());
        assert!(reports.get("mine0", 7, now).is_none());
        assert!(reports.get(&format!("mine{}", MAX_REPORTS - 1), 7, now).is_some());
    }

    #[test]
    fn a_report_lists_its_first_errors_and_all_of_them_fit_in_memory() {
        let now = Instant::now();
        let mut reports = Reports::default();
        reports.insert("huge".into(), 7, errors(MAX_REPORT_ROWS + 10), now);
        assert_eq!(
            reports.get("huge", 7, now).map(|e| e.len()),
            Some(MAX_REPORT_ROWS)
        );
        // Reports of many users, each at the limit: memory stays bounded,
        // and the newest always stays.
        for user in 0..MAX_REPORTS as i64 {
            reports.insert(format!("u{user}"), user, errors(MAX_REPORT_ROWS), now);
        }
        assert!(reports.kept.iter().map(|r| r.bytes).sum::<usize>() <= MAX_BYTES);
        assert!(reports.len() < MAX_REPORTS);
        assert!(reports
            .get(&format!("u{}", MAX_REPORTS - 1), MAX_REPORTS as i64 - 1, now)
            .is_some());
    }
}
