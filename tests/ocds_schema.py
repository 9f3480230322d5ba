"""Validation against the official OCDS 1.1.5 schema, kept next to the repository.

The schema lives in ``../shared/ocds-1.1.5`` from the repository root (CI clones the
repository next to a ``shared`` folder).  The package schemas refer to the release
schema by its absolute ``id``; a ``referencing`` registry holds it (and the versioned
release schema a record may refer to) under those ids, so nothing is fetched.  Formats
are checked too: ``date-time`` as RFC 3339 with an offset, ``uri`` as absolute.

Tests that validate skip, saying where the schema was looked for, only when that folder
is absent.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "ocds-1.1.5"
"""``../shared/ocds-1.1.5`` from the repository root."""

_RELEASE_SCHEMAS = ("release-schema.json", "versioned-release-validation-schema.json")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_RFC3339.match(value)) and datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


class OcdsSchema:
    """Validators of release and record packages."""

    def __init__(self, directory: Path) -> None:
        registry: Registry[Any] = Registry()
        for name in _RELEASE_SCHEMAS:
            contents = _load(directory / name)
            registry = registry.with_resource(contents["id"], DRAFT4.create_resource(contents))
        self._validators = {
            kind: Draft4Validator(_load(directory / f"{kind}-schema.json"),
                                  registry=registry, format_checker=FORMATS)
            for kind in ("release-package", "record-package", "release")
        }

    def errors(self, kind: str, document: dict[str, Any]) -> list[str]:
        return sorted(f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
                      for error in self._validators[kind].iter_errors(document))

    def check_release_package(self, package: dict[str, Any]) -> None:
        assert self.errors("release-package", package) == []

    def check_record_package(self, package: dict[str, Any]) -> None:
        assert self.errors("record-package", package) == []


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _schema(directory: Path) -> OcdsSchema:
    return OcdsSchema(directory)


def ocds_schema() -> OcdsSchema:
    """The official schema's validators; the calling test skips if the folder is absent."""
    if not (SCHEMA_DIR / "release-schema.json").is_file():
        pytest.skip(f"the official OCDS 1.1.5 schema is not at {SCHEMA_DIR} (clone the "
                    f"repository next to the shared folder that holds ocds-1.1.5/)")
    return _schema(SCHEMA_DIR)
