#!/usr/bin/python3
"""Builds the JSON the panel serves at /api/v1/openapi.json.

docs/openapi.yaml is the root document; each area keeps its paths and
schemas in docs/openapi/<area>.yaml (same layout: paths, components), which
are merged in, so the served document names every route.
"""
import glob
import json
import os
import sys

import yaml


def merge(root, part, where):
    for path, item in (part.get("paths") or {}).items():
        if path in root.setdefault("paths", {}):
            sys.exit(f"{where}: path {path} is already defined")
        root["paths"][path] = item
    for kind, items in (part.get("components") or {}).items():
        target = root.setdefault("components", {}).setdefault(kind, {})
        for name, value in items.items():
            if name in target and target[name] != value:
                sys.exit(f"{where}: components.{kind}.{name} differs from the root's")
            target[name] = value
    known = {t["name"] for t in root.get("tags", [])}
    for tag in part.get("tags") or []:
        if tag["name"] not in known:
            root.setdefault("tags", []).append(tag)


def main():
    root_file, out_file = sys.argv[1], sys.argv[2]
    with open(root_file, encoding="utf-8") as src:
        doc = yaml.safe_load(src)
    parts_dir = os.path.join(os.path.dirname(root_file), "openapi")
    for part_file in sorted(glob.glob(os.path.join(parts_dir, "*.yaml"))):
        with open(part_file, encoding="utf-8") as src:
            merge(doc, yaml.safe_load(src) or {}, part_file)
    with open(out_file, "w", encoding="utf-8") as out:
        json.dump(doc, out, separators=(",", ":"), ensure_ascii=False)


main()
