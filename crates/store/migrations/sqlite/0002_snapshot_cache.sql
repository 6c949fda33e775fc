-- Indicators read a school year as a compact snapshot; building one from
-- the tables takes about a second per year of a full city, so it is cached.
-- Every committed write bumps the revision of the school years it touched
-- (school_year 0 stands for changes to schools, which touch every year), and
-- a cached snapshot is used only while its revisions are current.

CREATE TABLE registry_revision (
    school_year INTEGER PRIMARY KEY,
    revision    INTEGER NOT NULL
);

CREATE TABLE snapshot_cache (
    school_year     INTEGER PRIMARY KEY,
    year_revision   INTEGER NOT NULL,
    school_revision INTEGER NOT NULL,
    data            BLOB NOT NULL
);
