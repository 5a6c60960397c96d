({values, oneLine}) => {
  // The layout rules of tests/e2e/checks.py, run in the page by Playwright.
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1) {
    const culprits = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
      .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""));
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
  const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""}`;
  for (const el of document.querySelectorAll(values)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -1 || box.right > width + 1) {
      problems.push(`"${el.textContent.trim().slice(0, 40)}" (${describe(el)}) lies outside the window: ${Math.round(box.left)}-${Math.round(box.right)}px of ${width}px`);
    }
  }
  const word = /\d+(?:[-.\/:]\d+)+|[A-Za-z0-9][A-Za-z0-9'\u2019]*/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !shown(parent) || parent.closest("script, style, .report-watermark, .text-break-ok")) continue;
    for (const match of node.textContent.matchAll(word)) {
      const around = node.textContent.slice(Math.max(0, match.index - 12), match.index + match[0].length + 12);
      if (/:\/\/|\/\w+\//.test(around)) continue;  // an address may break where it must
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
