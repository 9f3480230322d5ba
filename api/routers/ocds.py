"""/ocds: purchase contracts as Open Contracting Data Standard 1.1 data (开放合同数据标准).

``GET /ocds/releases`` is a release package of every contract's releases in the order
they were published (keyset pages; ``links.next`` is the next page), ``GET
/ocds/records/{ocid}`` a record package with one contracting process's releases and its
compiled release.  Public: the contracts are disclosed (信息公开).  What the releases
hold, and how ids, money and dates are written, is in ``projections.ocds_release``.

Pages take ``?cursor=&limit=`` as every list here does (``?after=`` keeps its meaning
too: wait until the view has caught up with a write).  A page with nothing on it
(nothing published yet, or a filter that matches nothing) is a package with no
releases, which the package schema's ``minItems: 1`` does not foresee: read it as
"nothing (yet)".
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.deps import DEFAULT_LIMIT, OcdsViews, PageCursor, PageLimit, ServicesDep, optional_actor
from api.routers.common import LIST_PROBLEMS, NO_TOKEN_NEEDED, READ_PROBLEMS
from domain.calendar import CHINA_TZ
from projections.ocds import record_not_found
from projections.ocds_rows import OcdsRecord

router = APIRouter(prefix="/ocds", tags=["ocds"], dependencies=[Depends(optional_actor)])

OCDS_VERSION = "1.1"
PUBLISHER_NAME = "江门市社会工作委员会"
"""Who publishes the data: the committee whose system govflow is (市社工委)."""

_SCHEMA = ("遵循 OCDS 1.1 {0}（https://standard.open-contracting.org/schema/1__1__5/{1}）；"
           "金额单位为元（CNY），时间为北京时间（+08:00）")


def release_package(releases: list[dict[str, Any]], *, uri: str, next_uri: str | None,
                    now: datetime) -> dict[str, Any]:
    """A release package of ``releases``; published when its newest release was (now,
    if there is none)."""
    package: dict[str, Any] = {
        "uri": uri, "version": OCDS_VERSION,
        "publishedDate": _last_change([r["date"] for r in releases], now),
        "publisher": {"name": PUBLISHER_NAME}, "releases": releases,
    }
    if next_uri is not None:
        package["links"] = {"next": next_uri}
    return package


def record_package(record: OcdsRecord, *, uri: str) -> dict[str, Any]:
    """A record package of one contracting process, its releases embedded."""
    return {
        "uri": uri, "version": OCDS_VERSION,
        "publishedDate": record.compiled_release["date"],
        "publisher": {"name": PUBLISHER_NAME},
        "records": [{"ocid": record.ocid, "releases": record.releases,
                     "compiledRelease": record.compiled_release}],
    }


def _last_change(dates: list[str], now: datetime) -> str:
    if not dates:
        return now.astimezone(CHINA_TZ).isoformat()
    return max(dates, key=datetime.fromisoformat)


@router.get("/releases", responses=LIST_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED,
            response_class=JSONResponse, description=_SCHEMA.format(
                "发布包（release package）", "release-package-schema.json"))
async def list_ocds_releases(
    request: Request,
    views: OcdsViews,
    services: ServicesDep,
    ocid: Annotated[str | None, Query(description="只含此开放合同编号（ocid）的发布")] = None,
    department: Annotated[str | None, Query(description="只含此采购部门代码的发布")] = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_LIMIT,
) -> JSONResponse:
    """开放合同数据：发布包 (every contract's releases, oldest first; public)."""
    page = await asyncio.to_thread(views.list_releases, ocid_prefix=services.ocid_prefix,
                                   ocid=ocid, department=department, cursor=cursor,
                                   limit=limit)
    next_uri = None if page.next_cursor is None else str(
        request.url.include_query_params(cursor=page.next_cursor))
    return JSONResponse(release_package(page.data, uri=str(request.url), next_uri=next_uri,
                                        now=services.clock()))


@router.get("/records/{ocid}", responses=READ_PROBLEMS, openapi_extra=NO_TOKEN_NEEDED,
            response_class=JSONResponse, description=_SCHEMA.format(
                "记录包（record package）", "record-package-schema.json"))
async def get_ocds_record(
    ocid: str, request: Request, views: OcdsViews, services: ServicesDep,
) -> JSONResponse:
    """开放合同数据：记录包 (one contract's releases and its compiled release; public)."""
    record = await asyncio.to_thread(views.get_record, ocid, ocid_prefix=services.ocid_prefix)
    if record is None:
        raise record_not_found(ocid, ocid_prefix=services.ocid_prefix)
    return JSONResponse(record_package(record, uri=str(request.url)))
