#!/usr/bin/env bash
# Bad input: every case in tests/bad-input/cases/NAME.expect is run in a batch
# together with a good topic (tests/bad-input/good.md), and checked:
#   - the exit status;
#   - each expected message fragment on stderr (with file:line:col where the
#     input has a line; {in} is the bad input's path as given, {out} the
#     output folder);
#   - no PDF left for the bad topic (or, for inputs that must work, a PDF),
#     and no temporary file left in the output folder or in $TMPDIR;
#   - the good topic's PDF built (unless the case makes that impossible);
#   - for pathological inputs: finished within the time limit, text still
#     there, and no text off the page (the referee ../shared/tools/pdfcheck
#     "bounds" check when it exists, else mutool's stext character boxes).
# Then the fuzzers' regression inputs (tests/fuzz/regress/) are replayed
# through the command the same way: no crash, no stray file, PDFs in bounds.
#
# An .expect file has one "key: value" a line (# starts a comment):
#   kind: file (default) | generate | missing | empty-folder | permission | eio |
#         fifo | folder-named-md | layout | out-unwritable | out-readonly |
#         disk-full | out-is-input | booklet-out-is-input
#   input: FILE        the bad input (default NAME.md in cases/, or generated)
#   status: N          expected exit status
#   stderr: TEXT       a fragment that must appear (repeatable)
#   text: TEXT         words that must be in the PDF's text (repeatable)
#   pdf: none | built  the bad topic's own PDF (default: none)
#   good: built | none the good topic's PDF (default: built)
#   bounds: yes        check that no text is off the page
#   timeout: SECONDS   default 60
#
#   tests/bad-input/run.sh [NAME ...]     (HANDOUT=path/to/handout to override;
#                                          with a sanitizer build, reports fail)
# Ends with "bad-input: N passed, M failed"; exits 1 when something failed.
set -u
cd "$(dirname "$0")/../.."
repo=$(pwd)
HANDOUT=${HANDOUT:-build/handout}
case $HANDOUT in /*) ;; *) HANDOUT=$repo/$HANDOUT ;; esac
D=tests/bad-input
C=$repo/$D/cases
GOOD=$repo/$D/good.md
PDFCHECK=$repo/../shared/tools/pdfcheck
[ -x "$PDFCHECK" ] || PDFCHECK=
work=$(mktemp -d "${TMPDIR:-/tmp}/handout-bad-input.XXXXXX")
mounted=
cleanup() {
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
  chmod -R u+rwx "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0 skipped=0

if [ ! -x "$HANDOUT" ]; then echo "bad-input: $HANDOUT not built (run make)"; exit 2; fi

# ---- pathological inputs, generated here rather than stored -------------
gen() { # NAME FILE
  python3 - "$1" "$2" <<'EOF'
import sys
name, path = sys.argv[1], sys.argv[2]
fm = '---\ntitle: %s\n---\n\n' % name
body = {
  'deep-quotes': lambda: '> ' * 10000 + 'deep\n\nAfter.\n',
  'deep-lists': lambda: '- ' * 10000 + 'deep\n\nAfter.\n',
  'deep-ordered-lists': lambda: '1. ' * 10000 + 'deep\n\nAfter.\n',
  'long-line': lambda: 'Before\n\n' + 'x' * (1 << 20) + '\n\nAfter.\n',
  'wide-table': lambda: '|' + '|'.join('h%d' % i for i in range(300)) + '|\n|' + '|'.join(['---'] * 300) + '|\n'
                        + ''.join('|' + '|'.join('c%d' % i for i in range(300)) + '|\n' for _ in range(3)),
  'many-paragraphs': lambda: ''.join('Paragraph %d of many.\n\n' % i for i in range(100000)),
  'long-word': lambda: 'Before ' + 'Pneumonoultramicroscopicsilicovolcanoconiosis' * 4 + ' after.\n',
  'tall-table-row': lambda: '| Question | Answer |\n|---|---|\n| Short | ' + ' '.join('word%d' % i for i in range(6000)) + ' |\n| Last | row |\n\nAfter.\n',
  'wide-code': lambda: '```\nx = ' + 'a_long_identifier + ' * 30 + '1\n```\n',
  # disk-full: about 100 KB of PDF, more than the 12 KB tmpfs holds
  'disk-full': lambda: ''.join('Paragraph %d with some words in it.\n\n' % i for i in range(3000)),
}[name]()
open(path, 'w').write(fm + body)
EOF
}

# ---- checks ----------------------------------------------------------------
# No character box outside the page: the referee if present, else mutool.
in_bounds() { # PDF -> 0 ok; prints a reason otherwise
  if [ -n "$PDFCHECK" ]; then
    local out; out=$(timeout 900 "$PDFCHECK" "$1" 2>&1)
    echo "$out" | grep -q '^PASS bounds' && return 0
    echo "$out" | grep -A5 '^FAIL bounds\|^pdfcheck' | head -8; return 1
  fi
  mutool draw -q -F stext -o - "$1" 2>/dev/null | python3 -c '
import re, sys
w = h = 0; bad = 0
for line in sys.stdin:
    m = re.search(r"<page [^>]*width=\"([\d.]+)\" height=\"([\d.]+)\"", line)
    if m: w, h = float(m.group(1)), float(m.group(2)); continue
    m = re.search(r"<char quad=\"([-\d. ]+)\"", line)
    if m:
        q = [float(v) for v in m.group(1).split()]
        xs, ys = q[0::2], q[1::2]
        if min(xs) < -0.5 or max(xs) > w + 0.5 or min(ys) < -0.5 or max(ys) > h + 0.5:
            bad += 1
            if bad <= 3: print("char off the page:", line.strip()[:120])
sys.exit(1 if bad else 0)'
}

# Files in DIR other than the allowed names.
strays() { # DIR NAME...
  local dir=$1; shift
  [ -d "$dir" ] || return 0
  ls -A "$dir" | while read -r f; do
    local ok=0; for a in "$@"; do [ "$f" = "$a" ] && ok=1; done
    [ $ok = 1 ] || echo "$f"
  done
}

# ---- one case --------------------------------------------------------------
run_case() { # NAME
  local name=$1 exp=$C/$1.expect
  local kind=file input="" status=1 pdf=none good=built bounds=no tmo=60
  local -a frags=() texts=()
  while IFS= read -r line; do
    case $line in '#'*|'') continue ;; esac
    local k=${line%%:*} v=${line#*: }
    case $k in
      kind) kind=$v ;; input) input=$v ;; status) status=$v ;; pdf) pdf=$v ;; good) good=$v ;;
      bounds) bounds=$v ;; timeout) tmo=$v ;; stderr) frags+=("$v") ;; text) texts+=("$v") ;;
      *) echo "FAIL $name: unknown key '$k' in $exp"; failed=$((failed + 1)); return ;;
    esac
  done <"$exp"

  local t=$work/$name out=$work/$name/out in args=() cmd=build pre=() why=""
  mkdir -p "$t/tmp"
  # Root reads and writes anything while it holds CAP_DAC_OVERRIDE: drop it
  # (and CAP_DAC_READ_SEARCH) so that file modes apply. Others need nothing.
  local dropcaps=()
  [ "$(id -u)" = 0 ] && dropcaps=(setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search)
  case $kind in
    file) in=$C/${input:-$name.md} ;;
    generate) in=$t/$name.md; gen "$name" "$in" ;;
    missing) in=$t/no-such-topic.md ;;
    empty-folder) in=$t/empty-folder; mkdir -p "$in"; echo "notes, not a topic" >"$in/notes.txt" ;;
    permission)
      in=$t/$name.md; printf -- '---\ntitle: Locked\n---\n\nText.\n' >"$in"; chmod 000 "$in"
      [ ${#dropcaps[@]} -gt 0 ] && ! command -v setpriv >/dev/null && why="setpriv(1) not found"
      pre=("${dropcaps[@]}") ;;
    eio) in=$t/$name.md; ln -s /proc/self/mem "$in" ;;
    fifo) in=$t/$name.md; mkfifo "$in" ;;
    folder-named-md) in=$t/$name.md; mkdir -p "$in/x.md" ;;
    layout) in=$C/$input; args=(-l "$in") ;;
    out-unwritable) in=$C/${input:-latin1.md}; out=/proc/handout-test/out ;;
    out-readonly)
      in=$C/${input:-utf8-bom.md}; mkdir -p "$out"; chmod 555 "$out"
      [ ${#dropcaps[@]} -gt 0 ] && ! command -v setpriv >/dev/null && why="setpriv(1) not found"
      pre=("${dropcaps[@]}") ;;
    disk-full)
      in=$t/$name.md; gen disk-full "$in"; mkdir -p "$out"; args=(-j 1)
      if mount -t tmpfs -o size=12k tmpfs "$out" 2>/dev/null; then mounted=$out
      else why="cannot mount a 12 KB tmpfs here (needs root): no honest way to fill a disk"; fi ;;
    out-is-input)
      mkdir -p "$out"; printf -- '---\ntitle: Saved with the wrong name\n---\n\nPrecious text.\n' >"$out/$name.pdf"
      in=$t/$name.md; ln -s out/$name.pdf "$in" ;;
    booklet-out-is-input)
      in=$t/$name.md; cp "$GOOD" "$in"; cmd=booklet ;;
    *) echo "FAIL $name: unknown kind '$kind'"; failed=$((failed + 1)); return ;;
  esac
  if [ -n "$why" ]; then echo "skip $name: $why"; skipped=$((skipped + 1)); return; fi
  local before=""; [ -e "$in" ] && [ -f "$in" ] && [ -r "$in" ] && before=$(sha256sum <"$in" 2>/dev/null)

  if [ $cmd = booklet ]; then
    (cd "$t" && timeout "$tmo" env TMPDIR="$t/tmp" "$HANDOUT" booklet "$GOOD" "$in" -o "$in") >"$t/stdout" 2>"$t/stderr"
  else
    (cd "$t" && timeout "$tmo" env TMPDIR="$t/tmp" "${pre[@]}" "$HANDOUT" build "${args[@]}" "$in" "$GOOD" -o "$out") \
      >"$t/stdout" 2>"$t/stderr"
  fi
  local rc=$? problems=()
  [ $rc = 124 ] && problems+=("did not finish in ${tmo}s")
  [ $rc -ge 128 ] && [ $rc != 130 ] && problems+=("killed by signal $((rc - 128))")
  [ "$rc" = "$status" ] || problems+=("exit status $rc, expected $status")
  grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$t/stderr" && problems+=("sanitizer report")
  local base; base=$(basename "$in" .md)
  [ $kind = empty-folder ] && base=none
  for f in "${frags[@]}"; do
    f=${f//\{in\}/$in}; f=${f//\{out\}/$out}
    grep -qF -- "$f" "$t/stderr" || problems+=("stderr lacks: $f")
  done
  # The bad topic's PDF, the good one's, and nothing else in the folder.
  local allowed=()
  if [ "$pdf" = built ]; then
    allowed+=("$base.pdf")
    [ -s "$out/$base.pdf" ] || problems+=("no $base.pdf built")
  fi
  if [ "$good" = built ]; then
    allowed+=(good.pdf)
    [ -s "$out/good.pdf" ] || problems+=("the good topic was not built")
  fi
  [ $kind = out-is-input ] && allowed+=("$base.pdf")
  [ "$pdf" = none ] && [ $kind != out-is-input ] && [ -e "$out/$base.pdf" ] && problems+=("a PDF was left for the bad topic")
  local s; s=$(strays "$out" "${allowed[@]}"); [ -n "$s" ] && problems+=("left in the output folder: $(echo $s)")
  s=$(strays "$t/tmp"); [ -n "$s" ] && problems+=("left in TMPDIR: $(echo $s)")
  # Inputs are never changed.
  if [ -n "$before" ] && [ "$(sha256sum <"$in" 2>/dev/null)" != "$before" ]; then problems+=("the input was changed"); fi
  if [ "$pdf" = built ] && [ -s "$out/$base.pdf" ]; then
    if [ ${#texts[@]} -gt 0 ]; then
      local txt; txt=$(pdftotext -layout "$out/$base.pdf" - 2>/dev/null | tr -s ' \n' '  ')
      local txt_raw; txt_raw=$(pdftotext "$out/$base.pdf" - 2>/dev/null | tr -s ' \n' '  ')
      for w in "${texts[@]}"; do
        local wn; wn=$(echo "$w" | tr -s ' ' ' ')
        case "$txt$txt_raw" in *"$wn"*) ;; *) problems+=("text lacks: $w") ;; esac
      done
    fi
    if [ "$bounds" = yes ]; then
      local r; r=$(in_bounds "$out/$base.pdf") || problems+=("text off the page: $r")
    fi
  fi
  [ -n "$mounted" ] && { umount "$mounted"; mounted=; }
  if [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"
    printf '     %s\n' "${problems[@]}"
    sed 's/^/     | /' "$t/stderr" | head -8
  fi
}

# ---- the fuzzers' regression inputs, through the command -------------------
# The pipeline target reads MARKDOWN["\0IMG\0"IMAGE]; its last byte picks the
# layout and options (tests/fuzz/fuzz_pipeline.c pick()): mirrored here.
fuzz_layouts=("" "--large-print" "-l a4-two-column" "-l a5" "-l letter" "-l trifold-dl" "-l a5-booklet" "-l large-print")
run_regress() { # TARGET FILE
  local target=$1 file=$2 name="fuzz-$1-$(basename "$2")"
  local t=$work/$name out=$work/$name/out args=() problems=()
  mkdir -p "$t/tmp"
  case $target in
    pipeline|frontmatter)
      python3 - "$file" "$t/fuzz.md" "$t/fuzz.img" "$t/args" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
i = data.find(b'\0IMG\0')
md, img = (data, None) if i < 0 else (data[:i], data[i + 5:])
open(sys.argv[2], 'wb').write(md)
if img is not None: open(sys.argv[3], 'wb').write(img)
pick = data[-1] if data else 0
opts = []
if (pick >> 4) & 1: opts.append('--line-breaking=greedy')
if (pick >> 5) & 1: opts.append('--no-impose')
open(sys.argv[4], 'w').write('%d %s' % (pick % 8, ' '.join(opts)))
EOF
      local li extra; read -r li extra <"$t/args"
      [ "$target" = pipeline ] && args=(${fuzz_layouts[$li]} $extra)
      in=$t/fuzz.md ;;
    layout) in=$GOOD; args=(-l "$repo/$file") ;;
  esac
  (cd "$t" && timeout 60 env TMPDIR="$t/tmp" "$HANDOUT" build "${args[@]}" "$in" -o "$out") >/dev/null 2>"$t/stderr"
  local rc=$?
  [ $rc = 0 ] || [ $rc = 1 ] || problems+=("exit status $rc (crash, hang or bad usage)")
  grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$t/stderr" && problems+=("sanitizer report")
  local built; built=$(basename "$in" .md).pdf
  local s; s=$(strays "$out" "$built"); [ -n "$s" ] && problems+=("left in the output folder: $(echo $s)")
  s=$(strays "$t/tmp"); [ -n "$s" ] && problems+=("left in TMPDIR: $(echo $s)")
  if [ $rc = 0 ] && [ -s "$out/$built" ]; then
    local r; r=$(in_bounds "$out/$built") || problems+=("text off the page: $r")
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1)); echo "ok   $name (exit $rc)"
  else
    failed=$((failed + 1)); echo "FAIL $name"
    printf '     %s\n' "${problems[@]}"
    sed 's/^/     | /' "$t/stderr" | head -5
  fi
}

[ -z "$PDFCHECK" ] && echo "note: ../shared/tools/pdfcheck not found; bounds checked with mutool stext"
if [ $# -gt 0 ]; then names=("$@"); else names=(); for e in "$C"/*.expect; do names+=("$(basename "$e" .expect)"); done; fi
for n in "${names[@]}"; do
  if [ -f "$C/$n.expect" ]; then run_case "$n"; fi
done
if [ $# -eq 0 ]; then
  for target in pipeline frontmatter layout; do
    for f in "$repo"/tests/fuzz/regress/$target/*; do [ -f "$f" ] && run_regress $target "$f"; done
  done
fi
echo "bad-input: $passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ]
