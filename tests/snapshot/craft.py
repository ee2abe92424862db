#!/usr/bin/env python3
"""craft.py IN OUT PATCH... - damage one field of an MVM snapshot and fix its checksums.

run-snapshot.sh uses it to build the crafted snapshots a user (or an attacker) could hand
to `mvm resume`: the loader must refuse each with status 2 and a message, never crash.
The layout parsed here is the one documented at the top of src/kernel/snapshot.c and, for
the programs, src/vm/progio.c (snapshot format 6). A patch that makes a field longer (a
literal where none was) re-encodes the field and fixes the lengths and sums that cover
it. Patches, applied in order:

  lib-ret=V            the first library-call frame (of any process) returns to V
  imm=TEXT/SLOT/V      the instruction whose statement text is TEXT (e.g. "LOAD G1 G3"):
                       literal part of operand SLOT (0-2) becomes V
  arg=TEXT/ARG/V       that CALL's argument ARG (0-9): its register byte becomes V
  pending=V            the first process's pending-signal mask becomes V
  nice=V               the first process's nice becomes V (a byte)
  handler=SIG/V        the first live process's handler of SIG becomes V
  ctx-type=REG/V       the first saved signal context: the type of register REG becomes V
  sema=FIELD/V         the SEMA section: FIELD max, last or count becomes V, or FIELD
                       id0, value0, id1, value1 ... (the Nth live semaphore's id or value)
"""
import struct
import sys

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
HEADER = 56
REG_COUNT = 55
SIG_MAX = 31
PROC_EXITED = 3
FRAME_LIBRARY = 1
FORM_REG, FORM_IMM, FORM_AUX = 1, 8, 64


def checksum(b, n):
    h = FNV_OFFSET
    for i in range(0, n, 8):
        h = ((h ^ struct.unpack_from('<Q', b, i)[0]) * FNV_PRIME) % (1 << 64)
    return h


def uvar(v):
    out = bytearray()
    while True:
        byte = v & 0x7f
        v >>= 7
        out.append(byte | (0x80 if v else 0))
        if not v:
            return bytes(out)


def svar(v):
    return uvar(-2 * v - 1 if v < 0 else 2 * v)


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

    def uv(self):
        v, shift = 0, 0
        while True:
            byte = self.b[self.pos]
            self.pos += 1
            v |= (byte & 0x7f) << shift
            shift += 7
            if not byte & 0x80:
                return v

    def sv(self):
        u = self.uv()
        return (u >> 1) ^ -(u & 1)


def read_instr(c):
    """(start, end, op, regs, imms, aux) of the instruction at c."""
    start = c.pos
    op, form = c.u('B'), c.u('B')
    regs = [c.u('B') if form & FORM_REG << k else None for k in range(3)]
    imms = [c.sv() if form & FORM_IMM << k else 0 for k in range(3)]
    aux = c.uv() if form & FORM_AUX else 0
    return start, c.pos, op, regs, imms, aux


def encode_instr(op, regs, imms, aux):
    form = (FORM_AUX if aux else 0)
    for k in range(3):
        form |= (FORM_REG << k if regs[k] is not None else 0) | (FORM_IMM << k if imms[k] else 0)
    out = bytearray([op, form])
    out += bytes(r for r in regs if r is not None)
    for k in range(3):
        if imms[k]:
            out += svar(imms[k])
    if aux:
        out += uvar(aux)
    return bytes(out)


def read_call(c):
    """(reg offsets of the arguments) of the call site at c."""
    regs = []
    for _ in range(c.uv()):
        regs.append(c.take(1))
        if c.b[regs[-1]] == 55:   # REG_ZERO: a literal follows
            c.sv()
    c.uv()
    return regs


def parse_program(c, found):
    c.s()
    sizes = []
    for _ in range(c.uv()):
        c.s(); c.s()
        sizes.append(c.uv())
        for _ in range(c.uv() + 2):
            c.sv()
    instrs = [read_instr(c) for _ in range(sum(sizes))]
    texts, text = [], 0
    for _ in instrs:
        c.sv(); c.uv()
        text += c.sv()
        texts.append(text)
    calls = [read_call(c) for _ in range(c.uv())]
    for _ in range(c.uv()):
        c.s()
    text_len = c.uv()
    pool = bytes(c.b[c.take(text_len):c.pos])
    for _ in range(c.uv()):
        c.s(); c.uv(); c.uv()
    for ins, off in zip(instrs, texts):
        stmt = pool[off:pool.index(b'\0', off)].decode('latin-1')
        found['instr'].setdefault(stmt, (ins, calls))


