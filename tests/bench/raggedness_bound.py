#!/usr/bin/env python3
"""The best raggedness cut any line breaker can get over first fit.

A model independent of handout: every character is one unit wide, a word
space one unit, and a URL may break after '/', '.', '-' or '?'. For each
paragraph it sets first fit, and the exact minimum of the sum of squared
unused width over non-final lines (dynamic programming over all break
sequences). The cut is 1 - optimal / first fit, summed over paragraphs, the
measure of `make bench-typeset`.

    tests/bench/raggedness_bound.py FILE.md|FOLDER|TEXT ... [--measure N ...]

Markdown: front matter, headings, tables, lists, quotes and code are skipped;
paragraphs are the blank-line separated blocks left, with links printed as
"text (address)" and emphasis marks dropped, as handout prints them.
"""
import argparse
import glob
import os
import re


def paragraphs(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for block in re.split(r"\n\s*\n", text):
        lines = [l for l in block.splitlines() if l.strip()]
        if not lines or lines[0].lstrip().startswith(("#", "|", "-", "*", ">", "<", "[^")) or re.match(r"\s*\d+\.", lines[0]):
            continue
        # As printed: a link as "text (address)", no emphasis or code marks.
        prose = re.sub(r"\[([^\]]*)\]\(([^)\s]*)\)", r"\1 (\2)", " ".join(lines))
        prose = re.sub(r"\[\^[^\]]*\]|[*_`]", "", prose)
        words = []
        for w in prose.split():
            # A URL breaks after / . - ?: its pieces are boxes with no space between.
            pieces = re.findall(r"[^/.?-]*[/.?-]|[^/.?-]+$", w) if "://" in w or "www." in w else [w]
            words.append([len(p) for p in pieces if p])
        if len(words) > 1:
            yield words


def boxes(words):
    """(width, space before) for every piece: 1 before a word, 0 inside a URL."""
    out = []
    for i, w in enumerate(words):
        for j, n in enumerate(w):
            out.append((n, 1 if i and not j else 0))
    return out


def first_fit(b, width):
    cost, line = 0, None
    for n, sp in b:
        if line is None:
            line = n
        elif line + sp + n <= width:
            line += sp + n
        else:
            cost += (width - line) ** 2
            line = n
    return cost


def optimal(b, width):
    """Least sum of squared unused width of the non-final lines; a piece
    longer than the line goes alone on its line, as in first fit."""
    n = len(b)
    best = [0.0] + [float("inf")] * n
    for i in range(1, n + 1):
        length = 0  # of pieces j .. i-1 on one line
        for j in range(i - 1, -1, -1):
            length += b[j][0] + (b[j + 1][1] if j + 1 < i else 0)
            if length > width and j < i - 1:
                break
            cost = 0 if i == n else max(width - length, 0) ** 2
            best[i] = min(best[i], best[j] + cost)
    return best[n]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--measure", type=int, nargs="+", default=[45, 65, 90], help="characters a line")
    args = ap.parse_args()
    files = []
    for p in args.inputs:
        files += sorted(glob.glob(os.path.join(p, "*.md"))) if os.path.isdir(p) else [p]
    paras = [boxes(w) for f in files for w in paragraphs(f)]
    print(f"{len(files)} files, {len(paras)} paragraphs")
    for width in args.measure:
        g = sum(first_fit(b, width) for b in paras)
        o = sum(optimal(b, width) for b in paras)
        print(f"{width} characters a line: best possible cut {100 * (1 - o / g):.1f} %")


if __name__ == "__main__":
    main()
