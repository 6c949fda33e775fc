//! The parts of applying a change set that do not depend on the backend:
//! how often progress is reported, the phase timer for the debug log, and
//! what a write does with class sizes that disagree with their pupils. The
//! SQL of each backend's `write_changes` stays with it.

use std::collections::HashSet;

use registry::{Enrolment, Grade, SchoolCode, SchoolYear, Student};

use crate::{Progress, Result, StoreError};

/// How often the progress callback is called, in rows.
const PROGRESS_EVERY: u64 = 20_000;

/// Counts the rows written and calls the progress callback every
/// [`PROGRESS_EVERY`] rows and once at the end.
pub(crate) struct Ticker {
    total: u64,
    done: u64,
}

impl Ticker {
    pub fn new(total: u64) -> Ticker {
        Ticker { total, done: 0 }
    }

    /// `n` more rows written.
    pub fn tick(&mut self, n: u64, progress: Progress<'_>) {
        let before = self.done / PROGRESS_EVERY;
        self.done += n;
        if self.done / PROGRESS_EVERY != before || self.done == self.total {
            progress(self.done, self.total);
        }
    }
}

/// The school and class ids of every enrolment of `students`, resolved
/// before anything is written so a bad reference fails cleanly; the classes
/// named are added to `touched`. `class` finds a class by year, school id,
/// grade and name.
pub(crate) fn resolve_enrolments(
    students: &[(Student, Enrolment)],
    school_id: impl Fn(&SchoolCode) -> Result<i64>,
    class: impl Fn(SchoolYear, i64, Grade, &str) -> Option<i64>,
    touched: &mut HashSet<i64>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let mut resolved = Vec::with_capacity(students.len());
    for (_, e) in students {
        let school = school_id(&e.school)?;
        let class_id = match &e.class_name {
            Some(name) => {
                let id = class(e.school_year, school, e.grade, name).ok_or_else(|| {
                    StoreError::UnknownReference(format!("班级 {} {} {}", e.school, e.grade.label_zh(), name))
                })?;
                touched.insert(id);
                Some(id)
            }
            None => None,
        };
        resolved.push((school, class_id));
    }
    Ok(resolved)
}

/// What `write_changes` does with a touched class whose declared size
/// differs from the students listed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizeRule {
    /// Nothing (the caller keeps sizes in step itself).
    Ignore,
    /// Refuse the change (`ApplyOptions::check_class_sizes`).
    Reject,
    /// Set the size to the students listed (`ApplyOptions::update_class_sizes`).
    Follow,
}

/// Times the phases of `apply` for `EDUGOV_LOG=store=debug` (row counts
/// only: never personal data).
pub(crate) struct Phase {
    started: std::time::Instant,
    /// The log message, naming the backend.
    message: &'static str,
}

impl Phase {
    pub fn start(message: &'static str) -> Phase {
        Phase {
            started: std::time::Instant::now(),
            message,
        }
    }

    pub fn done(&mut self, what: &str) {
        tracing::debug!(
            phase = what,
            seconds = self.started.elapsed().as_secs_f64(),
            "{}",
            self.message
        );
        self.started = std::time::Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_reported_every_twenty_thousand_rows_and_at_the_end() {
        let mut calls = Vec::new();
        let mut ticker = Ticker::new(45_000);
        let mut progress = |done, total| calls.push((done, total));
        for _ in 0..45 {
            ticker.tick(1000, &mut progress);
        }
        assert_eq!(calls, [(20_000, 45_000), (40_000, 45_000), (45_000, 45_000)]);
    }
}
