#!/usr/bin/env python3
"""pair_profile.py - the helper of tools/pair-profile.sh (read that first).

  pair_profile.py count --root ROOT --cwd DIR --mvm MVM [--cache DIR] [-j N]
                        --jobs JOBDIR --out OUTDIR
      For each job file JOBDIR/NAME (lines: the program's name, the program file, the
      expected status, a file for standard input or "" for /dev/null, then the command,
      one word a line) writes OUTDIR/NAME.json. A job runs its command (an
      `mvm run --trace ...`, in DIR, its standard output discarded, N jobs at once),
      reads the trace from its standard error, splits it by PID, classifies every
      executed instruction by mnemonic and operand shape, and counts instructions, pairs
      and adjacent triples of consecutive instructions of one process. The run is
      `included` when it executed instructions and ended with the expected status, or
      was stopped by --max-steps; a timeout (status 124 from timeout(1)) is not.
  pair_profile.py report [--top N] [--top-singles N] [--top-triples N] [--markdown]
                         [--label NAME] [--stdlib-only] [--sections LIST] DIR...
      Adds up the NAME.json files found in the DIRs (runs not `included` left out) and
      prints the ranked tables (tools/pair-profile.sh describes them).

Classification. Each trace line names a program unit and a line. The unit's source is
parsed by `mvm tokenise` (the assembler's own reading: every operand with its kind), so
`ADD G1 1 G1` is `ADD r,i,r`, `LT G1 16` is `LT r,i`, `JZ next` is `JZ L` and
`JNZ loop G1` is `JNZ L,r`. An omitted destination that has a default register (`SUB F1 1`
writes R4) is shown as the register it is (`SUB r,i,r`): the bytecode is the same.
CALL shows `L` for a label of the same unit and `lib` for a module or library function.
How the trace names a unit (src/kernel/dump.c, dump_where): the unit 0 of a process's
program by its file name only; a standard-library module as `<stdlib>/MODULE/FN.kar`
(src/stdlib/MODULE/FN.kar in this repository); a user module by its path. A process's
program is PID 1's file, its parent's after `fork`, and the path of the
`[event] spawn: child PID N runs PATH` / `[event] exec: runs PATH` lines. Lines that
cannot be mapped to a readable source (a program spawned from the VFS) are classified
from the statement text the trace shows (counted as `fallback`).

Pairs. Consecutive instructions of one PID form a pair. The chain is cut where the next
instruction did not follow by the program's own control flow: at `exec`, and where a
signal (or a fault sent to a handler) is delivered. For each pair the counts say how often
the second instruction was the static successor of the first (the next instruction in the
same unit: `adjacent`, the only case a superinstruction can fuse), and, of those, how
often the second instruction is a jump target (named by a jump, a CALL or a label used as
a value) or carries a label, and how often those second instructions were entered some
other way than by falling through from the first (`entered_else`), and how often another
process ran between the two (a turn ended between them: `split`). Pairs whose
both instructions lie in standard-library modules are counted again under `lib_*`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

REG_RE = re.compile(r'^(?:[GRFXI](?:10|[1-9])|S[1-4])$', re.I)
LABEL_DEF_RE = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_.]*):')
TOK_RE = re.compile(r'([a-z]+):("(?:[^"\\]|\\.)*"|\S+)')
TRACE_RE = re.compile(r'^\[trace\]\s+(\d+)\s+PID\s+(\d+)\s+(.*?):(\d+)\s+(.*)$')
EVENT_RE = re.compile(r'^\[event\]\s+(\d+)\s+PID\s+(\d+)\s+(.*)$')
STDLIB = '<stdlib>/'
KIND = {'reg': 'r', 'int': 'i', 'target': 'L', 'str': 's', 'float': 'f', 'type': 't',
        'topic': 'h'}


def load_opcodes(root):
    """mnemonic -> (operand letters, has default destination); plus aliases."""
    ops = {}
    row = re.compile(r'^OP\(\s*\w+,\s*"(\w+)",\s*"(\w*)",\s*(\w+),')
    with open(os.path.join(root, 'src/vm/opcodes.def')) as f:
        for line in f:
            m = row.match(line)
            if m:
                ops[m.group(1)] = (m.group(2), m.group(3) != 'REG_NONE')
    aliases = {}
    try:
        with open(os.path.join(root, 'src/vm/opcodes.c')) as f:
            for a, op in re.findall(r'\{\s*"(\w+)",\s*OP_(\w+)\s*\}', f.read()):
                aliases[a] = op
    except OSError:
        pass
    return ops, aliases


class Classifier:
    def __init__(self, root, mvm, cache_dir, cwd):
        self.root, self.mvm, self.cache_dir, self.cwd = root, mvm, cache_dir, cwd
        self.ops, self.aliases = load_opcodes(root)
        self.units = {}          # resolved path -> unit table, or None

    def shape(self, mnem, kinds):
        """kinds: list of operand shape letters as written."""
        mnem = self.aliases.get(mnem.upper(), mnem.upper())
        letters, has_default = self.ops.get(mnem, ('', False))
        kinds = list(kinds)
        if has_default and letters.endswith('d') and len(kinds) == len(letters) - 1:
            kinds.append('r')
        return mnem + (' ' + ','.join(kinds) if kinds else '')

    # ---- units -------------------------------------------------------------------
    def unit(self, path):
        if path in self.units:
            return self.units[path]
        u = self._load_unit(path)
        self.units[path] = u
        return u

    def _load_unit(self, path):
        if not os.path.isfile(path):
            return None
        st = os.stat(path)
        key = re.sub(r'[^A-Za-z0-9_.-]', '_', os.path.abspath(path)) + '.%d.%d.json' % (
            st.st_mtime_ns, st.st_size)
        cpath = os.path.join(self.cache_dir, key) if self.cache_dir else None
        if cpath and os.path.exists(cpath):
            with open(cpath) as f:
                u = json.load(f)
            u['lines'] = {int(k): v for k, v in u['lines'].items()}
            return u
        u = self._parse_unit(path)
        if u and cpath:
            tmp = cpath + '.%d' % os.getpid()
            with open(tmp, 'w') as f:
                json.dump(u, f)
            os.replace(tmp, cpath)
        return u

    def _parse_unit(self, path):
        try:
            out = subprocess.run([self.mvm, 'tokenise', path], capture_output=True,
                                 text=True, errors='replace', timeout=60, cwd=self.cwd)
            with open(path, errors='replace') as f:
                src = f.read().split('\n')
        except (OSError, subprocess.SubprocessError):
            return None
        if out.returncode != 0:
            return None
        labels = {}                       # name -> line it stands on
        for n, text in enumerate(src, 1):
            m = LABEL_DEF_RE.match(text)
            if m:
                labels[m.group(1)] = n
        instrs = {}                       # line -> (mnemonic, [(kind, value)])
        for line in out.stdout.split('\n'):
            m = re.match(r'^(\d+): (\S+)(.*)$', line)
            if not m:
                continue
            instrs[int(m.group(1))] = (m.group(2), TOK_RE.findall(m.group(3)))
        order = sorted(instrs)

        def resolve(n):                   # a line -> the instruction that runs there
            for ln in order:
                if ln >= n:
                    return ln
            return None
        targets, labelled = set(), set()
        for name, ln in labels.items():
            r = resolve(ln)
            if r is not None:
                labelled.add(r)
        lines = {}
        for i, ln in enumerate(order):
            mnem, toks = instrs[ln]
            kinds = []
            for kind, val in toks:
                if kind == 'call':
                    name = val.split('(')[0]
                    if name in labels:
                        kinds.append('L')
                        r = resolve(labels[name])
                        if r is not None:
                            targets.add(r)
                    else:
                        kinds.append('lib')
                    continue
                if kind in ('target', 'int'):
                    m = re.match(r'^(-?\d+)(\((.*)\))?$', val)
                    if m and (kind == 'target' or (m.group(3) and m.group(3) in labels)):
                        r = resolve(int(m.group(1)))
                        if r is not None:
                            targets.add(r)
                kinds.append(KIND.get(kind, kind))
            lines[ln] = [self.shape(mnem, kinds), order[i + 1] if i + 1 < len(order) else None]
        for ln in lines:
            lines[ln].append(1 if ln in targets else 0)
            lines[ln].append(1 if ln in labelled else 0)
        return {'lines': lines}

    # ---- statement text (fallback) ---------------------------------------------------
    def shape_from_text(self, text):
        toks = re.findall(r'"(?:[^"\\]|\\.)*"?|\'(?:[^\'\\]|\\.)*\'?|[^\s,]+', text)
        if not toks:
            return '?'
        mnem = self.aliases.get(toks[0].upper(), toks[0].upper())
        letters = self.ops.get(mnem, ('', False))[0]
        kinds = []
        for i, t in enumerate(toks[1:]):
            letter = letters[min(i, len(letters) - 1)].upper() if letters else 'V'
            if letter in 'VA':
                kinds.append('r' if REG_RE.match(t) else 'i')
            elif letter in 'DWX':
                kinds.append('r')
            elif letter == 'T':
                kinds.append('L')
            elif letter == 'N':
                kinds.append('lib' if '.' in t else 'L')
            else:
                kinds.append({'I': 'i', 'F': 'f', 'S': 's', 'Y': 't', 'H': 'h'}.get(letter, '?'))
        return self.shape(mnem, kinds)


def count_all(args):
    from concurrent.futures import ProcessPoolExecutor
    names = sorted(os.listdir(args.jobs))
    with ProcessPoolExecutor(max_workers=max(1, args.j)) as pool:
        for _ in pool.map(count_job, [(args, name) for name in names]):
            pass


_CLASSIFIER = None


def count_job(job):
    global _CLASSIFIER
    args, name = job
    with open(os.path.join(args.jobs, name)) as f:
        words = f.read().split('\n')
    if words and words[-1] == '':
        words.pop()
    if _CLASSIFIER is None:
        _CLASSIFIER = Classifier(args.root, args.mvm, args.cache, args.cwd)
    out = count(_CLASSIFIER, args.cwd, args.root, words[0], words[1], int(words[2]),
                words[3], words[4:])
    tmp = os.path.join(args.out, name + '.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(out, f, sort_keys=True)
        f.write('\n')
    os.replace(tmp, os.path.join(args.out, name + '.json'))


def count(cl, cwd, root, name, main, expect, stdin_path, command):
    """Run one job; its counts as a dict (see the module's docstring)."""
    prog = {1: main}                 # PID -> path of its program
    last = {}                             # PID -> (site, shape, in_stdlib)
    singles, pairs = Counter(), Counter()
    lib_singles, lib_pairs = Counter(), Counter()
    # pair -> [adjacent, adjacent & Z a target, & Z labelled, & another process ran between]
    adj = defaultdict(lambda: [0, 0, 0, 0])
    lib_adj = defaultdict(lambda: [0, 0, 0, 0])
    ran_last = None                       # the PID of the last instruction traced
    triples = defaultdict(lambda: [0, 0])   # adjacent triple -> [count, 2nd or 3rd a target]
    lib_triples = defaultdict(lambda: [0, 0])
    zsites = defaultdict(dict)            # pair -> {Z site of adjacent instances: is a target}
    entries, from_pred = Counter(), Counter()
    units = Counter()
    n = fallback = cuts = 0
    stopped = False
    stdin = open(stdin_path, 'rb') if stdin_path else subprocess.DEVNULL
    proc = subprocess.Popen(command, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    other = []                            # the first lines of stderr that are not trace
    for raw in proc.stderr:
        line = raw.decode('utf-8', 'replace').rstrip('\n')
        if line.startswith('[trace]'):
            m = TRACE_RE.match(line)
            if not m:
                continue
            pid, where, ln, rest = int(m.group(2)), m.group(3), int(m.group(4)), m.group(5)
            if where.startswith(STDLIB):
                path = os.path.join(root, 'src/stdlib', where[len(STDLIB):])
            elif '/' in where:
                path = where if os.path.isabs(where) else os.path.join(cwd, where)
            else:
                path = prog.get(pid, main)
                if os.path.basename(path) != where:
                    path = None
            u = cl.unit(path) if path else None
            info = u['lines'].get(ln) if u else None
            if info is None:
                fallback += 1
                text = re.split(r'\s{2,}', rest.strip(), maxsplit=1)[0]
                info = [cl.shape_from_text(text), None, 0, 0]
            shape, nxt, tgt, lbl = info
            site = (where, ln)
            in_lib = where.startswith(STDLIB)
            n += 1
            units[where if in_lib or '/' in where else '(program)'] += 1
            singles[shape] += 1
            if in_lib:
                lib_singles[shape] += 1
            prev = last.get(pid)
            chain = None                  # (shape, is a target, in the library) of the
            if prev is not None:          # adjacent run ending here, up to 2 back
                psite, pshape, plib, pnext, pchain = prev
                key = pshape + ' + ' + shape
                pairs[key] += 1
                entries[site] += 1
                both_lib = plib and in_lib
                if both_lib:
                    lib_pairs[key] += 1
                if psite[0] == where and pnext == ln:
                    from_pred[site] += 1
                    a = adj[key]
                    a[0] += 1
                    a[1] += tgt
                    a[2] += lbl
                    a[3] += ran_last != pid
                    zsites[key][site] = tgt
                    if both_lib:
                        b = lib_adj[key]
                        b[0] += 1
                        b[1] += tgt
                        b[2] += lbl
                        b[3] += ran_last != pid
                    if pchain is not None:
                        tkey = pchain[0] + ' + ' + key
                        t = triples[tkey]
                        t[0] += 1
                        t[1] += 1 if (pchain[1] or tgt) else 0
                        if both_lib and pchain[2]:
                            t = lib_triples[tkey]
                            t[0] += 1
                            t[1] += 1 if (pchain[1] or tgt) else 0
                    chain = (pshape, tgt, plib)
            last[pid] = (site, shape, in_lib, nxt, chain)
            ran_last = pid
        elif line.startswith('[event]'):
            m = EVENT_RE.match(line)
            if not m:
                continue
            pid, what = int(m.group(2)), m.group(3)
            if what.startswith('fork: child PID '):
                prog[int(what.split()[3])] = prog.get(pid, main)
            elif what.startswith('spawn: child PID '):
                parts = what.split(' ', 5)
                prog[int(parts[3])] = parts[5]
            elif what.startswith('exec: runs '):
                prog[pid] = what[len('exec: runs '):]
                cuts += pid in last
                last.pop(pid, None)
            elif (what.startswith('signal ') and ' delivered: handler at line' in what) or \
                    (what.startswith('fault ') and 'to its handler' in what):
                cuts += pid in last
                last.pop(pid, None)
            elif what.startswith('exit:'):
                last.pop(pid, None)
        elif '(--max-steps)' in line and line.startswith('mvm: stopped after'):
            stopped = True
        elif len(other) < 3:
            other.append(line[:200])
    status = proc.wait()
    if stdin_path:
        stdin.close()
    if n == 0:
        verdict = 'no instruction executed (status %d)' % status
    elif status == 124:
        verdict = 'timed out'
    elif stopped:
        verdict = 'ok, stopped by --max-steps'
    elif status != expect:
        verdict = 'exit status %d, expected %d' % (status, expect)
    else:
        verdict = 'ok'
    entered_else = Counter()
    sites = {}                            # pair -> [[unit, line, is a target, entered elsewhere]]
    for key, zs in zsites.items():
        entered_else[key] = sum(entries[s] - from_pred[s] for s in zs)
        sites[key] = [[s[0], s[1], t, entries[s] - from_pred[s]] for s, t in sorted(zs.items())]
    out = {
        'name': name or main, 'status': status, 'expect': expect,
        'included': verdict.startswith('ok'), 'verdict': verdict, 'stderr': other,
        'stopped': stopped, 'instructions': n, 'fallback': fallback, 'cuts': cuts,
        'lib_instructions': sum(lib_singles.values()),
        'singles': dict(singles), 'pairs': dict(pairs),
        'adjacent': {k: v for k, v in adj.items()},
        'entered_else': dict(entered_else), 'sites': sites,
        'lib_singles': dict(lib_singles), 'lib_pairs': dict(lib_pairs),
        'lib_adjacent': {k: v for k, v in lib_adj.items()},
        'units': dict(units),
        'triples': {k: v for k, v in triples.items()},
        'lib_triples': {k: v for k, v in lib_triples.items()},
    }
    return out


# ---- report -----------------------------------------------------------------------------
def pct(x, digits=2):
    return ('%.' + str(digits) + 'f%%') % (100.0 * x)


def table(rows, header, markdown, align):
    if markdown:
        out = ['| ' + ' | '.join(header) + ' |',
               '|' + '|'.join('---:' if a == 'r' else ':---' for a in align) + '|']
        for r in rows:
            out.append('| ' + ' | '.join(str(c) for c in r) + ' |')
        return '\n'.join(out)
    cells = [header] + [[str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for r in cells:
        out.append('  '.join(c.rjust(w[i]) if align[i] == 'r' else c.ljust(w[i])
                             for i, c in enumerate(r)).rstrip())
    out.insert(1, '  '.join('-' * x for x in w))
    return '\n'.join(out)


def code(s, markdown):
    return '`' + s + '`' if markdown else s


def load_runs(dirs):
    runs = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith('.json'):
                with open(os.path.join(d, name)) as f:
                    runs.append(json.load(f))
    return runs


def report(args):
    runs = [r for r in load_runs(args.dirs) if r.get('included')]
    md = args.markdown
    out = []
    h = (lambda s: out.append('\n#### ' + s + '\n')) if md else \
        (lambda s: out.append('\n' + s + '\n' + '=' * len(s)))
    if args.stdlib_only:
        total_key, singles_key, pairs_key, adj_key = 'lib_instructions', 'lib_singles', 'lib_pairs', 'lib_adjacent'
        runs = [r for r in runs if r['lib_instructions'] > 0]
    else:
        total_key, singles_key, pairs_key, adj_key = 'instructions', 'singles', 'pairs', 'adjacent'
    total = sum(r[total_key] for r in runs)
    label = args.label or ', '.join(args.dirs)
    scope = 'instructions inside the standard library' if args.stdlib_only else 'instructions'
    out.append('%s%s: %d programs, %s %s executed' % ('- ' if md else '', label, len(runs),
                                                      format(total, ','), scope))
    if not args.stdlib_only and total:
        lib = sum(r['lib_instructions'] for r in runs)
        out.append('%s(%s of them inside standard-library modules: %s)' % (
            '- ' if md else '', format(lib, ','), pct(lib / total)))
    if not runs or total == 0:
        print('\n'.join(out))
        return
    cuts = sum(r['cuts'] for r in runs)
    if cuts and not args.stdlib_only:
        out.append('%s(%s pair chains cut at exec or at a signal or fault delivered to a handler)' % (
            '- ' if md else '', format(cuts, ',')))
    fb = sum(r['fallback'] for r in runs)
    if fb:
        out.append('%s(%s instructions classified from the trace text: no readable source)' % (
            '- ' if md else '', format(fb, ',')))

    def norm(key):
        acc = Counter()
        for r in runs:
            t = r[total_key]
            for k, v in r[key].items():
                acc[k] += v / t
        return {k: v / len(runs) for k, v in acc.items()}

    top = args.top
    sections = set(args.sections.split(','))
    # Single instructions.
    singles = Counter()
    for r in runs:
        singles.update(r[singles_key])
    nsingles = norm(singles_key)
    if args.stdlib_only and 'modules' in sections:
        mods, progs = Counter(), Counter()
        for r in runs:
            for u, v in r['units'].items():
                if u.startswith(STDLIB):
                    mods[u[len(STDLIB):]] += v
                    progs[u[len(STDLIB):]] += 1
        h('Library modules, ranked by instructions executed inside them')
        rows = [[i, code(k, md), format(v, ','), pct(v / total), progs[k]]
                for i, (k, v) in enumerate(mods.most_common(args.top_singles or top), 1)]
        out.append(table(rows, ['#', 'module', 'instructions', 'share', 'programs'], md, 'rlrrr'))
    if 'singles' in sections:
        h('Single instructions, ranked by raw count')
        rows, cum = [], 0.0
        for i, (k, v) in enumerate(singles.most_common(args.top_singles or top), 1):
            cum += v / total
            rows.append([i, code(k, md), format(v, ','), pct(v / total), pct(cum),
                         pct(nsingles.get(k, 0))])
        out.append(table(rows, ['#', 'instruction', 'count', 'share', 'cumulative',
                                'per-program mean'], md, 'rlrrrr'))

    pairs, adjacent, entered = Counter(), defaultdict(lambda: [0, 0, 0, 0]), Counter()
    sites = defaultdict(dict)             # pair -> {site: is a target}; a site of a program
    for r in runs:                        # unit is named with its program, a library one alone
        for k, zs in r.get('sites', {}).items():
            if args.stdlib_only and k not in r[adj_key]:
                continue
            for unit, line, tgt, other in zs:
                lib = unit.startswith(STDLIB)
                if args.stdlib_only and not lib:
                    continue
                entered[k] += other
                sites[k][(unit if lib or '/' in unit else r['name'] + '//' + unit, line)] = tgt
        pairs.update(r[pairs_key])
        for k, v in r[adj_key].items():
            a = adjacent[k]
            for j in range(len(v)):
                a[j] += v[j]
    npairs = norm(pairs_key)

    def pair_row(i, k, v, cum, extra_norm=True):
        a = adjacent.get(k, [0, 0, 0, 0])
        row = [i, code(k, md), format(v, ','), pct(v / total), pct(cum), pct(npairs.get(k, 0))]
        row += [pct(a[0] / v, 0) if v else '-',
                pct(a[1] / a[0], 0) if a[0] else '-', pct(a[2] / a[0], 0) if a[0] else '-']
        return row
    head = ['#', 'pair (first + second)', 'count', 'share', 'cumulative', 'per-program mean',
            'adjacent', 'tgt', 'lbl']
    if 'pairs' in sections:
        h('Pairs, ranked by raw count')
        rows, cum = [], 0.0
        for i, (k, v) in enumerate(pairs.most_common(top), 1):
            cum += v / total
            rows.append(pair_row(i, k, v, cum))
        out.append(table(rows, head, md, 'rlrrrrrrr'))

    if 'normalised' in sections:
        h('Pairs, ranked by per-program mean share')
    rows, cum = [], 0.0
    ranked = sorted(npairs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    for i, (k, s) in enumerate(ranked, 1):
        cum += s
        v = pairs[k]
        a = adjacent.get(k, [0, 0, 0, 0])
        rows.append([i, code(k, md), pct(s), pct(cum), format(v, ','), pct(v / total),
                     pct(a[0] / v, 0) if v else '-', pct(a[1] / a[0], 0) if a[0] else '-',
                     pct(a[2] / a[0], 0) if a[0] else '-'])
    if 'normalised' in sections:
        out.append(table(rows, ['#', 'pair (first + second)', 'per-program mean', 'cumulative',
                                'raw count', 'raw share', 'adjacent', 'tgt', 'lbl'], md, 'rlrrrrrrr'))

    if 'fusable' in sections:
        h('Fusable pairs (second instruction = static successor), ranked by raw count')
        rows, cum = [], 0.0
        adj_ranked = sorted(((k, a) for k, a in adjacent.items() if a[0]), key=lambda kv: (-kv[1][0], kv[0]))[:top]
        nadj = Counter()
        for r in runs:
            t = r[total_key]
            for k, v in r[adj_key].items():
                nadj[k] += v[0] / t
        for i, (k, a) in enumerate(adj_ranked, 1):
            cum += a[0] / total
            zs = sites.get(k, {})
            row = [i, code(k, md), format(a[0], ','), pct(a[0] / total), pct(cum),
                   pct(nadj[k] / len(runs)), pct(a[1] / a[0], 0), pct(a[2] / a[0], 0),
                   '%d (%d)' % (len(zs), sum(zs.values()))]
            row.append(format(entered.get(k, 0), ','))
            row.append(pct(a[3] / a[0], 0))
            rows.append(row)
        hd = ['#', 'pair (first + second)', 'adjacent count', 'share', 'cumulative', 'per-program mean',
              'tgt', 'lbl', 'sites (tgt)', 'second entered elsewhere', 'split']
        out.append(table(rows, hd, md, 'rlrrrrrrrrr'))

    if 'mnemonics' in sections:
        groups, gnorm, gtgt, gsplit = Counter(), Counter(), Counter(), Counter()
        variants = defaultdict(set)
        for r in runs:
            t = r[total_key]
            for k, v in r[adj_key].items():
                g = ' + '.join(x.split(' ')[0] for x in k.split(' + '))
                groups[g] += v[0]
                gtgt[g] += v[1]
                gsplit[g] += v[3] if len(v) > 3 else 0
                gnorm[g] += v[0] / t
                variants[g].add(k)
        h('Fusable pairs by mnemonics alone (operand shapes merged), ranked by raw count')
        rows, cum = [], 0.0
        for i, (g, v) in enumerate(groups.most_common(top), 1):
            cum += v / total
            zs = [t for k in variants[g] for t in sites.get(k, {}).values()]
            rows.append([i, code(g, md), format(v, ','), pct(v / total), pct(cum),
                         pct(gnorm[g] / len(runs)), len(variants[g]), pct(gtgt[g] / v, 0),
                         '%d (%d)' % (len(zs), sum(zs)),
                         format(sum(entered.get(k, 0) for k in variants[g]), ','),
                         pct(gsplit[g] / v, 0)])
        out.append(table(rows, ['#', 'mnemonics', 'adjacent count', 'share', 'cumulative',
                                'per-program mean', 'shape variants', 'tgt', 'sites (tgt)',
                                'second entered elsewhere', 'split'], md, 'rlrrrrrrrrr'))

    if 'triples' in sections:
        tkey = 'lib_triples' if args.stdlib_only else 'triples'
        triples = defaultdict(lambda: [0, 0])
        for r in runs:
            for k, v in r.get(tkey, {}).items():
                triples[k][0] += v[0]
                triples[k][1] += v[1]
        h('Adjacent triples (three consecutive instructions of the source), ranked by raw count')
        rows, cum = [], 0.0
        ranked = sorted(triples.items(), key=lambda kv: (-kv[1][0], kv[0]))[:args.top_triples or top]
        for i, (k, v) in enumerate(ranked, 1):
            cum += v[0] / total
            rows.append([i, code(k, md), format(v[0], ','), pct(v[0] / total), pct(cum),
                         pct(v[1] / v[0], 0)])
        out.append(table(rows, ['#', 'triple', 'count', 'share', 'cumulative',
                                '2nd or 3rd a target'], md, 'rlrrrr'))
    print('\n'.join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('count')
    c.add_argument('--root', required=True)
    c.add_argument('--cwd', required=True)
    c.add_argument('--mvm', required=True)
    c.add_argument('--cache')
    c.add_argument('-j', type=int, default=os.cpu_count() or 1)
    c.add_argument('--jobs', required=True)
    c.add_argument('--out', required=True)
    r = sub.add_parser('report')
    r.add_argument('--top', type=int, default=25)
    r.add_argument('--markdown', action='store_true')
    r.add_argument('--label')
    r.add_argument('--stdlib-only', action='store_true')
    r.add_argument('--top-singles', type=int, default=0)
    r.add_argument('--top-triples', type=int, default=0)
    r.add_argument('--sections', default='modules,singles,pairs,normalised,fusable,mnemonics,triples')
    r.add_argument('dirs', nargs='+')
    args = ap.parse_args()
    if args.cmd == 'count':
        count_all(args)
    else:
        report(args)


if __name__ == '__main__':
    main()
