"""``python -m archscan.portfolio.child MEMORY_MB analyze ...``: the analysis process of
one portfolio repository. It limits its own address space first (resource.setrlimit in
the child, inherited by the git and parse processes it starts), then runs the CLI."""

from __future__ import annotations

import resource
import sys


def limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main() -> None:
    limit_memory(int(sys.argv[1]))
    sys.argv = ["archscan", *sys.argv[2:]]
    from archscan.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
