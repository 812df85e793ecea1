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

bench:  ## DOCX → PDF seconds per document: cold soffice against the warm pool
	$(PYTHON) bench/pdf_speed.py

bench-quick:
	$(PYTHON) bench/pdf_speed.py --quick

lint:
	$(PYTHON) -m ruff check .
