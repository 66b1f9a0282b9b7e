# Two commands do all set-up on a fresh machine:  `make demo`  and  `make test`.
# torch is installed first and pinned to the CPU build, so pip never pulls CUDA wheels.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
PLUGINS := plugins/glove-6b-50d plugins/minilm plugins/model2vec plugins/lexicon plugins/tfidf-baseline plugins/template plugins/audio-mfcc
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast install lint clean

demo: $(STAMP)
	$(BIN)/sklearn-emotion demo

# Two worker processes (pytest-xdist), each test file in one of them so that its
# module-scoped fixtures fit once: CI (set-up included) took 19 minutes on two cores,
# against 29 in one process.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The fast lane for iteration: skips the tests marked slow (CI runs everything: `make test`).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist loadfile

install: $(STAMP)

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install "torch==$(TORCH_VERSION)"
	$(BIN)/python -m pip install -e ".[dev]" $(addprefix -e ,$(PLUGINS))
	touch $@

lint: $(STAMP)
	$(BIN)/flake8 sklearn_emotion tests plugins

clean:
	rm -rf $(VENV) demo-output .pytest_cache
