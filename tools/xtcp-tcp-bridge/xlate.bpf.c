// SPDX-License-Identifier: GPL-2.0
/*
 * tc classifier rewriting the IPv4 protocol number of TCP-format segments
 * from FROM_PROTO to TO_PROTO (6 <-> XTCP's 253), fixing the IP header
 * checksum and the TCP-format checksum, whose pseudo-header carries the
 * protocol number.  Built once per direction (-DFROM_PROTO=.. -DTO_PROTO=..):
 * one program per object keeps tc's section selection simple.
 *
 * Attached as egress 6->253 and ingress 253->6 on a device, it puts this
 * namespace's Linux TCP on XTCP's wire there: the bridge interoperation
 * tests use between XTCP and unmodified TCP programs.
 */

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef FROM_PROTO
#error "define FROM_PROTO and TO_PROTO"
#endif

#define IP_OFF		ETH_HLEN
#define IP_CSUM_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, check))
#define IP_PROTO_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, protocol))
#define TCP_CSUM_OFF	16	/* within the TCP-format header */

SEC("tc")
int xtcp_xlate(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	__u8 to = TO_PROTO;
	__u32 l4;

	if ((void *)(iph + 1) > end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->protocol != FROM_PROTO)
		return TC_ACT_OK;
	l4 = IP_OFF + iph->ihl * 4;

	/*
	 * The protocol is the low byte of a 16-bit word in both the IP header
	 * and the pseudo-header, so both sums change by htons(to) - htons(from).
	 * A non-first fragment carries no L4 header; only IP's sum changes.
	 */
	if (!(iph->frag_off & bpf_htons(0x1fff)) &&
	    bpf_l4_csum_replace(skb, l4 + TCP_CSUM_OFF, bpf_htons(FROM_PROTO),
				bpf_htons(TO_PROTO), BPF_F_PSEUDO_HDR | 2))
		return TC_ACT_SHOT;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, bpf_htons(FROM_PROTO),
				bpf_htons(TO_PROTO), 2))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, IP_PROTO_OFF, &to, 1, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
