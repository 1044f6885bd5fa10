#!/usr/bin/env python3
"""Checks one PDF built from one Markdown topic, with poppler-utils, qpdf and
mupdf-tools only (never with handout's own code). Prints one line per failed
check and exits 1 if any failed.

  check_pdf.py OUT.pdf SOURCE.md [--paper A4|any] [--min-font PT] [--no-outline] [--no-text]
              [--title TITLE]
"""
import re
import subprocess
import sys
import unicodedata


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def front_matter(md):
    m = re.match(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", md, re.S)
    if not m:
        return {}, md
    meta = {}
    for line in m.group(1).splitlines():
        k = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        if k:
            meta[k.group(1)] = k.group(2).strip().strip('"').strip("'")
    return meta, md[m.end():]


def words(text):
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d\u2013\u2014", "''\"\"--"))
    # Split letters from digits: a footnote number sits right after its word.
    text = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", text)
    return [w.casefold() for w in re.findall(r"\w+", text)]


def source_words(body):
    # Task-list boxes are drawn, not printed; alert markers become a label.
    body = re.sub(r"^(\s*[-*+] )\[[ xX]\] ", r"\1", body, flags=re.M)
    body = re.sub(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", "", body)
    plain = run_input(["cmark-gfm", "--smart", "-e", "table", "-e", "strikethrough", "-e", "autolink",
                       "-e", "tasklist", "-t", "plaintext"], body)
    # Footnote definitions print as "[^x]: text": the label is not printed.
    plain = re.sub(r"\[\^[^\]]*\]:?", " ", plain)
    return words(plain)


def run_input(cmd, data):
    return subprocess.run(cmd, input=data, capture_output=True, text=True, check=True).stdout


def in_order(needles, hay):
    """Greedy subsequence match: the first needle not found, with context."""
    j = 0
    for i, w in enumerate(needles):
        while j < len(hay) and hay[j] != w:
            j += 1
        if j == len(hay):
            return i
        j += 1
    return -1


def main():
    pdf, src = sys.argv[1], sys.argv[2]
    paper = sys.argv[sys.argv.index("--paper") + 1] if "--paper" in sys.argv else "A4"
    no_outline = "--no-outline" in sys.argv  # imposed sheets carry no bookmarks
    no_text = "--no-text" in sys.argv        # imposed sheets are not in reading order
    title_want = sys.argv[sys.argv.index("--title") + 1] if "--title" in sys.argv else None
    min_font = float(sys.argv[sys.argv.index("--min-font") + 1]) if "--min-font" in sys.argv else 0
    failures = []
    md = open(src, encoding="utf-8-sig").read()
    meta, body = front_matter(md)

    r = run("qpdf", "--check", pdf)
    if r.returncode != 0:
        failures.append("qpdf --check: " + (r.stdout + r.stderr).strip().splitlines()[-1])

    fonts = run("pdffonts", pdf).stdout.splitlines()[2:]
    if not fonts:
        failures.append("pdffonts: no fonts")
    for f in fonts:
        cols = f.split()
        if cols[-5:-2] != ["yes", "yes", "yes"]:
            failures.append("font not embedded+subset+ToUnicode: " + f)

    info = run("pdfinfo", pdf).stdout
    if paper == "A4" and "595.276 x 841.89 pts (A4)" not in info:
        failures.append("page size is not A4: " + re.search(r"Page size:.*", info).group(0))
    title = re.search(r"^Title:\s*(.*)$", info, re.M)
    title_want = title_want or meta.get("title")
    if title_want and (not title or title.group(1) != title_want):
        failures.append("Title %r != %r" % (title and title.group(1), title_want))

    for mode in ([], ["-raw"]):
        if no_text:
            break
        text = run("pdftotext", *mode, "-enc", "UTF-8", pdf, "-").stdout
        # Rejoin words a line end split (URLs break after / . - ? @ &).
        got = words(re.sub(r"(?<=[/.?@&-])\n", "", text))
        want = source_words(body)
        miss = in_order(want, got)
        if miss < 0:
            break
    else:
        failures.append("word %d of %d not found in order: %r (context: %s)" %
                        (miss + 1, len(want), want[miss], " ".join(want[max(0, miss - 5):miss + 5])))

    # A dose, phone number or date is never split across lines.
    units = r"(?:mg|g|kg|mcg|µg|μg|mL|ml|L|mmol|°C|%|hours|minutes|days|weeks|tablets?)"
    months = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    raw = run("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-").stdout
    for pat, what in ((r"\d\n" + units + r"\b", "a number and its unit"),
                      (r"\b0\d{3,4}\n\d{3}\b", "a phone number"),
                      (r"\b\d{1,2}\n" + months + r"\b", "a date")):
        m = re.search(pat, raw)
        if m:
            failures.append("%s split across lines: %r" % (what, raw[max(0, m.start() - 20):m.end() + 10]))

    trace = run("mutool", "trace", pdf).stdout
    notdef = len(re.findall(r'<g unicode="[^"]*" glyph="0"', trace))
    if notdef:
        failures.append("%d glyphs drawn as .notdef" % notdef)
    if min_font:
        sizes = [float(s) for s in re.findall(r'<span[^>]* size="([0-9.]+)"', trace)]
        sizes += [float(m) for m in re.findall(r'font="[^"]*" size="([0-9.]+)"', trace)]
        small = [s for s in sizes if s < min_font - 0.01]
        if small:
            failures.append("text below %g pt: %g pt" % (min_font, min(small)))

    outline = run("mutool", "show", pdf, "outline").stdout
    titles = re.findall(r'"(.*)"', outline)
    heads = [re.sub(r"[*_`]", "", h).strip() for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", body, re.M)]
    for h in heads if not no_outline else []:
        norm = words(h)
        if not any(words(t) == norm for t in titles):
            failures.append("heading not in outline: %r" % h)

    for f in failures:
        print("%s: %s" % (pdf, f))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
