"""What every page reached in a browser test must satisfy: layout rules and axe-core.

``assert_layout(page)``: no page-level horizontal scroll; record values (card fields, report and
correction tables) inside the viewport; no word of Latin letters or digits split across two
lines anywhere on the page (labels may wrap between words, values stay readable); short labels
(menu entries, the language switch, tabs, buttons) on one line.

``assert_accessible(page)``: axe-core (the copy pinned in axe-playwright-python, no npm needed)
finds no critical or serious violation. Every result is appended to ``AXE_LOG`` when that
environment variable names a file, so a run can be summarised.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

RECORD_VALUES = ", ".join(
    [
        ".record-fields dd",
        ".report-table td",
        ".current-values td",
        ".events-table td",
        ".account-facts dd",
        ".report-code",
    ]
)
ONE_LINE = ", ".join(
    [
        ".site-navbar .nav-link",
        ".lang-switch-button",
        ".archive-nav a",
        ".archive-tabs .nav-link",
        ".site-brand",
        ".btn",
    ]
)

LAYOUT_SCRIPT = (Path(__file__).with_name("layout.js")).read_text(encoding="utf-8")

_axe = Axe()


def layout_problems(page: Page) -> list[str]:
    # Judged once the page has loaded (styles, images, the QR code), as a person sees it.
    page.wait_for_load_state("load")
    return page.evaluate(LAYOUT_SCRIPT, {"values": RECORD_VALUES, "oneLine": ONE_LINE})


def assert_layout(page: Page) -> None:
    problems = layout_problems(page)
    width = page.viewport_size["width"] if page.viewport_size else None
    where = f"{page.url} at {width} px"
    assert not problems, f"layout problems on {where}:\n" + "\n".join(problems)


def serious_violations(page: Page) -> list[dict[str, object]]:
    results = _axe.run(page).response
    log = os.environ.get("AXE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            summary = {
                "url": page.url,
                "lang": page.locator("html").get_attribute("lang"),
                "violations": {v["id"]: v["impact"] for v in results["violations"]},
                "passes": len(results["passes"]),
            }
            handle.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return [v for v in results["violations"] if v["impact"] in {"critical", "serious"}]


def assert_accessible(page: Page) -> None:
    found = serious_violations(page)
    described = [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:5])  # type: ignore[index]  # axe's JSON: a violation's nodes are a list
        for v in found
    ]
    assert not found, f"axe on {page.url}:\n" + "\n".join(described)


def assert_page_ok(page: Page) -> None:
    """Both checks: what every test calls on each page it reaches."""
    assert_layout(page)
    assert_accessible(page)
