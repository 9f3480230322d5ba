"""Running govflow's long-lived parts in one asyncio process, and stopping them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI

log = logging.getLogger("govflow")


class ApiServer(uvicorn.Server):
    """uvicorn, without its own signal handling: govflow decides when everything stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def api_server(app: FastAPI, *, host: str, port: int) -> ApiServer:
    return ApiServer(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                    access_log=False))


def stop_event_on_signals() -> asyncio.Event:
    """An event set by Ctrl-C (SIGINT) or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def serve_until_stopped(server: ApiServer, stop: asyncio.Event) -> None:
    """Serve the API until ``stop`` is set (or the server fails)."""
    serving = asyncio.create_task(server.serve())
    waiting = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, waiting}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    waiting.cancel()
    await serving


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s",
                        datefmt="%H:%M:%S")
