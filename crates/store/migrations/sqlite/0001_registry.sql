-- The registry: areas, schools, classes, students, teachers and population,
-- by school year. Enumerations are stored as their glossary codes
-- ('primary', 'public', …) so the SQL reads like the glossary and stays
-- portable to PostgreSQL.

CREATE TABLE area (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES area (code),
    kind        TEXT NOT NULL
);
CREATE INDEX area_parent ON area (parent_code);

CREATE TABLE school (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    county_code    TEXT NOT NULL REFERENCES area (code),
    township_code  TEXT REFERENCES area (code),
    ownership      TEXT NOT NULL,
    inclusive      INTEGER NOT NULL,
    quality_rating TEXT NOT NULL,
    location       TEXT NOT NULL,
    school_group   TEXT,
    longitude      REAL,
    latitude       REAL
);
CREATE INDEX school_county ON school (county_code);

-- One row per stage a school serves, with its seats (学位).
CREATE TABLE school_stage (
    school_id INTEGER NOT NULL REFERENCES school (id),
    stage     TEXT NOT NULL,
    seats     INTEGER NOT NULL,
    PRIMARY KEY (school_id, stage)
) WITHOUT ROWID;

CREATE TABLE school_facility (
    school_year           INTEGER NOT NULL,
    school_id             INTEGER NOT NULL REFERENCES school (id),
    teaching_floor_area   REAL NOT NULL,
    sports_ground_area    REAL NOT NULL,
    equipment_value       REAL NOT NULL,
    multimedia_classrooms INTEGER NOT NULL,
    PRIMARY KEY (school_year, school_id)
) WITHOUT ROWID;

CREATE TABLE class (
    id          INTEGER PRIMARY KEY,
    school_year INTEGER NOT NULL,
    school_id   INTEGER NOT NULL REFERENCES school (id),
    stage       TEXT NOT NULL,
    grade       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    UNIQUE (school_year, school_id, grade, name)
);

-- The person; identity number and name are personal data.
CREATE TABLE student (
    id             INTEGER PRIMARY KEY,
    id_number      TEXT NOT NULL,
    name           TEXT NOT NULL,
    sex            TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    household_area TEXT NOT NULL
);
CREATE UNIQUE INDEX student_id_number ON student (id_number);

-- 学籍: one row per student and school year.
CREATE TABLE enrolment (
    school_year   INTEGER NOT NULL,
    student_id    INTEGER NOT NULL REFERENCES student (id),
    school_id     INTEGER NOT NULL REFERENCES school (id),
    class_id      INTEGER REFERENCES class (id),
    stage         TEXT NOT NULL,
    grade         INTEGER NOT NULL,
    migrant_child INTEGER NOT NULL,
    boarder       INTEGER NOT NULL,
    visual_acuity REAL,
    myopic        INTEGER,
    PRIMARY KEY (school_year, student_id)
) WITHOUT ROWID;
CREATE INDEX enrolment_class ON enrolment (class_id);

CREATE TABLE teacher (
    id         INTEGER PRIMARY KEY,
    id_number  TEXT NOT NULL,
    name       TEXT NOT NULL,
    sex        TEXT NOT NULL,
    birth_year INTEGER NOT NULL
);
CREATE UNIQUE INDEX teacher_id_number ON teacher (id_number);

CREATE TABLE teaching_post (
    school_year        INTEGER NOT NULL,
    teacher_id         INTEGER NOT NULL REFERENCES teacher (id),
    school_id          INTEGER NOT NULL REFERENCES school (id),
    stage              TEXT NOT NULL,
    subject            TEXT NOT NULL,
    title              TEXT NOT NULL,
    key_teacher_level  TEXT NOT NULL,
    joined_school_year INTEGER NOT NULL,
    qualification      TEXT NOT NULL,
    PRIMARY KEY (school_year, teacher_id)
) WITHOUT ROWID;

CREATE TABLE population (
    school_year   INTEGER NOT NULL,
    township_code TEXT NOT NULL REFERENCES area (code),
    age           INTEGER NOT NULL,
    children      INTEGER NOT NULL,
    PRIMARY KEY (school_year, township_code, age)
) WITHOUT ROWID;

CREATE TABLE births (
    year        INTEGER NOT NULL,
    county_code TEXT NOT NULL REFERENCES area (code),
    births      INTEGER NOT NULL,
    PRIMARY KEY (year, county_code)
) WITHOUT ROWID;

-- Every change and every view of unmasked personal data, with who did it.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
