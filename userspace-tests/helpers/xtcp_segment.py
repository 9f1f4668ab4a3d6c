#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_segment.py PROTO SRC DST SPORT DPORT SEQ ACK FLAGS: send one bare
# segment (a 20-byte header, no options, no data, window 65535) of IP
# protocol PROTO (253 for XTCP, 6 for TCP) from SRC to DST, both numeric
# IPv4, SRC one of this namespace's addresses.  FLAGS is a string of the
# letters S, A, F, R, P.  The kernel writes the IPv4 header; the checksum
# covers the pseudo-header carrying PROTO.  Prints "sent" and exits 0.

import socket
import struct
import sys

sys.dont_write_bytecode = True
from xtcp_pkt import csum  # noqa: E402

BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def main():
    if len(sys.argv) != 9:
        print(__doc__ or "usage: PROTO SRC DST SPORT DPORT SEQ ACK FLAGS",
              file=sys.stderr)
        sys.exit(2)
    proto = int(sys.argv[1])
    src, dst = sys.argv[2], sys.argv[3]
    sport, dport = int(sys.argv[4]), int(sys.argv[5])
    seq, ack = int(sys.argv[6]) % 2**32, int(sys.argv[7]) % 2**32
    flags = 0
    for c in sys.argv[8]:
        flags |= BITS[c]
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, proto, len(hdr))
    hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    s.bind((src, 0))
    s.sendto(hdr, (dst, 0))
    print("sent", flush=True)


main()
