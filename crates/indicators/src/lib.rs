//! The indicator catalogue and its engine (being written).
