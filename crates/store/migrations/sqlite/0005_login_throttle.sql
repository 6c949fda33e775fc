-- Failed logins are throttled by client address as well as by username, with
-- growing delays instead of a lock of the account (issue 10, point 6): the
-- client is the address the web server saw (an IPv6 client by its /64), or ''
-- for failures recorded before this migration.
ALTER TABLE login_failure ADD COLUMN client TEXT NOT NULL DEFAULT '';

CREATE INDEX login_failure_client_at ON login_failure (client, at);
CREATE INDEX login_failure_username_client_at ON login_failure (username, client, at);
