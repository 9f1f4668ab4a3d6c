#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check netdev's "reverse Christmas tree" order of local declarations.

In each function, the declarations that open its body go from the longest
line to the shortest.  A declaration may be longer than the one above it
only when its initializer uses a name declared above it in the block
(it cannot move above that one; netdev accepts the order then).  A declaration spread over several lines counts its first line.

Usage: xmas-tree.py [--fix] FILE...  Prints FILE:LINE: for every
misplaced declaration and exits 1 if there is one.  With --fix, reorders
each block instead: the longest declaration whose initializer needs no
name still to come goes first.
"""

import re
import sys

DECL = re.compile(r'^\t(?:(?:static|const|unsigned|signed|struct|union|'
                  r'enum|volatile|register)\s+)*[A-Za-z_]\w*[\s*]+'
                  r'(?:const\s+)?\**[A-Za-z_]\w*\s*(?:\[[^\]]*\])*\s*'
                  r'(?:[=;,]|$)')
NOT_DECL = re.compile(r'^\t(?:return|goto|case|else|if|for|while|do|'
                      r'switch|break|continue)\b')
NAME = re.compile(r'[A-Za-z_]\w*')


def declared(text):
    """The names a declaration statement declares."""
    names = []
    depth = 0
    part = ''
    for ch in text.rstrip(';'):
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        if ch == ',' and depth == 0:
            names.append(part)
            part = ''
        else:
            part += ch
    names.append(part)
    out = []
    for p in names:
        lhs = p.split('=')[0]
        lhs = re.sub(r'\[[^\]]*\]', '', lhs)
        words = NAME.findall(lhs)
        if words:
            out.append(words[-1])
    return out


def initializer_names(text):
    """The names an initializer uses, members (after -> or .) left out."""
    names = set()
    for part in text.split('=')[1:]:
        part = re.sub(r'(?:->|\.)\s*[A-Za-z_]\w*', '', part)
        names.update(NAME.findall(part))
    return names


def reorder(decls):
    """The declarations in reverse Christmas-tree order, dependencies kept."""
    names = [set(declared(d[2])) for d in decls]
    left = list(range(len(decls)))
    out = []
    while left:
        def ready(k):
            need = initializer_names(decls[k][2])
            return not any(need & names[j] for j in left if j != k)
        cand = [k for k in left if ready(k)] or left[:1]
        best = max(cand, key=lambda k: (len(decls[k][1]), -k))
        out.append(best)
        left.remove(best)
    return out


def check(path, fix=False):
    bad = []
    lines = open(path, encoding='utf-8').read().split('\n')
    edits = []
    i = 0
    while i < len(lines):
        if lines[i] != '{':
            i += 1
            continue
        i += 1
        decls = []	# (line number, first line, whole text)
        while i < len(lines):
            line = lines[i]
            if not DECL.match(line) or NOT_DECL.match(line) or \
               line.rstrip().endswith(')') or '(' in line.split('=')[0]:
                break
            start = i
            text = line.strip()
            while not text.endswith(';') and i + 1 < len(lines):
                i += 1
                text += ' ' + lines[i].strip()
            decls.append((start + 1, line.expandtabs(8).rstrip(), text,
                          lines[start:i + 1]))
            i += 1
        if fix and len(decls) > 1:
            order = reorder(decls)
            if order != sorted(order):
                edits.append((decls[0][0] - 1, i,
                              sum((decls[k][3] for k in order), [])))
            continue
        seen = set()
        for (_, above, atext, _), (no, line, text, _) in zip(decls,
                                                            decls[1:]):
            seen.update(declared(atext))
            if len(line) <= len(above):
                continue
            if initializer_names(text) & seen:
                continue
            bad.append('%s:%d: longer than the declaration above' %
                       (path, no))
    for start, end, new in reversed(edits):
        lines[start:end] = new
    if edits:
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
    return bad


def main():
    fix = len(sys.argv) > 1 and sys.argv[1] == '--fix'
    bad = []
    for path in sys.argv[1 + fix:]:
        bad += check(path, fix)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
