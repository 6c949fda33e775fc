//! The run: the quota round per junior school, then the open round, as the
//! policy says (algorithms.md A2.2–A2.5). Codes are interned to indices
//! first; the candidates are sorted once by their strict key (the chain,
//! then the last-tie rule), so nothing depends on input order.
//!
//! - Open round with one common key: serial dictatorship, O(n log n + L).
//! - Schools with own priorities, per-school lotteries or the call-order
//!   form: student-proposing deferred acceptance with a per-school heap,
//!   O(L log q).

use crate::model::Inputs;
use crate::outcome::Outcome;
use crate::policy::Policy;
use crate::AdmissionError;

/// Runs the admission. Refuses inputs with errors ([`crate::check`]).
pub fn run(inputs: &Inputs, policy: &Policy) -> Result<Outcome, AdmissionError> {
    unimplemented!("{} {}", inputs.year, policy.name)
}
