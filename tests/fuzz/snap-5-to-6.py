#!/usr/bin/env python3
"""snap-5-to-6.py FILE... - rewrite snapshot regression inputs from format 5 to format 6.

Format 6 adds a seventh section, SEMA, after RING (src/kernel/snapshot.c). A file whose
sections run MACH..RING and fill the body gets an empty SEMA (maxSemaphores 1024, no id
handed out, no semaphores), so that `mvm resume` reaches the defect it carries and not a
missing section; any other file (a raw fuzzer input) only gets the new version number.
The header checksum (bytes 48..55) and the final checksum are sealed again: FNV-1a-64
over little-endian u64 words, as vm/binio.c computes them.
"""
import struct
import sys

HEADER = 56


def checksum(b, n):
    h = 0xcbf29ce484222325
    for i in range(0, n, 8):
        h = ((h ^ struct.unpack_from('<Q', b, i)[0]) * 0x100000001b3) % (1 << 64)
    return h


def sections(b, body_len):
    """[(tag, start, end)] of the sections, or None when they do not fill the body."""
    pos, out, end = HEADER, [], HEADER + body_len
    while pos + 16 <= end and bytes(b[pos:pos + 4]).isalpha():
        length = struct.unpack_from('<Q', b, pos + 8)[0]
        out.append((bytes(b[pos:pos + 4]).decode(), pos, pos + 16 + length))
        pos += 16 + length
    if pos > end or any(b[pos:end]) or end + 8 != len(b):
        return None
    return out


def upgrade(path):
    b = bytearray(open(path, 'rb').read())
    if struct.unpack_from('<I', b, 8)[0] != 5:
        sys.exit('%s: not snapshot format 5' % path)
    struct.pack_into('<I', b, 8, 6)
    secs = sections(b, struct.unpack_from('<Q', b, 40)[0])
    if secs and [s[0] for s in secs] == ['MACH', 'PROG', 'PAGE', 'PROC', 'MBOX', 'RING']:
        sema = b'SEMA' + struct.pack('<IQqqQ', 0, 24, 1024, 0, 0)
        body = bytearray(b[HEADER:secs[-1][2]]) + sema
        body += bytes(-len(body) % 8)
        b = bytearray(b[:HEADER]) + body + bytes(8)
        struct.pack_into('<Q', b, 40, len(body))
        struct.pack_into('<Q', b, 48, checksum(b, 48))
        struct.pack_into('<Q', b, HEADER + len(body), checksum(b, HEADER + len(body)))
        what = 'SEMA added'
    else:
        struct.pack_into('<Q', b, 48, checksum(b, 48))
        what = 'version only (raw input)'
    open(path, 'wb').write(b)
    print('%s: %s' % (path, what))


if __name__ == '__main__':
    for p in sys.argv[1:]:
        upgrade(p)
