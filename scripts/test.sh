#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# Needs only the Rust toolchain and Python 3 on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# The example image the README's main command scans (built from files in this repo).
python3 examples/make_image.py target/example >/dev/null
cargo test --workspace "$@"
