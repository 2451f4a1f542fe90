"""Accessibility of a page in the real browser, with axe-core (vendored, see vendor/axe-core).

The page's CSP forbids inline scripts, so axe is not added as a <script> tag: its source is
evaluated through the DevTools protocol, which the page's CSP does not govern. Vigie's own
CSP stays on, so the page is checked exactly as users get it.
"""

import json
import re
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe"
BLOCKING = {"serious", "critical"}

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


def violations(page) -> list[dict]:
    """Every axe violation on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN)


def assert_accessible(page, name: str) -> list[dict]:
    """No serious or critical violation; every finding is kept in test-artifacts/axe/."""
    found = violations(page)
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"url": page.url, "violations": found}
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    (REPORTS / f"{slug}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{name} ({page.url}):\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in blocking
    )
    return found
