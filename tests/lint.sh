#!/usr/bin/env bash
# Static checks over the C sources: clang-format with the repository's
# .clang-format (no diff allowed) and cppcheck (no findings allowed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files -co --exclude-standard '*.c' '*.h' |
	grep -v '^build')
status=0
echo "clang-format: ${#files[@]} files"
if ! clang-format --dry-run --Werror "${files[@]}"; then
	echo "clang-format: run 'clang-format -i' on the files above"
	status=1
fi
echo "cppcheck"
if ! cppcheck --enable=warning,performance,portability --std=c11 --quiet \
	--inline-suppr --error-exitcode=1 --suppress=missingIncludeSystem \
	-I core -I core/include core plugins tests/unit tests/bench; then
	status=1
fi
[ $status -eq 0 ] && echo "lint: 1 passed, 0 failed" || echo "lint: 0 passed, 1 failed"
exit $status
