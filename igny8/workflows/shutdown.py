"""How a process is asked to stop: SIGTERM (systemd, Docker, CI) and SIGINT (Ctrl-C).

Short commands end at once, as a normal exit: ``SystemExit`` unwinds every ``with`` block and runs the exit
handlers, so the embedded database is released and graph runs keep their last checkpoint. Long-running
loops (``igny8 worker``, ``igny8 serve``) ask for *cooperative* stops instead: the first signal sets a flag
that the loop reads between items, so the item in flight is finished; a second signal stops at once.
"""

from __future__ import annotations

import math
import signal
import threading
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_stop = threading.Event()
_cooperative = False
_grace_s: float | None = None


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _cooperative and not _stop.is_set():
        _stop.set()
        if _grace_s:
            signal.alarm(max(1, math.ceil(_grace_s)))  # the work in flight gets this long, then we stop
        return
    _stop.set()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _on_grace_over(signum: int, frame: FrameType | None) -> None:
    # The run in flight did not finish in time: it keeps its last checkpoint and resumes at the next start.
    raise SystemExit(0)


def install(*, cooperative: bool = False, grace_s: float | None = None) -> None:
    """Handle SIGTERM and SIGINT in this (main) thread as described above; ``grace_s`` bounds a cooperative
    stop (SIGALRM ends the process that long after the first signal)."""
    global _cooperative, _grace_s
    _cooperative, _grace_s = cooperative, grace_s
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_signal)
    if grace_s:
        signal.signal(signal.SIGALRM, _on_grace_over)


def stop_requested() -> bool:
    return _stop.is_set()


def wait_for_stop(seconds: float) -> bool:
    """Sleep up to ``seconds``, waking at once when a stop is requested; True when one was."""
    return _stop.wait(seconds)


def reset() -> None:
    """Forget a stop request (tests run several loops in one process)."""
    global _cooperative, _grace_s
    _stop.clear()
    _cooperative, _grace_s = False, None
    signal.alarm(0)
