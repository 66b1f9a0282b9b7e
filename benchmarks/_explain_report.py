"""The results of ``bench_explain.py``: verdicts, joining runs, the Markdown and the plot.

Two ways to build one result from several runs on the same models and texts:

- :func:`pair_with`: a run of some methods (occlusion at another setting) takes the
  other methods' per-text AOPC from an earlier run on the same texts;
- :func:`merge`: runs on consecutive texts of the same sample (``--first-text``) become
  one, as if a single run had explained them all.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

METHODS = ("occlusion", "integrated_gradients", "shap", "lime", "random")

# the settings that make two runs' models, texts and methods the same
SAME_SETTINGS = ("dair", "n_train", "minilm_train", "lime_samples", "shap_evals", "ig_steps",
                 "k", "random_draws", "seed", "occlusion_contexts", "occlusion_keep",
                 "device", "threads")


def occlusion_params(args) -> dict:
    """TokenExplainer's occlusion settings that differ from its defaults."""
    params = {"n_contexts": args.occlusion_contexts, "context_keep": args.occlusion_keep}
    return {k: v for k, v in params.items() if v is not None}


def pair_with(results, earlier, name) -> None:
    """Add to each model the methods it did not run, from ``earlier`` (same texts, models).

    The random floor's per-text AOPC must equal the earlier run's on the texts both ran:
    it depends only on the model's probabilities, the texts and the seed, so equality
    says the models and texts are the same. Those methods' times come from the earlier
    run (another load): their time ratios are across runs.
    """
    for key, entry in results.items():
        if not is_model(key, entry) or key not in earlier:
            continue
        n = entry["_setup"]["n_texts"]
        before = earlier[key]
        if before["_setup"]["n_texts"] < n:
            raise SystemExit(f"{name} has {before['_setup']['n_texts']} texts of {key}, "
                             f"fewer than the {n} run here")
        floor, floor_before = (np.asarray(e["random"]["aopc_per_text"][:n])
                               for e in (entry, before))
        if not np.allclose(floor, floor_before, atol=1e-6):
            raise SystemExit(f"{key}: the random floor differs from {name}'s (largest gap "
                             f"{np.abs(floor - floor_before).max():.2g}): not the same "
                             "model or texts (same --chunk, --seed, data and training sizes?)")
        taken = [m for m in METHODS if m in before and m not in entry]
        for method in taken:
            per_text = before[method]["aopc_per_text"][:n]
            entry[method] = {"aopc": float(np.mean(per_text)), "aopc_at_k": None,
                             "seconds_per_text": before[method]["seconds_per_text"],
                             "spearman_vs_occlusion": None, "aopc_per_text": per_text}
        entry["_setup"]["paired_with"] = {"result": name, "methods": taken}


def merge(paths) -> tuple[dict, dict, dict]:
    """(config, results, environment) of runs on consecutive texts of the same sample.

    Each model's texts must follow on from one part to the next (``first_text`` of a
    part is where the one before ended); its methods are those all parts ran. AOPC and
    AOPC at k are weighted by the texts of each part; the per-text AOPC are
    concatenated, so the paired intervals cover every text. Times are weighted by the
    texts of the parts that ran every method themselves (not ``--paired-with``: its
    borrowed times come from another run, under another load). The Spearman
    correlation is the text-weighted mean of the parts that have one. The environment
    is the last part's.
    """
    parts = [json.loads(Path(p).read_text()) for p in paths]
    names = [Path(p).stem for p in paths]
    for name, part in zip(names[1:], parts[1:]):
        differ = [s for s in SAME_SETTINGS
                  if part["config"].get(s) != parts[0]["config"].get(s)]
        if differ:
            raise SystemExit(f"{name} differs from {names[0]} in {', '.join(differ)}: "
                             "not the same models, texts or methods")
    results = {}
    keys = dict.fromkeys(k for part in parts for k, e in part["results"].items()
                         if is_model(k, e))
    for key in keys:
        pieces = sorted(((p["results"][key], n) for p, n in zip(parts, names)
                         if key in p["results"]),
                        key=lambda piece: piece[0]["_setup"].get("first_text", 0))
        results[key] = merge_model(key, pieces)
    results["load_average_1min_after"] = parts[-1]["results"].get("load_average_1min_after")
    results["targets"] = verdicts(results)
    union = {name: ",".join(dict.fromkeys(v for part in parts
                                          for v in part["config"][name].split(",")))
             for name in ("datasets", "models")}  # parts may run one data set each
    config = {**parts[-1]["config"], **union, "first_text": 0, "merged_from": names}
    return config, results, parts[-1]["environment"]


