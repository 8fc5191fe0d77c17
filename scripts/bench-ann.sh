#!/usr/bin/env bash
# The ANN suite (issue 18): VectorIndex's HNSW vs hnswlib vs faiss-cpu on the same seeded vectors, one core each.
# Makes .venv-ann (numpy, hnswlib, faiss-cpu from PyPI), builds pattern-ann-bench in release, runs
# scripts/bench-ann.py (see its header for ANN_SIZES, ANN_DATA, ANN_M, ANN_EFC, ANN_EFS, ANN_CPU).
#   scripts/bench-ann.sh                      # 100,000 × 384, random and clustered
#   ANN_SIZES=100000,1000000 scripts/bench-ann.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRATCH=${SCRATCH:-.build-i18}
if [ ! -x .venv-ann/bin/python ]; then python3 -m venv .venv-ann; fi
if ! .venv-ann/bin/python -c 'import numpy, hnswlib, faiss' 2>/dev/null; then
  .venv-ann/bin/pip install -q --disable-pip-version-check numpy hnswlib faiss-cpu
fi
command -v taskset >/dev/null || { echo "bench-ann: taskset (util-linux) is needed" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  nice -n 19 swift build --scratch-path "$SCRATCH" -c release --static-swift-stdlib --product pattern-ann-bench >&2
  # The same code for AVX2 and FMA, like pip's hnswlib (-march=native): x86-64 only.
  if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo; then
    nice -n 19 swift build --scratch-path "$SCRATCH-haswell" -c release --static-swift-stdlib --product pattern-ann-bench \
      -Xswiftc -target-cpu -Xswiftc haswell >&2
  else
    export ANN_LIBS=${ANN_LIBS:-pattern,hnswlib,faiss}
  fi
fi
ANN_BIN=${ANN_BIN:-$PWD/$SCRATCH/release/pattern-ann-bench} \
  ANN_BIN_HASWELL=${ANN_BIN_HASWELL:-$PWD/$SCRATCH-haswell/release/pattern-ann-bench} exec .venv-ann/bin/python scripts/bench-ann.py "$@"
