"""Briefs printed by Debian's Chromium: page 1 is one page on A4 and on Letter, the annex
starts on page 2, and no two text boxes of page 1 overlap (rendered positions).

On the bundled scenario and on generated ones (``conftest.generate``): with structure
(vetoes, control, red lines) and without, and with 8 issues (page 1 holds a row per issue,
so it is the case that grows).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente import api
from detente.present.brief import render_html

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api", reason="needs the dev extra")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("needs Debian's chromium", allow_module_level=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

# every text-bearing box of page 1: the boxes of its text nodes (one per line fragment)
TEXT_BOXES = """() => {
  const out = [];
  const root = document.getElementById('page1');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0)
        out.push({x: r.left, y: r.top, w: r.width, h: r.height,
                  t: node.textContent.trim().slice(0, 30)});
    }
  }
  const box = root.getBoundingClientRect();
  return {boxes: out, height: box.height, width: box.width};
}"""


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


# name -> (seed, structured, issues) of conftest.generate; None: the bundled scenario
CASES: dict[str, tuple[int, bool, int | None] | None] = {
    "bundled": None,
    "structured": (3, True, None),
    "plain": (7, False, None),
    "eight-issues": (8, True, 8),
}


@pytest.fixture(scope="module", params=list(CASES))
def html(request: pytest.FixtureRequest, generated) -> str:
    case = CASES[request.param]
    if case is None:
        return render_html(api.brief("ukraine-2025-11", draws=300, interval_draws=40))
    seed, structured, issues = case
    sc = generated(seed, structured=structured, issues=issues)
    return render_html(api.brief(sc, draws=100, interval_draws=20, sensitivity_samples=4))


@pytest.fixture(scope="module")
def page(html: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    path = tmp_path_factory.mktemp("brief") / "brief.html"
    path.write_text(html, encoding="utf-8")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 794, "height": 1123})
        pg.goto(path.as_uri())
        pg.emulate_media(media="print")
        yield pg
        browser.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_page_one_is_one_page_and_the_annex_starts_on_page_two(page, html: str, paper: str,
                                                               tmp_path: Path):
    full = page.pdf(format=paper, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    slug = re.sub(r"[^a-z0-9]+", "-", (name.group(1) if name else "brief").lower()).strip("-")
    (ARTIFACTS / f"brief-{slug[:40]}-{paper}.pdf").write_bytes(full)
    assert _pages(full) >= 2
    # page 1 alone (the annex removed) prints to exactly one page
    only = page.context.browser.new_page()
    only.set_content(html.split('<section class="annex"', 1)[0] + "</body></html>")
    one = only.pdf(format=paper, print_background=True)
    only.close()
    assert _pages(one) == 1, f"page 1 takes {_pages(one)} pages on {paper}"


def test_no_text_boxes_overlap_on_page_one(page):
    found = page.evaluate(TEXT_BOXES)
    boxes = found["boxes"]
    assert len(boxes) > 40
    clashes = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > 1.0 and dy > 1.0:  # more than a pixel of shared area each way
                clashes.append((a["t"], b["t"]))
    assert not clashes, clashes[:5]
