#!/usr/bin/env bash
# Benchmarks for issues 6 (speed, memory, size) and 7 (typesetting quality).
#
#   tests/bench/run.sh                 everything (what `make bench` runs)
#   tests/bench/run.sh --typeset-only  only the line and page quality
#                                      (what `make bench-typeset` runs)
#
# Builds a deterministic synthetic corpus (tests/bench/gen_corpus.py) of 50
# and 500 topics in a temporary folder, then measures build/handout on: one
# leaflet (content/refractory-neuroendocrine-tumours.md), a batch of 50 (one
# PDF per topic), a batch of 500, a booklet of 50 and a booklet of 500 (when
# `handout booklet --help` exits 0). For each: wall time (bash's $EPOCHREALTIME
# around each run: after a warm-up run of each command, BENCH_PEER_RUNS
# rounds of BENCH_RUNS runs of handout and one of each peer, interleaved;
# the median of each), instructions (valgrind --tool=callgrind, total Ir of
# one run), peak RSS (/usr/bin/time -f %M; else VmHWM polled from
# /proc/PID/status) and output bytes. pandoc (with pdflatex) and WeasyPrint
# are run on the same inputs when they are on PATH; this script never
# installs them. Prints Markdown tables to paste into the README.
#
# Environment:
#   HANDOUT            the binary (default build/handout)
#   TYPESET_BENCH      the quality bench (default build/bench/typeset_bench)
#   BENCH_RUNS         timed runs of handout a round (default 5)
#   BENCH_PEER_RUNS    rounds: timed runs per case of pandoc / WeasyPrint
#                      (default 3; one round when no peer runs)
#   BENCH_PEER_500=1   also run the peers on the 500-topic cases (slow)
#   BENCH_CHECK=1      exit 1 when the issue 7 targets are not met
#   BENCH_CALLGRIND_MAX  seconds a 500-topic callgrind run may be expected
#                      to take before it is skipped (default 120; 0: never
#                      skip); BENCH_CALLGRIND=0 skips callgrind altogether
set -u
cd "$(dirname "$0")/../.."
HANDOUT=${HANDOUT:-build/handout}
TYPESET_BENCH=${TYPESET_BENCH:-build/bench/typeset_bench}
RUNS=${BENCH_RUNS:-5}
PEER_RUNS=${BENCH_PEER_RUNS:-3}
CG_MAX=${BENCH_CALLGRIND_MAX:-120}
LEAFLET=content/refractory-neuroendocrine-tumours.md
export SOURCE_DATE_EPOCH=1767225600 # same bytes out every run
export HANDOUT_DATA=${HANDOUT_DATA:-$PWD} # fonts/ and layouts/, wherever the binary is

