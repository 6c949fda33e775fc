"""The independent checker of `cargo xtask check admission` (issue 16), as
Parcoursup publishes one: the open round of edugov's admission engine
against the Python `matching` package (daffidwilde/matching 1.4.3,
HospitalResident, resident-optimal), instance by instance.

With `--time` (argv[2], the benchmark) the report's "seconds" is what
the benchmark compares: build (`create_from_dictionaries`) + solve, summed
over the instances; it is always reported.

Input (JSON file, argv[1]): {"instances": [{"name": str,
  "residents": {cid: [school, ...]},        # each candidate's open list, eligible schools only
  "hospitals": {school: [cid, ...]},        # exactly the candidates who listed it, in key order
  "capacities": {school: int},              # the open-round seats
  "keys": {cid: [int, ...]},                # the tie-break chain values, higher first
  "priority": {school: [cid, ...]},         # schools ranking some candidates first (may be empty)
  "engine": {cid: school or null}}]}        # the engine's open-round placement

Checks, per instance: every hospital's list is in key order (chain values
non-increasing; candidates in a school's priority group first) and names
exactly the candidates who listed it; `matching`'s resident-optimal
matching equals the engine's placements candidate by candidate; and
`game.check_stability()` is true. Prints one JSON line with the counts and
the first differences; exits 1 on any difference.
"""

import json
import sys
import time
import warnings

from matching.games import HospitalResident


def check_order(inst, problems):
    keys = inst["keys"]
    listed = {}
    for cid, prefs in inst["residents"].items():
        for school in prefs:
            listed.setdefault(school, set()).add(cid)
    for school, prefs in inst["hospitals"].items():
        if set(prefs) != listed.get(school, set()) or len(set(prefs)) != len(prefs):
            problems.append(f"{inst['name']}: school {school} does not list exactly its applicants")
        first = set(inst.get("priority", {}).get(school, []))
        groups = [[c for c in prefs if c in first], [c for c in prefs if c not in first]]
        if groups[0] + groups[1] != prefs:
            problems.append(f"{inst['name']}: school {school} lists a priority candidate after another")
        for group in groups:
            for a, b in zip(group, group[1:]):
                if keys[a] < keys[b]:
                    problems.append(f"{inst['name']}: school {school} lists {a} {keys[a]} before {b} {keys[b]}")
                    break


def solve(inst, timings):
    residents = {c: p for c, p in inst["residents"].items() if p}
    hospitals = {h: p for h, p in inst["hospitals"].items() if p}
    capacities = {h: inst["capacities"][h] for h in hospitals}
    if not residents:
        return {}, True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        game.solve(optimal="resident")
        timings.append(time.perf_counter() - started)
        stable = game.check_stability()
    placed = {}
    for resident in game.residents:
        placed[resident.name] = resident.matching.name if resident.matching is not None else None
    return placed, stable


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    differences, problems, timings = [], [], []
    compared = unstable = candidates = 0
    for inst in data["instances"]:
        check_order(inst, problems)
        placed, stable = solve(inst, timings)
        if not stable:
            unstable += 1
            problems.append(f"{inst['name']}: matching's result is not stable")
        for cid, engine in inst["engine"].items():
            candidates += 1
            theirs = placed.get(cid)
            compared += 1
            if theirs != engine:
                differences.append(f"{inst['name']}: {cid} engine {engine} matching {theirs}")
        for cid in placed:
            if cid not in inst["engine"]:
                differences.append(f"{inst['name']}: {cid} placed by matching only")
    print(json.dumps({
        "instances": len(data["instances"]),
        "candidates": candidates,
        "compared": compared,
        "differences": len(differences),
        "first_differences": differences[:10],
        "problems": len(problems),
        "first_problems": problems[:10],
        "unstable": unstable,
        "seconds": sum(timings),
    }, ensure_ascii=False))
    sys.exit(1 if differences or problems else 0)


if __name__ == "__main__":
    main()
