"""Print each CI run's counts (from its JUnit XML) and time, then one closing total line."""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 (our own pytest's files)
from pathlib import Path

results, elapsed = Path(sys.argv[1]), int(sys.argv[2])
times = dict(line.split() for line in (results / "times").read_text().splitlines() if line.strip())
total = {"passed": 0, "failed": 0, "skipped": 0}
for label, seconds in times.items():
    path = results / f"{label}.xml"
    if not path.exists():
        print(f"{label:28} no report (the run did not start), {seconds} s")
        total["failed"] += 1
        continue
    suite = ET.parse(path).getroot()  # noqa: S314
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, skipped = int(suite.get("tests")), int(suite.get("skipped"))
    failed = int(suite.get("failures")) + int(suite.get("errors"))
    passed = tests - skipped - failed
    for key, value in (("passed", passed), ("failed", failed), ("skipped", skipped)):
        total[key] += value
    print(f"{label:28} {passed} passed, {failed} failed, {skipped} skipped, {seconds} s")
print(f"CI total time: {elapsed} s")
print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
