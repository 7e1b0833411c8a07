"""Schemathesis against the live schema: every operation of the API, every parameter, valid and
invalid values, on the shipped knowledge base. No answer may be a server error, and every
answer's status, content type and body must be what the schema says."""

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import SCHEMATHESIS_FIGURES

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Examples generated per operation in the fuzzing phase, besides the boundary values of the
# coverage phase: enough to try every parameter, valid and not, and keep the run short.
MAX_EXAMPLES = 40

config = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler(), config=config)


@pytest.fixture
def app_in_test_transaction(db, settings):
    """Requests reach the application as a server would send them, within this test's
    transaction: the handler must not close the connection between requests (Django's test
    client does the same), and no request is throttled."""
    settings.API_THROTTLE_RATE = "1000000/second"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.schemathesis
@schema.parametrize()
# The fixture's transaction and settings hold for every example: the requests only read.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_the_api_answers_as_its_schema_says(case, app_in_test_transaction):
    SCHEMATHESIS_FIGURES.operations.add(case.operation.label)
    SCHEMATHESIS_FIGURES.calls += 1
    try:
        case.call_and_validate(checks=CHECKS)
    except BaseException:  # Schemathesis reports failures as a BaseExceptionGroup
        SCHEMATHESIS_FIGURES.failing_calls += 1
        raise
