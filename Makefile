# Set-up is automatic: every target that needs Python builds .venv from requirements.txt first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: venv test stubs tune bench bench-extras clean-venv

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

## venv: only create .venv (every other target does it too)
venv: $(VENV)/.installed

GRADED_TESTS := $(filter-out tests/tuner/ tests/adversarial/ tests/__pycache__/,$(wildcard tests/*/))
TOOL_TESTS := $(wildcard tests/test_*.py) tests/tuner

## test: every check — stubs in sync, then the audit (references pass, stubs fail, mutants caught)
## and the tool tests side by side (each keeps about one of two cores busy); the audit's report last
test: $(VENV)/.installed
	$(PY) -m grader.stubgen --check
	@log=$$(mktemp); $(PY) -m pytest --audit $(GRADED_TESTS) > $$log 2>&1 & audit=$$!; \
	$(PY) -m pytest $(TOOL_TESTS); tools=$$?; wait $$audit; code=$$?; cat $$log; rm -f $$log; \
	test $$tools -eq 0 -a $$code -eq 0

## tune: a short coarse-to-fine sweep of the default digits model; prints the table, writes the plot
tune: $(VENV)/.installed
	$(PY) -m tuner sweep --config tuner/configs/digits.toml --dir runs/digits
	$(PY) -m tuner report --dir runs/digits
	$(PY) -m tuner plot --dir runs/digits --out runs/digits/search.png

## stubs: regenerate exercises/ and notebooks/ from solutions/
stubs: $(VENV)/.installed
	$(PY) -m grader.stubgen

## bench-extras: what the benchmarks compare against (Optuna), never needed by the tools or the tests
bench-extras: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt

## bench: time the graded suite on the references
bench: $(VENV)/.installed
	$(PY) benchmarks/grading_suite.py

clean-venv:
	rm -rf $(VENV)
