//! Custom indicators: expressions over registry measures (placeholder, being written).
