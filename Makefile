# audio-artigo: the commands the README promises.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test stress bench bench-cluster pages clean

$(BIN)/audio-artigo: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dist]'
	# What pip does when it installs (unless PYTHONDONTWRITEBYTECODE is set, as on some CI machines):
	# compile once, so no command compiles its imports at every start (numpy alone: ~0.4 s).
	$(BIN)/python -m compileall -q -j 0 src
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null || true  # a package's stray template file must not stop setup
	@touch $@

setup: $(BIN)/audio-artigo  ## virtualenv with the package and the test tools

demo: setup  ## build the example article into output/
	$(BIN)/audio-artigo build examples/ia-xangai.txt

test: setup  ## the whole test suite (what CI runs)
	$(BIN)/pytest -q

stress: setup  ## long robustness runs: 100,000+ fuzzed inputs, 500+ kills
	$(BIN)/python -m tests.stress

bench: setup  ## speed and memory against the piper CLI (needs ../shared)
	$(BIN)/python bench/bench.py

bench-cluster: setup  ## (17 min) 10 articles through a Celery cluster on this machine vs the local pool (needs ../shared, redis-server)
	$(BIN)/python bench/cluster.py --runs 2

PAGES ?= ../shared/pages tests/sources/data
pages: setup  ## the page reader against trafilatura alone on saved pages with gold strings (PAGES=folders)
	$(BIN)/python tools/page_score.py $(PAGES) $(if $(SHOW),--show)

clean:
	rm -rf $(VENV) output/*.mp3 output/*.vtt output/*.json output/.cache
