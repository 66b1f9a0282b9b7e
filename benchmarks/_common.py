"""What every benchmark script shares: the record of the environment and one result schema.

Each run writes two files to ``benchmarks/results/``: ``<name>_<UTC timestamp>[_<tag>].json``
and the same stem with ``.md``. The JSON file holds one object::

    {
      "schema_version": 1,
      "benchmark": "cache",                 # the script's name without "bench_"
      "title": "Grid search with and without the embedding cache",
      "environment": {
        "date": "2026-11-29T16:30:00+00:00",   # UTC, when the run was recorded
        "machine": {"platform": ..., "processor": ..., "cpu_count": 2,
                    "load_average_1min": 3.1, "torch_threads": 1, "gpu": null},
        "python": "3.11.7",
        "versions": {"sklearn-emotion": ..., "numpy": ..., "scikit-learn": ..., ...}
      },
      "config": {...},                      # arguments and settings of the run
      "results": {...}                      # the figures, in the script's own layout
    }

The Markdown file starts with the title, then one line of environment, then the
script's tables. ``environment`` reads versions from the installed distributions'
metadata, so recording them imports nothing; torch's thread count and GPU are recorded
when the script has imported torch.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

__all__ = ["SCHEMA_VERSION", "RESULTS", "environment", "load_average", "config_of",
           "data_folder", "write_result", "export_to_transformers"]

SCHEMA_VERSION = 1
RESULTS = Path(__file__).resolve().parent / "results"
SCHEMA_KEYS = ("schema_version", "benchmark", "title", "environment", "config", "results")
# recorded for every run; scripts add the libraries they measure (transformers, librosa...)
LIBRARIES = ("sklearn-emotion", "numpy", "scikit-learn", "torch", "skorch")


def load_average() -> float | None:
    """The machine's 1-minute load average, or None where the system has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _torch_facts() -> tuple[int | None, str | None]:
    torch = sys.modules.get("torch")  # only if the script uses it: never import it here
    if torch is None:
        return None, None
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else None
    return torch.get_num_threads(), gpu


def _cpu_model() -> str | None:
    """The processor's model name (Linux), which ``platform.processor()`` leaves empty."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def environment(libraries: tuple[str, ...] = ()) -> dict:
    """Date, machine, load, Python and library versions, in the shared schema.

    Parameters
    ----------
    libraries : tuple of str
        Distributions to record besides sklearn-emotion, numpy, scikit-learn, torch and
        skorch (those not installed are left out).
    """
    threads, gpu = _torch_facts()
    names = dict.fromkeys(LIBRARIES + tuple(libraries))
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_model": _cpu_model(),
            "cpu_count": os.cpu_count(),
            # a run pinned with taskset sees fewer cores than the machine has
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count(),
            "load_average_1min": load_average(),
            "torch_threads": threads,
            "gpu": gpu,
        },
        "python": platform.python_version(),
        "versions": {name: v for name in names if (v := _version(name)) is not None},
    }


def config_of(args, drop: tuple[str, ...] = ("out",)) -> dict:
    """The parsed arguments as JSON values (paths as strings), without ``drop``."""

    def plain(value):
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in vars(args).items() if k not in drop}


def data_folder(path, what: str, option: str = "--data") -> Path:
    """``path`` as a Path, or exit saying which option names the (unbundled) data set."""
    if path is None:
        raise SystemExit(f"{what} is not bundled with sklearn-emotion: pass {option} FOLDER "
                         "(where you downloaded it).")
    return Path(path).expanduser()


def _environment_line(env: dict) -> str:
    machine = env["machine"]
    parts = [env["date"], f"{machine['platform']}, {machine['cpu_count']} CPUs",
             f"1-min load {machine['load_average_1min']}"]
    if machine["torch_threads"] is not None:
        parts.append(f"{machine['torch_threads']} torch thread(s)")
    if machine["gpu"]:
        parts.append(f"GPU {machine['gpu']}")
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
    return "; ".join(parts) + f". Python {env['python']}, {versions}."


def write_result(
    name: str,
    *,
    title: str,
    config: dict,
    results: dict,
    markdown: str,
    env: dict | None = None,
    tag: str | int | None = None,
    out: str | os.PathLike | None = None,
) -> Path:
    """Write one run's ``.json`` and ``.md`` files; return their common stem.

    Parameters
    ----------
    name : str
        The benchmark, first part of the file names (``cache``, ``lstm``...).
    title : str
        Heading of the Markdown file, also kept in the JSON.
    config : dict
        Arguments and settings of the run.
    results : dict
        The figures (JSON values).
    markdown : str
        The tables and notes that follow the heading and the environment line.
    env : dict, default=None
        From :func:`environment`; ``None`` records it now.
    tag : str or int, default=None
        Appended to the file names (e.g. the number of training texts).
    out : path-like, default=None
        The folder; ``None`` means ``benchmarks/results``.
    """
    env = environment() if env is None else env
    folder = Path(out) if out is not None else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    stem = folder / (f"{name}_{stamp}" + (f"_{tag}" if tag not in (None, "") else ""))
    payload = dict(zip(SCHEMA_KEYS, (SCHEMA_VERSION, name, title, env, config, results)))
    Path(f"{stem}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    text = f"# {title}\n\n{_environment_line(env)}\n\n{markdown.strip()}\n"
    Path(f"{stem}.md").write_text(text, encoding="utf-8")
    return stem


def export_to_transformers(clf, folder: Path) -> Path:
    """Copy a TransformerClassifier(pooling="pooler") into a
    BertForSequenceClassification folder that ``pipeline()`` loads."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    net = clf.module_
    config = AutoConfig.from_pretrained(clf.model_path_)
    config.num_labels = len(clf.classes_)
    config.id2label = {i: str(c) for i, c in enumerate(clf.classes_)}
    config.label2id = {str(c): i for i, c in enumerate(clf.classes_)}
    model = AutoModelForSequenceClassification.from_config(config)
    base = getattr(model, model.base_model_prefix)
    base.load_state_dict(net.encoder.state_dict(), strict=True)
    model.classifier.load_state_dict(net.head.state_dict())
    model.save_pretrained(folder)
    clf.tokenizer_.save_pretrained(folder)
    return folder
