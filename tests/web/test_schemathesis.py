"""Every route of our own OpenAPI schema under property-based requests (schemathesis):
no answer is a server error (5xx), whatever the parameters and bodies.

Half the generated requests name the bundled scenario instead of a random reference, so
the models run as well as the lookups fail. The app runs with small per-request limits
(over them is a quick 400), which keeps the budget CI-sized; the seed is fixed.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.web.app import create_app
from detente.web.limits import Limits

schemathesis = pytest.importorskip("schemathesis", reason="needs the dev extra")

BUNDLED = "ukraine-2025-11"
EXAMPLES = 30
"""Generated requests per operation (the CI budget: about a minute in all here)."""

APP = create_app(limits=Limits(draws=40, robust=20, samples=4))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
OPERATIONS = [op.ok() for op in SCHEMA.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_route_answers_a_server_error(operation) -> None:
    seen: list[str] = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), bundled=st.booleans())
    def check(case, bundled: bool) -> None:
        if bundled and "ref" in (case.path_parameters or {}):
            case.path_parameters["ref"] = BUNDLED
        response = case.call()
        seen.append(f"{response.status_code}")
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{response.text[:300]}\n{case.as_curl_command()}")

    check()
    assert seen  # the operation was called
