#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_inject.py PROTO PEER PORT [OLDER_MS]: the PAWS injector of options.sh,
# run in the client's namespace.  A raw socket of IP protocol PROTO (253
# for XTCP, 6 for TCP) sees the segments arriving from PEER; the first
# SYN-ACK from PEER's port PORT names the connection (the client's port,
# both sequence numbers, the server's TSval and, in TSecr, the client's).
# A moment later, once the handshake's last ACK has reached the server, one
# segment goes to the server as if from the client: 16 bytes at exactly
# the sequence number the server expects next (so in its window), ACK and
# PSH, with a TSval OLDER_MS (default 600000) older than the client's.
# Then the first segment of the connection from PEER within 5 s is the
# answer (the server should send nothing else meanwhile).  Printed one a line:
#
#   ready				the raw socket is open
#   synack SPORT DPORT SEQ ACK TSVAL TSECR
#   injected SEQ ACK TSVAL TSECR LEN	what was sent
#   reply FLAGS SEQ ACK LEN TSVAL TSECR	the answer (TSVAL/TSECR "-" without
#					timestamps); FLAGS as "A", "AP", "R"...
#   noreply				nothing came back
#   fail WHAT				anything unexpected (exit status 1)

import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
from xtcp_pkt import csum  # noqa: E402

PAYLOAD = b"PAWS-INJECTED!!!"


def fail(what):
    print("fail", what, flush=True)
    sys.exit(1)


def parse(pkt):
    """(src, sport, dport, seq, ack, flags, payload length, tsval, tsecr)"""
    ihl = (pkt[0] & 15) * 4
    src = socket.inet_ntoa(pkt[12:16])
    seg = pkt[ihl:]
    sport, dport, seq, ack, off, flags = struct.unpack("!HHIIBB", seg[:14])
    doff = (off >> 4) * 4
    tsval = tsecr = None
    opts, i = seg[20:doff], 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if kind == 8 and opts[i + 1] == 10:
            tsval, tsecr = struct.unpack("!II", opts[i + 2:i + 10])
        i += opts[i + 1]
    return src, sport, dport, seq, ack, flags, len(seg) - doff, tsval, tsecr


def flagstr(f):
    return "".join(c for b, c in ((1, "F"), (2, "S"), (4, "R"), (8, "P"),
                                  (16, "A")) if f & b) or "."


def main():
    if len(sys.argv) not in (4, 5):
        fail("usage: xtcp_inject.py PROTO PEER PORT [OLDER_MS]")
    proto, peer, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    older = int(sys.argv[4]) if len(sys.argv) == 5 else 600000
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    s.settimeout(60)
    print("ready", flush=True)

    while True:
        try:
            pkt = s.recv(65535)
        except socket.timeout:
            fail("no SYN-ACK from %s port %d in 60 s" % (peer, port))
        src, sport, dport, seq, ack, flags, _, tsval, tsecr = parse(pkt)
        if src == peer and sport == port and flags & 0x12 == 0x12:
            break
    if tsval is None:
        fail("the SYN-ACK carries no timestamps")
    print("synack", sport, dport, seq, ack, tsval, tsecr, flush=True)
    # The handshake's last ACK reaches the server; it then holds the
    # client's TSval (at least the SYN's, echoed in TSecr) as TS.Recent.
    time.sleep(0.3)
    # What arrived meanwhile is not the answer.
    s.setblocking(False)
    try:
        while s.recv(65535):
            pass
    except BlockingIOError:
        pass
    s.setblocking(True)

    iseq, iack = ack, (seq + 1) & 0xFFFFFFFF
    itsval = (tsecr - older) & 0xFFFFFFFF
    opts = struct.pack("!BBBBII", 1, 1, 8, 10, itsval, tsval)
    hdr = struct.pack("!HHIIBBHHH", dport, sport, iseq, iack,
                      (20 + len(opts)) // 4 << 4, 0x18, 1024, 0, 0)
    seg = hdr + opts + PAYLOAD
    # The source address is the one the route to the peer gives.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect((peer, 9))
    me = probe.getsockname()[0]
    probe.close()
    pseudo = socket.inet_aton(me) + socket.inet_aton(peer) + \
        struct.pack("!BBH", 0, proto, len(seg))
    c = csum(pseudo + seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    s.sendto(seg, (peer, 0))
    print("injected", iseq, iack, itsval, tsval, len(PAYLOAD), flush=True)

    end = time.monotonic() + 5
    while time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            pkt = s.recv(65535)
        except socket.timeout:
            break
        src, sp, dp, seq, ack, flags, n, tsv, tse = parse(pkt)
        if src == peer and sp == port and dp == dport:
            print("reply", flagstr(flags), seq, ack, n,
                  "-" if tsv is None else tsv, "-" if tse is None else tse,
                  flush=True)
            return
    print("noreply", flush=True)


main()
