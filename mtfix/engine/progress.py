"""A one-line progress bar on stderr with rate and ETA; silent when stderr is not a terminal."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Call with (done, total) as work proceeds (total 0: unknown); :meth:`close` ends the line."""

    def __init__(self, label: str = "sentences", stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.label = label
        self.start = time.monotonic()
        self._drawn = False
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = done / elapsed
        if total <= 0:  # an unknown total (a stream): count and rate only
            self.stream.write(f"\r{done} {self.label} {rate:5.2f}/s")
            self.stream.flush()
            self._drawn = True
            return
        eta = (total - done) / rate if rate > 0 else float("inf")
        filled = int(24 * done / total)
        eta_text = f"{eta:5.0f}s" if eta != float("inf") else "    ?"
        self.stream.write(f"\r[{'#' * filled}{'.' * (24 - filled)}] {done}/{total} {self.label} "
                          f"{rate:5.2f}/s ETA {eta_text}")
        self.stream.flush()
        self._drawn = True

    def advance(self, n: int, total: int) -> None:
        """Count ``n`` more items done and redraw."""
        self._done += n
        self(self._done, total)

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
