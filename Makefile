# The README's commands. PYTHON: .venv/bin/python if scripts/setup.sh made one, else python.
PYTHON ?= $(shell if [ -x .venv/bin/python ]; then echo .venv/bin/python; \
	elif command -v python >/dev/null; then echo python; else echo python3; fi)

.PHONY: setup example test bench bench-quick lint

setup:  ## Debian packages (LibreOffice, fonts, poppler) and pinned Python packages
	PYTHON=$(PYTHON) scripts/setup.sh

example:  ## build the example batches into output/
	$(PYTHON) -m generator build specs/examples -o output

test:
	$(PYTHON) -m pytest -q

bench:  ## the full benchmark (about 5 minutes): bench/results.json and the tables in bench/README.md
	$(PYTHON) bench/run.py && $(PYTHON) bench/report.py --readme

bench-quick:  ## the quick benchmark (about 2 minutes)
	$(PYTHON) bench/run.py --quick

lint:
	$(PYTHON) -m ruff check .
