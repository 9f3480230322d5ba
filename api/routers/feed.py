"""/feed: the change feed for integrators (信息公开变更, DESIGN.md §3.6).

Every public change in log order, without a token.  A consumer stores ``next_cursor``
and asks again with ``?after=<next_cursor>``: it then sees every public change once,
neither missing nor repeating one (``projections.feed`` says why).  The cursor is a
position in the log, so ``?after=`` also waits, as on every read, until the feed has
caught up with it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import FeedCursor, FeedViews, optional_actor
from api.errors import problem_responses
from api.routers.common import NO_TOKEN_NEEDED
from api.schemas.feed import FeedPublic

FEED_DEFAULT_LIMIT = 100
FEED_MAX_LIMIT = 500

# A token is optional, but one that is sent must be valid.
router = APIRouter(prefix="/feed", tags=["feed"], dependencies=[Depends(optional_actor)])


@router.get("", responses=problem_responses(401, 422, 503), openapi_extra=NO_TOKEN_NEEDED)
async def follow_feed(
    feed: FeedViews,
    after: FeedCursor = 0,
    limit: Annotated[int, Query(
        ge=1, le=FEED_MAX_LIMIT,
        description=f"每页条数，默认 {FEED_DEFAULT_LIMIT}，不超过 {FEED_MAX_LIMIT}")
    ] = FEED_DEFAULT_LIMIT,
) -> FeedPublic:
    """公开信息变更 (every public change after the cursor, oldest first; store
    ``next_cursor`` and ask again with ``?after=`` to follow everything)."""
    entries = await asyncio.to_thread(feed.changes, after=after, limit=limit)
    return FeedPublic.of(entries, after=after)
