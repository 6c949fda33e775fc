"""An independent re-implementation of 指标到校 quota allocation (issue 16;
algorithms.md A2.1, oracle O7), for `cargo xtask check admission`: the
same quotas as `admission::allocate_quotas`, or the differences.

Exact with fractions.Fraction. For each quota school x: Q = ceil(share_x *
seats_x) (share_x the school's own share if given, else the policy's);
weights w_j = basis_j * rural_factor (if rural) * weak_factor (if weak),
basis = graduates or the junior school's candidates eligible for the quota
round; only w_j > 0 take part; e_j = Q w_j / sum w; floor(e_j) each, the
leftover seats one each to the largest remainders, ties to the larger
weight, then the smaller junior-school code. With area "county" only the
junior schools of the quota school's own county take part.

Input (JSON file, argv[1]): {"cases": [{"name": str,
  "policy": {"form": "reserved"|..., "share": [num, den], "school_shares": {code: [num, den]},
             "basis": "graduates"|"eligible_candidates", "area": "city"|"county",
             "rural_factor": [n, d], "weak_factor": [n, d]},
  "junior": [{"code", "county", "graduates", "eligible", "rural", "weak"}],
  "senior": [{"code", "county", "seats", "quota_school"}],
  "engine": [{"senior": code, "seats": Q, "shares": [[junior code, seats], ...]}]}]}

Prints one JSON line with the counts and first differences; exits 1 on any.
"""

import json
import math
import sys
from fractions import Fraction


def frac(pair):
    return Fraction(pair[0], pair[1])


def apportion(total, weights):
    """weights: [(code, Fraction)] with every weight > 0."""
    s = sum(w for _, w in weights)
    if s == 0:
        return {code: 0 for code, _ in weights}
    exact = {code: total * w / s for code, w in weights}
    seats = {code: math.floor(e) for code, e in exact.items()}
    left = total - sum(seats.values())
    weight = dict(weights)
    order = sorted(exact, key=lambda c: (-(exact[c] - seats[c]), -weight[c], c))
    for code in order[:left]:
        seats[code] += 1
    return seats


def allocate(case):
    policy = case["policy"]
    if policy["form"] != "reserved":
        return []
    out = []
    for senior in case["senior"]:
        if not senior["quota_school"]:
            continue
        share = frac(policy["school_shares"].get(senior["code"], policy["share"]))
        q = math.ceil(share * senior["seats"])
        weights = []
        for j in case["junior"]:
            # "county": only the quota school's own county's junior schools.
            if policy.get("area", "city") == "county" and j["county"] != senior["county"]:
                continue
            base = j["graduates"] if policy["basis"] == "graduates" else j["eligible"]
            w = Fraction(base)
            if j["rural"]:
                w *= frac(policy["rural_factor"])
            if j["weak"]:
                w *= frac(policy["weak_factor"])
            if w > 0:
                weights.append((j["code"], w))
        seats = apportion(q, weights)
        out.append({"senior": senior["code"], "seats": q,
                    "shares": [[code, seats[code]] for code, _ in weights]})
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    differences = []
    schools = shares = 0
    for case in data["cases"]:
        mine = allocate(case)
        theirs = case["engine"]
        if len(mine) != len(theirs):
            differences.append(f"{case['name']}: {len(theirs)} quota schools in edugov, {len(mine)} here")
        for a, b in zip(mine, theirs):
            schools += 1
            shares += len(a["shares"])
            if a["senior"] != b["senior"] or a["seats"] != b["seats"]:
                differences.append(f"{case['name']}: {b['senior']} Q={b['seats']} in edugov, {a['senior']} Q={a['seats']} here")
            elif a["shares"] != b["shares"]:
                mine_by = dict(map(tuple, a["shares"]))
                theirs_by = dict(map(tuple, b["shares"]))
                for code in sorted(set(mine_by) | set(theirs_by)):
                    if mine_by.get(code) != theirs_by.get(code):
                        differences.append(f"{case['name']}: {a['senior']} junior {code}: edugov {theirs_by.get(code)} here {mine_by.get(code)}")
                        break
    print(json.dumps({
        "cases": len(data["cases"]),
        "quota_schools": schools,
        "shares": shares,
        "differences": len(differences),
        "first_differences": differences[:10],
    }, ensure_ascii=False))
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
