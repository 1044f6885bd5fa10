#!/usr/bin/env python3
"""Checks that an imposed PDF holds the right logical page in each part of
each sheet side, by text (pdftotext with a crop box):

  check_imposed.py LOGICAL.pdf IMPOSED.pdf saddle|trifold

The order is computed here from the rule, not from handout: saddle pads to a
multiple of four, sheet 1 front = [last, first], back = [second, second-last],
and inwards; tri-fold outside = [5, 6, 1], inside = [2, 3, 4].
"""
import re
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout


def pages_of(pdf):
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))


def size_of(pdf):
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", pdf))
    return float(m.group(1)), float(m.group(2))


def words(text):
    return re.findall(r"\w+", text)


def main():
    logical, imposed, kind = sys.argv[1:4]
    n = pages_of(logical)
    if kind == "saddle":
        padded = (n + 3) // 4 * 4
        order = []
        for s in range(padded // 4):
            order += [[padded - 1 - 2 * s, 2 * s], [2 * s + 1, padded - 2 - 2 * s]]
        per = 2
    else:
        order = [[4, 5, 0], [1, 2, 3]]
        per = 3
    order = [[p if p < n else -1 for p in side] for side in order]
    fails = []
    if pages_of(imposed) != len(order):
        fails.append("%d sheet sides, expected %d" % (pages_of(imposed), len(order)))
    w, h = size_of(imposed)
    for s, side in enumerate(order):
        for k, p in enumerate(side):
            part = run("pdftotext", "-f", str(s + 1), "-l", str(s + 1), "-x", str(int(k * w / per) + 1), "-y", "0",
                       "-W", str(int(w / per) - 2), "-H", str(int(h)), "-enc", "UTF-8", imposed, "-")
            want = [] if p < 0 else words(run("pdftotext", "-f", str(p + 1), "-l", str(p + 1), "-enc", "UTF-8",
                                              logical, "-"))
            if words(part) != want:
                fails.append("side %d part %d: expected logical page %s, got %r..." %
                             (s + 1, k + 1, p + 1 if p >= 0 else "blank", " ".join(words(part)[:8])))
    for f in fails:
        print("%s: %s" % (imposed, f))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
