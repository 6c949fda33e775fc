-- School-place forecast runs (学位预测), stored whole so that a later year's
-- accuracy is computed from what was forecast, not estimated. `body` is the
-- whole `forecast::Run` as JSON (inputs, scenarios, results, backtest); the
-- other columns list runs without reading it. `scenarios` holds the
-- scenarios' names, one per line. A run is never changed or deleted.
CREATE TABLE forecast_run (
    id        INTEGER PRIMARY KEY,
    label     TEXT NOT NULL,
    -- The maker's clock, as 'YYYY-MM-DDTHH:MM:SS.ffffff'.
    made_at   TEXT NOT NULL,
    made_by   TEXT NOT NULL,
    base_year INTEGER NOT NULL,
    until     INTEGER NOT NULL,
    scenarios TEXT NOT NULL,
    bytes     INTEGER NOT NULL,
    body      TEXT NOT NULL
);
CREATE INDEX forecast_run_made_at ON forecast_run (made_at, id);

CREATE TRIGGER forecast_run_no_update BEFORE UPDATE ON forecast_run
BEGIN
    SELECT RAISE(ABORT, 'forecast_run is immutable: a stored run is never changed');
END;

CREATE TRIGGER forecast_run_no_delete BEFORE DELETE ON forecast_run
BEGIN
    SELECT RAISE(ABORT, 'forecast_run is immutable: a stored run is never deleted');
END;
