"""``govflow dev``: the whole system in one process, on embedded engines."""

from __future__ import annotations

import asyncio

from govflow.bootstrap import (
    build_api,
    build_worker_parts,
    connect_temporal,
    ensure_schedules,
    start_projection_runners,
)
from govflow.processes import api_server, log, serve_until_stopped, stop_event_on_signals
from govflow.settings import Settings
from govflow.temporal_server import DevServer
from projections.runners import stop_runners


async def run_dev(settings: Settings) -> None:
    """Start Temporal (unless an address is set), the projections, the worker and the API;
    stop them all on Ctrl-C.  Data stays under ``settings.data_dir`` for the next start."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stop = stop_event_on_signals()
    server: DevServer | None = None
    address = settings.temporal_address
    if address is None:
        server = DevServer(
            db_file=settings.data_dir / "temporal.sqlite3", port=settings.temporal_port,
            ui_port=settings.temporal_ui_port, log_file=settings.data_dir / "temporal.log",
        )
        await asyncio.to_thread(server.start)
        address = server.address
        log.info("Temporal 开发服务器  %s  界面 http://127.0.0.1:%d", address, server.ui_port)
    else:
        log.info("Temporal 集群  %s", address)
    runners = []
    try:
        # A server started here answers on its port a moment before its frontend serves.
        client = await connect_temporal(settings, address,
                                        wait_seconds=60.0 if server is not None else 0.0)
        runners = start_projection_runners(settings)
        log.info("投影  %s  数据 %s", "、".join(r.projection.name for r in runners),
                 settings.data_dir.resolve())
        parts = build_worker_parts(settings, client)
        try:
            async with parts.worker:
                log.info("工作进程  任务队列 %s", settings.task_queue)
                await ensure_schedules(settings, client)
                log.info("定时任务  季度报告 %s（北京时间）", settings.reporting_calendar)
                api = api_server(build_api(settings, client), host=settings.api_host,
                                 port=settings.api_port)
                log.info("API  http://%s:%d  （文档 /docs）", settings.api_host, settings.api_port)
                log.info("网页  http://%s:%d/web/", settings.api_host, settings.api_port)
                await serve_until_stopped(api, stop)
                log.info("正在停止 …")
        finally:
            parts.close()
    finally:
        stop_runners(runners)
        if server is not None:
            await asyncio.to_thread(server.stop)
        log.info("已停止")
