#!/usr/bin/env bats
# lib/iptable.c's segment lookup against brute force (tests/t_iptable.c):
# random overlapping, nested and tied ranges in three scopes, IPv4 and
# IPv6 (across a 64-bit word boundary), every address checked.

load helper

@test "iptable: narrowest-row lookups and every-row lists agree with brute force" {
	run -0 "$TRAWL_TESTBIN/t_iptable" 1 300
	# 300 rounds x 4 scopes x 2 families x 240 addresses
	[ "$output" = "ok 576000" ]
	run -0 "$TRAWL_TESTBIN/t_iptable" 12345 300
	[ "$output" = "ok 576000" ]
}

@test "iptable: 3000 ranges over all of IPv4 get the /16 index and still agree" {
	# 4 edges per range and 20000 random addresses
	run -0 "$TRAWL_TESTBIN/t_iptable" 7 big 3000
	[ "$output" = "ok 32000 segments >= 1024" ]
}
