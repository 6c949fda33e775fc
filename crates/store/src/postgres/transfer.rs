//! Transfer requests on PostgreSQL (filled in with the write side).
