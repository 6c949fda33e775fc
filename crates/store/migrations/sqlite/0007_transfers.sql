-- 转学申请 / 调动申请: a row an officer imported for a person whom a school
-- outside the officer's scope held in the latest school year they were held.
-- The row is kept here, unwritten, until the releasing side (that school,
-- its county's officer or the city) approves it — then it is written as the
-- city would import it — or refuses it with a reason. Times are UTC text in
-- the fixed-width format of 0003, so comparing the text compares the times.

CREATE TABLE transfer_request (
    id              INTEGER PRIMARY KEY,
    -- registry::transfer::PersonKind::code(): 'student' or 'teacher'
    kind            TEXT NOT NULL CHECK (kind IN ('student', 'teacher')),
    id_number       TEXT NOT NULL,
    -- The school year and school the row asks for (the receiving side).
    school_year     INTEGER NOT NULL,
    to_school       TEXT NOT NULL,
    to_county       TEXT NOT NULL,
    -- The latest placement when the request was filed (the releasing side).
    from_year       INTEGER NOT NULL,
    from_school     TEXT NOT NULL,
    from_county     TEXT NOT NULL,
    from_stage      TEXT NOT NULL,
    from_grade      INTEGER,         -- students
    -- The row as imported: the person's shared record …
    name            TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_date      TEXT,            -- students
    household_area  TEXT,            -- students
    birth_year      INTEGER,         -- teachers
    -- … and the placement (enrolment or teaching post).
    stage           TEXT NOT NULL,
    grade           INTEGER,         -- students
    class_name      TEXT,            -- students
    migrant_child   INTEGER,         -- students
    boarder         INTEGER,         -- students
    visual_acuity   REAL,            -- students
    myopic          INTEGER,         -- students
    subject         TEXT,            -- teachers
    title           TEXT,            -- teachers
    key_teacher_level TEXT,          -- teachers
    joined_school_year INTEGER,      -- teachers
    qualification   TEXT,            -- teachers
    -- Where it came from: file and row (never personal data).
    source          TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    -- registry::transfer::TransferStatus::code()
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn')),
    decided_by      TEXT,
    decided_at      TEXT,
    reason          TEXT,
    CHECK ((status = 'pending') = (decided_by IS NULL))
);

CREATE INDEX transfer_request_from ON transfer_request (from_county, status, id);
CREATE INDEX transfer_request_to ON transfer_request (to_county, status, id);
-- A person's pending requests (one per receiving school and year).
CREATE INDEX transfer_request_person ON transfer_request (id_number, school_year) WHERE status = 'pending';
-- A class's listed pupils count the pending requests into it.
CREATE INDEX transfer_request_class ON transfer_request (school_year, to_school, grade, class_name)
    WHERE status = 'pending' AND kind = 'student';
