#!/usr/bin/env python3
"""Where the service's time goes, by its own functions.

Reads `perf script` output (call graphs recorded with --call-graph dwarf)
on stdin and charges each sample to the innermost frames that belong to
the rollin binary itself, so that time spent inside SQLite, jansson, libc
or the kernel is attributed to the rollin function that asked for it:

    perf script -i read-c1.data | tests/bench/perf_fold.py [DEPTH] [TOP]

DEPTH (default 2) is how many rollin frames name a line ("fetch <-
record_get"); TOP (default 30) how many lines are printed.
"""
import collections
import re
import sys

FRAME = re.compile(r"\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)$")


def samples(lines):
    stack = None
    for line in lines:
        if not line.strip():
            if stack is not None:
                yield stack
            stack = None
        elif not line[0].isspace():
            stack = []
        else:
            m = FRAME.match(line.rstrip())
            if m and stack is not None:
                stack.append((re.sub(r"\+0x[0-9a-f]+$", "", m.group(1)),
                              m.group(2)))
    if stack:
        yield stack


def main():
    depth = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    count = collections.Counter()
    n = 0
    for stack in samples(sys.stdin):
        n += 1
        own = [sym for sym, dso in stack if dso.endswith("/rollin")]
        if own:
            count[" <- ".join(own[:depth])] += 1
        else:
            where = stack[0][1].rsplit("/", 1)[-1] if stack else "?"
            count[f"(outside rollin: {where})"] += 1
    print(f"{n} samples, charged to the innermost rollin frames")
    for key, k in count.most_common(top):
        print(f"{100 * k / max(n, 1):6.1f}%  {key}")


if __name__ == "__main__":
    main()
