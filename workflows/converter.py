"""The data converter of every govflow Temporal client, worker and replayer.

Workflow, update and activity inputs are frozen dataclasses holding UUIDs, dates,
aware datetimes, ``StrEnum``\\ s and nested dataclasses (``Actor``); the pydantic
converter rebuilds all of them from the type hints of the receiving signature.
A client built without it cannot talk to govflow's workflows.
"""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

DATA_CONVERTER: DataConverter = pydantic_data_converter


async def connect(target_host: str, *, namespace: str = "default") -> Client:
    """A Temporal client for govflow's workflows (``target_host`` like ``127.0.0.1:7233``)."""
    return await Client.connect(target_host, namespace=namespace, data_converter=DATA_CONVERTER)
