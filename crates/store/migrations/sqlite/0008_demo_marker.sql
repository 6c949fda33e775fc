-- Whether the registry holds the synthetic demo city (演示数据，非官方统计):
-- one row while it does. Written by `edugov demo` (and `serve --demo`) in the
-- transaction that writes the demo's last school year, so it exists if and
-- only if the whole city was written; removed when the registry is cleared.
-- A real import into a demo database leaves it: most of the data is still
-- synthetic, and the server keeps saying so until the registry is cleared.
CREATE TABLE demo_marker (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    marked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A database filled with the demo city before this migration: its audit log
-- says the demo was generated, and the registry still holds schools.
INSERT INTO demo_marker (id)
SELECT 1 WHERE EXISTS (SELECT 1 FROM audit_log WHERE action = 'demo')
           AND EXISTS (SELECT 1 FROM school);
