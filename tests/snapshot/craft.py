#!/usr/bin/env python3
"""craft.py IN OUT PATCH... - damage one field of an MVM snapshot and fix its checksums.

run-snapshot.sh uses it to build the crafted snapshots a user (or an attacker) could hand
to `mvm resume`: the loader must refuse each with status 2 and a message, never crash.
The layout parsed here is the one documented at the top of src/kernel/snapshot.c
(formats 1 and 2: format 1 is what mvm wrote before signal frames saved the context, so
that the same damage can be shown to crash the older mvm). Patches, applied in order:

  lib-ret=V            the first library-call frame (of any process) returns to V
  imm=TEXT/SLOT/V      the instruction whose statement text is TEXT (e.g. "LOAD G1 G3"):
                       literal part of operand SLOT (0-2) becomes V
  arg=TEXT/ARG/V       that CALL's argument ARG (0-9): literal part becomes V
  pending=V            the first process's pending-signal mask becomes V
  handler=SIG/V        the first live process's handler of SIG becomes V
  ctx-type=REG/V       the first saved signal context: the type of register REG becomes V
"""
import struct
import sys

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
REG_COUNT = 55
SIG_MAX = 31
PROC_EXITED = 3
FRAME_LIBRARY = 1


def checksum(b, n):
    h = FNV_OFFSET
    for i in range(0, n, 8):
        h = ((h ^ struct.unpack_from('<Q', b, i)[0]) * FNV_PRIME) % (1 << 64)
    return h


class Cursor:
    def __init__(self, b, pos):
        self.b, self.pos = b, pos

    def take(self, n):
        self.pos += n
        return self.pos - n

    def u(self, fmt):
        v = struct.unpack_from('<' + fmt, self.b, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return v

    def s(self):
        n = self.u('I')
        return bytes(self.b[self.take(n):self.pos])


def parse(b):
    """Offsets of the fields the patches need."""
    version = struct.unpack_from('<I', b, 8)[0]
    if version not in (1, 2, 3, 4):
        sys.exit('craft.py: snapshot format %d not understood' % version)
    found = {'lib_frames': [], 'pending': [], 'handlers': [], 'ctx': [], 'instr': {}, 'calls': []}
    c = Cursor(b, 56)
    sections = {}
    for _ in range(6):
        tag = bytes(b[c.pos:c.pos + 4]).decode()
        c.take(8)
        length = c.u('Q')
        sections[tag] = c.pos
        c.take(length)
    # PROG
    c.pos = sections['PROG']
    progs = []
    for _ in range(c.u('I')):
        c.s()
        ncode = c.u('I')
        code = c.take(40 * ncode)
        info = c.take(16 * ncode)
        for _ in range(c.u('I')):
            c.s(); c.s()
            c.u('I'); c.u('I')
            nlines = c.u('I')
            c.take(4 * (nlines + 2))
        calls = []
        for _ in range(c.u('I')):
            calls.append(c.take(98))
        for _ in range(c.u('I')):
            c.s()
        text_len = c.u('Q')
        text = bytes(b[c.take(text_len):c.pos])
        if version >= 4:
            for _ in range(c.u('I')):
                c.s()
                c.u('I'); c.u('I')
        for i in range(ncode):
            off = struct.unpack_from('<I', b, info + 16 * i + 12)[0]
            stmt = text[off:text.index(b'\0', off)].decode('latin-1')
            found['instr'].setdefault(stmt, (code + 40 * i, calls))
        progs.append(calls)
    # PROC
    c.pos = sections['PROC']
    for _ in range(c.u('I')):
        c.u('q'); c.u('q')
        state = c.u('B')
        c.u('q'); c.u('Q')
        found['pending'].append(c.take(4))
        c.u('I')
        if state == PROC_EXITED:
            continue
        c.u('I'); c.u('I')
        c.take(8 * REG_COUNT + REG_COUNT)
        c.take(8 * c.u('I'))
        for _ in range(c.u('I')):
            ret = c.take(4)
            if c.u('B') == FRAME_LIBRARY:
                found['lib_frames'].append(ret)
            if version == 1:
                c.take(3)
        if version >= 2:
            for _ in range(c.u('I')):
                c.take(1 + 8 * REG_COUNT)
                found['ctx'].append(c.take(REG_COUNT))
        found['handlers'].append(c.take(4 * (SIG_MAX + 1)))
        c.u('q')
        c.take(24)
        c.u('B')
        c.take(16 * c.u('I'))
        c.take(12 * c.u('I'))
    return found


def first(found, key, what):
    if not found[key]:
        sys.exit('craft.py: the snapshot has no ' + what)
    return found[key][0]


def instr(found, text):
    if text not in found['instr']:
        sys.exit('craft.py: no instruction "%s"' % text)
    return found['instr'][text]


def apply(b, found, patch):
    name, _, arg = patch.partition('=')
    parts = arg.rsplit('/', 2) if name in ('imm', 'arg') else arg.split('/')
    if name == 'lib-ret':
        struct.pack_into('<I', b, first(found, 'lib_frames', 'library frame'), int(arg))
    elif name == 'imm':
        at, _ = instr(found, parts[0])
        struct.pack_into('<q', b, at + 16 + 8 * int(parts[1]), int(parts[2]))
    elif name == 'arg':
        at, calls = instr(found, parts[0])
        site = calls[struct.unpack_from('<I', b, at + 4)[0]]
        struct.pack_into('<q', b, site + 4 + 10 + 8 * int(parts[1]), int(parts[2]))
    elif name == 'pending':
        struct.pack_into('<I', b, first(found, 'pending', 'process'), int(arg))
    elif name == 'handler':
        struct.pack_into('<I', b, first(found, 'handlers', 'live process') + 4 * int(parts[0]), int(parts[1]))
    elif name == 'ctx-type':
        struct.pack_into('<B', b, first(found, 'ctx', 'saved context') + int(parts[0]), int(parts[1]))
    else:
        sys.exit('craft.py: unknown patch ' + patch)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    b = bytearray(open(sys.argv[1], 'rb').read())
    found = parse(b)
    for patch in sys.argv[3:]:
        apply(b, found, patch)
    body = struct.unpack_from('<Q', b, 40)[0]
    struct.pack_into('<Q', b, 56 + body, checksum(b, 56 + body))
    open(sys.argv[2], 'wb').write(b)


if __name__ == '__main__':
    main()
