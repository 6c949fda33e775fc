"""The peer of `cargo xtask bench forecast`: the same cohort-component +
grade-progression arithmetic as crates/forecast, as a planner would write it
with numpy (vectorised over counties), on the same province-sized input.

Input (JSON file, argv[1]): years, base, until, birth_years, births [C][nb],
population [C][Y][19], enrolment [C][Y][2][15], survival [18], first_year,
averaging ("mean", "weighted" or "last"), averaging_years, scenarios [{rate: float or null, factor: float,
migration_years: int}]. The engine's rules, as in crates/forecast:

- age 0 on 31 August of Y = s_b * ((4/12) B(Y-1) + (8/12) B(Y)) + M(0);
  P(a+1, t+1) = s_a P(a, t) + M(a+1) (end of period); negatives become 0;
- M = the mean of the last n residuals P(a+1,t+1) - s_a P(a,t) (age 0:
  against the cut-off births) times the factor; 0 at ages never filled;
- future births: the last observed, or it times (1 + rate)^k;
- entry rates (小班 at 3, grade 1 at 6, grade 7 at 12) = students / population,
  GPR_g = E(g+1,t+1)/E(g,t), transition = grade 10 (t+1) / both sectors'
  grade 9 (t): each averaged over the last n valid values (denominator > 0),
  plain, weighted 1..n (latest heaviest) or the last, per sector;
- migration ×factor also scales each progression ratio's distance from 1:
  GPR' = 1 + factor (GPR - 1) (entry grades and the transition untouched).

Prints one JSON line: {"seconds": best compute time of the five scenarios,
"load_seconds": reading the input, "demand": [S][C][T][4][2]}.
"""

import json
import sys
import time

import numpy as np

AGE_ENTRIES = [(0, 3), (3, 6), (9, 12)]
SENIOR_ENTRY = 12
JUNIOR_LAST = 11
STAGES = [(0, 3), (3, 9), (9, 12), (12, 15)]


def last_n_mean(values, valid, n, averaging="mean"):
    """Average of the last n valid values along the last axis (0 when none):
    plain, weighted 1..k (latest heaviest, k the values taken) or the last."""
    if averaging == "last":
        n = 1
    rank = np.cumsum(valid[..., ::-1], axis=-1)[..., ::-1]
    chosen = valid & (rank <= n)
    count = chosen.sum(axis=-1, keepdims=True)
    if averaging == "weighted":
        weight = np.where(chosen, count - rank + 1, 0).astype(float)
    else:
        weight = chosen.astype(float)
    total = np.where(chosen, weight * np.where(chosen, values, 0.0), 0.0).sum(axis=-1)
    weights = weight.sum(axis=-1)
    return np.where(weights > 0, total / np.maximum(weights, 1e-300), 0.0)


