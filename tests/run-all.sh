#!/usr/bin/env bash
# Runs every test suite against an already-built tree: unit and end-to-end tests through CTest.
set -euo pipefail
BUILD=${1:?build dir}
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"
