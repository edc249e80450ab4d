"""The W3C Web Annotation test suite's MUST assertions, run the way its own runner does.

The suite (``corpus/web-annotation-tests``) lists, in ``annotations/annotationMusts.test``,
``collections/collectionMusts.test`` and ``collections/pages/pageMusts.test``, JSON Schemas
(draft-04) that refer to shared ``definitions/*.json``; each carries an ``expectedResult``
(valid/invalid). The runner validates the object against each schema, formats checked, and
fails an assertion whose outcome differs from the expected one. Here the collection meets the
collection and page assertions (the page assertions accept "an Annotation Collection with an
embedded Page"), and every annotation in its page meets the annotation ones.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.conftest import CORPUS

SUITE = CORPUS / "web-annotation-tests"
# RFC 3986: a scheme, a colon, then no whitespace (what the suite's runner, Ajv, checks).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")

_formats = jsonschema.FormatChecker(formats=())


@_formats.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@cache
def _registry() -> Registry[Any]:
    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT4)))
    return Registry().with_resources(resources)


@cache
def _assertions(test_file: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    test = json.loads((SUITE / test_file).read_text("utf-8"))
    out = []
    for name in test["assertions"]:
        schema = json.loads((SUITE / name).read_text("utf-8"))
        assert schema.get("assertionType", "must") == "must", name
        out.append((name, schema))
    return tuple(out)


def failures(obj: dict[str, Any], test_file: str) -> list[str]:
    """The assertions of ``test_file`` that ``obj`` fails, each with its error message."""
    failed = []
    for name, schema in _assertions(test_file):
        validator = jsonschema.Draft4Validator(
            schema, registry=_registry(), format_checker=_formats
        )
        valid = validator.is_valid(obj)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(f"{name}: {schema.get('errorMessage', '')}")
    return failed


def must_failures(collection: dict[str, Any]) -> list[str]:
    """Every MUST assertion of the suite that an exported collection or its annotations fail."""
    out = failures(collection, "collections/collectionMusts.test")
    out += failures(collection, "collections/pages/pageMusts.test")
    out += failures(collection["first"], "collections/pages/pageMusts.test")
    for item in collection["first"]["items"]:
        out += [
            f"{item.get('id')}: {f}" for f in failures(item, "annotations/annotationMusts.test")
        ]
    return out


def suite_present() -> bool:
    return Path(SUITE / "annotations").is_dir()
