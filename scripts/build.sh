#!/usr/bin/env bash
# Configures and builds herd in Release into build/ (or $HERD_BUILD_DIR).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cmake -S "$herd_root" -B "$HERD_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$HERD_BUILD_DIR" --parallel "$(nproc)"
