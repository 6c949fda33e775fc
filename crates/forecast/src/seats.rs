//! Capacity with the pipeline and closures; gap, peak, classes needed (B4, F5).
