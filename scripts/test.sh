#!/usr/bin/env bash
# Installs, builds and runs every test: the host build with warnings as errors, then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer, and under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for preset in host host-sanitize host-tsan; do
  echo "== preset $preset"
  cmake --preset "$preset" -DH5REC_BUILD_TESTS=ON -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
