"""open-sdg's progress measure for a series with a quantitative target,
written from its published methodology (open-sdg `docs/progress-methodology.md`,
Statistics Canada after Eurostat; shared/design/anchors-planning.md A3), as
the independent side of `cargo xtask bench plans`' cross-check.

The `sdg-build` package that ships open-sdg's own `ProgressMeasure.py` is
not on PyPI (it installs from its repository), so this file is the oracle:
plain Python floats, no numpy, nothing shared with edugov's Rust.

The rules, as the methodology states them:

* CAGR_i = (y_i / y_0) ** (1 / (t_i - t_0)) - 1, observed growth since the
  base year; CAGR_T = (y_T / y_0) ** (1 / (t_T - t_0)) - 1, the growth needed
  to reach the target in its year.
* R = d * CAGR_i / |CAGR_T| with d = +1 when up is good, -1 when down is
  good, and the desired direction flipped when the values are negative.
* Target achieved (the current value at or beyond the target in the desired
  direction) whatever R says; else R >= 0.95 on track ("substantial"),
  0.60 <= R < 0.95 acceleration needed ("moderate"), 0 <= R < 0.60 limited,
  R < 0 deterioration.
* A zero target or a zero base is replaced by 0.001 ("As an exponential
  model, it cannot handle cases where either the base value or the target
  is zero").
* "Unable to assess" without two years of data, or when the values are not
  all positive or all negative (the base, the current value and the target
  after the replacements). A target year not after the base year leaves
  CAGR_T undefined: unable to assess too (the methodology does not name
  this case; sdg-build divides by zero there).

Usage: python3 open_sdg_progress.py CASES.csv RESULTS.csv
CASES.csv columns: base_year,base,current_year,current,target_year,target,better
(better = higher | lower). RESULTS.csv: one line per case, `status,R` with R
written by repr() (round-trips exactly) or empty. Prints one JSON line with
the seconds the assessments took (reading and writing the files excluded).
"""

import csv
import json
import math
import sys
import time

ZERO_SUBSTITUTE = 0.001
HIGH = 0.95
MEDIUM = 0.60
LOW = 0.0


def growth(value, base, year, base_year):
    """Compound annual growth rate from (base_year, base) to (year, value)."""
    return (value / base) ** (1.0 / (year - base_year)) - 1.0


def assess(base_year, base, current_year, current, target_year, target, direction):
    """(status, R) of one series; R is None when the status does not rest on it."""
    if current_year - base_year < 1:
        return "unable_to_assess", None
    if target_year - base_year < 1:
        return "unable_to_assess", None
    y0 = ZERO_SUBSTITUTE if base == 0 else base
    yt = ZERO_SUBSTITUTE if target == 0 else target
    if (y0 > 0 and (current < 0 or yt < 0)) or (y0 < 0 and (current > 0 or yt > 0)):
        return "unable_to_assess", None
    # Negative series: the desired direction is flipped.
    d = direction * (-1 if y0 < 0 else 1)
    if (direction == 1 and current >= target) or (direction == -1 and current <= target):
        return "target_achieved", None
    observed = growth(current, y0, current_year, base_year)
    required = growth(yt, y0, target_year, base_year)
    numerator = d * observed
    if required == 0:
        # The base is already on the target and the series left it: R is
        # ±infinity (or undefined when it did not move, which cannot reach
        # here: not moving keeps the target achieved).
        r = math.copysign(math.inf, numerator) if numerator != 0 else math.nan
    else:
        r = numerator / abs(required)
    if r >= HIGH:
        status = "substantial_progress"
    elif r >= MEDIUM:
        status = "moderate_progress"
    elif r >= LOW:
        status = "limited_progress"
    elif r < LOW:
        status = "deterioration"
    else:
        status = "unable_to_assess"
    return status, (r if math.isfinite(r) else None)


def main():
    cases_path, results_path = sys.argv[1], sys.argv[2]
    with open(cases_path, newline="") as f:
        rows = list(csv.DictReader(f))
    cases = [
        (
            int(r["base_year"]),
            float(r["base"]),
            int(r["current_year"]),
            float(r["current"]),
            int(r["target_year"]),
            float(r["target"]),
            1 if r["better"] == "higher" else -1,
        )
        for r in rows
    ]
    start = time.perf_counter()
    results = [assess(*c) for c in cases]
    seconds = time.perf_counter() - start
    with open(results_path, "w") as f:
        for status, r in results:
            f.write(f"{status},{'' if r is None else repr(r)}\n")
    print(json.dumps({"seconds": seconds, "cases": len(cases)}))


if __name__ == "__main__":
    main()
