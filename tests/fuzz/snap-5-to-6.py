#!/usr/bin/env python3
"""snap-5-to-6.py FILE... - rewrite snapshot regression inputs from format 5 to format 6.

Format 6 (src/kernel/snapshot.c) adds the scheduler's state to MACH (after the seed: the
policy's name, agingInterval, boostInterval, the lottery generator, the next boost, the
current turn's length), each process's nice, queue and ready_since to PROC (after its
handling mask), and a seventh section, SEMA, after RING. A file whose sections run
MACH..RING gets all three, with the values an uninterrupted round-robin run has (rr,
1000, 100000, generator = seed, next boost 100000, turn = quantum; nice 0, queue 0,
ready_since 0; an empty SEMA), so that `mvm resume` reaches the defect it carries and not
a field it no longer understands. A raw fuzzer input whose sections do not fill the body
gets the MACH fields only when its MACH can be read, else only the version. Both
checksums are sealed again: FNV-1a-64 over little-endian u64 words (vm/binio.c).
"""
import struct
import sys

HEADER = 56
REG_COUNT = 55
SIG_MAX = 31
PROC_EXITED = 3


def checksum(b, n):
    h = 0xcbf29ce484222325
    for i in range(0, n, 8):
        h = ((h ^ struct.unpack_from('<Q', b, i)[0]) * 0x100000001b3) % (1 << 64)
    return h


def sections(b):
    """[(tag, content start, content end)] of the sections that can be read."""
    pos, out, end = HEADER, [], HEADER + struct.unpack_from('<Q', b, 40)[0]
    while pos + 16 <= end and bytes(b[pos:pos + 4]).isalpha():
        length = struct.unpack_from('<Q', b, pos + 8)[0]
        if pos + 16 + length > end:
            break
        out.append((bytes(b[pos:pos + 4]).decode(), pos + 16, pos + 16 + length))
        pos += 16 + length
    return out


def new_mach(m):
    """MACH content m with format 6's scheduler fields after the seed."""
    n = struct.unpack_from('<I', m, 0)[0]
    at = 4 + n + 8 * 8            # version string, memory .. hertz
    quantum = struct.unpack_from('<q', m, 4 + n + 8 * 4)[0]
    seed = struct.unpack_from('<Q', m, at)[0]
    at += 8
    extra = struct.pack('<I', 2) + b'rr' + struct.pack('<qqQQq', 1000, 100000, seed, 100000, quantum)
    return m[:at] + extra + m[at:]


def new_proc(p):
    """PROC content p with nice 0, queue 0, ready_since 0 after each handling mask."""
    out, pos = bytearray(p[:4]), 4
    for _ in range(struct.unpack_from('<I', p, 0)[0]):
        start = pos
        state = p[pos + 16]
        pos += 8 + 8 + 1 + 8 + 8 + 4 + 4
        out += p[start:pos] + bytes(10)
        start = pos
        if state != PROC_EXITED:
            pos += 4 + 4 + 8 * REG_COUNT + REG_COUNT
            pos += 4 + 8 * struct.unpack_from('<I', p, pos)[0]
            pos += 4 + 5 * struct.unpack_from('<I', p, pos)[0]
            pos += 4 + (1 + 9 * REG_COUNT) * struct.unpack_from('<I', p, pos)[0]
            pos += 4 * (SIG_MAX + 1) + 8 + 24 + 1
            pos += 4 + 16 * struct.unpack_from('<I', p, pos)[0]
            pos += 4 + 12 * struct.unpack_from('<I', p, pos)[0]
        out += p[start:pos]
    return bytes(out) + p[pos:]


def seal(b, body):
    body = bytearray(body) + bytes(-len(body) % 8)
    b = bytearray(b[:HEADER]) + body + bytes(8)
    struct.pack_into('<Q', b, 40, len(body))
    struct.pack_into('<Q', b, 48, checksum(b, 48))
    struct.pack_into('<Q', b, HEADER + len(body), checksum(b, HEADER + len(body)))
    return b


def upgrade(path):
    b = bytearray(open(path, 'rb').read())
    if struct.unpack_from('<I', b, 8)[0] != 5:
        sys.exit('%s: not snapshot format 5' % path)
    struct.pack_into('<I', b, 8, 6)
    secs = sections(b)
    names = [s[0] for s in secs]
    if names == ['MACH', 'PROG', 'PAGE', 'PROC', 'MBOX', 'RING']:
        parts = []
        for tag, start, end in secs:
            c = bytes(b[start:end])
            c = new_mach(c) if tag == 'MACH' else new_proc(c) if tag == 'PROC' else c
            parts.append(tag.encode() + struct.pack('<IQ', 0, len(c)) + c)
        sema = struct.pack('<qqQ', 1024, 0, 0)
        parts.append(b'SEMA' + struct.pack('<IQ', 0, len(sema)) + sema)
        b, what = seal(b, b''.join(parts)), 'scheduler fields and SEMA added'
    elif names[:1] == ['MACH']:
        tag, start, end = secs[0]
        c = new_mach(bytes(b[start:end]))
        body = b'MACH' + struct.pack('<IQ', 0, len(c)) + c + bytes(b[end:len(b) - 8])
        b, what = seal(b, body), 'MACH fields added (raw input)'
    else:
        struct.pack_into('<Q', b, 48, checksum(b, 48))
        what = 'version only (raw input)'
    open(path, 'wb').write(b)
    print('%s: %s' % (path, what))


if __name__ == '__main__':
    for p in sys.argv[1:]:
        upgrade(p)
