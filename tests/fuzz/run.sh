#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined,
# linking every src/*.c directly) and runs each for SECONDS, one at a time.
#
#   tests/fuzz/run.sh SECONDS [TARGET ...]   TARGET: pipeline frontmatter layout
#   tests/fuzz/run.sh 0                      build, then only replay the seeds
#                                            and the regression inputs
#
# Seeds: content/*.md, tests/e2e/fixtures/*.md, tests/bad-input/cases/*.md,
# layouts/*.yaml, tests/unit/layouts/*.yaml and tests/fuzz/seeds/TARGET/. Crash inputs that were fixed
# live in tests/fuzz/regress/TARGET/ and are replayed before every run.
# The growing corpus is kept in build/fuzz/corpus/TARGET (not in git); new
# crashes are written to build/fuzz/artifacts/. Exit status 1 when a target
# crashed or a regression input fails.
#
# Environment: CLANG (default clang), FUZZ_BUILD (default build/fuzz),
# FUZZ_JOBS-free on purpose: the targets run one after another.
set -u
cd "$(dirname "$0")/../.."
repo=$(pwd)
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pipeline frontmatter layout)
CLANG=${CLANG:-clang}
B=${FUZZ_BUILD:-build/fuzz}
F=tests/fuzz

if ! command -v "$CLANG" >/dev/null; then
  echo "fuzz: $CLANG not found (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
# Libraries as the Makefile links them (so a new dependency needs no edit here).
mkvar() { make -s --no-print-directory --eval='fuzz-print-%: ; @echo $($*)' "fuzz-print-$1" 2>/dev/null; }
make -s third-party || exit 2 # HarfBuzz and libharu (third_party/libs.mk)
DEP_CFLAGS=$(mkvar DEP_CFLAGS)
LIBS=$(mkvar LDLIBS)
[ -n "$LIBS" ] && [ -n "$DEP_CFLAGS" ] || { echo "fuzz: cannot read the libraries from the Makefile" >&2; exit 2; }
CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 -std=c11 -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror=incompatible-pointer-types \
 -Werror=implicit-function-declaration -Werror=int-conversion -Isrc $DEP_CFLAGS -DFUZZ_DATA_DIR=\"$repo\""
mkdir -p "$B/artifacts"
# libharu leaks on some of its own error paths (objects made in a before-write
# callback during HPDF_SaveToStream); see lsan.supp. Those frames have no frame
# pointers, so the slow unwinder is needed for the suppression to match.
export LSAN_OPTIONS="suppressions=$repo/$F/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
ASAN_OPTIONS_SAVED=${ASAN_OPTIONS:-}
slow_unwind="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

status=0
for t in "${targets[@]}"; do
  src=$F/fuzz_$t.c
  if [ ! -f "$src" ]; then echo "fuzz: no target $t" >&2; status=1; continue; fi
  if [ "$t" = layout ] && [ ! -f src/layout_file.h ]; then echo "fuzz: skipping layout (no src/layout_file.h)"; continue; fi
  echo "== build fuzz_$t"
  # shellcheck disable=SC2086
  if ! $CLANG $CFLAGS "$src" src/*.c $LIBS -o "$B/fuzz_$t"; then status=1; continue; fi

  # Seed corpus, assembled fresh from the repository each run.
  seeds=$B/seeds/$t
  rm -rf "$seeds"; mkdir -p "$seeds" "$B/corpus/$t"
  case $t in
    pipeline|frontmatter)
      cp content/*.md tests/e2e/fixtures/*.md "$seeds/" 2>/dev/null
      cp tests/bad-input/cases/*.md "$seeds/" 2>/dev/null ;;
    layout)
      cp layouts/*.yaml tests/unit/layouts/*.yaml "$seeds/" 2>/dev/null
      cp tests/bad-input/cases/*.yaml "$seeds/" 2>/dev/null ;;
  esac
  [ -d "$F/seeds/$t" ] && cp "$F/seeds/$t"/* "$seeds/" 2>/dev/null
  dict=(); [ -f "$F/$t.dict" ] && dict=(-dict="$F/$t.dict")
  maxlen=65536; [ "$t" = pipeline ] && maxlen=16384
  # Only the pipeline reaches libharu: only it pays for the slow unwinder.
  if [ "$t" = pipeline ]; then export ASAN_OPTIONS="$slow_unwind"; else export ASAN_OPTIONS="${ASAN_OPTIONS_SAVED:-}"; fi

  # 1. Regression inputs and seeds: each must run clean.
  regress=()
  [ -d "$F/regress/$t" ] && [ -n "$(ls -A "$F/regress/$t")" ] && regress=("$F/regress/$t")
  echo "== replay fuzz_$t: seeds${regress:+ and regressions}"
  if ! "$B/fuzz_$t" -runs=0 -timeout=60 -rss_limit_mb=4096 -artifact_prefix="$B/artifacts/replay-$t-" "${regress[@]}" "$seeds" >"$B/replay-$t.log" 2>&1; then
    echo "FAIL replay fuzz_$t (log: $B/replay-$t.log)"; tail -30 "$B/replay-$t.log"; status=1; continue
  fi

  # 2. Fuzz for SECONDS.
  [ "$secs" -gt 0 ] || continue
  echo "== fuzz_$t for ${secs}s"
  started=$(date +%s)
  "$B/fuzz_$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=3072 -max_len=$maxlen \
    -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" "${dict[@]}" \
    "$B/corpus/$t" "$seeds" >"$B/fuzz-$t.log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - started ))
  echo "$(date -u +%FT%TZ) fuzz_$t ${elapsed}s exit $rc" >> "$B/hours.log"
  echo "   fuzzed ${elapsed}s (running total per target: $B/hours.log)"
  grep -E "^(stat::number_of_executed_units|stat::new_units_added)|^#[0-9]+ *DONE" "$B/fuzz-$t.log" | sed "s/^/   /"
  if [ $rc -ne 0 ]; then
    echo "FAIL fuzz_$t: exit $rc (log: $B/fuzz-$t.log; inputs: $B/artifacts/$t-*)"
    grep -m1 -A12 "ERROR:\|runtime error\|fuzz_[a-z]*: " "$B/fuzz-$t.log" | head -25
    status=1
  else
    echo "ok   fuzz_$t"
  fi
done
exit $status
