//! 学校: one row per school (not per year), with its stages, seats and place.

use std::fmt::Write as _;

use registry::{School, Stage};

use super::{opt, req};
use crate::cells::flag_label;
use crate::entity::Field;

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
