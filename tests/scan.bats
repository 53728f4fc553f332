#!/usr/bin/env bats
# lib/simd.c and lib/scanindex.c: the SIMD kernels of the validating scan
# against the scalar scanner (through tests/t_scan.c, which calls each
# kernel directly), and jq 1.6 as the judge of verdicts.  Wherever a kernel
# takes a line, t_scan also holds the index it builds, and every key and
# value end found through it, to the line read byte by byte and to the
# scalar scanner's jscan_skip (tests/scanref.h).  A kernel this machine lacks is skipped
# with a message: the rest must pass on any x86-64 (and elsewhere, where
# only the scalar scanner runs).

load helper

t_scan() { "$TRAWL_TESTBIN/t_scan" "$@"; }
t_field() { "$TRAWL_TESTBIN/t_field" "$@"; }
t_fieldgen() { "$TRAWL_TESTBIN/t_fieldgen" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# The SIMD kernels this machine runs, one a line (none on a CPU without
# AVX2, or off x86-64).
kernels() { t_scan -k | grep -v -x -e scalar -e 'chosen .*'; }

need_simd() {
	[ -n "$(kernels)" ] || skip "this machine has no SIMD kernel (no AVX2): only the scalar scanner runs"
}

@test "scan: TRAWL_SIMD chooses the kernel, as far as the CPU allows" {
	run -0 env -u TRAWL_SIMD "$TRAWL_TESTBIN/t_scan" -k
	[ "${lines[0]}" = scalar ]
	best=${lines[-2]}
	[ "${lines[-1]}" = "chosen $best" ]
	for v in 0 scalar; do
		TRAWL_SIMD=$v run -0 t_scan -k
		[ "${lines[-1]}" = "chosen scalar" ]
	done
	TRAWL_SIMD=avx2 run -0 t_scan -k
	if kernels | grep -qx avx2; then
		[ "${lines[-1]}" = "chosen avx2" ]
	else
		[ "${lines[-1]}" = "chosen scalar" ]
	fi
	# A kernel the CPU lacks gives way to the best one it has.
	TRAWL_SIMD=avx512 run -0 t_scan -k
	[ "${lines[-1]}" = "chosen $best" ]
	TRAWL_SIMD=sse9 run -0 t_scan -k
	[ "${lines[-1]}" = "chosen $best" ]
}

@test "scan: every kernel takes the real pings in bulk, at every block alignment, and indexes them" {
	need_simd
	cat "$DATA"/pings/*.ndjson >pings
	n=$(wc -l <pings)
	run -0 t_scan -d -a <pings
	expected=$(kernels | while read -r k; do echo "$k: $n checked, $n fast, 0 fallback"; done)
	[ "$output" = "$expected" ]
}

@test "scan: no kernel takes a mutant the scalar scanner refuses, whatever the alignment, and the kernels agree" {
	need_simd
	cat "$DATA"/pings/main-small-pipeline-schemas.ndjson \
	    "$DATA"/pings/other-doctypes-pipeline-schemas.ndjson \
	    "$DATA"/pings/crash-heka-gcp-ingestion.ndjson >pings
	t_scan -d -m 60 -s 1 <pings
	t_fieldgen -n 1500 -s 3 >gen
	t_scan -d -m 4 -s 2 <gen
	# Both verdicts must be common, or the check means little.
	run -0 t_scan -d -m 4 -s 2 <gen
	fast=$(sed -n '1s/.* checked, \([0-9]*\) fast.*/\1/p' <<<"$output")
	fallback=$(sed -n '1s/.* fast, \([0-9]*\) fallback/\1/p' <<<"$output")
	[ "$fast" -gt 1000 ] && [ "$fallback" -gt 1000 ]
}

@test "scan: on texts of plain tokens the fast path gives exactly the scalar verdict" {
	need_simd
	run -0 t_scan -g 60000 -s 1
	valid=$(sed -n 's/^60000 texts, \([0-9]*\) valid$/\1/p' <<<"$output")
	[ "$valid" -gt 15000 ] && [ "$valid" -lt 45000 ]
}

@test "scan: an object walked for more than 64 names (forwards) keeps the last duplicate too" {
	need_simd
	# walk_members reads keys backwards with a mask of the names found;
	# past 64 names it reads forwards, overwriting as walk() does.
	{
		printf '{'
		for n in $(seq 0 69); do printf '"k%d":%d,' "$n" "$n"; done
		printf '"k3":{"a":1},"k69":"last"}\n'
		echo '{"k5":1,"x":[1,2],"k5":2}'
	} >lines
	args=()
	for n in $(seq 0 69); do args+=(".k$n"); done
	args+=(.k3.a)
	TRAWL_SIMD=0 t_field "${args[@]}" <lines >scalar.out
	grep -qx '1 3 object {"a":1}' scalar.out
	grep -qx '1 69 string "last"' scalar.out
	grep -qx '1 70 number 1' scalar.out
	grep -qx '2 5 number 2' scalar.out
	grep -qx '2 70 null null' scalar.out
	for k in $(kernels); do
		TRAWL_SIMD=$k t_field "${args[@]}" <lines >"$k.out"
		same scalar.out "$k.out"
	done
}

@test "scan: true, false and null, spelled right or nearly, at every offset of a block" {
	need_simd
	# The AVX-512 kernel reads literals in bulk (lib/simd.c literals512):
	# each letter and the token's end against the two bytes before them.
	good=(true false null)
	bad=(t tr tru truee trul tnull ture True tRue f fa fal fals falsee falsx
	    flase fale n nu nul nulll nuls nule nll nUll tru1 null0 nan)
	lines() {
		for w in "$@"; do
			printf '{"k":[%s]}\n[%s,1]\n{"k":%s,"l":[true,%s,null],"m":false}\n' "$w" "$w" "$w" "$w"
			printf '[1,"%s",%s]\n' "$(printf '%57s' | tr ' ' x)" "$w"
		done
	}
	lines "${good[@]}" >good
	lines "${bad[@]}" >bad
	# Every line at 64 shifts: each literal at every offset of a block,
	# running over the block's end from every byte of it.
	run -0 t_scan -d -a <good
	expected=$(kernels | while read -r k; do echo "$k: 12 checked, 12 fast, 0 fallback"; done)
	[ "$output" = "$expected" ]
	run -0 t_scan -d <bad
	expected=$(kernels | while read -r k; do echo "$k: 112 checked, 0 fast, 112 fallback"; done)
	[ "$output" = "$expected" ]
	# All refused but nan (a number, as jq's strtod reads it), which is
	# the scalar scanner's to take.
	TRAWL_SIMD=0 t_field -v <bad >scalar.out
	[ "$(grep -c '^error invalid literal at ' scalar.out)" -eq 96 ]
	[ "$(grep -c '^error invalid numeric literal at ' scalar.out)" -eq 12 ]
	[ "$(grep -c -x ok scalar.out)" -eq 4 ]
	for k in $(kernels); do
		TRAWL_SIMD=$k t_field -v <bad >"$k.out"
		same scalar.out "$k.out"
	done
}

@test "scan: verdicts are jq's and messages do not depend on the kernel" {
	{
		t_fieldgen -n 300 -s 5
		cat "$DATA"/pings/main-small-pipeline-schemas.ndjson
	} | t_scan -M 12 -s 9 >all
	# The bytes trawl refuses on purpose where jq reads them (NUL, \v, \f
	# and RS: lib/json.c) are left out.
	LC_ALL=C grep -a -v -P '[\x00\x0b\x0c\x1e]' all >m
	[ "$(wc -l <m)" -gt 3000 ]
	jq -R -r 'try (fromjson | "ok") catch "error"' <m >jq.out
	TRAWL_SIMD=0 t_field -v <m >scalar.out
	cut -d' ' -f1 scalar.out >verdicts
	same jq.out verdicts
	grep -q '^ok' verdicts && grep -q '^error' verdicts
	for k in $(kernels); do
		TRAWL_SIMD=$k t_field -v <m >"$k.out"
		same scalar.out "$k.out"
	done
}

@test "scan: nesting, strings across blocks, and what follows the value" {
	need_simd
	deep() { printf "%${1}s" | tr ' ' '['; printf "%${1}s\n" | tr ' ' ']'; }
	deepobj() { for _ in $(seq "$1"); do printf '{"a":'; done; printf 1; printf "%${1}s\n" | tr ' ' '}'; }
	{
		deep 60
		deep 130
		deep 200
		printf '{"a":"%s","b":[1,{"c":null}]}\n' "$(printf '%200s' | tr ' ' x)"
		printf '{"%s\\\\":1}\n' "$(printf '%62s' | tr ' ' k)"
		printf '{"%s\\"":1}\n' "$(printf '%61s' | tr ' ' k)"
		echo '{}'
		echo '{},{}'
		echo '[] []'
		echo '{}    '
		echo '[1,2,3]  ,'
		echo '"just a string"'
		echo '42'
		deepobj 127
		deepobj 128
		deepobj 129
	} >lines
	TRAWL_SIMD=0 t_field -v <lines >scalar.out
	for k in $(kernels); do
		TRAWL_SIMD=$k t_field -v <lines >"$k.out"
		same scalar.out "$k.out"
	done
	cat >expected <<-'EOF'
	ok
	ok
	ok
	ok
	ok
	ok
	ok
	error unexpected extra JSON values at 2
	error unexpected extra JSON values at 3
	ok
	error unexpected extra JSON values at 9
	ok
	ok
	ok
	ok
	error exceeds depth limit for parsing at 640
	EOF
	same expected scalar.out
	# Nesting past the fast path's depth and values that are not objects
	# or arrays are the scalar scanner's; the rest is the kernels' own.
	run -0 t_scan -d <lines
	for k in $(kernels); do
		grep -qx "$k: 16 checked, 6 fast, 10 fallback" <<<"$output"
	done
}

@test "scan: containers of every length from 2 to 200 bytes end where the scalar scanner ends them" {
	need_simd
	# An array and an object of exactly n bytes each, inside a line and
	# as a line: a skip that reads 64 bytes at a time meets its end at
	# every offset, the last byte of a block included.
	for n in $(seq 2 200); do
		digits=$(printf "%$((n - 2))s" | tr ' ' 1)
		body=$(printf "%$((n > 10 ? n - 10 : 0))s" | tr ' ' x)
		obj='{"k":"'"$body"'"}'
		[ "$n" -ge 10 ] || obj='{}'
		printf '{"v":[%s],"o":%s,"w":[[%s],%s]}\n' "$digits" "$obj" "$digits" "$obj"
	done >lines
	run -0 t_scan -d -a <lines
	expected=$(kernels | while read -r k; do echo "$k: 199 checked, 199 fast, 0 fallback"; done)
	[ "$output" = "$expected" ]
}

@test "scan: fields read through a kernel's index are the scalar walk's, values, errors and all" {
	need_simd
	mapfile -t exprs <"$FIXTURES/field/gen-exprs.txt"
	# Names a key's raw bytes could seem to spell past its closing quote,
	# paths into the pings, and compiled programs (their static paths are
	# read by the same walk).
	exprs+=('.["a\":"]' '.["\":"]' '.["a\": "]' '.x.a' '.a[2].b[1]' '.[1][1]'
	    '.id' '.meta.geoCountry' '.application.name' '.environment.system.cpu'
	    '.payload.histograms.CERT_PINNING_RESULTS.sum' '.payload.info'
	    'select(.a != null) | .b' '[.a, .["a\":"], .c?]' '.a.b + 1'
	    .abcdefg .abcdefgh .abcdefghi .abcdefghij .abcdefgX)
	{
		for seed in 21 22; do t_fieldgen -n 1000 -s "$seed"; done
		cat "$DATA"/pings/*.ndjson
		printf '%s\n' '{"a":"x"}' '{"":"x"}' '{"a\":":1,"a":"x"}' '{"":":"}' \
		    '{"a":{"b":1},"a":2}' '{"x":{"a":1},"a":2,"y":{"a":3}}' \
	    '{"a":{"b":1,"c":2},"x":0,"a":{"c":3},"b":[1],"b":[9,8]}' \
	    '{"b":1,"a":{"c":3},"b":2,"a":{"c":4,"c":5}}' \
	    '{"abcdefgh":1,"abcdefghi":2,"abcdefg":3,"abcdefgX":4,"abcdefghij":5,"abcdefgh ":6}' \
	    '{"abcdefghij":5,"abcdefgX":4,"abcdefg":3,"abcdefghi":2,"abcdefgh":1}' \
		    '{"a":[0,1,{"b":[5,6,7]}]}' '[{"a":1},[2,3]]' '{"a" : 1 , "b" :[ 1 , 2 ] }' \
		    '{"\u00e9":1,"é":2}' '{"a":{"b":{"c":[{"d":1}]}},"b":[[0]],"c":{}}'
		printf '\xef\xbb\xbf  {"a":1}  \n{"\xff":1,"\xef\xbf\xbd":2}\n'
		# A member at every offset within a block, after a nested
		# object at the same depth and after a long string.
		for pad in $(seq 0 70); do
			printf '{"p":"%s","x":{"a":[1]},"a":{"b":%d},"c":[0,[1,{"a":2}]]}\n' \
			    "$(printf "%${pad}s" | tr ' ' x)" "$pad"
		done
	} >lines
	# Every expression alone (an error in one hides the others' values on
	# its line), then all in one set (they share the walk).
	fields() {
		for e in "${exprs[@]}"; do
			echo "$e"
			t_field -x "$e" <lines
		done
		t_field -x "${exprs[@]}" <lines
		t_field -f "${exprs[@]}" <lines
	}
	TRAWL_SIMD=0 fields >scalar.out
	for k in $(kernels); do
		TRAWL_SIMD=$k fields >"$k.out"
		same scalar.out "$k.out"
	done
	# The hand-made lines' answers, as jq gives them.
	TRAWL_SIMD=0 t_field '.["a\":"]' '.["\":"]' .a <lines >names.out
	line=$(grep -n -x -F '{"a\":":1,"a":"x"}' lines | cut -d: -f1)
	grep -qx "$line 0 number 1" names.out
	grep -qx "$line 2 string \"x\"" names.out
	line=$(grep -n -x -F '{"a":"x"}' lines | cut -d: -f1)
	grep -qx "$line 0 null null" names.out
	line=$(grep -n -x -F '{"":":"}' lines | cut -d: -f1)
	grep -qx "$line 1 null null" names.out
	line=$(grep -n -x -F '{"x":{"a":1},"a":2,"y":{"a":3}}' lines | cut -d: -f1)
	grep -qx "$line 2 number 2" names.out
	# The last of duplicate keys wins, at every step (the index's walk
	# reads keys backwards and stops at each name's last occurrence).
	for k in 0 $(kernels); do
		TRAWL_SIMD=$k t_field .a.b .a.c '.b[1]' .b <lines >dup.out
		line=$(grep -n -x -F '{"a":{"b":1,"c":2},"x":0,"a":{"c":3},"b":[1],"b":[9,8]}' lines | cut -d: -f1)
		grep -qx "$line 0 null null" dup.out
		grep -qx "$line 1 number 3" dup.out
		grep -qx "$line 2 number 8" dup.out
		line=$(grep -n -x -F '{"b":1,"a":{"c":3},"b":2,"a":{"c":4,"c":5}}' lines | cut -d: -f1)
		grep -qx "$line error Cannot index number with number" dup.out
		TRAWL_SIMD=$k t_field .a.c .b <lines >dup.out
		grep -qx "$line 0 number 5" dup.out
		grep -qx "$line 1 number 2" dup.out
	done
	# Most lines are the kernels' to take.
	run -0 t_scan -d <lines
	for k in $(kernels); do
		fast=$(sed -n "s/^$k: [0-9]* checked, \\([0-9]*\\) fast.*/\\1/p" <<<"$output")
		[ "$fast" -gt 1000 ]
	done
}
