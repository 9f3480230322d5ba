"""docker-compose.yml: Docker cannot run here, so check what can be checked without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from govflow.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
GOVFLOW_SERVICES = {"api", "worker", "projector"}


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def settings_names() -> set[str]:
    """Every environment variable name Settings reads."""
    prefix = Settings.model_config.get("env_prefix", "")
    names: set[str] = set()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        if alias is not None and hasattr(alias, "choices"):
            names.update(str(choice) for choice in alias.choices)
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def test_compose_file_parses_with_every_service() -> None:
    services = compose()["services"]

    assert {"postgres", "temporal", "temporal-ui", *GOVFLOW_SERVICES} <= set(services)


@pytest.mark.parametrize("service", sorted(GOVFLOW_SERVICES))
def test_compose_govflow_service_environment_names_existing_settings(service: str) -> None:
    environment = compose()["services"][service]["environment"]
    unknown = set(environment) - settings_names()

    assert not unknown, f"{service} sets variables no setting reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", sorted(GOVFLOW_SERVICES))
def test_compose_govflow_service_runs_in_production_on_postgres(service: str) -> None:
    environment = compose()["services"][service]["environment"]

    assert environment["GOVFLOW_ENV"] == "production"
    assert "postgres" in environment["PERSISTENCE_MODULE"]
    assert environment["GOVFLOW_TEMPORAL_ADDRESS"] == "temporal:7233"


def test_settings_in_production_refuse_development_secret() -> None:
    with pytest.raises(ValueError, match="GOVFLOW_JWT_SECRET"):
        Settings(env="production", temporal_address="temporal:7233")


def test_settings_in_production_accept_real_secret() -> None:
    settings = Settings(env="production", temporal_address="temporal:7233",
                        jwt_secret="x" * 40)

    assert settings.env == "production"
