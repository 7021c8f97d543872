#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# Needs only the Rust toolchain and Python 3 (with network access to PyPI) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# The example image the README's main command scans (built from files in this repo).
python3 examples/make_image.py target/example >/dev/null
# The official SBOM validators (CycloneDX and SPDX projects' Python libraries), pinned.
VENV=target/pyenv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "cyclonedx-python-lib[json-validation]==11.12.0" "spdx-tools==0.8.5"
export SEKISHO_VALIDATOR_PYTHON="$PWD/$VENV/bin/python"
cargo test --workspace "$@"
