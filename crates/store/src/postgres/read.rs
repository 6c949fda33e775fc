//! Placeholder while the PostgreSQL backend is written (issue 13); replaced before it lands.
#![allow(unused_variables, unused_imports)]
use super::PgStore;
use crate::accounts::*;
use crate::*;
use chrono::{DateTime, Utc};
use registry::*;

fn not_yet(what: &str) -> StoreError {
    StoreError::Backend(format!("PostgreSQL: {what} not yet written"))
}

impl RegistryRead for PgStore {
    fn holds_demo_city(&self) -> Result<bool> {
        Err(not_yet("holds_demo_city"))
    }

    fn lookup(&self) -> Result<Lookup> {
        Err(not_yet("lookup"))
    }

    fn school_years(&self) -> Result<Vec<SchoolYear>> {
        Err(not_yet("school_years"))
    }

    fn area(&self, code: &str) -> Result<Option<Area>> {
        Err(not_yet("area"))
    }

    fn child_areas(&self, code: &str) -> Result<Vec<Area>> {
        Err(not_yet("child_areas"))
    }

    fn schools(&self) -> Result<Vec<School>> {
        Err(not_yet("schools"))
    }

    fn facilities(&self, year: SchoolYear) -> Result<Vec<SchoolFacility>> {
        Err(not_yet("facilities"))
    }

    fn classes(&self, year: SchoolYear) -> Result<Vec<Class>> {
        Err(not_yet("classes"))
    }

    fn for_each_student(&self, year: SchoolYear, visit: &mut dyn FnMut(Student, Enrolment)) -> Result<()> {
        Err(not_yet("for_each_student"))
    }

    fn teachers(&self, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        Err(not_yet("teachers"))
    }

    fn population(&self, year: SchoolYear) -> Result<Vec<Population>> {
        Err(not_yet("population"))
    }

    fn births(&self) -> Result<Vec<Births>> {
        Err(not_yet("births"))
    }

    fn school(&self, code: &SchoolCode) -> Result<Option<School>> {
        Err(not_yet("school"))
    }

    fn school_classes(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<Class>> {
        Err(not_yet("school_classes"))
    }

    fn school_teachers(&self, school: &SchoolCode, year: SchoolYear) -> Result<Vec<(Teacher, TeachingPost)>> {
        Err(not_yet("school_teachers"))
    }

    fn school_students(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(Student, Enrolment)>> {
        Err(not_yet("school_students"))
    }

    fn school_student_count(
        &self,
        school: &SchoolCode,
        year: SchoolYear,
        search: Option<&str>,
    ) -> Result<u64> {
        Err(not_yet("school_student_count"))
    }

    fn latest_placements(&self, kind: PersonKind, people: &[&IdNumber]) -> Result<Vec<Option<Placement>>> {
        Err(not_yet("latest_placements"))
    }

    fn placements_in_year(
        &self,
        kind: PersonKind,
        people: &[(SchoolYear, &IdNumber)],
    ) -> Result<Vec<Option<Placement>>> {
        Err(not_yet("placements_in_year"))
    }

    fn transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>> {
        Err(not_yet("transfers"))
    }

    fn transfer(&self, id: i64) -> Result<Option<TransferRequest>> {
        Err(not_yet("transfer"))
    }

    fn pending_transfers_by(&self, username: &str) -> Result<u64> {
        Err(not_yet("pending_transfers_by"))
    }

    fn summary(&self, year: SchoolYear) -> Result<Vec<SummaryRow>> {
        Err(not_yet("summary"))
    }
}
