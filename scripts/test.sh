#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# Needs the Rust toolchain and Python 3, and fetches by package name (so it needs the package
# registries once; later runs reuse target/): the SBOM validators from PyPI into target/pyenv,
# the SARIF schema from the npm registry (npm; Debian's npm is installed if missing), crates.
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
# The official SARIF 2.1.0 JSON schema, from an npm package that ships it (fetched with npm by
# package name; not copied into the repo), checked against its known SHA-256.
SARIF=target/schemas/sarif-2.1.0-rtm.5.json
SARIF_SHA256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
if [ ! -f "$SARIF" ] || ! echo "$SARIF_SHA256  $SARIF" | sha256sum -c --status; then
  if ! command -v npm > /dev/null; then
    apt-get update -qq && apt-get install -y -qq npm > /dev/null
  fi
  mkdir -p target/schemas/pack
  (cd target/schemas/pack && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 > /dev/null)
  tar -xzf target/schemas/pack/microsoft-jest-sarif-1.0.0-beta.0.tgz -O \
    package/lib/schemas/sarif-2.1.0-rtm.5.json > "$SARIF"
  echo "$SARIF_SHA256  $SARIF" | sha256sum -c --status || { echo "SARIF schema checksum mismatch" >&2; exit 1; }
fi
# The tar reader is compared with the runtimes' own reader, Go's archive/tar (Debian's Go),
# and with Python's tarfile and GNU tar.
if ! command -v go > /dev/null; then
  apt-get update -qq && apt-get install -y -qq golang-go > /dev/null
fi
export SEKISHO_REQUIRE_GO=1
# Images by reference are tested against a real registry: Debian's docker-registry (CNCF
# distribution), images pushed with skopeo; openssl makes the test CA of the TLS registry.
if ! command -v skopeo > /dev/null || ! command -v docker-registry > /dev/null \
  || ! command -v openssl > /dev/null; then
  apt-get update -qq && apt-get install -y -qq docker-registry skopeo openssl > /dev/null
fi
export SEKISHO_REQUIRE_REGISTRY=1
# `podman:IMAGE` is tested against a real Podman service (Debian's podman) with its own storage
# in a temp dir. Not required: machines without user namespaces or a usable storage driver
# cannot run it, and the test then prints why it skipped (SEKISHO_REQUIRE_PODMAN=1 to insist).
if ! command -v podman > /dev/null; then
  apt-get update -qq && apt-get install -y -qq podman > /dev/null
fi
# Version comparison is checked against the package managers' own code: dpkg (installed),
# rpm's Python binding and Python's packaging, Maven's ComparableVersion (maven-artifact in
# libmaven3-core-java, on a headless JRE), node-semver (on the machine's node) and
# composer/semver (on php-cli), all Debian packages; only the missing ones are installed.
if ! /usr/bin/python3 -c 'import rpm, packaging' 2> /dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-rpm python3-packaging > /dev/null
fi
ORACLES=()
command -v java > /dev/null || ORACLES+=(default-jre-headless)
ls /usr/share/java/maven*-artifact*.jar > /dev/null 2>&1 || ORACLES+=(libmaven3-core-java)
NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs" node -e "require('semver')" > /dev/null 2>&1 \
  || ORACLES+=(node-semver)
php -r "require 'Composer/Semver/autoload.php';" > /dev/null 2>&1 || ORACLES+=(php-cli php-composer-semver)
if [ ${#ORACLES[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${ORACLES[@]}" > /dev/null
fi
export SEKISHO_REQUIRE_ORACLES=1
export SEKISHO_SARIF_SCHEMA="$PWD/$SARIF"
# CLI scans use the layer cache (as users get it): a fresh one under target/, not the user's.
export SEKISHO_CACHE_DIR="$PWD/target/test-layer-cache"
rm -rf "$SEKISHO_CACHE_DIR"
cargo test --workspace "$@"