def parse(b):
    """Offsets of the fields the patches need."""
    version = struct.unpack_from('<I', b, 8)[0]
    if version != 6:
        sys.exit('craft.py: snapshot format %d not understood' % version)
    found = {'lib_frames': [], 'pending': [], 'handlers': [], 'ctx': [], 'instr': {}, 'sections': {},
             'sched': []}
    c = Cursor(b, HEADER)
    for _ in range(7):
        tag = bytes(b[c.pos:c.pos + 4]).decode()
        c.take(8)
        length = c.u('Q')
        found['sections'][tag] = (c.pos - 8, c.pos)
        c.take(length)
    found['sections_end'] = c.pos
    c.pos = found['sections']['PROG'][1]
    for _ in range(c.u('I')):
        parse_program(c, found)
    c.pos = found['sections']['SEMA'][1]
    found['sema'] = {'max': c.take(8), 'last': c.take(8), 'count': c.take(8)}
    for i in range(struct.unpack_from('<Q', b, found['sema']['count'])[0]):
        found['sema']['id%d' % i] = c.take(8)
        found['sema']['value%d' % i] = c.take(8)
    c.pos = found['sections']['PROC'][1]
    for _ in range(c.u('I')):
        c.u('q'); c.u('q')
        state = c.u('B')
        c.u('q'); c.u('Q')
        found['pending'].append(c.take(4))
        c.u('I')
        found['sched'].append(c.take(10))   # nice, level, ready_since
        if state == PROC_EXITED:
            continue
        c.u('I'); c.u('I')
        c.take(8 * REG_COUNT + REG_COUNT)
        c.take(8 * c.u('I'))
        for _ in range(c.u('I')):
            ret = c.take(4)
            if c.u('B') == FRAME_LIBRARY:
                found['lib_frames'].append(ret)
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


def splice(b, found, start, end, new):
    """b with bytes start..end of the PROG section replaced, lengths and padding fixed."""
    at, _ = found['sections']['PROG']
    prog_len = struct.unpack_from('<Q', b, at)[0] + len(new) - (end - start)
    sections = b[HEADER:found['sections_end']]
    out = bytearray(b[:HEADER]) + sections
    out[start:end] = new
    struct.pack_into('<Q', out, at, prog_len)
    out += bytes(-(len(out) - HEADER) % 8)
    struct.pack_into('<Q', out, 40, len(out) - HEADER)
    struct.pack_into('<Q', out, 48, checksum(out, 48))
    return out + bytes(8)


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
        (start, end, op, regs, imms, aux), _ = instr(found, parts[0])
        imms[int(parts[1])] = int(parts[2])
        return splice(b, found, start, end, encode_instr(op, regs, imms, aux))
    elif name == 'arg':
        (_, _, _, _, _, aux), calls = instr(found, parts[0])
        struct.pack_into('<B', b, calls[aux][int(parts[1])], int(parts[2]))
    elif name == 'nice':
        struct.pack_into('<B', b, first(found, 'sched', 'process'), int(arg) & 0xff)
    elif name == 'pending':
        struct.pack_into('<I', b, first(found, 'pending', 'process'), int(arg))
    elif name == 'handler':
        struct.pack_into('<I', b, first(found, 'handlers', 'live process') + 4 * int(parts[0]), int(parts[1]))
    elif name == 'ctx-type':
        struct.pack_into('<B', b, first(found, 'ctx', 'saved context') + int(parts[0]), int(parts[1]))
    elif name == 'sema':
        if parts[0] not in found['sema']:
            sys.exit('craft.py: the SEMA section has no field ' + parts[0])
        struct.pack_into('<q', b, found['sema'][parts[0]], int(parts[1]))
    else:
        sys.exit('craft.py: unknown patch ' + patch)
    return b


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    b = bytearray(open(sys.argv[1], 'rb').read())
    for patch in sys.argv[3:]:
        b = apply(b, parse(b), patch)
    body = struct.unpack_from('<Q', b, 40)[0]
    struct.pack_into('<Q', b, HEADER + body, checksum(b, HEADER + body))
    open(sys.argv[2], 'wb').write(b)


if __name__ == '__main__':
    main()
