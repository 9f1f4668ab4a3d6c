# SPDX-License-Identifier: GPL-2.0
#
# What the Python helpers of the tests share to build packets by hand.

import struct


def csum(data):
    """The Internet checksum (RFC 1071) of DATA, padded to even length."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
