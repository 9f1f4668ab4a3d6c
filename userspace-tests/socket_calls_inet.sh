#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# socket_calls through the inet family's entry: every check of
# socket_calls on socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP), which must
# answer as socket(AF_XTCP, SOCK_STREAM, 0) does, but for SO_DOMAIN.
XTCP_TEST_FAMILY=inet exec "$XTCP_TOP/build/userspace/socket_calls"
