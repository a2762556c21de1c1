#!/usr/bin/env python3
"""Import cycles among a crate's top-level modules.

Usage: scripts/module-cycles.py crates/mitra-core/src [more src dirs...]
An edge a -> b is a `crate::b` path (or `crate::{b, ...}`) in module a (comments
skipped, and text in string literals; re-exports through lib.rs, such as `crate::Code`, are not followed).
Prints each cycle (strongly connected component) with its edges, or
"no cycles"; exits 1 when any directory has a cycle.
"""
import os
import re
import sys


def cycles(root):
    mods={}
    for dp,dn,fn in os.walk(root):
        for f in fn:
            if not f.endswith('.rs'): continue
            p=os.path.join(dp,f); rel=os.path.relpath(p,root)[:-3]
            parts=rel.split('/')
            if parts[-1]=='mod': parts=parts[:-1]
            if parts==['lib']: continue
            mods[p]=parts
    tops={m[0] for m in mods.values()}
    edges={}
    for p,parts in mods.items():
        src=open(p).read()
        # Comments and text are not imports (`"crate::personal::Nik"` in a
        # string names another crate's module): one left-to-right scan, so
        # that `//` inside a string and a quote inside a comment are not
        # taken for what they are not.
        src=re.sub(r"""//[^\n]*|/\*.*?\*/|r(#*)".*?"\1|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])'""",' ',src,flags=re.S)
        # strip #[cfg(test)] mod tests? keep: tests are in-module; include all
        me=parts[0]
        tg=set()
        for m in re.finditer(r'crate::\{([^}]*)\}',src):
            for n in re.findall(r'\b([a-z_][a-z0-9_]*)\b',m.group(1)):
                if n in tops: tg.add(n)
        for m in re.finditer(r'crate::([a-z_][a-z0-9_]*)',src):
            if m.group(1) in tops: tg.add(m.group(1))
        if len(parts)>1:
            for m in re.finditer(r'super::([a-z_][a-z0-9_]*)',src):
                pass  # within same top module
        tg.discard(me)
        edges.setdefault(me,set()).update(tg)
    # SCCs
    idx={};low={};st=[];on=set();out=[];c=[0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
        for w in edges.get(v,()):
            if w not in idx: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],idx[w])
        if low[v]==idx[v]:
            comp=[]
            while True:
                w=st.pop();on.discard(w);comp.append(w)
                if w==v:break
            if len(comp)>1: out.append(sorted(comp))
    for v in list(edges):
        if v not in idx: sc(v)
    return out, edges


def main():
    bad = False
    for root in sys.argv[1:]:
        out, edges = cycles(root)
        for comp in out:
            bad = True
            print(root, 'cycle:', comp)
            for a in comp:
                print('  ', a, '->', sorted(edges[a] & set(comp)))
        if not out:
            print(root, 'no cycles')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()


