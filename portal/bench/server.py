"""gunicorn on 127.0.0.1 (a free port) for the benchmark, and its workers' peak memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``with Server(workers=2) as server:`` → ``server.url``; stopped on exit."""

    def __init__(self, *, workers: int, env: dict[str, str]):
        self.workers = workers
        self.env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "portal.bench.settings"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self.env)  # noqa: S603
        self._wait_until_up()
        return self

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mib(self) -> dict[int, float]:
        """Each worker's peak resident memory (VmHWM), in MiB."""
        peaks = {}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kib = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
            )
            peaks[pid] = round(kib / 1024, 1)
        return peaks

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
