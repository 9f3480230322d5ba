"""Run ``govflow dev`` as a user would: a subprocess on free ports with its own data folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

E2E_SECRET = "e2e-test-secret-0123456789abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class DevProcess:
    """One ``govflow dev`` process; start() and stop() may be repeated on the same data."""

    data_dir: Path
    api_port: int
    temporal_port: int
    ui_port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GOVFLOW_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
        env.update({
            "GOVFLOW_DATA_DIR": str(self.data_dir),
            "GOVFLOW_API_PORT": str(self.api_port),
            "GOVFLOW_TEMPORAL_PORT": str(self.temporal_port),
            "GOVFLOW_TEMPORAL_UI_PORT": str(self.ui_port),
            "GOVFLOW_JWT_SECRET": E2E_SECRET,
            "GOVFLOW_TASK_QUEUE": "govflow-e2e",
        })
        return env

    def start(self, timeout: float = 90.0) -> None:
        govflow = Path(sys.executable).parent / "govflow"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(govflow), "dev"], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"govflow dev exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise AssertionError(f"govflow dev not ready in {timeout} s:\n{self.log()}")

    def stop(self, timeout: float = 30.0) -> int:
        """Ctrl-C, as a user stops it; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired as timed_out:
                self.process.kill()
                self.process.wait()
                raise AssertionError(
                    f"govflow dev did not stop on Ctrl-C:\n{self.log()}"
                ) from timed_out
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]


def new_dev_process(folder: Path) -> DevProcess:
    """A ``govflow dev`` (not started) on free ports, its data and log under ``folder``."""
    return DevProcess(data_dir=folder / "data", api_port=free_port(),
                      temporal_port=free_port(), ui_port=free_port(),
                      log_path=folder / "govflow-dev.log")


@pytest.fixture
def govflow_dev(tmp_path: Path) -> Iterator[DevProcess]:
    dev = new_dev_process(tmp_path)
    try:
        yield dev
    finally:
        if dev.process is not None and dev.process.poll() is None:
            dev.stop()
