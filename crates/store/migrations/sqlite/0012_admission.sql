-- High-school admission (中考招生, issue 16): a year's inputs as immutable
-- versions, the schools' sign-offs of a version, and runs on a version.
-- Bodies are JSON (`admission::Inputs`, `admission::Policy`,
-- `admission::Outcome`); the other columns list them without reading the
-- bodies. `schools` holds the version's school codes (junior and senior),
-- one per line, so that a sign-off is checked against them without the
-- body. Nothing here is ever changed or deleted: a correction is a new
-- version pointing at the one it corrects (`previous`), a re-run a new run.
CREATE TABLE admission_inputs (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    label          TEXT NOT NULL,
    previous       INTEGER REFERENCES admission_inputs (id),
    -- The maker's clock, as 'YYYY-MM-DDTHH:MM:SS.ffffff'.
    made_at        TEXT NOT NULL,
    made_by        TEXT NOT NULL,
    candidates     INTEGER NOT NULL,
    senior_schools INTEGER NOT NULL,
    junior_schools INTEGER NOT NULL,
    schools        TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    body           TEXT NOT NULL
);
CREATE INDEX admission_inputs_made_at ON admission_inputs (made_at, id);

CREATE TABLE admission_sign_off (
    inputs    INTEGER NOT NULL REFERENCES admission_inputs (id),
    school    TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    note      TEXT NOT NULL,
    -- One sign-off per school and version.
    PRIMARY KEY (inputs, school)
);

CREATE TABLE admission_run (
    id          INTEGER PRIMARY KEY,
    inputs      INTEGER NOT NULL REFERENCES admission_inputs (id),
    year        INTEGER NOT NULL,
    label       TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    previous    INTEGER REFERENCES admission_run (id),
    made_at     TEXT NOT NULL,
    made_by     TEXT NOT NULL,
    candidates  INTEGER NOT NULL,
    placed      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    policy      TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX admission_run_made_at ON admission_run (made_at, id);

CREATE TRIGGER admission_inputs_no_update BEFORE UPDATE ON admission_inputs
BEGIN
    SELECT RAISE(ABORT, 'admission_inputs is immutable: a correction is a new version');
END;
CREATE TRIGGER admission_inputs_no_delete BEFORE DELETE ON admission_inputs
BEGIN
    SELECT RAISE(ABORT, 'admission_inputs is immutable: a stored version is never deleted');
END;
CREATE TRIGGER admission_sign_off_no_update BEFORE UPDATE ON admission_sign_off
BEGIN
    SELECT RAISE(ABORT, 'admission_sign_off is immutable: a sign-off is never changed');
END;
CREATE TRIGGER admission_sign_off_no_delete BEFORE DELETE ON admission_sign_off
BEGIN
    SELECT RAISE(ABORT, 'admission_sign_off is immutable: a sign-off is never deleted');
END;
CREATE TRIGGER admission_run_no_update BEFORE UPDATE ON admission_run
BEGIN
    SELECT RAISE(ABORT, 'admission_run is immutable: a re-run is a new run');
END;
CREATE TRIGGER admission_run_no_delete BEFORE DELETE ON admission_run
BEGIN
    SELECT RAISE(ABORT, 'admission_run is immutable: a stored run is never deleted');
END;
