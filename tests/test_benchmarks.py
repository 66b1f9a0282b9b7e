"""Every benchmark script imports and records its runs through the shared result schema.

The benchmarks themselves take minutes to hours and are not run here.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
import tempfile
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("bench_*.py"))


@pytest.fixture(scope="module")
def common():
    sys.path.insert(0, str(BENCHMARKS))  # the scripts import _common from their folder
    try:
        yield importlib.import_module("_common")
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_there_are_benchmark_scripts():
    assert len(SCRIPTS) >= 9, SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_uses_the_shared_helpers(common, name, monkeypatch):
    module = importlib.import_module(name)
    assert module.write_result is common.write_result
    source = inspect.getsource(module)
    assert "def environment(" not in source, f"{name} records its own environment"
    assert "datetime.now(" not in source, f"{name} stamps its own result files"
    # default paths (data, output) stay inside the repository (or the temporary folder)
    allowed = (BENCHMARKS.parent, Path(tempfile.gettempdir()).resolve())
    options = []

    def capture(parser, args=None, namespace=None):
        options.extend(parser._actions)
        raise SystemExit(0)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    with pytest.raises(SystemExit):
        getattr(module, "parse_args", module.main)([])
    assert options, f"{name} has no command-line options"
    outside = [option.dest for option in options if isinstance(option.default, Path)
               and not any(folder == option.default.resolve()
                           or folder in option.default.resolve().parents
                           for folder in allowed)]
    assert outside == [], f"{name} defaults to paths outside the repository"


def test_environment_has_the_schema_fields(common):
    env = common.environment(("definitely-not-installed-distribution",))
    assert set(env) == {"date", "machine", "python", "versions"}
    assert set(env["machine"]) == {"platform", "processor", "cpu_model", "cpu_count",
                                   "cpus_usable", "load_average_1min", "torch_threads", "gpu"}
    assert env["machine"]["cpu_count"] >= 1
    assert 1 <= env["machine"]["cpus_usable"] <= env["machine"]["cpu_count"]
    assert {"sklearn-emotion", "numpy", "scikit-learn"} <= set(env["versions"])
    assert "definitely-not-installed-distribution" not in env["versions"]


def test_write_result_writes_one_schema(common, tmp_path):
    stem = common.write_result("example", title="An example", config={"n": 3},
                               results={"rows": [{"model": "a", "accuracy": 0.5}]},
                               markdown="| model | accuracy |\n| --- | --- |\n| a | 0.5 |",
                               tag=3, out=tmp_path)
    assert stem.name.startswith("example_") and stem.name.endswith("_3")
    payload = json.loads(Path(f"{stem}.json").read_text())
    assert list(payload) == ["schema_version", "benchmark", "title", "environment", "config",
                             "results"]
    assert payload["schema_version"] == common.SCHEMA_VERSION
    assert payload["benchmark"] == "example"
    assert payload["results"]["rows"][0]["accuracy"] == 0.5
    text = Path(f"{stem}.md").read_text().splitlines()
    assert text[0] == "# An example"
    assert payload["environment"]["date"] in text[2]
    assert text[-1] == "| a | 0.5 |"


def test_data_folder_names_the_option(common):
    with pytest.raises(SystemExit, match="pass --dair FOLDER"):
        common.data_folder(None, "dair-ai emotion", option="--dair")
    assert common.data_folder("~/x", "x") == Path.home() / "x"


def test_explain_verdicts_give_a_paired_interval(common):
    # the faithfulness gaps between methods are often a few thousandths: the verdict
    # carries a paired bootstrap interval over the texts, not only the difference of means
    import numpy as np

    bench_explain = importlib.import_module("bench_explain")
    rng = np.random.default_rng(1)
    base = rng.uniform(0, 0.5, 300)

    def entry(per_text):
        return {"aopc": float(np.mean(per_text)), "seconds_per_text": 1.0,
                "aopc_per_text": list(per_text)}

    better = bench_explain.verdicts({"d/m": {
        "occlusion": entry(base + 0.01 + rng.normal(0, 0.01, 300)), "lime": entry(base)}})
    check = better["d/m"]["aopc_at_least_lime"]
    assert check["met"] and 0 < check["ci95"][0] < check["gap"] < check["ci95"][1]
    tied = bench_explain.verdicts({"d/m": {"occlusion": entry(base + rng.normal(0, 0.05, 300)),
                                           "lime": entry(base)}})
    low, high = tied["d/m"]["aopc_at_least_lime"]["ci95"]
    assert low < 0 < high
    # results from before per-text figures were kept still get a verdict, without interval
    old = {"aopc": 0.3, "seconds_per_text": 1.0}
    assert bench_explain.verdicts({"d/m": {"occlusion": old, "lime": old}})[
        "d/m"]["aopc_at_least_lime"]["ci95"] is None


def test_explain_pairs_with_an_earlier_run_only_on_the_same_models_and_texts(common):
    # occlusion alone at another setting borrows LIME's per-text AOPC from an earlier run;
    # the random floor (the model's probabilities, the texts and the seed) must match
    bench_explain = importlib.import_module("bench_explain")

    def entry(per_text):
        return {"aopc": sum(per_text) / len(per_text), "seconds_per_text": 2.0,
                "aopc_at_k": [0.1] * 5, "spearman_vs_occlusion": 0.5,
                "aopc_per_text": list(per_text)}

    earlier = {"d/m": {"occlusion": entry([0.1, 0.2, 0.3]), "lime": entry([0.4, 0.2, 0.9]),
                       "random": entry([0.05, 0.01, 0.02]), "_setup": {"n_texts": 3}}}
    now = {"d/m": {"occlusion": entry([0.5, 0.3]), "random": entry([0.05, 0.01]),
                   "_setup": {"n_texts": 2}}}
    bench_explain.pair_with(now, earlier, "explain_x")
    lime = now["d/m"]["lime"]
    assert lime["aopc_per_text"] == [0.4, 0.2] and abs(lime["aopc"] - 0.3) < 1e-12
    assert now["d/m"]["occlusion"]["aopc_per_text"] == [0.5, 0.3]  # its own, kept
    assert now["d/m"]["_setup"]["paired_with"] == {"result": "explain_x", "methods": ["lime"]}
    gap = bench_explain.verdicts(now)["d/m"]["aopc_at_least_lime"]["gap"]
    assert abs(gap - 0.1) < 1e-12

    other_model = {"d/m": {"occlusion": entry([0.5, 0.3]), "random": entry([0.05, 0.03]),
                           "_setup": {"n_texts": 2}}}
    with pytest.raises(SystemExit, match="not the same model or texts"):
        bench_explain.pair_with(other_model, earlier, "explain_x")
    more_texts = {"d/m": {"occlusion": entry([0.5] * 4), "random": entry([0.05] * 4),
                          "_setup": {"n_texts": 4}}}
    with pytest.raises(SystemExit, match="fewer than the 4 run here"):
        bench_explain.pair_with(more_texts, earlier, "explain_x")


def test_explain_merge_joins_runs_on_consecutive_texts(common, tmp_path):
    # a long run split over sessions (--first-text): the joined result is the one a single
    # run would give: per-text AOPC in text order, figures weighted by texts, new verdicts
    import json

    report = importlib.import_module("_explain_report")

    def entry(per_text, at_k=(0.1,) * 5, seconds=2.0, rho=0.5):
        return {"aopc": sum(per_text) / len(per_text), "seconds_per_text": seconds,
                "aopc_at_k": None if at_k is None else list(at_k),
                "spearman_vs_occlusion": rho, "aopc_per_text": list(per_text)}

    def write(name, first, model, config=None):
        n = len(model["occlusion"]["aopc_per_text"])
        model["_setup"] = {"n_texts": n, "first_text": first, "fit_seconds": 10.0,
                           "mean_words": 12.0}
        payload = {"config": {"seed": 0, "n_train": 100, "occlusion_contexts": 32,
                              "datasets": "d", "models": "m", **(config or {})},
                   "environment": {"date": name}, "results": {"d/m": model}}
        (tmp_path / f"{name}.json").write_text(json.dumps(payload))
        return tmp_path / f"{name}.json"

    head = write("explain_a", 0, {"occlusion": entry([0.4, 0.2], rho=None),
                                  "lime": entry([0.3, 0.1], at_k=None, seconds=40.0),
                                  "shap": entry([0.3, 0.3])})
    head_model = json.loads(head.read_text())["results"]["d/m"]
    head_model["_setup"]["paired_with"] = {"result": "explain_0", "methods": ["lime"]}
    head.write_text(json.dumps({**json.loads(head.read_text()),
                                "results": {"d/m": head_model}}))
    tail = write("explain_b", 2, {"occlusion": entry([0.5, 0.1, 0.3], rho=0.8),
                                  "lime": entry([0.4, 0.2, 0.6], seconds=50.0)})
    config, results, env = report.merge([tail, head])  # any order: sorted by first text
    model = results["d/m"]
    assert model["occlusion"]["aopc_per_text"] == [0.4, 0.2, 0.5, 0.1, 0.3]
    assert model["lime"]["aopc_per_text"] == [0.3, 0.1, 0.4, 0.2, 0.6]
    assert "shap" not in model  # not run on every text
    # times from the part that ran both methods itself: the paired part's LIME time
    # comes from another run
    assert model["lime"]["seconds_per_text"] == 50.0
    assert model["lime"]["aopc_at_k"] is None and model["occlusion"]["aopc_at_k"] == [0.1] * 5
    assert abs(model["occlusion"]["spearman_vs_occlusion"] - 0.8) < 1e-12  # the part with one
    assert model["_setup"]["n_texts"] == 5
    assert config["merged_from"] == ["explain_b", "explain_a"]
    # occlusion 1.5 / 5 against LIME 1.6 / 5 over the five texts
    assert abs(results["targets"]["d/m"]["aopc_at_least_lime"]["gap"] - (-0.02)) < 1e-12
    assert env == {"date": "explain_a"}
    text = report.joined(results)
    assert "texts 0-1 from explain_a (lime from explain_0)" in " ".join(text)

    gap = write("explain_c", 6, {"occlusion": entry([0.1]), "lime": entry([0.1])})
    with pytest.raises(SystemExit, match="starts at text 6, but the parts before end at"):
        report.merge([head, tail, gap])
    other = write("explain_d", 5, {"occlusion": entry([0.1]), "lime": entry([0.1])},
                  config={"occlusion_contexts": 16})
    with pytest.raises(SystemExit, match="differs from explain_a in occlusion_contexts"):
        report.merge([head, tail, other])


def test_explain_records_occlusion_settings_not_the_word_default(common):
    # a run records the contexts occlusion used: runs from before and after a change of
    # TokenExplainer's default must not look alike to --merge
    import inspect

    from sklearn_emotion.explain import TokenExplainer

    bench_explain = importlib.import_module("bench_explain")
    defaults = inspect.signature(TokenExplainer).parameters
    args = bench_explain.parse_args([])
    assert args.occlusion_contexts == defaults["n_contexts"].default
    assert args.occlusion_keep == defaults["context_keep"].default
    assert bench_explain.parse_args(["--occlusion-contexts", "8"]).occlusion_contexts == 8
