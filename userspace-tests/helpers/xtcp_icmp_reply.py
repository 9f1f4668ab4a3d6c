#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# xtcp_icmp_reply.py IFACE PROTO TYPE CODE [SEQ_SHIFT]: a host that answers
# with ICMP.  For every IPv4 packet of IP protocol PROTO arriving on IFACE
# (a packet socket sees it before tc's ingress, which the caller makes
# drop it, so the local stack never answers it), an ICMP error of TYPE and
# CODE goes back to its source, quoting its IP header and the first 8
# bytes after it (RFC 792), the sequence number in them moved by SEQ_SHIFT
# (default 0: the segment as sent).  Prints "ready" once listening, then
# "sent SRC SEQ" for each error sent; runs until killed.

import socket
import struct
import sys

sys.dont_write_bytecode = True
from xtcp_pkt import csum  # noqa: E402

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800


def main():
    iface, proto, itype, code = sys.argv[1], *map(int, sys.argv[2:5])
    shift = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    # ETH_P_ALL: a tap, which sees a packet before tc's ingress (a socket
    # of ETH_P_IP only after it, so never what tc dropped).
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                       socket.htons(ETH_P_ALL))
    rx.bind((iface, ETH_P_ALL))
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("ready", flush=True)
    while True:
        pkt, addr = rx.recvfrom(65535)
        # Only what arrives: not our own ICMP leaving by the device.
        if addr[1] != ETH_P_IP or addr[2] == socket.PACKET_OUTGOING or \
                len(pkt) < 20:
            continue
        ihl = (pkt[0] & 15) * 4
        if pkt[9] != proto or len(pkt) < ihl + 8:
            continue
        src = socket.inet_ntoa(pkt[12:16])
        seq = (struct.unpack("!I", pkt[ihl + 4:ihl + 8])[0] + shift) \
            & 0xFFFFFFFF
        quoted = pkt[:ihl + 4] + struct.pack("!I", seq)
        msg = struct.pack("!BBHI", itype, code, 0, 0) + quoted
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        tx.sendto(msg, (src, 0))
        print("sent", src, seq, flush=True)


if __name__ == "__main__":
    main()
