#!/usr/bin/env bash
# End-to-end tests: builds real PDFs with the handout binary and checks them
# with poppler-utils, qpdf and mupdf-tools (tests/e2e/check_pdf.py).
set -u
cd "$(dirname "$0")/../.."
HANDOUT=${HANDOUT:-build/handout}
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
pdfinfo "$tmp/a/refractory-neuroendocrine-tumours.pdf" | grep -q "CreationDate:.*Jan  1 00:00:00 2026" \
  && ok "SOURCE_DATE_EPOCH sets the creation date" || fail "SOURCE_DATE_EPOCH sets the creation date" "$(pdfinfo "$tmp/a/refractory-neuroendocrine-tumours.pdf")"
unset SOURCE_DATE_EPOCH

# --- one file, default output folder ------------------------------------
mkdir -p "$tmp/cwd"
(cd "$tmp/cwd" && "$OLDPWD/$HANDOUT" build -q "$OLDPWD/content/refractory-neuroendocrine-tumours.md") \
  && [ -s "$tmp/cwd/out/refractory-neuroendocrine-tumours.pdf" ] && ok "-o defaults to out/" || fail "-o defaults to out/"

# --- the document information and outline -------------------------------
info=$(pdfinfo "$tmp/a/preparing-for-a-ct-scan.pdf")
echo "$info" | grep -q "^Author: *Imaging Department" && echo "$info" | grep -q "^Subject: *What to expect" \
  && echo "$info" | grep -q "^Keywords: *CT scan" && ok "info: author, subject, keywords" || fail "info: author, subject, keywords" "$info"
qpdf --qdf --object-streams=disable "$tmp/a/preparing-for-a-ct-scan.pdf" "$tmp/q.pdf" 2>/dev/null
grep -aq "/Lang (en-GB)" "$tmp/q.pdf" && ok "catalog /Lang" || fail "catalog /Lang"
grep -aq "/DisplayDocTitle true" "$tmp/q.pdf" && ok "viewer shows the title" || fail "viewer shows the title"
grep -aq "/FlateDecode" "$tmp/a/preparing-for-a-ct-scan.pdf" && ok "streams compressed" || fail "streams compressed"
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

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
