-- Work plans and supervision (crates/plans, store::PlanStore): a bureau's
-- plan for a year, its tasks with their measure, the counties answerable
-- for each, every task's append-only history, progress reports with their
-- evidence documents, and construction projects. Enumerations are stored as
-- their codes (plans::TaskSource::code(), registry::Stage::code(), …); times
-- are UTC text in the fixed-width format of 0003, dates `YYYY-MM-DD`.

CREATE TABLE work_plan (
    id    INTEGER PRIMARY KEY,
    -- The bureau's city (4-digit area code).
    city  TEXT NOT NULL REFERENCES area (code),
    year  INTEGER NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (city, year)
);

CREATE TABLE task (
    id            INTEGER PRIMARY KEY,
    plan          INTEGER NOT NULL REFERENCES work_plan (id),
    -- Order within the plan, and the section it stands in.
    position      INTEGER NOT NULL,
    section       TEXT NOT NULL,
    -- 序号, unique within the plan: a plan saved again matches tasks by it.
    seq           TEXT NOT NULL,
    text          TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('annual_priority', 'meeting_decision',
                      'leader_instruction', 'higher_document', 'major_project', 'proposal')),
    leader        TEXT NOT NULL,
    lead_unit     TEXT NOT NULL,
    -- 责任（协同）单位, one per line.
    co_units      TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    -- The measure (plans::Measure): its kind, then the columns of that kind.
    measure       TEXT NOT NULL CHECK (measure IN ('indicator', 'count', 'milestone')),
    indicator     TEXT,
    -- The indicator's stage, or the stage of what is counted.
    stage         TEXT,
    baseline_year INTEGER,
    baseline      REAL,
    target        REAL,
    target_year   INTEGER,
    better        TEXT CHECK (better IN ('higher', 'lower')),
    counted       TEXT CHECK (counted IN ('projects_started', 'projects_completed',
                      'seats_delivered', 'reported')),
    counted_unit  TEXT,
    UNIQUE (plan, seq),
    CHECK ((measure = 'indicator') = (indicator IS NOT NULL AND baseline_year IS NOT NULL
            AND target IS NOT NULL AND target_year IS NOT NULL AND better IS NOT NULL)),
    CHECK ((measure = 'count') = (counted IS NOT NULL AND target IS NOT NULL)),
    CHECK ((counted = 'reported') = (counted_unit IS NOT NULL))
);
CREATE INDEX task_plan ON task (plan, position);

-- The counties answerable for a task, in the plan's order, each with its
-- share of a count.
CREATE TABLE task_county (
    task     INTEGER NOT NULL REFERENCES task (id),
    position INTEGER NOT NULL,
    county   TEXT NOT NULL REFERENCES area (code),
    share    REAL,
    PRIMARY KEY (task, county)
) WITHOUT ROWID;

-- Evidence documents (佐证材料), their bytes in the database: a backup or a
-- copy carries them with the reports they prove. sha256 is the bytes' hash
-- in lowercase hex, computed by the store.
CREATE TABLE evidence_document (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('pdf', 'docx', 'xlsx', 'ofd')),
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    at          TEXT NOT NULL,
    CHECK (size = length(bytes))
);

-- Progress reports: one per task, reporting county (NULL: the lead unit)
-- and period — a returned report is corrected in place, keeping its id.
CREATE TABLE progress_report (
    id          INTEGER PRIMARY KEY,
    task        INTEGER NOT NULL REFERENCES task (id),
    county      TEXT REFERENCES area (code),
    period      TEXT NOT NULL,
    text        TEXT NOT NULL,
    value       REAL,
    reporter    TEXT NOT NULL,
    filed_at    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted')),
    reviewer    TEXT,
    reviewed_at TEXT,
    reason      TEXT,
    CHECK ((status = 'submitted') = (reviewer IS NULL))
);
-- The lead unit's reports have no county: NULLs would be distinct in a
-- plain UNIQUE, so the key is on the county with NULL as ''.
CREATE UNIQUE INDEX progress_report_key ON progress_report (task, coalesce(county, ''), period);

CREATE TABLE report_document (
    report   INTEGER NOT NULL REFERENCES progress_report (id),
    document INTEGER NOT NULL REFERENCES evidence_document (id),
    PRIMARY KEY (report, document)
) WITHOUT ROWID;

-- Every task's history (督办): append-only — the triggers below refuse any
-- UPDATE or DELETE, so what was done, by whom and when, stays as written.
CREATE TABLE task_event (
    id        INTEGER PRIMARY KEY,
    task      INTEGER NOT NULL REFERENCES task (id),
    county    TEXT REFERENCES area (code),
    kind      TEXT NOT NULL CHECK (kind IN ('assigned', 'edited', 'reported', 'returned',
                  'accepted', 'escalated', 'listed', 'unlisted', 'extension_requested',
                  'extension_granted', 'extension_refused', 'verified', 'closed_out')),
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    note      TEXT NOT NULL,
    due       TEXT,
    report    INTEGER REFERENCES progress_report (id)
);
CREATE INDEX task_event_task ON task_event (task, id);

CREATE TRIGGER task_event_no_update BEFORE UPDATE ON task_event
BEGIN
    SELECT RAISE(ABORT, 'task_event is append-only: an event is never changed');
END;

CREATE TRIGGER task_event_no_delete BEFORE DELETE ON task_event
BEGIN
    SELECT RAISE(ABORT, 'task_event is append-only: an event is never deleted');
END;

-- Construction projects (建设项目), by 项目编号. `school` is the registry's
-- school code as text (a project may name a school before it is built, by
-- `planned_school`); the seats of a project put into use were added to that
-- school's `school_stage.seats` when its in_use date was first stored.
CREATE TABLE construction_project (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('new', 'rebuild', 'expand')),
    school             TEXT,
    planned_school     TEXT,
    site               TEXT,
    county             TEXT NOT NULL REFERENCES area (code),
    stage              TEXT NOT NULL,
    seats              INTEGER NOT NULL CHECK (seats >= 0),
    floor_area         REAL NOT NULL,
    investment         REAL NOT NULL,
    planned_start      TEXT,
    actual_start       TEXT,
    planned_completion TEXT,
    actual_completion  TEXT,
    in_use             TEXT
);