def merge_model(key, pieces) -> dict:
    """One model's entry from its (entry, result name) pieces, in text order."""
    end = pieces[0][0]["_setup"].get("first_text", 0)
    for entry, name in pieces:
        first = entry["_setup"].get("first_text", 0)
        if first != end:
            raise SystemExit(f"{key}: {name} starts at text {first}, but the parts before "
                             f"end at text {end}: the texts must follow on")
        end += entry["_setup"]["n_texts"]
    sizes = np.array([entry["_setup"]["n_texts"] for entry, _ in pieces], dtype=float)
    # times compare within a process: those of parts that ran every method themselves
    own = np.array([0.0 if "paired_with" in entry["_setup"] else n
                    for (entry, _), n in zip(pieces, sizes)])
    own = own if own.any() else sizes

    def weighted(values, weights=sizes):
        return float(np.dot(values, weights) / weights.sum())

    out = {}
    for method in [m for m in METHODS if all(m in entry for entry, _ in pieces)]:
        rows = [entry[method] for entry, _ in pieces]
        per_text = [v for r in rows for v in r["aopc_per_text"]]
        at_k = [r["aopc_at_k"] for r in rows]
        rhos = [(r["spearman_vs_occlusion"], n) for r, n in zip(rows, sizes)
                if r["spearman_vs_occlusion"] is not None]
        out[method] = {
            "aopc": float(np.mean(per_text)),
            "aopc_at_k": (np.dot(sizes, at_k) / sizes.sum()).tolist()
            if all(a is not None for a in at_k) else None,
            "seconds_per_text": weighted([r["seconds_per_text"] for r in rows], own),
            "spearman_vs_occlusion": float(np.dot(*zip(*rhos)) / sum(n for _, n in rhos))
            if rhos else None,
            "aopc_per_text": per_text}
    out["_setup"] = {
        "n_texts": int(sizes.sum()), "first_text": pieces[0][0]["_setup"].get("first_text", 0),
        "fit_seconds": round(weighted([e["_setup"]["fit_seconds"] for e, _ in pieces]), 1),
        "mean_words": weighted([e["_setup"]["mean_words"] for e, _ in pieces]),
        "merged_from": [{"result": name, "first_text": e["_setup"].get("first_text", 0),
                         "n_texts": e["_setup"]["n_texts"],
                         **({"paired_with": e["_setup"]["paired_with"]}
                            if "paired_with" in e["_setup"] else {})}
                        for e, name in pieces]}
    return out


def verdicts(results) -> dict:
    """Per model, issue 18's targets: met (True) or missed (False), with the figures."""
    out = {}
    for key, entry in results.items():
        if not is_model(key, entry):
            continue
        occ = entry["occlusion"]
        checks = {}
        for rival in ("lime", "shap"):
            if rival in entry:
                gap = occ["aopc"] - entry[rival]["aopc"]
                checks[f"aopc_at_least_{rival}"] = {"met": bool(gap >= 0), "gap": gap,
                                                    "ci95": paired_ci(occ, entry[rival])}
        if "lime" in entry:
            ratio = occ["seconds_per_text"] / entry["lime"]["seconds_per_text"]
            checks["time_at_most_fifth_of_lime"] = {"met": bool(ratio <= 0.2), "ratio": ratio}
        explained = [entry[m]["aopc"] for m in METHODS if m in entry and m != "random"]
        if "random" in entry:
            # "clearly below": at most half of the least faithful method's AOPC
            floor = entry["random"]["aopc"]
            checks["random_floor_clearly_below"] = {"met": bool(floor <= 0.5 * min(explained)),
                                                    "random": floor,
                                                    "lowest_method": min(explained)}
        out[key] = checks
    return out


