"""The analysis process of one portfolio repository, started one of two ways:

* ``python -m archscan.portfolio.child MEMORY_MB analyze ...``: a fresh interpreter
  (on a Dask worker, whose daemon processes cannot fork children of their own);
* ``run_forked``: forked from the local pool's fork server (tasks.py), which has
  already imported archscan (warm.py).

Either way it limits its own address space first (resource.setrlimit, inherited by the
git and parse processes it starts), then runs the CLI."""

from __future__ import annotations

import os
import resource
import sys


def limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cli(arguments: list[str]) -> None:
    sys.argv = ["archscan", *arguments]
    from archscan.cli import main as cli_main

    cli_main()


def run_forked(
    arguments: list[str], memory_mb: int, log_path: str, env: dict[str, str], cwd: str
) -> None:
    """The body of a forked analysis process: exits with the CLI's status."""
    os.setsid()  # its own group: a timeout kills git and parse workers too
    with open(os.devnull, "wb") as null, open(log_path, "wb") as log:
        os.dup2(null.fileno(), 1)
        os.dup2(log.fileno(), 2)  # stderr: the caller reads the last line on failure
    # the fork server keeps the environment and folder it started with: take the caller's
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    limit_memory(memory_mb)
    _cli(arguments)


def main() -> None:
    limit_memory(int(sys.argv[1]))
    _cli(sys.argv[2:])


if __name__ == "__main__":
    main()
