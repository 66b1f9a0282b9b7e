"""Import and plugin-discovery time in a fresh interpreter (target: under 0.5 s, no torch).

Measures, each in a new ``python`` process, best and median of ``--repeats`` runs:

- ``import sklearn_emotion``;
- ``import sklearn_emotion`` plus ``registry.find_plugins()`` (every kind);
- the same plus ``registry.load("vectorizers", "StaticEmbeddingVectorizer")`` (imports
  one plugin's module, not its weights), when that plugin is installed;
- for reference, ``import torch`` and ``import sklearn``.

It also records which heavy modules each step imported (from ``sys.modules``) and the
slowest imports of the listing step (``python -X importtime``).

Usage: ``.venv/bin/python benchmarks/bench_import.py [--repeats 7]``; results go to
``benchmarks/results/import_<date>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from _common import RESULTS, config_of, environment, write_result

HEAVY = ("torch", "sklearn", "scipy", "pandas", "transformers", "skorch", "model2vec")

STEPS = {
    "import sklearn_emotion": "import sklearn_emotion",
    "+ find_plugins()": "import sklearn_emotion\nfrom sklearn_emotion import registry\n"
                        "registry.find_plugins()",
    "+ load one plugin class": "import sklearn_emotion\nfrom sklearn_emotion import registry\n"
                               "registry.find_plugins()\n"
                               "registry.load('vectorizers', 'StaticEmbeddingVectorizer')",
    "import torch (reference)": "import torch",
    "import sklearn (reference)": "import sklearn.base",
}

TIMER = """
import sys, time, json
start = time.perf_counter()
{code}
elapsed = time.perf_counter() - start
print(json.dumps([elapsed, sorted(m for m in {heavy!r} if m in sys.modules)]))
"""


def measure(code: str, repeats: int) -> dict:
    times, heavy = [], []
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", TIMER.format(code=code, heavy=HEAVY)],
                              capture_output=True, text=True, check=True)
        elapsed, heavy = json.loads(proc.stdout.strip().splitlines()[-1])
        times.append(elapsed)
    return {"best_s": min(times), "median_s": statistics.median(times), "heavy": heavy}


def slowest_imports(code: str, top: int = 8) -> list[tuple[str, float]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                          capture_output=True, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            if not name.startswith("  "):  # top level: one space after the bar
                rows.append((name.strip(), int(cumulative) / 1e6))
    return sorted(rows, key=lambda r: -r[1])[:top]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    env = environment()
    steps = {}
    lines = ["| step | best (s) | median (s) | heavy modules imported |", "|---|---|---|---|"]
    for name, code in STEPS.items():
        try:
            row = measure(code, args.repeats)
        except subprocess.CalledProcessError as exc:  # e.g. the plugin is not installed
            print(f"{name}: skipped ({exc.stderr.strip().splitlines()[-1]})")
            continue
        steps[name] = row
        lines.append(f"| {name} | {row['best_s']:.3f} | {row['median_s']:.3f} | "
                     f"{', '.join(row['heavy']) or 'none'} |")
    slowest = slowest_imports(STEPS["+ find_plugins()"])
    text = "\n".join(lines)
    print(text)
    print("slowest imports of the listing step:", slowest)
    stem = write_result("import", title="Import and discovery time", config=config_of(args),
                        results={"steps": steps, "slowest_imports_listing": slowest},
                        markdown=text, env=env, out=args.out)
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
