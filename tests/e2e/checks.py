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

LAYOUT_SCRIPT = """
({values, oneLine}) => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1) {
    const culprits = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
      .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""));
    problems.push(`the page scrolls sideways: ${root.scrollWidth}px wide in a ${width}px window (${culprits.join(", ")})`);
  }
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden"
      && !el.closest("[hidden], .collapse:not(.show), .visually-hidden");
  };
  // Boxes that overlap vertically are on one line (an icon and a word of another size).
  const lines = (range) => {
    const boxes = [...range.getClientRects()].filter((r) => r.width > 0.5)
      .sort((a, b) => a.top - b.top);
    let count = 0, bottom = -1e9;
    for (const box of boxes) {
      if (box.top >= bottom - 2) { count += 1; bottom = box.bottom; }
      else { bottom = Math.max(bottom, box.bottom); }
    }
    return count;
  };
  const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""}`;
  for (const el of document.querySelectorAll(values)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -1 || box.right > width + 1) {
      problems.push(`"${el.textContent.trim().slice(0, 40)}" (${describe(el)}) lies outside the window: ${Math.round(box.left)}-${Math.round(box.right)}px of ${width}px`);
    }
  }
  const word = /\\d+(?:[-.\\/:]\\d+)+|[A-Za-z0-9][A-Za-z0-9'\\u2019]*/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !shown(parent) || parent.closest("script, style, .report-watermark, .text-break-ok")) continue;
    for (const match of node.textContent.matchAll(word)) {
      const around = node.textContent.slice(Math.max(0, match.index - 12), match.index + match[0].length + 12);
      if (/:\\/\\/|\\/\\w+\\//.test(around)) continue;  // an address may break where it must
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (lines(range) > 1) problems.push(`"${match[0]}" is broken inside the word (${describe(parent)})`);
    }
  }
  for (const el of document.querySelectorAll(oneLine)) {
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    if (lines(range) > 1) problems.push(`"${el.textContent.trim()}" (${describe(el)}) wraps onto ${lines(range)} lines`);
  }
  return [...new Set(problems)];
}
"""

_axe = Axe()


def layout_problems(page: Page) -> list[str]:
    return page.evaluate(LAYOUT_SCRIPT, {"values": RECORD_VALUES, "oneLine": ONE_LINE})


def assert_layout(page: Page) -> None:
    problems = layout_problems(page)
    size = page.viewport_size or {}
    where = f"{page.url} at {size.get('width')} px"
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
        + "; ".join(str(node["target"]) for node in v["nodes"][:5])  # type: ignore[index]
        for v in found
    ]
    assert not found, f"axe on {page.url}:\n" + "\n".join(described)


def assert_page_ok(page: Page) -> None:
    """Both checks: what every test calls on each page it reaches."""
    assert_layout(page)
    assert_accessible(page)
