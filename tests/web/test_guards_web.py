"""The CLI's estimate guards on the web (issue 29): deal work over the CLI's limits is
refused at once with the estimate in words (400), never started; ordinary work runs."""

from __future__ import annotations

import time

import yaml
from fastapi.testclient import TestClient

from detente.web.app import create_app

from ..conftest import huge_scenario_dict


def _huge() -> str:
    return yaml.safe_dump(huge_scenario_dict())


def test_deal_work_over_the_cli_limits_is_refused_with_its_estimate():
    with TestClient(create_app()) as client:
        ref = client.post("/api/scenarios/text", json={"text": _huge(), "filename": "h.yaml"}
                          ).json()["id"]
        start = time.perf_counter()
        for url in (f"/api/scenarios/{ref}/deals?robust=0", f"/api/scenarios/{ref}/deals",
                    f"/api/scenarios/{ref}/figures/pareto", f"/s/{ref}/deals"):
            res = client.get(url)
            assert res.status_code == 400, (url, res.text[:200])
            assert "not started" in res.text and "95,367,431,640,625 deals" in res.text
            assert "--yes" in res.text
        assert time.perf_counter() - start < 60  # refused before any pass over the space
        assert client.get("/api/jobs").json() == []  # no job was started
        # the ordinary scenario's deals run as before (wait=120 asks for the answer itself
        # even on a busy machine, as tests/web/test_web_api.py does)
        res = client.get("/api/scenarios/ukraine-2025-11/deals?robust=0&wait=120")
        assert res.status_code == 200
