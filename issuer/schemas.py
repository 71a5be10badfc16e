"""JSON Schemas of the credential types this service issues (``schemas/credentials/<Type>.json``).

A credential must match the schema of every type it names; a type without a schema is not issued.
``VerifiableCredential.json`` is the generic schema every other one builds on. Error sentences name
the place in the credential and the rule, never the value found there (it may be personal data).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from nansen import vcdm
from nansen.config import schemas_dir
from service.problems import Problem


@cache
def _validators() -> dict[str, Draft202012Validator]:
    directory = schemas_dir() / "credentials"
    schemas = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in directory.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return {
        name: Draft202012Validator(
            schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for name, schema in schemas.items()
    }


def _sentence(type_name: str, error: ValidationError) -> str:
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator in ("required", "additionalProperties"):
        rule = error.message  # names a property, never a value
    else:
        rule = f"the value breaks the schema's '{error.validator}' rule"
    return f"The credential does not match the {type_name} schema at {where}: {rule}."


def validate(credential: dict[str, Any], *, every_type: bool = True) -> None:
    """Raise a 422 Problem unless the credential matches the schema of each of its types.

    ``every_type`` (the ``partner`` profile): a type without a schema is not issued. Without it (the
    ``vc-api`` profile) such a type is passed over; ``VerifiableCredential.json`` always applies.
    """
    validators = _validators()
    for type_name in vcdm.as_list(credential.get("type")):
        validator = validators.get(type_name) if isinstance(type_name, str) else None
        if validator is None and not every_type:
            continue
        if validator is None:
            raise Problem(422, "This service does not issue credentials of that type.")
        error = best_match(validator.iter_errors(credential))
        if error is not None:
            raise Problem(422, _sentence(type_name, error))