tmp=$(mktemp -d "${TMPDIR:-/tmp}/handout-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

typeset_only=0
[ "${1:-}" = "--typeset-only" ] && typeset_only=1

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$TYPESET_BENCH" ] || die "$TYPESET_BENCH not built (make $TYPESET_BENCH)"

typeset_section() {
  echo "## Typesetting quality (issue 7)"
  echo
  "$TYPESET_BENCH" ${BENCH_CHECK:+--check} "$tmp/corpus-50"
  local status=$?
  echo
  echo "The best cut any breaker can get on this corpus, from a model with one width per character"
  echo "(tests/bench/raggedness_bound.py; the a4 layout sets about 68 characters a line):"
  python3 tests/bench/raggedness_bound.py --measure 60 68 75 -- "$tmp/corpus-50" | sed 1d
  return $status
}

python3 tests/bench/gen_corpus.py 50 "$tmp/corpus-50" || die "gen_corpus.py failed"
if [ $typeset_only = 1 ]; then
  typeset_section
  exit $?
fi

[ -x "$HANDOUT" ] || die "$HANDOUT not built (make)"
python3 tests/bench/gen_corpus.py 500 "$tmp/corpus-500" || die "gen_corpus.py failed"

# ---- measuring one command ------------------------------------------------

# The clock, in ns, read by bash itself into STAMP ($EPOCHREALTIME, bash
# 5): `$(date +%s%N)` forked a process inside every timed run, ~4.5 ms
# here, nothing beside a peer's second but nearly half of a leaflet.
[ -n "${EPOCHREALTIME:-}" ] || { echo "bench: needs bash 5 (\$EPOCHREALTIME)" >&2; exit 1; }
stamp() { local t=$EPOCHREALTIME; STAMP=$((10#${t/[.,]/} * 1000)); }

# median_ns FILE: median of the numbers in FILE, one a line.
median_ns() { sort -n "$1" | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.0f\n", (v[NR/2]+v[NR/2+1])/2}'; }

# sample_ns FILE CMD...: runs CMD once and appends its wall time in ns to
# FILE; fails if CMD does.
sample_ns() {
  local file=$1 t0; shift
  stamp; t0=$STAMP
  "$@" >/dev/null 2>&1 || return 1
  stamp
  echo $((STAMP - t0)) >>"$file"
}
TIMER="\$EPOCHREALTIME around each run; handout $RUNS times a round, each peer once a round, $PEER_RUNS rounds, interleaved; medians"

# peak_kb CMD...: peak resident memory of one run, in KiB.
if [ -x /usr/bin/time ]; then
  RSS_HOW="/usr/bin/time -f %M"
  peak_kb() { /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || return 1; tail -n 1 "$tmp/rss"; }
else
  RSS_HOW="VmHWM polled from /proc/PID/status every 5 ms (misses a process shorter than that)"
  peak_kb() {
    "$@" >/dev/null 2>&1 &
    local pid=$! hwm=0 v
    while kill -0 $pid 2>/dev/null; do
      v=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status 2>/dev/null)
      [ -n "$v" ] && hwm=$v
      sleep 0.005
    done
    wait $pid || return 1
    echo $hwm
  }
fi

# instructions CMD...: total Ir under callgrind ("" when valgrind is missing).
instructions() {
  command -v valgrind >/dev/null 2>&1 || return 1
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>"$tmp/cg.err" || return 1
  awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.out"
}

# bytes PATH: size of a file, or the total of the PDFs in a folder.
bytes() {
  if [ -d "$1" ]; then find "$1" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s+0}'
  else stat -c %s "$1" 2>/dev/null || echo 0; fi
}
pdfs() { if [ -d "$1" ]; then find "$1" -name '*.pdf' | wc -l; else [ -f "$1" ] && echo 1 || echo 0; fi; }

fmt_time() { awk -v n="$1" 'BEGIN {if (n == "") print "—"; else if (n < 1e9) printf "%.1f ms", n/1e6; else printf "%.2f s", n/1e9}'; }
fmt_ir() { awk -v n="$1" 'BEGIN {if (n == "") print "—"; else if (n < 1e9) printf "%.1f M", n/1e6; else printf "%.2f G", n/1e9}'; }
fmt_kb() { awk -v n="$1" 'BEGIN {if (n == "") print "—"; else printf "%.1f MiB", n/1024}'; }
fmt_bytes() { awk -v n="$1" -v k="${2:-1}" 'BEGIN {if (n == "") print "—"; else if (k > 1) printf "%.1f KiB (%d PDFs)", n/1024, k; else if (n < 102400) printf "%.1f KiB (%d B)", n/1024, n; else printf "%.1f KiB", n/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print "—"; else printf "%.1f×", a/b}'; }

# ---- peers ---------------------------------------------------------------------

# Markdown -> HTML for WeasyPrint without pandoc: cmark-gfm (a test
# dependency), front matter dropped.
strip_front_matter() { awk 'NR == 1 && /^---$/ {fm = 1; next} fm && /^---$/ {fm = 0; next} !fm' "$1"; }
md_to_html() {
  if command -v pandoc >/dev/null 2>&1; then pandoc -s -f markdown -t html "$@"
  else for f in "$@"; do strip_front_matter "$f"; echo; done |
    cmark-gfm -e table -e autolink -e strikethrough -e footnotes -e tasklist | { echo '<!doctype html><meta charset="utf-8">'; cat; }
  fi
}
peer_pandoc_one() { pandoc -f markdown "$1" --pdf-engine=pdflatex -o "$2"; }
peer_pandoc_batch() { local f; mkdir -p "$2"; for f in "$1"/*.md; do pandoc -f markdown "$f" --pdf-engine=pdflatex -o "$2/$(basename "$f" .md).pdf" || return 1; done; }
peer_pandoc_booklet() { pandoc -f markdown "$1"/*.md --pdf-engine=pdflatex -o "$2"; }
peer_weasy_one() { md_to_html "$1" | weasyprint - "$2"; }
peer_weasy_batch() { local f; mkdir -p "$2"; for f in "$1"/*.md; do md_to_html "$f" | weasyprint - "$2/$(basename "$f" .md).pdf" || return 1; done; }
peer_weasy_booklet() { md_to_html "$1"/*.md | weasyprint - "$2"; }
export -f strip_front_matter md_to_html peer_pandoc_one peer_pandoc_batch peer_pandoc_booklet \
  peer_weasy_one peer_weasy_batch peer_weasy_booklet

PEERS=()
command -v pandoc >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1 && PEERS+=(pandoc)
command -v weasyprint >/dev/null 2>&1 && (command -v pandoc >/dev/null 2>&1 || command -v cmark-gfm >/dev/null 2>&1) && PEERS+=(weasy)

# ---- the cases --------------------------------------------------------------

booklet_ok=0
"$HANDOUT" booklet --help >/dev/null 2>&1 && booklet_ok=1

# Each case: name, topics, output path, command. handout runs with its
# default -j (one thread per CPU).
NAMES=() TOPICS=() OUTS=()
declare -A CMD
add_case() { NAMES+=("$1"); TOPICS+=("$2"); OUTS+=("$3"); shift 3; CMD[${#NAMES[@]}]=$(printf '%q ' "$@"); }
add_case "one leaflet" 1 "$tmp/out/leaflet" "$HANDOUT" build -q "$LEAFLET" -o "$tmp/out/leaflet"
add_case "batch of 50 (one PDF each)" 50 "$tmp/out/batch-50" "$HANDOUT" build -q "$tmp/corpus-50" -o "$tmp/out/batch-50"
add_case "batch of 500 (one PDF each)" 500 "$tmp/out/batch-500" "$HANDOUT" build -q "$tmp/corpus-500" -o "$tmp/out/batch-500"
add_case "booklet of 50" 50 "$tmp/out/booklet-50.pdf" "$HANDOUT" booklet -q "$tmp/corpus-50" -o "$tmp/out/booklet-50.pdf"
add_case "booklet of 500" 500 "$tmp/out/booklet-500.pdf" "$HANDOUT" booklet -q "$tmp/corpus-500" -o "$tmp/out/booklet-500.pdf"
mkdir -p "$tmp/out"

declare -A T IR RSS SIZE COUNT NOTE PT PRSS PSIZE PCOUNT PNOTE
peer_label() { [ "$1" = pandoc ] && echo "pandoc + pdflatex" || echo "WeasyPrint"; }
# peer_cmd PEER CASE: sets PEER_CMD (the command) and PEER_OUT for a case.
peer_cmd() {
  local fn in
  case "${NAMES[$2 - 1]}" in
    "one leaflet") fn=one in=$LEAFLET PEER_OUT=$tmp/peer/$1-leaflet.pdf ;;
    batch*) fn=batch in=$tmp/corpus-${TOPICS[$2 - 1]} PEER_OUT=$tmp/peer/$1-batch-${TOPICS[$2 - 1]} ;;
    booklet*) fn=booklet in=$tmp/corpus-${TOPICS[$2 - 1]} PEER_OUT=$tmp/peer/$1-booklet-${TOPICS[$2 - 1]}.pdf ;;
  esac
  PEER_CMD=(bash -c "peer_${1}_$fn \"\$1\" \"\$2\"" _ "$in" "$PEER_OUT")
}
mkdir -p "$tmp/peer"

cg_factor="" # callgrind time / native time, measured on the first cases
for ((c = 1; c <= ${#NAMES[@]}; c++)); do
  name=${NAMES[c - 1]}
  eval "set -- ${CMD[$c]}"
  if [ "$2" = booklet ] && [ $booklet_ok = 0 ]; then
    NOTE[$c]="not available: \`$HANDOUT booklet --help\` does not exit 0"
    continue
  fi
  echo "bench: $name ..." >&2
  # A warm-up run of each command, which also checks that it works.
  if ! "$@" >/dev/null 2>"$tmp/err"; then
    NOTE[$c]="FAILED: \`$*\`: $(head -n 1 "$tmp/err")"
    continue
  fi
  peers=()
  for p in ${PEERS[@]+"${PEERS[@]}"}; do
    if [ "${TOPICS[c - 1]}" = 500 ] && [ "${BENCH_PEER_500:-0}" != 1 ]; then
      PNOTE[$p,$c]="not run (set BENCH_PEER_500=1)"
      continue
    fi
    echo "bench: $(peer_label $p): $name ..." >&2
    peer_cmd $p $c
    if "${PEER_CMD[@]}" >/dev/null 2>&1; then peers+=("$p"); else PNOTE[$p,$c]="failed"; fi
  done
  # The runs interleaved, handout's and each peer's in every round, so that
  # a machine that speeds up or slows down over the minutes a peer takes
  # does so for both sides of a ratio.
  rounds=$PEER_RUNS
  [ ${#peers[@]} = 0 ] && rounds=1
  : >"$tmp/t-handout"
  for p in ${peers[@]+"${peers[@]}"}; do : >"$tmp/t-$p"; done
  for ((r = 0; r < rounds; r++)); do
    for ((i = 0; i < RUNS; i++)); do
      sample_ns "$tmp/t-handout" "$@" || NOTE[$c]="FAILED: \`$*\` in a timed run"
    done
    for p in ${peers[@]+"${peers[@]}"}; do
      peer_cmd $p $c
      sample_ns "$tmp/t-$p" "${PEER_CMD[@]}" || PNOTE[$p,$c]="failed in a timed run"
    done
  done
  [ -n "${NOTE[$c]:-}" ] && continue
  T[$c]=$(median_ns "$tmp/t-handout")
  for p in ${peers[@]+"${peers[@]}"}; do
    [ -n "${PNOTE[$p,$c]:-}" ] && continue
    peer_cmd $p $c
    PT[$p,$c]=$(median_ns "$tmp/t-$p")
    PRSS[$p,$c]=$(peak_kb "${PEER_CMD[@]}")
    PSIZE[$p,$c]=$(bytes "$PEER_OUT")
    PCOUNT[$p,$c]=$(pdfs "$PEER_OUT")
  done
  t=${T[$c]}
  RSS[$c]=$(peak_kb "$@")
  SIZE[$c]=$(bytes "${OUTS[c - 1]}")
  COUNT[$c]=$(pdfs "${OUTS[c - 1]}")
  # callgrind: a 500-topic case is skipped when it is expected to take over
  # CG_MAX seconds, from the slowdown measured on the 50-topic case.
  est=""
  [ -n "$cg_factor" ] && est=$(awk -v f="$cg_factor" -v t="$t" 'BEGIN {printf "%.0f", f * t / 1e9}')
  if [ "${BENCH_CALLGRIND:-1}" = 0 ]; then
    :
  elif ! command -v valgrind >/dev/null 2>&1; then
    NOTE[$c]="valgrind not installed: no instruction count"
  elif [ "${TOPICS[c - 1]}" = 500 ] && [ "$CG_MAX" != 0 ] && [ -n "$est" ] && [ "$est" -gt "$CG_MAX" ]; then
    NOTE[$c]="callgrind skipped: expected to take ~${est} s (callgrind runs ${cg_factor%.*}× slower than native here), over the ${CG_MAX} s limit"
  else
    stamp; t0=$STAMP
    IR[$c]=$(instructions "$@")
    stamp
    cg_factor=$(awk -v a=$((STAMP - t0)) -v b="$t" 'BEGIN {printf "%.1f", a / b}')
  fi
done

# ---- report ------------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
rev=$("$HANDOUT" --version 2>/dev/null | head -n 1)
git rev-parse --short HEAD >/dev/null 2>&1 &&
  rev="$rev, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src cmd 2>/dev/null || echo " with uncommitted changes")"
echo "## Speed, memory and size (issue 6)"
echo
echo "$rev on ${cpu:-unknown CPU}, $(nproc) cores, $(uname -sm); $(date -u +%Y-%m-%d)."
echo "Corpus: tests/bench/gen_corpus.py (50 topics: $(cat "$tmp"/corpus-50/*.md | wc -w) words; 500 topics: $(cat "$tmp"/corpus-500/*.md | wc -w) words)."
echo "Wall time: $TIMER, after one warm-up run each. Instructions: valgrind --tool=callgrind, total Ir of one run."
echo "Peak RSS: $RSS_HOW, one run (for a pipeline: its largest process). Output: PDF bytes."
echo "handout runs with its default -j (one thread per CPU: $(nproc))."
echo
echo "| case | wall time | instructions | peak RSS | output |"
echo "|---|--:|--:|--:|--:|"
for ((c = 1; c <= ${#NAMES[@]}; c++)); do
  if [ -z "${T[$c]:-}" ]; then
    echo "| ${NAMES[c - 1]} | ${NOTE[$c]:-—} | | | |"
    continue
  fi
  echo "| ${NAMES[c - 1]} | $(fmt_time "${T[$c]}") | $(fmt_ir "${IR[$c]:-}") | $(fmt_kb "${RSS[$c]:-}") | $(fmt_bytes "${SIZE[$c]}" "${COUNT[$c]}") |"
done
echo
for ((c = 1; c <= ${#NAMES[@]}; c++)); do
  [ -n "${T[$c]:-}" ] && [ -n "${NOTE[$c]:-}" ] && echo "- ${NAMES[c - 1]}: ${NOTE[$c]}"
done
# Linear scaling: 500 topics against 50 (target: time at most 11×).
scaling() {
  local a=$1 b=$2 label=$3
  if [ -n "${T[$a]:-}" ] && [ -n "${T[$b]:-}" ]; then
    echo "- scaling, $label: time(500)/time(50) = $(ratio "${T[$b]}" "${T[$a]}") (target ≤ 11×); peak RSS(500)/RSS(50) = $(ratio "${RSS[$b]:-}" "${RSS[$a]:-}")$( [ -n "${IR[$a]:-}" ] && [ -n "${IR[$b]:-}" ] && echo "; instructions(500)/instructions(50) = $(ratio "${IR[$b]}" "${IR[$a]}")")"
  else
    echo "- scaling, $label: not available (${NOTE[$b]:-${NOTE[$a]:-not measured}})"
  fi
}
scaling 4 5 "booklet"
scaling 2 3 "batch"
echo
if [ ${#PEERS[@]} = 0 ]; then
  echo "Peers: neither pandoc (with pdflatex) nor WeasyPrint is installed here, so there are no ratios;"
  echo "this benchmark does not install them."
else
  for p in ${PEERS[@]+"${PEERS[@]}"}; do
    echo "### $(peer_label $p) on the same inputs ($PEER_RUNS runs, median, interleaved with handout's)"
    echo
    echo "| case | wall time | × handout | peak RSS | × handout | output | × handout |"
    echo "|---|--:|--:|--:|--:|--:|--:|"
    for ((c = 1; c <= ${#NAMES[@]}; c++)); do
      [ -n "${T[$c]:-}" ] || continue
      if [ -z "${PT[$p,$c]:-}" ]; then
        echo "| ${NAMES[c - 1]} | ${PNOTE[$p,$c]:-—} | | | | | |"
        continue
      fi
      echo "| ${NAMES[c - 1]} | $(fmt_time "${PT[$p,$c]}") | $(ratio "${PT[$p,$c]}" "${T[$c]}") | $(fmt_kb "${PRSS[$p,$c]:-}") | $(ratio "${PRSS[$p,$c]:-}" "${RSS[$c]:-}") | $(fmt_bytes "${PSIZE[$p,$c]}" "${PCOUNT[$p,$c]}") | $(ratio "${PSIZE[$p,$c]}" "${SIZE[$c]}") |"
    done
    echo
  done
  [ ${#PEERS[@]} = 1 ] && { [ "${PEERS[0]}" = pandoc ] && echo "WeasyPrint: not installed." || echo "pandoc with pdflatex: not installed."; }
fi
echo
typeset_section
