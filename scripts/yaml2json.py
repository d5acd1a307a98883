#!/usr/bin/python3
"""Converts docs/openapi.yaml to the JSON the panel serves at /api/v1/openapi.json."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as src:
    doc = yaml.safe_load(src)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(doc, out, separators=(",", ":"), ensure_ascii=False)