def paired_ci(a: dict, b: dict, n_boot: int = 2000) -> list[float] | None:
    """95% bootstrap interval of the mean per-text AOPC difference a - b (same texts)."""
    if "aopc_per_text" not in a or "aopc_per_text" not in b:
        return None  # results written before per-text figures were kept
    diff = np.asarray(a["aopc_per_text"]) - np.asarray(b["aopc_per_text"])
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(diff), (n_boot, len(diff)))].mean(axis=1)
    return np.percentile(means, [2.5, 97.5]).round(5).tolist()


def explainer_default(name: str):
    """TokenExplainer's default for parameter ``name``, as the benchmark runs it."""
    import inspect

    from sklearn_emotion.explain import TokenExplainer

    return inspect.signature(TokenExplainer).parameters[name].default


def occlusion_setting(args) -> str:
    """How occlusion ran, in words."""
    defaults = {k: explainer_default(k) for k in ("n_contexts", "context_keep")}
    settings = {**defaults, **occlusion_params(args)}
    what = "TokenExplainer's defaults" if settings == defaults else "TokenExplainer with " + (
        ", ".join(f"{k}={v}" for k, v in settings.items()))
    return (f"Occlusion: {what} (the full text and {settings['n_contexts'] - 1} random "
            f"contexts, each other word kept with probability {settings['context_keep']}).")


def is_model(key, entry) -> bool:
    return "/" in key and isinstance(entry, dict)


def markdown(args, results) -> str:
    lines = [
        f"Deletion AOPC over k = 1..{args.k} for the predicted class (higher is more "
        "faithful), wall seconds per text, Spearman rank correlation with occlusion. "
        + occlusion_setting(args) + f" {args.jobs} process(es), "
        f"{args.threads} torch thread(s) each; the MiniLM model on {args.device}; times compare "
        f"within a data set. LIME "
        f"{args.lime_samples} samples, shap {args.shap_evals} evaluations (Partition "
        f"explainer, Text masker), integrated gradients {args.ig_steps} steps, random: mean "
        f"of {args.random_draws} orders. Models trained on {args.n_train} texts (MiniLM head: "
        f"{args.minilm_train}).", "",
        "| data / model | texts | method | AOPC | AOPC k=1..5 | s/text | time / LIME "
        "| Spearman vs occlusion |",
        "|---|---:|---|---:|---|---:|---:|---:|",
    ]
    for key, entry in results.items():
        if not is_model(key, entry):
            continue
        lime_time = entry.get("lime", {}).get("seconds_per_text")
        for method in METHODS:
            if method not in entry:
                continue
            r = entry[method]
            ratio = f"{r['seconds_per_text'] / lime_time:.3f}" if lime_time else "-"
            rho = r["spearman_vs_occlusion"]
            lines.append(
                f"| {key} | {entry['_setup']['n_texts']} | {method} | {r['aopc']:.3f} | "
                + (" ".join(f"{v:.2f}" for v in r["aopc_at_k"]) if r["aopc_at_k"] else
                   f"from {entry['_setup']['paired_with']['result']}"
                   if "paired_with" in entry["_setup"] else "- (joined)")
                + f" | {r['seconds_per_text']:.4f} | {ratio} | "
                + ("-" if rho is None else f"{rho:.2f}") + " |")
    lines += [""] + coverage(args, results) + joined(results)
    lines += ["", "Issue 18's targets per model (occlusion against the others; the random "
              "floor is 'clearly below' when at most half the least faithful method's AOPC; "
              "the interval is a paired bootstrap over the texts of the AOPC difference):",
              "", "| data / model | AOPC >= LIME's | AOPC >= shap's | time <= 1/5 of LIME's "
              "| random floor clearly below |", "|---|---|---|---|---|"]
    for key, checks in results.get("targets", {}).items():
        cells = []
        for name, figure in (("aopc_at_least_lime", "gap"), ("aopc_at_least_shap", "gap"),
                             ("time_at_most_fifth_of_lime", "ratio"),
                             ("random_floor_clearly_below", "random")):
            check = checks.get(name)
            if check is None:
                cells.append("-")
                continue
            word = "met" if check["met"] else "**missed**"
            value = check[figure]
            ci = check.get("ci95")
            ci = f", 95% CI {ci[0]:+.4f} to {ci[1]:+.4f}" if ci else ""
            cells.append(f"{word} ({figure} {value:+.4f}{ci})" if figure == "gap"
                         else f"{word} ({figure} {value:.3f})")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    missed = [f"{key}: {name}" for key, checks in results.get("targets", {}).items()
              for name, check in checks.items() if not check["met"]]
    lines += ["", "Missed: " + ("; ".join(missed) if missed else "none") + "."]
    return "\n".join(lines)


