# Set-up is automatic: every target that needs Python builds .venv from requirements.txt first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: venv test stubs tune bench clean-venv

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

## venv: only create .venv (every other target does it too)
venv: $(VENV)/.installed

## test: every check — stubs in sync, tool tests, and the audit (references pass, stubs fail, mutants caught)
test: $(VENV)/.installed
	$(PY) -m grader.stubgen --check
	$(PY) -m pytest --audit

## tune: a short coarse-to-fine sweep of the default digits model; prints the table, writes the plot
tune: $(VENV)/.installed
	$(PY) -m tuner sweep --config tuner/configs/digits.toml --dir runs/digits
	$(PY) -m tuner report --dir runs/digits
	$(PY) -m tuner plot --dir runs/digits --out runs/digits/search.png

## stubs: regenerate exercises/ and notebooks/ from solutions/
stubs: $(VENV)/.installed
	$(PY) -m grader.stubgen

## bench: time the graded suite on the references
bench: $(VENV)/.installed
	$(PY) benchmarks/grading_suite.py

clean-venv:
	rm -rf $(VENV)
