#!/usr/bin/env bash
# Every C and C++ file of the repository is formatted as .clang-format says (clang-format 14,
# Debian's clang-format-14). Prints the files that are not and how to fix them.
# Usage: check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
if [ "${#files[@]}" -eq 0 ]; then
  echo "no C or C++ files found under $1 (not a git checkout?)" >&2
  exit 1
fi
unformatted=()
for f in "${files[@]}"; do
  clang-format-14 --dry-run --Werror "$f" > /dev/null 2>&1 || unformatted+=("$f")
done
echo "${#files[@]} files checked, ${#unformatted[@]} not formatted"
if [ "${#unformatted[@]}" -ne 0 ]; then
  printf '  %s\n' "${unformatted[@]}"
  echo "fix: clang-format-14 -i ${unformatted[*]}"
  exit 1
fi