def project(data, arrays, scenario):
    births, pop, enrol, surv, s_b = arrays
    years = data["years"]
    base, until = data["base"], data["until"]
    birth_years = data["birth_years"]
    n = data["averaging_years"]
    av = data.get("averaging", "mean")
    counties = pop.shape[0]

    # Births: observed, then the scenario's.
    last_year = birth_years[-1]
    last = births[:, -1]
    future = {}
    for i, y in enumerate(birth_years):
        future[y] = births[:, i]
    for y in range(last_year + 1, until + 1):
        rate = scenario["rate"]
        future[y] = last if rate is None else last * (1.0 + rate) ** (y - last_year)

    def cutoff(y):
        return (4.0 / 12.0) * future[y - 1] + (8.0 / 12.0) * future[y]

    # Migration: residuals of the last m transitions (years are consecutive).
    m_years = scenario["migration_years"]
    residuals = []
    for t in range(len(years) - 1, 0, -1):
        if len(residuals) >= m_years:
            break
        frm, to = pop[:, t - 1], pop[:, t]
        r = np.empty_like(to)
        r[:, 0] = to[:, 0] - s_b * cutoff(years[t])
        r[:, 1:] = to[:, 1:] - surv * frm[:, :-1]
        residuals.append(r)
    filled = (pop != 0.0).any(axis=1)
    mig = np.zeros((counties, 19))
    if residuals:
        total = np.zeros((counties, 19))
        for r in residuals:
            total += r
        mig = np.where(filled, scenario["factor"] * total / len(residuals), 0.0)

    # Rates per county and sector.
    prev, nxt = enrol[:, :-1], enrol[:, 1:]  # [C][W][2][15]
    gpr = np.zeros((counties, 2, 15))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = nxt[..., 1:] / prev[..., :-1]
        valid = prev[..., :-1] > 0.0
        gpr[..., 1:] = last_n_mean(np.moveaxis(ratio, 1, -1), np.moveaxis(valid, 1, -1), n, av)
        entry = np.zeros((counties, 2, 3))
        for k, (index, age) in enumerate(AGE_ENTRIES):
            p = pop[:, :, age][:, :, None]  # [C][Y][1]
            v = enrol[:, :, :, index] / p
            entry[:, :, k] = last_n_mean(
                np.moveaxis(v, 1, -1), np.moveaxis(np.broadcast_to(p > 0.0, v.shape), 1, -1), n, av
            )
        nine = (prev[:, :, 0, JUNIOR_LAST] + prev[:, :, 1, JUNIOR_LAST])[:, :, None]
        tr_v = nxt[:, :, :, SENIOR_ENTRY] / nine
        transition = last_n_mean(
            np.moveaxis(tr_v, 1, -1), np.moveaxis(np.broadcast_to(nine > 0.0, tr_v.shape), 1, -1), n, av
        )
    gpr = np.nan_to_num(gpr)
    # The scenario's migration factor on the ratios' distance from 1.
    factor = scenario["factor"]
    gpr = np.where(gpr > 0.0, np.maximum(1.0 + factor * (gpr - 1.0), 0.0), gpr)
    entry = np.nan_to_num(entry)
    transition = np.nan_to_num(transition)

    # Project.
    p = pop[:, -1].copy()
    e = enrol[:, -1].copy()
    out = np.zeros((counties, until - base, 4, 2))
    for k, y in enumerate(range(base + 1, until + 1)):
        q = np.empty_like(p)
        q[:, 0] = s_b * cutoff(y) + mig[:, 0]
        q[:, 1:] = surv * p[:, :-1] + mig[:, 1:]
        p = np.maximum(q, 0.0)
        nine = e[:, 0, JUNIOR_LAST] + e[:, 1, JUNIOR_LAST]
        f = np.zeros_like(e)
        f[:, :, 1:] = gpr[:, :, 1:] * e[:, :, :-1]
        for j, (index, age) in enumerate(AGE_ENTRIES):
            f[:, :, index] = entry[:, :, j] * p[:, age][:, None]
        f[:, :, SENIOR_ENTRY] = transition * nine[:, None]
        e = f
        for s, (lo, hi) in enumerate(STAGES):
            out[:, k, s, :] = e[:, :, lo:hi].sum(axis=-1)
    return out


def main():
    t0 = time.perf_counter()
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    arrays = (
        np.array(data["births"], dtype=float),
        np.array(data["population"], dtype=float),
        np.array(data["enrolment"], dtype=float),
        np.array(data["survival"], dtype=float),
        float(data["first_year"]),
    )
    load = time.perf_counter() - t0
    best = None
    results = None
    for _ in range(int(data.get("repeats", 5))):
        t = time.perf_counter()
        results = [project(data, arrays, s) for s in data["scenarios"]]
        took = time.perf_counter() - t
        best = took if best is None else min(best, took)
    demand = [r.tolist() for r in results]
    print(json.dumps({"seconds": best, "load_seconds": load, "demand": demand}))


if __name__ == "__main__":
    main()
