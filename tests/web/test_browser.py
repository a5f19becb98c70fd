"""The web app and the brief in real headless Chromium (Debian's package, driven by
Playwright with ``executable_path``; ``scripts/test.sh`` installs both).

Screenshots of the main pages go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.cli.main import app as cli

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api", reason="needs the dev extra")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:  # scripts/test.sh installs it (apt-get install chromium)
    pytest.skip("needs Debian's chromium", allow_module_level=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
BUNDLED = "ukraine-2025-11"
PAGES = {"index": "/", "scenario": f"/s/{BUNDLED}", "whatif": f"/s/{BUNDLED}/whatif",
         "deals": f"/s/{BUNDLED}/deals", "plans": f"/s/{BUNDLED}/plans?draws=300",
         "simulate": f"/s/{BUNDLED}/simulate?draws=500",
         "edit": f"/s/{BUNDLED}/edit", "timeline": f"/t/{BUNDLED}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from detente.web.app import create_app

    # a history store with two versions of the bundled talks, for the timeline page
    history = detente.api.open_history(tmp_path_factory.mktemp("store") / "h.sqlite")
    talks = detente.load(BUNDLED)
    history.add(talks, note="as reported on 5 November")
    data = talks.to_dict()
    data["as_of"] = "2025-11-20"
    data["stances"][0]["position"] = 80  # a later report: Russia's demand eases a little
    data["stances"][0].pop("position_uncertainty", None)
    history.add(detente.Scenario.from_dict(data), note="a later report (made up for the test)")

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(create_app(history=history), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    history.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page that records console errors, page errors and dialogs (an alert would be one)."""

    def __init__(self, browser: object):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d: object) -> None:
            self.dialogs.append(d.message)  # type: ignore[attr-defined]
            d.dismiss()  # type: ignore[attr-defined]

        self.page.on("dialog", on_dialog)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")


@pytest.fixture
def watched(browser: object) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.page.close()


def test_every_page_loads_without_console_errors(server: str, watched: Watched):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        watched.open(server + path)
        assert watched.errors == [], (name, watched.errors)
        if name in ("scenario", "deals", "plans", "simulate", "timeline"):
            assert watched.page.locator(".js-plotly-plot").count() >= 1, name
        watched.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_plans_page_draws_its_grid_and_is_reached_from_the_scenario(
        server: str, watched: Watched):
    watched.open(server + f"/s/{BUNDLED}")
    watched.page.click("#plans-link")
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.url.endswith(f"/s/{BUNDLED}/plans")
    heat = watched.page.locator("#fig-plans .heatmaplayer")
    assert heat.count() == 1  # the plan × actor acceptance grid, drawn by plotly
    rows = watched.page.locator("#plans-ranked tr")
    assert rows.count() == 1 + len(detente.load(BUNDLED).proposals)
    assert watched.errors == []


def test_dragging_a_slider_changes_the_forecast(server: str, watched: Watched):
    watched.open(server + f"/s/{BUNDLED}/whatif")
    page = watched.page
    cell = page.locator('b[data-issue="0"][data-model="compromise"]')
    before = cell.text_content()
    slider = page.locator('input[data-actor="0"][data-issue="0"][data-kind="position"]')
    box = slider.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] - 4, y)  # RUS stands at 100: the thumb is right
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=8)
    page.mouse.move(box["x"] + 2, y, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "before => document.querySelector('b[data-issue=\"0\"][data-model=\"compromise\"]')"
        ".textContent !== before", arg=before, timeout=10_000)
    after = cell.text_content()
    assert float(after) < float(before)
    assert "re-forecast in" in page.locator("#whatif-status").text_content()
    assert watched.errors == []
    page.screenshot(path=str(ARTIFACTS / "whatif-moved.png"), full_page=False)


def test_a_bad_upload_shows_its_error_beside_the_field(server: str, watched: Watched):
    watched.open(server + "/")
    page = watched.page
    page.set_input_files("#upload-file", files=[{"name": "broken.yaml", "mimeType": "text/yaml",
                                                 "buffer": b"name: x\nactors: [\n  - id: A\n"}])
    page.click("#upload button[type=submit]")
    error = page.locator("#upload-error")
    error.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#upload-error').textContent.length")
    assert "invalid YAML" in error.text_content() and "line" in error.text_content()
    assert "bad" in (page.locator("#upload-file").get_attribute("class") or "")
    # beside the field: the message sits just under the file input, in the same form
    field, msg = page.locator("#upload-file").bounding_box(), error.bounding_box()
    assert field and msg and 0 <= msg["y"] - field["y"] < 80
    page.screenshot(path=str(ARTIFACTS / "upload-error.png"))


def test_an_edit_error_shows_beside_its_field(server: str, watched: Watched):
    watched.open(server + f"/s/{BUNDLED}/edit")
    page = watched.page
    page.fill('input[data-path="actors[0].capability"]', "lots")
    page.click("#edit button[type=submit]")
    slot = page.locator('[data-error-for="actors[0].capability"]')
    page.wait_for_function("""() => document.querySelector(
        '[data-error-for="actors[0].capability"]').textContent.length > 0""")
    assert "expected a number" in slot.text_content()
    assert watched.errors == [] or all("400" in e for e in watched.errors)
    # a good edit saves a copy and opens it
    page.fill('input[data-path="actors[0].capability"]', "70")
    page.fill('input[data-path="title"]', "Edited in the browser")
    page.click("#edit button[type=submit]")
    page.wait_for_url("**/s/u-*")
    assert "Edited in the browser" in page.locator("h1").text_content()


def test_the_brief_opens_offline(tmp_path: Path, watched: Watched):
    out = tmp_path / "brief.html"
    res = CliRunner().invoke(cli, ["report", "-o", str(out), "-n", "200"])
    assert res.exit_code == 0, res.output
    requested: list[str] = []

    def offline(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            requested.append(url)
            route.abort()  # type: ignore[attr-defined]

    watched.page.route("**/*", offline)
    watched.open(out.as_uri())
    assert requested == [] and watched.errors == []
    assert watched.page.locator(".js-plotly-plot").count() >= 3
    watched.page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=False)


def test_hostile_text_never_runs(server: str, watched: Watched, hostile: object,
                                 tmp_path: Path):
    import httpx

    res = httpx.post(server + "/api/scenarios/text",
                     json={"text": detente.api.dumps(hostile), "filename": "hostile.yaml"})
    assert res.status_code == 201
    ref = res.json()["id"]
    for path in (f"/s/{ref}", f"/s/{ref}/whatif", f"/s/{ref}/deals", f"/s/{ref}/edit", "/"):
        watched.open(server + path)
        assert watched.dialogs == [] and watched.errors == [], path
    watched.open(server + f"/s/{ref}")
    assert "<script>alert(1)</script>" in watched.page.locator("h1").text_content()
    out = tmp_path / "hostile.html"
    detente.api.save(hostile, tmp_path / "hostile.yaml")
    CliRunner().invoke(cli, ["report", str(tmp_path / "hostile.yaml"), "-o", str(out),
                             "-n", "100"])
    watched.open(out.as_uri())
    assert watched.dialogs == [] and watched.errors == []
