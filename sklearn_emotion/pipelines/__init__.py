"""Ready-made pipelines by short name, and pipelines described in TOML or YAML files.

A pipeline is described as data, a :class:`PipelineSpec`: an ordered list of steps,
each naming a plugin registered under ``sklearn_emotion.vectorizers`` or
``sklearn_emotion.estimators`` (see :mod:`sklearn_emotion.registry`) and its
parameters. The built-in pipelines of :data:`PIPELINES` and the pipelines a user writes
in a config file take the same path: every step is resolved through the registry, so a
vectorizer or estimator from an installed plugin package is usable by name, without code.

A config file (TOML; YAML if PyYAML is installed) looks like this::

    name = "tfidf-svm"                       # optional, recorded in the model card
    description = "word and bigram TF-IDF"   # optional

    [[steps]]
    name = "tfidf"                           # optional, default: the plugin name in lower case
    plugin = "TfidfVectorizer"
    params = { ngram_range = [1, 2], min_df = 2 }

    [[steps]]
    name = "classify"
    plugin = "LogisticRegression"
    params = { C = 4.0, max_iter = 1000 }

    [grid]                                   # optional: GridSearchCV over these values
    classify__C = [0.5, 1.0, 4.0]

Lists become tuples where the estimator's default is a tuple (``ngram_range``), since
TOML has no tuples. A step may say ``kind = "vectorizers"`` or ``"estimators"``; by
default both are searched.

Modules: ``_specs.py`` (the spec types), ``_builtin.py`` (:data:`PIPELINES`),
``_config.py`` (config files, name resolution), ``_build.py`` (specs to pipelines
through the registry), ``_grid.py`` (``--set`` and ``--grid`` parsing and checking).

Examples
--------
>>> from sklearn_emotion.pipelines import make_pipeline_by_name, PIPELINES
>>> sorted(PIPELINES)  # doctest: +NORMALIZE_WHITESPACE
['few-shot', 'glove-lstm', 'minilm-finetune', 'minilm-mlp', 'text-audio-fusion', 'tfidf-logreg',
 'tfidf-minilm-vote']
>>> [name for name, _ in make_pipeline_by_name("minilm-mlp").steps]
['clean', 'embed', 'classify']
>>> make_pipeline_by_name("tfidf-logreg").named_steps["tfidf"].ngram_range
(1, 2)
"""

from ._build import build_pipeline, make_pipeline_by_name
from ._builtin import DEFAULT_MULTILABEL_PIPELINE, DEFAULT_PIPELINE, PIPELINES
from ._config import get_pipeline_spec, load_pipeline_config
from ._grid import check_param_grid, parse_grid, parse_settings
from ._specs import PipelineSpec, StepSpec, is_config_path, jsonable

__all__ = [
    "PIPELINES",
    "DEFAULT_PIPELINE",
    "DEFAULT_MULTILABEL_PIPELINE",
    "StepSpec",
    "PipelineSpec",
    "get_pipeline_spec",
    "load_pipeline_config",
    "build_pipeline",
    "make_pipeline_by_name",
    "parse_grid",
    "parse_settings",
    "check_param_grid",
    "jsonable",
    "is_config_path",
]
