#!/usr/bin/env bats
# lib/hash.c: the digest is MurmurHash3_x64_128 (seed 0), which --shard
# depends on across machines and releases; the table must keep every key.

load helper

@test "hash: digests match MurmurHash3_x64_128's published vectors" {
	# Reference values: the x64_128 variant, seed 0, as given by the
	# algorithm's reference implementation (SMHasher) and Python's mmh3.
	run -0 "$TRAWL_TESTBIN/t_hash" digest "The quick brown fox jumps over the lazy dog" hello
	assert_line -n 0 --regexp '^e34bbc7bbc071b6c 7a433ca9c49a9347 [1-7]$'
	assert_line -n 1 --regexp '^cbd8a7b341bd9b02 5b1e906a48ae1d19 [1-7]$'
}

@test "hash: the empty input's all-zero digest is moved off the empty-slot marker" {
	run -0 "$TRAWL_TESTBIN/t_hash" digest ""
	assert_output "0000000000000001 0000000000000000 2"
}

@test "hash: shard is digest.lo mod N plus one" {
	# 0xe34bbc7bbc071b6c mod 7 = 1 (computed with bc), so shard 2.
	run -0 "$TRAWL_TESTBIN/t_hash" digest "The quick brown fox jumps over the lazy dog"
	[ "$(echo 'ibase=16; E34BBC7BBC071B6C % 7' | bc)" = 1 ]
	assert_output "e34bbc7bbc071b6c 7a433ca9c49a9347 2"
}

@test "hash: a table keeps 300000 keys through growth, at most 40 bytes per key in a set" {
	run -0 "$TRAWL_TESTBIN/t_hash" table 300000
	# sum of 0..299999 = 44999850000
	assert_output --regexp '^count 300000 300000 iterated 300000 sum 44999850000 bytes/key\(set\) ([0-9]|[1-3][0-9]|40)\.[0-9]$'
}
