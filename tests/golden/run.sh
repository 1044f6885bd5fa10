#!/usr/bin/env bash
# Golden page-list tests: each NAME.md is laid out on the small layout and
# its --dump-pages text compared with NAME.pages. After a deliberate change,
# regenerate with `make golden` and review the diff like code.
set -u
cd "$(dirname "$0")/../.."
HANDOUT=${HANDOUT:-build/handout}
passed=0 failed=0
for md in tests/golden/*.md; do
  want="${md%.md}.pages"
  got=$("$HANDOUT" build --dump-pages -l tests/golden/small.yaml "$md" 2>&1)
  if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
    printf '%s\n' "$got" > "$want"
    echo "updated $want"
  elif diff -u "$want" <(printf '%s\n' "$got") > /tmp/golden.diff.$$; then
    passed=$((passed + 1)); echo "ok   golden $(basename "$md")"
  else
    failed=$((failed + 1)); echo "FAIL golden $(basename "$md")"; head -40 /tmp/golden.diff.$$ | sed 's/^/     /'
  fi
  rm -f /tmp/golden.diff.$$
done
[ "${GOLDEN_UPDATE:-}" = 1 ] && exit 0
echo "golden: $passed passed, $failed failed"
[ $failed -eq 0 ]
