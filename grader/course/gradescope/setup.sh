#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs Python 3.11 and exactly the pinned requirements.txt, then this package.
set -euo pipefail
cd /autograder/source
if ! command -v python3.11 >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv
fi
command -v setpriv >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y util-linux
python3.11 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --no-cache-dir --disable-pip-version-check -r requirements.txt
/autograder/venv/bin/python -m pip install --no-cache-dir --disable-pip-version-check --no-deps \
    --no-build-isolation -e .
