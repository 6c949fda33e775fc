-- The forecast's history (`ForecastStore::forecast_history`) counts the
-- students of every school year by school, stage and grade. Without this
-- covering index SQLite sorts every enrolment row for the GROUP BY (about
-- 7 s of CPU for the full demo city's 7.7 million rows); with it the count
-- streams in index order (about 1 s). It costs about 24 bytes a row (185 MB
-- at full scale). PostgreSQL aggregates by hash and needs none.
CREATE INDEX enrolment_forecast ON enrolment (school_year, school_id, stage, grade);
