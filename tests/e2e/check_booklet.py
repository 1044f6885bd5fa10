#!/usr/bin/env python3
"""Checks a booklet PDF with qpdf, poppler and mupdf only:

  check_booklet.py BOOKLET.pdf TITLE TOPIC.md ... [--double-sided]

- the contents page lists every topic, in order, and each entry's page number
  is the page label of the page where that topic's title is printed;
- page labels: lower-case roman for the front matter, then 1, 2, ...;
- the outline is booklet title -> topic titles -> their headings;
- with --double-sided, every topic starts on a right-hand (odd) page;
- the contents entries are links to the topic's first page.
Prints one line per failure; exit 1 if any.
"""
import json
import re
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout


def roman(n):
    out = ""
    for v, r in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out += r
            n -= v
    return out


def labels(pdf, pages):
    """Physical page (0-based) -> label text, from the PageLabels tree."""
    ranges = json.loads(run("qpdf", "--json", pdf)).get("pagelabels", [])
    out = []
    for p in range(pages):
        r = [x for x in ranges if x["index"] <= p][-1]
        n = r["label"].get("/St", 1) + p - r["index"]
        out.append(roman(n) if r["label"].get("/S") == "/r" else str(n))
    return out, ranges


def front_title(md):
    m = re.search(r"^title:\s*(.+)$", open(md, encoding="utf-8").read(), re.M)
    return m.group(1).strip().strip('"')


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    pdf, title, sources = args[0], args[1], args[2:]
    double = "--double-sided" in sys.argv
    fails = []
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    label, ranges = labels(pdf, pages)
    if not ranges or ranges[0]["label"].get("/S") != "/r" or ranges[-1]["label"].get("/S") != "/D":
        fails.append("page labels are not roman then decimal: %r" % ranges)
    titles = [front_title(s) for s in sources]
    text = [run("pdftotext", "-f", str(p + 1), "-l", str(p + 1), "-enc", "UTF-8", pdf, "-") for p in range(pages)]
    # The contents: front-matter pages after the cover, up to the first topic.
    contents = "".join(text[p] for p in range(1, pages) if re.fullmatch(r"[ivx]+", label[p]))
    # Entries: "Title . . . . 12", possibly with the title wrapped.
    flat = re.sub(r"\s+", " ", contents)
    pos = 0
    starts = []
    for t in titles:
        m = re.compile(re.escape(t) + r"[ .]*?(\d+)(?= |$)").search(flat, pos)
        if not m:
            fails.append("contents: no entry for %r" % t)
            continue
        pos = m.end()
        num = m.group(1)
        if num not in label:
            fails.append("contents: %r -> page %s, but no page has that label" % (t, num))
            continue
        p = label.index(num)
        starts.append(p)
        head = re.sub(r"\s+", " ", text[p])[:300]
        if not head.startswith(t) and t not in head[:200]:
            fails.append("contents: %r -> page %s (physical %d), which begins %r" % (t, num, p + 1, head[:80]))
        if double and (p + 1) % 2 == 0:
            fails.append("%r starts on physical page %d, a left-hand page" % (t, p + 1))

    # Outline: level 0 booklet title; level 1 the topics in order; deeper = headings.
    lines = run("mutool", "show", pdf, "outline").splitlines()
    tree = [(len(re.match(r"^[|+-]?(\t*)", l).group(1)), re.search(r'"(.*)"', l).group(1)) for l in lines if '"' in l]
    if not tree or tree[0] != (1, title):
        fails.append("outline root is not the booklet title %r: %r" % (title, tree[:1]))
    topics = [t for depth, t in tree if depth == 2]
    if topics != titles:
        fails.append("outline topics %r != %r" % (topics, titles))
    if not any(depth == 3 for depth, _ in tree):
        fails.append("outline has no headings under the topics")

    # Contents entries link to the topics' first pages.
    page_obj = {int(m.group(2)): int(m.group(1)) - 1
                for m in re.finditer(r"page (\d+) = (\d+) 0 R", run("mutool", "show", pdf, "pages"))}
    targets = set()
    for p in range(pages):
        if p == 0 or not re.fullmatch(r"[ivx]+", label[p]):
            continue
        annots = re.findall(r"(\d+) 0 R", run("mutool", "show", pdf, "pages/%d/Annots" % (p + 1)))
        for a in annots:
            obj = run("mutool", "show", pdf, a)
            dest = re.search(r"/Dest (\d+) 0 R", obj)
            arr = run("mutool", "show", pdf, dest.group(1)) if dest else obj
            ref = re.search(r"\[\s*(\d+) 0 R /XYZ", arr)
            if ref:
                targets.add(page_obj.get(int(ref.group(1))))
    for t, p in zip(titles, starts):
        if p not in targets:
            fails.append("no contents link to %r on physical page %d (links go to %r)" % (t, p + 1, sorted(x + 1 for x in targets if x is not None)))

    for f in fails:
        print("%s: %s" % (pdf, f))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
