#!/usr/bin/env python3
"""Brings each packable project's PublicAPI.Unshipped.txt in line with its code.

The PublicApiAnalyzers report new public symbols (RS0016) and removed ones (RS0017); the exact
line they expect travels in each diagnostic's SARIF properties (APIName). This script builds the
solution with a SARIF error log, adds the missing lines and drops the removed ones. Run it after
changing a public API, then review the diff: every added line is a promise to users.

Usage: python3 eng/update-public-api.py
"""
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlparse, unquote

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
projects = ["src/Distill", "src/Distill.Tokenizers", "src/Distill.Extensions.AI", "src/Distill.Evaluation", "src/Distill.Cli"]

def update(project, directory):
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "build.sarif")
        subprocess.run(
            ["dotnet", "build", directory, "-c", "Release", "--no-incremental",
             f"-p:ErrorLog={log}%2Cversion=2.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if not os.path.exists(log):
            sys.exit(f"no SARIF log for {project}")
        with open(log, encoding="utf-8") as f:
            results = json.load(f)["runs"][0]["results"]
    added, removed = set(), set()
    for r in results:
        props = r.get("properties", {}).get("customProperties", {})
        uri = r.get("locations", [{}])[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
        path = unquote(urlparse(uri).path)
        if r["ruleId"] == "RS0016" and path.startswith(directory + os.sep):
            added.add(props["APIName"])
        elif r["ruleId"] == "RS0017":
            removed.add(props.get("APIName") or r["message"]["text"].split("'")[1])
    unshipped = os.path.join(directory, "PublicAPI.Unshipped.txt")
    with open(unshipped, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    lines = sorted((set(lines) | added) - removed, key=lambda s: s.lower())
    with open(unshipped, "w", encoding="utf-8", newline="\n") as f:
        f.write("#nullable enable\n" + "".join(l + "\n" for l in lines))
    return len(added) + len(removed)


for project in projects:
    directory = os.path.join(root, project)
    if not os.path.isdir(directory):
        continue
    # A record's type and its primary constructor share a location: one is reported per build.
    for _ in range(4):
        changed = update(project, directory)
        print(f"{project}: {changed} line(s) changed")
        if changed == 0:
            break
