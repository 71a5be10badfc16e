"""schemathesis against the service's own OpenAPI document, in process (ASGI): no input gets a 500.

Each operation gets a bounded number of generated requests that follow its schema and as many that
break it, all sent with a valid API key, so the requests reach past authentication.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from issuer.settings import Settings
from tests.issuer.conftest import CountingStore, add_partner, app_with_store

#: Requests per operation and generation mode: enough to find the usual 500s, fast enough for CI.
EXAMPLES = 25


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_no_input_gets_a_server_error(settings: Settings, store: CountingStore, mode: GenerationMode) -> None:
    partner = add_partner(settings, "Fuzzed")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app_with_store(settings, store))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"POST /documents", "POST /credentials/issue", "POST /credentials/status"} <= {
        operation.label for operation in operations
    }
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call(headers=partner.headers)
            case.validate_response(response, checks=[not_a_server_error])

        try:
            no_server_error()
        except Unsatisfiable:
            # Every input of the operation is optional and free text: there is no invalid one to make.
            assert mode is GenerationMode.NEGATIVE, operation.label
