"""Whatever the input, verification returns a report; it never raises (no 500s later)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import presentation, signed_credential

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
SIGNED = signed_credential()
SIGNED_JCS = signed_credential("eddsa-jcs-2022")


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    result = copy.deepcopy(document)
    target = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=JSON, jcs=st.booleans())
def test_any_mutation_yields_a_report(data: st.DataObject, value: Any, jcs: bool) -> None:
    original = SIGNED_JCS if jcs else SIGNED
    path = data.draw(st.sampled_from(paths(original)))
    mutated = replaced(original, path, value)
    result = Verifier().verify_credential(mutated)
    assert result.checks
    if mutated != original:
        assert result.verdict is not Verdict.VALID or result.check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]


@settings(max_examples=60, deadline=None)
@given(value=JSON)
def test_any_json_as_a_presentation_yields_a_report(value: Any) -> None:
    result = Verifier().verify_presentation(value, challenge="c", domain="d")
    assert result.verdict is Verdict.NOT_VALID


def test_deep_nesting_given_as_an_object_is_refused() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = {"a": deep}
    credential = copy.deepcopy(SIGNED)
    credential["credentialSubject"]["deep"] = deep
    result = Verifier().verify_credential(credential)
    assert result.check("format").outcome is Outcome.FAILED  # type: ignore[union-attr]
    vp = presentation(SIGNED)
    vp["verifiableCredential"] = [deep]
    assert (
        Verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example").verdict
        is Verdict.NOT_VALID
    )
