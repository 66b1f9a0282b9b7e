"""``sklearn-emotion plugins``: registered plugins by kind, and the problems found."""

from __future__ import annotations

import argparse

from rich.table import Table

from .. import registry
from ._common import make_console

__all__ = ["run_plugins"]


def run_plugins(args: argparse.Namespace) -> int:
    """List every registered plugin; with ``--check`` import each one (exit 1 on problems)."""
    table = Table(title="Registered sklearn-emotion plugins")
    table.add_column("kind", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("package", overflow="fold")
    table.add_column("version")
    table.add_column("API")
    table.add_column("licence", no_wrap=True)
    kinds = [args.kind] if args.kind else registry.KINDS
    for kind in kinds:
        for plugin in registry.find_plugins(kind):
            api = "-" if plugin.api_version is None else str(plugin.api_version)
            table.add_row(plugin.kind, plugin.name, plugin.package, plugin.version, api,
                          plugin.licence or "-")
    console = make_console()
    console.print(table)
    # without --check nothing is imported: only what the metadata shows is reported
    problems = [p for kind in kinds for p in registry.find_problems(kind, load=args.check)]
    for problem in problems:
        console.print(f"[yellow]problem[/yellow] {problem.kind} {problem.name!r} "
                      f"({problem.package}): {problem.problem}")
    return 1 if problems and args.check else 0
