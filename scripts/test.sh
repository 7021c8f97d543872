#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# Needs only the Rust toolchain and Python 3 (with access to PyPI and the npm registry).
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
# The official SARIF 2.1.0 JSON schema, from an npm package that ships it (not copied into the repo).
SARIF=target/schemas/sarif-2.1.0-rtm.5.json
SARIF_SHA256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
if [ ! -f "$SARIF" ] || ! echo "$SARIF_SHA256  $SARIF" | sha256sum -c --status; then
  mkdir -p target/schemas
  python3 - "$SARIF" <<'PY'
import io, sys, tarfile, urllib.request
url = "https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz"
data = urllib.request.urlopen(url, timeout=120).read()
with tarfile.open(fileobj=io.BytesIO(data)) as t:
    schema = t.extractfile("package/lib/schemas/sarif-2.1.0-rtm.5.json").read()
open(sys.argv[1], "wb").write(schema)
PY
  echo "$SARIF_SHA256  $SARIF" | sha256sum -c --status || { echo "SARIF schema checksum mismatch" >&2; exit 1; }
fi
export SEKISHO_SARIF_SCHEMA="$PWD/$SARIF"
cargo test --workspace "$@"
