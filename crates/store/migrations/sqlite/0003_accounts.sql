-- Accounts of the web application: users, their sessions and failed logins.
-- Times are UTC text in one fixed-width format (`2024-09-01T08:00:00.000Z`),
-- so comparing the text compares the times. The audit log (0001) stays.

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    -- access::Role::code(): city_admin, city_analyst, county_officer, school_officer, public
    role          TEXT NOT NULL,
    -- access::Scope: 'city' (scope_area = 4-digit city), 'county' (6-digit
    -- county), 'school' (scope_school = school code, scope_area = its county).
    scope_kind    TEXT NOT NULL CHECK (scope_kind IN ('city', 'county', 'school')),
    scope_area    TEXT NOT NULL REFERENCES area (code),
    -- No foreign key: regenerating the demo city clears the schools.
    scope_school  TEXT,
    -- argon2id PHC string; never the password.
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((scope_kind = 'school') = (scope_school IS NOT NULL))
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256
-- hash is kept here, so a copy of the database does not let anyone in.
CREATE TABLE session (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Absolute end; the idle limit is checked against last_seen.
    expires_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX session_user ON session (user_id);

-- Failed logins, by the username typed (known or not), for throttling.
CREATE TABLE login_failure (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX login_failure_username_at ON login_failure (username, at);
CREATE INDEX login_failure_at ON login_failure (at);

CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
