#!/usr/bin/env bash
# Formats every C++ file in the repository with clang-format-14 and .clang-format.
#   scripts/format.sh           rewrites the files in place
#   scripts/format.sh --check   changes nothing; lists the files that are not
#                               formatted and fails if there is one (CI runs this)
set -euo pipefail
source "$(dirname "$0")/common.sh"

herd_install_packages format clang-format-14 >&2
cd "$herd_root"
# The layout check's fixture is not herd's code.
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' ':!tests/support/layout_violation')
if [[ ${1:-} == --check ]]; then
  # One clang-format for all files: it names each place that would change.
  if ! violations=$(clang-format-14 --style=file --dry-run --Werror "${files[@]}" 2>&1); then
    echo "format: not formatted (run scripts/format.sh):" >&2
    grep -oE '^[^:]+:[0-9]+:[0-9]+: error' <<<"$violations" | cut -d: -f1 | sort -u | sed 's/^/  /' >&2
    exit 1
  fi
  echo "format: ${#files[@]} files formatted as .clang-format says"
elif (($# == 0)); then
  clang-format-14 --style=file -i "${files[@]}"
else
  echo "format: the only option is --check, not $1" >&2
  exit 2
fi
