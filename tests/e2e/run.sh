#!/usr/bin/env bash
# End-to-end tests: builds real PDFs with the handout binary and checks them
# with poppler-utils, qpdf and mupdf-tools (tests/e2e/check_pdf.py).
set -u
cd "$(dirname "$0")/../.."
HANDOUT=$(realpath "${HANDOUT:-build/handout}")
FIX=tests/e2e/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/     /'; }
# check NAME COMMAND...: passes when the command succeeds
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi; }
# run_handout OUTVAR ARGS...: runs handout, keeps stderr in $tmp/err and status in $status
run_handout() { "$HANDOUT" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
has() { grep -qF -- "$1" "$tmp/err"; }

# --- every topic in content/ builds and passes the PDF checks ------------
export SOURCE_DATE_EPOCH=1767225600
run_handout build content/ -o "$tmp/a"
[ $status -eq 0 ] && ok "build content/ exits 0" || fail "build content/ exits 0" "$(cat "$tmp/err")"
for md in content/*.md; do
  name=$(basename "$md" .md)
  check "content: $name.pdf passes check_pdf" python3 tests/e2e/check_pdf.py "$tmp/a/$name.pdf" "$md"
done
grep -q "\[5/5\]\|\[$(ls content/*.md | wc -l)/" "$tmp/err" && ok "progress line per topic" || fail "progress line per topic" "$(cat "$tmp/err")"

# --- same input, same bytes ---------------------------------------------
run_handout build -q content/ -o "$tmp/b"
same=1
for f in "$tmp"/a/*.pdf; do cmp -s "$f" "$tmp/b/$(basename "$f")" || same=0; done
[ $same = 1 ] && ok "two builds are byte-identical" || fail "two builds are byte-identical"
# A booklet's topics and pages are set on -j threads: any -j, the same bytes.
run_handout booklet -q -j 1 content/ -o "$tmp/j1.pdf"
run_handout booklet -q -j 3 content/ -o "$tmp/j3.pdf"
run_handout booklet -q -j 8 content/ -o "$tmp/j8.pdf"
cmp -s "$tmp/j1.pdf" "$tmp/j3.pdf" && cmp -s "$tmp/j1.pdf" "$tmp/j8.pdf" \
  && ok "booklet: -j 1, -j 3 and -j 8 give the same bytes" || fail "booklet: -j 1, -j 3 and -j 8 give the same bytes"
pdfinfo "$tmp/a/refractory-neuroendocrine-tumours.pdf" | grep -q "CreationDate:.*Jan  1 00:00:00 2026" \
  && ok "SOURCE_DATE_EPOCH sets the creation date" || fail "SOURCE_DATE_EPOCH sets the creation date" "$(pdfinfo "$tmp/a/refractory-neuroendocrine-tumours.pdf")"
unset SOURCE_DATE_EPOCH

# --- many threads, one answer: 200 copies of a topic dense in autolinks and
# strikethrough, built 8 at a time, must all come out the same (cmark-gfm's
# process-wide special-character table once made parallel parses drop links).
mkdir -p "$tmp/race"
python3 -c "
body = '---\ntitle: Race\n---\n' + '\n\n'.join(
    'Paragraph %d: see www.example.org/%d and https://nhs.uk/%d, ~~old~~ new, mail help%d@example.org.' % (i, i, i, i)
    for i in range(40)) + '\n'
for k in range(200):
    open('$tmp/race/t%03d.md' % k, 'w').write(body)"
"$HANDOUT" build -q -j 8 "$tmp/race" -o "$tmp/race/out" 2>"$tmp/err"
kinds=$(md5sum "$tmp/race/out"/*.pdf | awk '{print $1}' | sort -u | wc -l)
[ "$kinds" -eq 1 ] && [ "$(ls "$tmp/race/out" | wc -l)" -eq 200 ] && ok "-j 8: 200 copies of a topic, 200 identical PDFs" \
  || fail "-j 8: 200 copies of a topic, 200 identical PDFs" "$kinds different outputs"

# --- one file, default output folder ------------------------------------
mkdir -p "$tmp/cwd"
(cd "$tmp/cwd" && "$HANDOUT" build -q "$OLDPWD/content/refractory-neuroendocrine-tumours.md") \
  && [ -s "$tmp/cwd/out/refractory-neuroendocrine-tumours.pdf" ] && ok "-o defaults to out/" || fail "-o defaults to out/"

# --- the document information and outline -------------------------------
info=$(pdfinfo "$tmp/a/preparing-for-a-ct-scan.pdf")
echo "$info" | grep -q "^Author: *Imaging Department" && echo "$info" | grep -q "^Subject: *What to expect" \
  && echo "$info" | grep -q "^Keywords: *CT scan" && ok "info: author, subject, keywords" || fail "info: author, subject, keywords" "$info"
qpdf --qdf --object-streams=disable "$tmp/a/preparing-for-a-ct-scan.pdf" "$tmp/q.pdf" 2>/dev/null
grep -aq "/Lang (en-GB)" "$tmp/q.pdf" && ok "catalog /Lang" || fail "catalog /Lang"
grep -aq "/DisplayDocTitle true" "$tmp/q.pdf" && ok "viewer shows the title" || fail "viewer shows the title"
grep -aq "/FlateDecode" "$tmp/a/preparing-for-a-ct-scan.pdf" && ok "streams compressed" || fail "streams compressed"
# Small enough to email (issue 6): the seed leaflet under 12 KB with its
# fonts embedded, its small objects in object streams and a cross-reference
# stream (PDF 1.5), which every reader here accepts.
seed="$tmp/a/refractory-neuroendocrine-tumours.pdf"
bytes=$(stat -c %s "$seed")
[ "$bytes" -lt 12288 ] && ok "seed leaflet under 12 KB ($bytes bytes)" || fail "seed leaflet under 12 KB" "$bytes bytes"
xref=$(qpdf --show-xref "$seed" 2>&1)
head -c 9 "$seed" | grep -q "%PDF-1.5" && echo "$xref" | grep -q "compressed; stream = " && qpdf --check "$seed" >/dev/null \
  && mutool info "$seed" >/dev/null 2>&1 && ok "objects packed in object streams, readers agree" \
  || fail "objects packed in object streams, readers agree" "$xref"
pdftotext "$tmp/a/refractory-neuroendocrine-tumours.pdf" - | grep -q "Page 1 of 2" \
  && ok "footer has Page N of M" || fail "footer has Page N of M"
pdftotext "$tmp/a/refractory-neuroendocrine-tumours.pdf" - | grep -q "ONC-0142" \
  && ok "footer has the leaflet id" || fail "footer has the leaflet id"

# --- CLI -----------------------------------------------------------------
run_handout --help
[ $status -eq 0 ] && grep -q "Usage: handout build" "$tmp/out" && ok "--help exits 0" || fail "--help exits 0"
run_handout --version
[ $status -eq 0 ] && grep -q "^handout [0-9]" "$tmp/out" && ok "--version" || fail "--version"
run_handout build --no-such-option content/
[ $status -eq 2 ] && has "unknown option" && ok "unknown option exits 2" || fail "unknown option exits 2" "$(cat "$tmp/err")"
run_handout build
[ $status -eq 2 ] && ok "build without inputs exits 2" || fail "build without inputs exits 2"
run_handout frobnicate
[ $status -eq 2 ] && ok "unknown command exits 2" || fail "unknown command exits 2"

# --- errors: file:line:col, exit 1, no partial output, batch goes on -------
expect_error() { # NAME FIXTURE MESSAGE
  run_handout build "$FIX/good.md" "$FIX/$2" -o "$tmp/e"
  local base; base=$(basename "$2" .md)
  if [ $status -eq 1 ] && has "$3" && [ -s "$tmp/e/good.pdf" ] && [ ! -e "$tmp/e/$base.pdf" ] \
     && [ -z "$(ls -A "$tmp/e" | grep -v '^good.pdf$')" ]; then ok "$1"
  else fail "$1" "status $status; stderr: $(cat "$tmp/err"); files: $(ls -A "$tmp/e" 2>&1)"; fi
  rm -rf "$tmp/e"
}
expect_error "bad YAML: file:line:col" bad-front-matter.md "$FIX/bad-front-matter.md:5:1: error: front matter: found unexpected end of stream while scanning a quoted scalar (from line 3)"
expect_error "bad date" bad-date.md "$FIX/bad-date.md:3:9: error: front matter: 'review' must be a date"
expect_error "missing title" no-title.md "$FIX/no-title.md:1:1: error: front matter: 'title' is required"
expect_error "missing image" missing-image.md "$FIX/missing-image.md:6:1: error: image 'images/nowhere.png'"
expect_error "not UTF-8" latin1.md "$FIX/latin1.md:4:4: error: invalid UTF-8 byte 0xE9"
expect_error "missing input" no-such-file.md "$FIX/no-such-file.md: error: no such file or folder"

run_handout build "$FIX/unknown-key.md" -o "$tmp/w"
[ $status -eq 0 ] && has "$FIX/unknown-key.md:3:1: warning: front matter: unknown key 'colour'" \
  && has "$FIX/unknown-key.md:5:1: warning: raw HTML" && [ -s "$tmp/w/unknown-key.pdf" ] \
  && ok "unknown key and raw HTML: warnings, still built" || fail "unknown key and raw HTML: warnings, still built" "$(cat "$tmp/err")"
pdftotext "$tmp/w/unknown-key.pdf" - | grep -qF "<b>raw HTML</b>" && ok "raw HTML printed literally" || fail "raw HTML printed literally"

mkdir -p "$tmp/empty"
run_handout build "$tmp/empty" -o "$tmp/x"
[ $status -eq 1 ] && has "folder has no .md files" && ok "folder without .md files" || fail "folder without .md files" "$(cat "$tmp/err")"
run_handout build "$FIX/good.md" -o /proc/handout-cannot-write
[ $status -eq 1 ] && has "error" && ok "unwritable output folder" || fail "unwritable output folder" "$(cat "$tmp/err")"

python3 -c "print('---\ntitle: Long link\n---\nSee [this](https://example.org/' + 'a' * 70000 + ').')" > "$tmp/longlink.md"
run_handout build "$tmp/longlink.md" -o "$tmp/ll"
[ $status -eq 0 ] && has "longlink.md:4:1: warning: a link address of 70020 characters is printed but not made clickable" \
  && [ -s "$tmp/ll/longlink.pdf" ] && ok "over-long link address: printed, not linked, warned" \
  || fail "over-long link address: printed, not linked, warned" "$(head -c 600 "$tmp/err")"
# A URL longer than a line breaks after a "/" (or . - ?), not inside a word,
# with either breaker (a mid-word cut is only a last resort).
printf -- '---\ntitle: Long address\n---\nVisit https://www.example.nhs.uk/conditions/very-long-path-name/subsection-of-the-site/another-part?query=value for details.\n' > "$tmp/url.md"
for mode in optimal greedy; do
  run_handout build -q --line-breaking $mode "$tmp/url.md" -o "$tmp/url-$mode"
  line=$(pdftotext "$tmp/url-$mode/url.pdf" - 2>/dev/null | grep -F "Visit https")
  [ $status -eq 0 ] && case $line in */|*.|*-|*\?) true;; *) false;; esac \
    && check "$mode: a long URL breaks after / . - or ?" python3 tests/e2e/check_pdf.py "$tmp/url-$mode/url.pdf" "$tmp/url.md" \
    || fail "$mode: a long URL breaks after / . - or ?" "line: $line; $(cat "$tmp/err")"