def coverage(args, results) -> list[str]:
    """What ran on fewer texts than ``--n-texts`` or not at all, and what the rest would cost."""
    lines = []
    chunks = dict(item.split("=") for item in args.chunk.split(",") if item)
    for key, entry in results.items():
        if not is_model(key, entry):
            continue
        first, n = entry["_setup"].get("first_text", 0), entry["_setup"]["n_texts"]
        if first == 0 and n >= args.n_texts:
            continue
        name = key.split("/")[1]
        asked = {"lstm": args.lstm_texts, "minilm": args.minilm_texts}.get(name) or args.n_texts
        how = f"at most {asked} asked"
        if "merged_from" in entry["_setup"]:
            how = f"joined from {len(entry['_setup']['merged_from'])} runs"
        elif args.stop_at and name in chunks:
            how += (f", {chunks[name]} at a time until its share of the time to "
                    f"{args.stop_at} UTC was spent")
        which = "the first" if first == 0 else f"texts {first} to {first + n - 1}"
        per_text = sum(entry[m]["seconds_per_text"] for m in METHODS if m in entry)
        lines.append(
            f"- {key}: {n} of the {args.n_texts} texts ({which} "
            f"of the same sample; {how}): all methods together took {per_text:.1f} s per "
            f"text (LIME {entry['lime']['seconds_per_text']:.1f} s), so {args.n_texts} texts "
            f"would take about {per_text * args.n_texts / 3600:.1f} h on one core.")
    wanted = [f"{d}/{m}" for d in args.datasets.split(",") for m in args.models.split(",")]
    missing = [k for k in wanted if k not in results]
    if missing:
        lines.append(f"- Not run (the run was stopped first): {', '.join(missing)}.")
    if lines:
        lines.insert(0, "Fewer texts than asked (LIME and shap at the settings above):")
    return lines


def joined(results) -> list[str]:
    """Which runs a merged result joins, per model (texts counted from 0)."""
    lines = []
    for key, entry in results.items():
        if not is_model(key, entry) or "merged_from" not in entry["_setup"]:
            continue
        pieces = []
        for piece in entry["_setup"]["merged_from"]:
            end = piece["first_text"] + piece["n_texts"] - 1
            paired = piece.get("paired_with")
            pieces.append(f"texts {piece['first_text']}-{end} from {piece['result']}" + (
                f" ({', '.join(paired['methods'])} from {paired['result']})" if paired else ""))
        lines.append(f"- {key}: " + "; ".join(pieces) + ".")
    if lines:
        lines[:0] = ["", "Joined runs (AOPC at k and Spearman weighted by texts where every "
                     "part has them; times weighted by the texts of the parts that ran every "
                     "method themselves):"]
    return lines


def plot(results, path) -> None:
    """Bars of AOPC per model and method (random: the floor), saved as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k, v in results.items() if is_model(k, v)]
    fig, ax = plt.subplots(figsize=(1.6 * len(keys) + 2, 3.6))
    width = 0.8 / len(METHODS)
    for m, method in enumerate(METHODS):
        values = [results[k][method]["aopc"] if method in results[k] else np.nan for k in keys]
        ax.bar(np.arange(len(keys)) + (m - len(METHODS) / 2 + 0.5) * width, values, width,
               label=method, color="lightgrey" if method == "random" else None)
    ax.set_xticks(np.arange(len(keys)), keys, fontsize=8)
    top = max(v[m]["aopc"] for v in (results[k] for k in keys) for m in METHODS if m in v)
    ax.set_ylim(min(0.0, ax.get_ylim()[0]), top * 1.3)  # room for the legend
    ax.set_ylabel("deletion AOPC (k=1..5)")
    ax.legend(fontsize=8, ncols=len(METHODS), loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
