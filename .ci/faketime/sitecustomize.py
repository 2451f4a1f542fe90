"""Loaded only by CI's shifted-clock runs (``PYTHONPATH=.ci/faketime``, see ``.ci/run``).

Under libfaketime 0.9.10 (Debian's) with ``FAKETIME_DONT_FAKE_MONOTONIC=1``, the
``clock_nanosleep`` that ``time.sleep`` uses fails with EINVAL; without that variable the
monotonic clock moves too and every timed lock or barrier wait hangs. The monotonic clock is
therefore left alone and ``time.sleep`` waits on ``select()``, which libfaketime leaves be,
in the test process and in every Python process it starts (Celery workers, beat).
"""

import os
import select
import time

if os.environ.get("FAKETIME"):

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
