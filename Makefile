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
# Two lanes for the two cores: the course's tool tests; the audit, then the tuner's tests and two
# course files (balanced by their times from a clean clone: about 7 minutes each)
AFTER_AUDIT := tests/tuner tests/test_curves.py tests/test_course_report.py
COURSE_TESTS := $(filter-out $(AFTER_AUDIT),$(wildcard tests/test_*.py))

## test: every check — stubs in sync, then three pytest runs on the two cores: the course's tool
## tests beside the audit (references pass, stubs fail, mutants caught) followed by the tuner's
## tests and two course files; the audit's and the second run's reports printed last
test: $(VENV)/.installed
	$(PY) -m grader.stubgen --check
	@audit=$$(mktemp); after=$$(mktemp); \
	( $(PY) -m pytest --audit $(GRADED_TESTS) > $$audit 2>&1; echo $$? > $$audit.code; \
	  $(PY) -m pytest $(AFTER_AUDIT) > $$after 2>&1; echo $$? > $$after.code ) & pair=$$!; \
	$(PY) -m pytest $(COURSE_TESTS); course=$$?; wait $$pair; cat $$audit $$after; \
	test $$course -eq 0 -a "$$(cat $$audit.code)" = 0 -a "$$(cat $$after.code)" = 0; code=$$?; \
	rm -f $$audit $$after $$audit.code $$after.code; exit $$code

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