done
mkdir -p "$tmp/fifo" && mkfifo "$tmp/fifo/pipe.md" && cp "$FIX/good.md" "$tmp/fifo/"
run_handout build "$tmp/fifo" -o "$tmp/fifo-out"
[ $status -eq 1 ] && has "$tmp/fifo/pipe.md: error: cannot open: not a regular file" && [ -s "$tmp/fifo-out/good.pdf" ] \
  && ok "a FIFO named .md in a folder is reported, not skipped" || fail "a FIFO named .md in a folder is reported, not skipped" "$(cat "$tmp/err")"

# --- layouts: every layout builds every topic; sizes; large print ---------
run_handout layouts
[ $status -eq 0 ] && [ "$(grep -c . "$tmp/out")" -eq "$(ls layouts/*.yaml | wc -l)" ] \
  && ok "layouts lists every layout" || fail "layouts lists every layout" "$(cat "$tmp/out" "$tmp/err")"
declare -A paper=([a4]="595.276 x 841.89" [a5]="419.528 x 595.276" [letter]="612 x 792"
  [a4-two-column]="595.276 x 841.89" [large-print]="595.276 x 841.89" [trifold-dl]="841.89 x 595.276"
  [a5-booklet]="841.89 x 595.276")
for yaml in layouts/*.yaml; do
  l=$(basename "$yaml" .yaml)
  for lp in "" --large-print; do
    dir="$tmp/l/$l$lp"
    run_handout build -q -l "$l" $lp content/ -o "$dir"
    bad=""
    imposed=""
    case $l in trifold-dl|a5-booklet)
      # Sheets are not in reading order: read the text from the logical pages.
      imposed=1; "$HANDOUT" build -q -l "$l" $lp --no-impose content/ -o "$dir-logical" 2>/dev/null;;
    esac
    for md in content/*.md; do
      name=$(basename "$md" .md); pdf="$dir/$name.pdf"
      if [ ! -s "$pdf" ]; then
        # A folded leaflet has six panels: a longer topic is refused, never shrunk.
        grep -qF "$md: error: the content needs" "$tmp/err" && grep -qF "use a larger layout such as 'a5'" "$tmp/err" \
          || bad="$bad\n$name: not built: $(grep -F "$md" "$tmp/err")"
        continue
      fi
      pdfinfo "$pdf" | grep -q "Page size: *${paper[$l]} pts" || bad="$bad\n$name: page size $(pdfinfo "$pdf" | grep 'Page size')"
      opts=(--paper any)
      [ -n "$lp" ] && opts+=(--min-font 16)
      if [ -n "$imposed" ]; then
        r=$(python3 tests/e2e/check_pdf.py "$pdf" "$md" "${opts[@]}" --no-text --no-outline) || bad="$bad\n$r"
        pdf="$dir-logical/$name.pdf"
      fi
      r=$(python3 tests/e2e/check_pdf.py "$pdf" "$md" "${opts[@]}") || bad="$bad\n$r"
    done
    [ -z "$bad" ] && ok "layout $l$lp: every topic" || fail "layout $l$lp: every topic" "$(printf "$bad")"
  done
done
ls "$tmp/l/trifold-dl"/*.pdf >/dev/null 2>&1 && ok "tri-fold builds the seed leaflet" || fail "tri-fold builds the seed leaflet"
# Every topic's body under one front matter: far more than six panels.
{ printf -- '---\ntitle: Everything at once\n---\n'
  for md in content/*.md; do awk 'NR == 1 && /^---$/ { fm = 1; next } fm && /^---$/ { fm = 0; next } !fm' "$md"; done
} > "$tmp/long-topic.md"
cp -r content/images "$tmp/"
run_handout build -q -l trifold-dl "$tmp/long-topic.md" -o "$tmp/tf"
[ $status -eq 1 ] && has "$tmp/long-topic.md: error: the content needs" && has "page(s) too many" \
  && [ ! -e "$tmp/tf/long-topic.pdf" ] && ok "tri-fold overflow: error with how much, no PDF" \
  || fail "tri-fold overflow: error with how much, no PDF" "$(cat "$tmp/err")"
seed=content/refractory-neuroendocrine-tumours.md
run_handout build -q -l trifold-dl --no-impose "$seed" -o "$tmp/tfl"
check "tri-fold panel order" python3 tests/e2e/check_imposed.py "$tmp/tfl/refractory-neuroendocrine-tumours.pdf" \
  "$tmp/l/trifold-dl/refractory-neuroendocrine-tumours.pdf" trifold
cover=$(pdftotext -f 1 -l 1 -x 562 -y 0 -W 279 -H 595 "$tmp/l/trifold-dl/refractory-neuroendocrine-tumours.pdf" -)
back=$(pdftotext -f 1 -l 1 -x 281 -y 0 -W 279 -H 595 "$tmp/l/trifold-dl/refractory-neuroendocrine-tumours.pdf" -)
echo "$cover" | grep -q "Refractory" && echo "$back" | grep -q "ONC-0142" && echo "$back" | grep -q "Review by" \
  && ok "tri-fold cover and back panel" || fail "tri-fold cover and back panel" "cover: $cover / back: $back"
# Clear print: 60-70 characters a line. Long paragraphs of the leaflets' own
# prose, so nearly every line is a full one and the median is the measure.
{ printf -- '---\ntitle: Measure\n---\n'
  cat content/*.md | grep -E '^[A-Z][a-z]+ [a-z]' | paste -d ' ' - - - - - - | sed 's/$/\n/'
} > "$tmp/measure.md"
for l in a4 letter a5; do
  run_handout build -q -l "$l" "$tmp/measure.md" -o "$tmp/measure-$l"
  median=$(pdftotext "$tmp/measure-$l/measure.pdf" - | python3 -c 'import statistics, sys
print(statistics.median_low(len(l) for l in sys.stdin.read().splitlines() if l.strip()))')
  [ "${median:-0}" -ge 60 ] && [ "$median" -le 70 ] && ok "layout $l: 60-70 characters a line ($median)" \
    || fail "layout $l: 60-70 characters a line" "median line: ${median:-none} characters; $(cat "$tmp/err")"
done
run_handout build -l tests/unit/layouts/bad-unit.yaml "$seed" -o "$tmp/bl"
[ $status -eq 1 ] && grep -qE "^tests/unit/layouts/bad-unit.yaml:[0-9]+:[0-9]+: error: " "$tmp/err" && [ ! -e "$tmp/bl" ] \
  && ok "bad layout: file:line:col, nothing built" || fail "bad layout: file:line:col, nothing built" "$(cat "$tmp/err")"
run_handout build -l no-such-layout "$seed" -o "$tmp/bl"
[ $status -eq 1 ] && has "no-such-layout" && ok "unknown layout name" || fail "unknown layout name" "$(cat "$tmp/err")"

# --- SIGINT: PDFs being written are finished, none started, nothing partial --
mkdir -p "$tmp/sig"
cp -r content/images "$tmp/sig/"
for i in $(seq 1 200); do cp "$tmp/long-topic.md" "$tmp/sig/t$i.md"; done
"$HANDOUT" build -q -j 2 "$tmp/sig" -o "$tmp/sig/out" 2>"$tmp/err" & pid=$!
# Interrupt once the batch is under way: the first PDF is there.
for i in $(seq 1 600); do [ -n "$(ls "$tmp/sig/out" 2>/dev/null)" ] && break; sleep 0.1; done
kill -INT $pid; wait $pid; status=$?
left=$(ls -A "$tmp/sig/out" | grep -v '\.pdf$' || true)
broken=$(for f in "$tmp/sig/out"/*.pdf; do qpdf --check "$f" >/dev/null 2>&1 || echo "$f"; done)
n=$(ls "$tmp/sig/out" | wc -l)
[ $status -eq 130 ] && [ -z "$left" ] && [ -z "$broken" ] && [ "$n" -lt 200 ] && has "interrupted" \
  && ok "SIGINT: exit 130, $n of 200 built whole, no temporary files" \
  || fail "SIGINT: exit 130, no temporary files" "status $status, $n built, left: $left, broken: $broken, stderr: $(head -c 2000 "$tmp/err")"

# --- booklets -------------------------------------------------------------
order=$(python3 -c "
import re, glob
fs = sorted(glob.glob('content/*.md'), key=lambda f: (int(re.search(r'^order:\s*(-?\d+)', open(f).read(), re.M).group(1)), f))
print(' '.join(fs))")
run_handout booklet content/ -o "$tmp/bk/booklet.pdf"
[ $status -eq 0 ] && has "booklet: $(ls content/*.md | wc -l) topics" && ok "booklet of content/" || fail "booklet of content/" "$(cat "$tmp/err")"
check "booklet: contents numbers, labels, outline, links" python3 tests/e2e/check_booklet.py "$tmp/bk/booklet.pdf" "Patient information" $order
check "booklet: structure, fonts, text" python3 tests/e2e/check_pdf.py "$tmp/bk/booklet.pdf" "$seed" --title "Patient information"
run_handout booklet tests/e2e/fixtures/booklet.yaml -o "$tmp/bk/pack.pdf"
check "booklet from a manifest" python3 tests/e2e/check_booklet.py "$tmp/bk/pack.pdf" "Your treatment pack" \
  content/taking-capecitabine-at-home.md content/managing-fatigue.md content/refractory-neuroendocrine-tumours.md
pdfimages -list "$tmp/bk/pack.pdf" 2>/dev/null | awk 'NR>2 && $1==1' | grep -q . && ok "manifest logo on the cover" || fail "manifest logo on the cover"
run_handout booklet -q --large-print content/ -o "$tmp/bk/large.pdf"
check "large-print booklet: nothing under 16 pt" python3 tests/e2e/check_pdf.py "$tmp/bk/large.pdf" "$seed" --min-font 16 --title "Patient information"
check "large-print booklet: contents and outline" python3 tests/e2e/check_booklet.py "$tmp/bk/large.pdf" "Patient information" $order
run_handout booklet -q -l tests/e2e/fixtures/a5-double-sided.yaml content/ -o "$tmp/bk/a5.pdf"
check "double-sided booklet: topics start on right-hand pages" python3 tests/e2e/check_booklet.py "$tmp/bk/a5.pdf" "Patient information" $order --double-sided
run_handout booklet -q -l tests/e2e/fixtures/a5-double-sided.yaml --impose saddle content/ -o "$tmp/bk/a5-print.pdf"
check "saddle imposition: each half-sheet holds the right page" python3 tests/e2e/check_imposed.py "$tmp/bk/a5.pdf" "$tmp/bk/a5-print.pdf" saddle
run_handout booklet -q -l a5-booklet --creep 0.3mm content/ -o "$tmp/bk/creep.pdf"
[ $status -eq 0 ] && pdfinfo "$tmp/bk/creep.pdf" | grep -q "841.89 x 595.276" && ok "a5-booklet layout with creep" || fail "a5-booklet layout with creep" "$(cat "$tmp/err")"
# Contents that run to two pages: page numbers still right.
python3 tests/bench/gen_corpus.py 60 "$tmp/c60" >/dev/null
order60=$(ls "$tmp/c60"/*.md | sort)
run_handout booklet -q "$tmp/c60" -o "$tmp/bk/60.pdf"
contents_pages=$(for p in 2 3 4; do pdftotext -f $p -l $p "$tmp/bk/60.pdf" - | grep -c " \. \. \." ; done | awk '$1 > 0' | wc -l)
[ "$contents_pages" -ge 2 ] && ok "60 topics: the contents run to $contents_pages pages" || fail "60 topics: the contents run to two pages" "$contents_pages"
check "60 topics: every contents number matches its page label" python3 tests/e2e/check_booklet.py "$tmp/bk/60.pdf" "Patient information" $order60
# Every layout makes a booklet (imposed ones checked on their logical pages).
for yaml in layouts/*.yaml; do
  l=$(basename "$yaml" .yaml)
  run_handout booklet -q -l "$l" --no-impose content/ -o "$tmp/bk/$l.pdf"
  check "booklet in layout $l" python3 tests/e2e/check_booklet.py "$tmp/bk/$l.pdf" "Patient information" $order
done
run_handout booklet content/ -o content/refractory-neuroendocrine-tumours.md
[ $status -eq 1 ] && has "would overwrite the input" && ok "booklet refuses to overwrite an input" || fail "booklet refuses to overwrite an input" "$(cat "$tmp/err")"
git diff --quiet -- content/ 2>/dev/null && ok "content/ untouched" || fail "content/ untouched"

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
