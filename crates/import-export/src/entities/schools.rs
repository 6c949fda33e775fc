//! 学校: one row per school (not per year), with its stages, seats and place.

use std::fmt::Write as _;

use registry::{AreaLevel, Location, Ownership, QualityRating, School, SchoolCode, Stage};

use super::{opt, req};
use crate::cells::{self, flag_label};
use crate::entity::Field;
use crate::prepare::{area, flag, text_field, Cells};
use crate::validate::{coordinate, parse_stages, school_key, stage_set, Loc, SchoolEntry, Validator};

column_table! {
    SchoolCode => req(Field::SchoolCode),
    SchoolName => req(Field::SchoolName),
    County => req(Field::County),
    Township => opt(Field::Township),
    Stages => req(Field::Stages),
    Ownership => req(Field::Ownership),
    Inclusive => opt(Field::Inclusive),
    QualityRating => opt(Field::QualityRating),
    Location => req(Field::Location),
    SeatsPreschool => opt(Field::SeatsPreschool),
    SeatsPrimary => opt(Field::SeatsPrimary),
    SeatsJunior => opt(Field::SeatsJunior),
    SeatsSenior => opt(Field::SeatsSenior),
    SeatsVocational => opt(Field::SeatsVocational),
    SeatsSpecial => opt(Field::SeatsSpecial),
    SchoolGroup => opt(Field::SchoolGroup),
    Longitude => opt(Field::Longitude),
    Latitude => opt(Field::Latitude),
}

/// Writes one cell of the export.
pub(crate) fn write(s: &School, col: Col, cell: &mut String) {
    let seats = |stage: Stage, cell: &mut String| {
        if s.serves(stage) {
            write!(cell, "{}", s.seats_for(stage))
        } else {
            Ok(())
        }
    };
    let _ = match col {
        Col::SchoolCode => write!(cell, "{}", s.code),
        Col::SchoolName => write!(cell, "{}", s.name),
        Col::County => write!(cell, "{}", s.county),
        Col::Township => match &s.township {
            Some(t) => write!(cell, "{t}"),
            None => Ok(()),
        },
        Col::Stages => {
            let labels: Vec<&str> = s.stages.iter().map(|st| st.label_zh()).collect();
            write!(cell, "{}", labels.join("、"))
        }
        Col::Ownership => write!(cell, "{}", s.ownership.label_zh()),
        Col::Inclusive => write!(cell, "{}", flag_label(s.inclusive)),
        Col::QualityRating => write!(cell, "{}", s.quality_rating.label_zh()),
        Col::Location => write!(cell, "{}", s.location.label_zh()),
        Col::SeatsPreschool => seats(Stage::Preschool, cell),
        Col::SeatsPrimary => seats(Stage::Primary, cell),
        Col::SeatsJunior => seats(Stage::Junior, cell),
        Col::SeatsSenior => seats(Stage::Senior, cell),
        Col::SeatsVocational => seats(Stage::Vocational, cell),
        Col::SeatsSpecial => seats(Stage::Special, cell),
        Col::SchoolGroup => write!(cell, "{}", s.school_group.as_deref().unwrap_or_default()),
        Col::Longitude => match s.longitude {
            Some(v) => write!(cell, "{v}"),
            None => Ok(()),
        },
        Col::Latitude => match s.latitude {
            Some(v) => write!(cell, "{v}"),
            None => Ok(()),
        },
    };
}

// ---- import: one row into registry types ------------------------------------

impl Validator<'_> {
    /// Reads one 学校 row into the import's change set, or records every
    /// reason it cannot be (checked against the store and the rest of the import).
    pub(crate) fn school(&mut self, cells: &mut Cells<'_>, loc: Loc) {
        let code = cells.required(Field::SchoolCode, |t| SchoolCode::parse(t).map_err(|e| e.0));
        let name = cells.required(Field::SchoolName, |t| text_field(t, 100));
        let lookup = self.lookup;
        let county = cells.required(Field::County, |t| area(lookup, t, AreaLevel::County));
        let township = cells.optional(Field::Township, |t| area(lookup, t, AreaLevel::Township));
        let stages = cells.required(Field::Stages, parse_stages);
        let ownership = cells.required(Field::Ownership, |t| Ownership::parse(t).map_err(|e| e.0));
        let inclusive = cells.optional(Field::Inclusive, flag);
        let rating = cells.optional(Field::QualityRating, |t| QualityRating::parse(t).map_err(|e| e.0));
        let location = cells.required(Field::Location, |t| Location::parse(t).map_err(|e| e.0));
        let school_group = cells.optional(Field::SchoolGroup, |t| text_field(t, 100));
        let longitude = cells.optional(Field::Longitude, |t| coordinate(t, 73.0, 136.0, "经度"));
        let latitude = cells.optional(Field::Latitude, |t| coordinate(t, 3.0, 54.0, "纬度"));
        let seat_fields = [
            (Stage::Preschool, Field::SeatsPreschool),
            (Stage::Primary, Field::SeatsPrimary),
            (Stage::Junior, Field::SeatsJunior),
            (Stage::Senior, Field::SeatsSenior),
            (Stage::Vocational, Field::SeatsVocational),
            (Stage::Special, Field::SeatsSpecial),
        ];
        let mut seats = Vec::new();
        let mut seats_ok = true;
        for (stage, field) in seat_fields {
            match cells.optional(field, cells::parse_count) {
                Ok(Some(n)) => match &stages {
                    Some(served) if served.contains(&stage) => seats.push((stage, n)),
                    Some(_) if n > 0 => {
                        cells.fail(field, format!("学校未开设{}学段，不应填写学位", stage.label_zh()));
                        seats_ok = false;
                    }
                    _ => {}
                },
                Ok(None) => {}
                Err(()) => seats_ok = false,
            }
        }
        if let (Some(county), Ok(Some(township))) = (&county, &township) {
            if !township.is_within(county) {
                cells.fail(
                    Field::Township,
                    format!("乡镇街道 {township} 不属于所在区县 {county}"),
                );
            }
        }
        let Some(code) = code else { return };
        let Some(key) = school_key(&code) else { return };
        if let Some(first) = self.schools.get(&key).and_then(|entry| entry.row) {
            self.duplicate_rows(cells, loc, first, true, Field::SchoolCode, "学校标识码");
            return;
        }
        let (
            Some(name),
            Some(county),
            Ok(township),
            Some(stages),
            Some(ownership),
            Ok(inclusive),
            Ok(rating),
        ) = (name, county, township, stages, ownership, inclusive, rating)
        else {
            return;
        };
        let (Some(location), Ok(school_group), Ok(longitude), Ok(latitude), true) =
            (location, school_group, longitude, latitude, seats_ok)
        else {
            return;
        };
        if let Some(scope) = self.scope {
            let stored = self.lookup.schools.get(&code).map(|info| &info.county);
            if let Some(message) = scope.school_refusal(&code, &county, stored) {
                cells.fail(Field::SchoolCode, message);
                return;
            }
        }
        for stage in &stages {
            if !seats.iter().any(|(s, _)| s == stage) {
                seats.push((*stage, 0));
            }
        }
        self.schools.insert(
            key,
            SchoolEntry {
                stages: stage_set(&stages),
                in_scope: true,
                row: Some(loc),
            },
        );
        self.changes.schools.push(School {
            code,
            name,
            county,
            township,
            stages,
            ownership,
            inclusive: inclusive.unwrap_or(false),
            quality_rating: rating.unwrap_or(QualityRating::Unrated),
            location,
            seats,
            school_group,
            longitude,
            latitude,
        });
    }
}
