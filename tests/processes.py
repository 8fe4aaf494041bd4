"""Which processes this test run started, so that the run can prove it leaves none behind.

Importing this module marks the test process's environment with a token for this run; every process it
starts (the embedded PostgreSQL through pg_ctl, Ray, PHP, MariaDB, the CLI in a subprocess) inherits it.
"""

from __future__ import annotations

import os
import time
import uuid

import psutil

TOKEN_VARIABLE = "IGNY8_TEST_RUN"
TEST_RUN_TOKEN = os.environ.setdefault(TOKEN_VARIABLE, uuid.uuid4().hex)


def processes_of_run(token: str) -> list[psutil.Process]:
    """Live processes carrying ``token``, except this one and its ancestors."""
    me = psutil.Process()
    exempt = {me.pid, *(p.pid for p in me.parents())}
    found = []
    for process in psutil.process_iter():
        if process.pid in exempt:
            continue
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get(TOKEN_VARIABLE) == token:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def leftover_processes(token: str, *, grace_s: float = 15.0) -> list[str]:
    """The run's processes still alive after ``grace_s`` (servers take a moment to stop), described as
    "pid command line"; they are then killed, so a failing run does not leave them either."""
    deadline = time.monotonic() + grace_s
    while (left := processes_of_run(token)) and time.monotonic() < deadline:
        time.sleep(0.5)
    described = []
    for process in left:
        try:
            described.append(f"{process.pid} {' '.join(process.cmdline())[:160]}")
            process.kill()
        except psutil.NoSuchProcess:
            continue
    return described
