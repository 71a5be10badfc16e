"""JSON Schemas of the credential types this service issues (``schemas/credentials/<Type>.json``).

A credential must match the schema of every type it names; a type without a schema is not issued.
``VerifiableCredential.json`` is the generic schema every other one builds on. Error sentences name
the place in the credential and the rule, never the value found there (it may be personal data).

Two validators of the same schemas (JSON Schema 2020-12): ``jsonschema_rs`` decides, and
``jsonschema`` words the refusal. The first takes about 0.02 ms a credential where the second took
2.6 (a tenth of the issuer's CPU per credential; issue 15). It is also the stricter: its patterns
follow ECMA-262, where ``$`` ends the text, while Python's ``re`` lets ``$`` match before a final
newline, so ``"FRA\n"`` passed ``^[A-Z]{2,3}$``. No schema is fetched: the registry holds them all,
and the validator is built ``offline``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from nansen import vcdm
from nansen.config import schemas_dir
from service.problems import Problem


@dataclass(frozen=True)
class _Schema:
    #: Decides (fast, ECMA-262 patterns).
    decides: jsonschema_rs.Draft202012Validator
    #: Words the refusal (``best_match`` picks the error a person should read first).
    explains: Draft202012Validator


@cache
def _validators() -> dict[str, _Schema]:
    directory = schemas_dir() / "credentials"
    schemas = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in directory.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    fast_registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in schemas.values()])
    return {
        name: _Schema(
            decides=jsonschema_rs.Draft202012Validator(
                schema, registry=fast_registry, validate_formats=True, offline=True
            ),
            explains=Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            ),
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


def _fast_sentence(validator: _Schema, credential: dict[str, Any], type_name: str) -> str:
    """The refusal where only the stricter validator refuses (a pattern's ``$``, see the module)."""
    error = next(iter(validator.decides.iter_errors(credential)))
    where = "/" + "/".join(str(part) for part in error.instance_path)
    rule = str(error.schema_path[-1]) if error.schema_path else "schema"
    return f"The credential does not match the {type_name} schema at {where}: the value breaks the schema's '{rule}' rule."


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
        if validator.decides.is_valid(credential):
            continue
        error = best_match(validator.explains.iter_errors(credential))
        raise Problem(
            422,
            _sentence(type_name, error)
            if error is not None
            else _fast_sentence(validator, credential, type_name),
        )
