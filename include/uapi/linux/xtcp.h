/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP: a TCP-like reliable byte stream in its own socket family.
 *
 * User programs open it with socket(AF_XTCP, SOCK_STREAM, 0) and use
 * struct sockaddr_in (sin_family AF_INET) for addresses, as with TCP.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

/*
 * The socket family.  sock_register() accepts numbers below AF_MAX (46 in
 * 6.12) whose slot is free.  22 is AF_SNA, a number reserved for the
 * Linux-SNA project that never reached mainline, so no 6.12 kernel
 * registers it.  It is also not used as an address-family value anywhere
 * in the kernel (unlike 7, 27 and 28, which bridge and MPLS rtnetlink and
 * AF_IB use), and SELinux gives it the generic "socket" class.  If the slot
 * is taken on some kernel the module refuses to load and says so.
 */
#define AF_XTCP		22
#define PF_XTCP		AF_XTCP

/*
 * The IP protocol number carrying XTCP segments: 253 is reserved for
 * experimentation by RFC 3692.  The module parameter "ipproto" may select
 * another number at load time; socket() accepts 0 or the number in force.
 */
#define IPPROTO_XTCP	253

#endif /* _UAPI_LINUX_XTCP_H */
