"""What the resource routers share: the problems they document, public reads, history."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from api.errors import problem_responses
from api.schemas.common import HistoryEntryPublic
from projections.readers import HistoryReader

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)
READ_PROBLEMS = problem_responses(401, 404, 422, 503)
LIST_PROBLEMS = problem_responses(401, 422, 503)

NO_TOKEN_NEEDED: dict[str, Any] = {"security": [{}]}
"""``openapi_extra`` of a public read: a token is optional (one that is sent must be valid)."""


async def history_of(history: HistoryReader, entity_id: UUID) -> list[HistoryEntryPublic]:
    """Every event of an entity, oldest first: what happened, who did it, when."""
    entries = await asyncio.to_thread(history.history, entity_id)
    return [HistoryEntryPublic.from_entry(entry) for entry in entries]
