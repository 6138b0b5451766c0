"""schemathesis against the live OpenAPI schema, through the WSGI application (no server).

Every operation gets generated and hostile parameters (the examples, coverage and fuzzing
phases). The test fails on any server error, any answer whose status, content type, headers or
body the schema does not declare, and any invalid input the API accepted. The one check left
out is positive_data_acceptance: a filter can be valid by the schema and still name nothing (a
department id that does not exist), which the API answers, as the pages do, with 404 or 422.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db


# The schema is read once, at collection, from the application itself (no database needed).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def fuzzing_settings(settings):
    settings.API_RATE = ""  # the fuzzer sends thousands of requests from one address
    settings.API_CACHE_SECONDS = 0


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_against_the_schema(case, public_world):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
