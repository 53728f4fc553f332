#!/usr/bin/env bats
# lib/field.c and lib/json.c through the t_field driver: the fast path
# against libjq (TRAWL_NO_FASTPATH=1) on generated and real records,
# canonical text, jq's order, decoding, writers and bad input.  Expected
# answers come from /usr/bin/jq (1.6) wherever jq can give them.

load helper

t_field() { "$TRAWL_TESTBIN/t_field" "$@"; }
t_fieldgen() { "$TRAWL_TESTBIN/t_fieldgen" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# differ FILE EXPR...: the driver's output for EXPRs on FILE must be the
# same on the fast path and through libjq, and not empty.
differ() {
	local in=$1
	shift
	t_field "$@" <"$in" >fast.out
	TRAWL_NO_FASTPATH=1 t_field "$@" <"$in" >jq.out
	[ -s fast.out ]
	same jq.out fast.out
}

@test "field: the generator is deterministic" {
	t_fieldgen -n 500 -s 7 >a
	t_fieldgen -n 500 -s 7 >b
	t_fieldgen -n 500 -s 8 >c
	cmp a b
	run -1 cmp -s a c
}

@test "field: every generated-record expression takes the fast path, and none under TRAWL_NO_FASTPATH" {
	mapfile -t exprs <"$FIXTURES/field/gen-exprs.txt"
	run -0 t_field -p "${exprs[@]}"
	[ "$(sort -u <<<"$output")" = fast ]
	TRAWL_NO_FASTPATH=1 run -0 t_field -p "${exprs[@]}"
	[ "$(sort -u <<<"$output")" = jq ]
}

@test "field: fast path and libjq agree on generated records, one expression at a time" {
	t_fieldgen -n 3000 -s 1 >gen
	while IFS= read -r e; do
		differ gen "$e" || { echo "expression: $e" >&2; return 1; }
	done <"$FIXTURES/field/gen-exprs.txt"
}

@test "field: fast path and libjq agree on generated records, all expressions in one set" {
	mapfile -t exprs <"$FIXTURES/field/gen-exprs.txt"
	for seed in 2 3 4; do
		t_fieldgen -n 2000 -s "$seed" >gen
		differ gen "${exprs[@]}"
		differ gen "${exprs[@]:1:3}" '.a | keys?' "${exprs[@]:20:5}"
	done
}

@test "field: the generated records cover what they must" {
	t_fieldgen -n 3000 -s 1 >gen
	t_field .a <gen >out
	for kind in null false true number string array object error; do
		grep -q "^[0-9]* [0-9]* $kind \|^[0-9]* $kind " out ||
			{ echo "no $kind" >&2; return 1; }
	done
	grep -q '1485817596984554752' gen
	grep -q '"a" *:.*"a" *:' gen
	grep -q 'error not JSON' out
}

@test "field: fast path and libjq agree on the real pings" {
	cat "$DATA"/pings/*.ndjson >pings
	while IFS= read -r e; do
		[ "$(t_field -p "$e")" = fast ]
		differ pings "$e" || { echo "expression: $e" >&2; return 1; }
	done <"$FIXTURES/field/ping-exprs.txt"
	mapfile -t exprs <"$FIXTURES/field/ping-exprs.txt"
	differ pings "${exprs[@]:1}"
}

@test "field: real ping values are jq's" {
	f=$DATA/pings/main-heka-nightly54.ndjson
	run -0 t_field .meta.documentId .meta.Timestamp .meta.sampleId <"$f"
	ids=$(jq -c '.meta.documentId, .meta.Timestamp, .meta.sampleId' "$f")
	[ "$(cut -d' ' -f4- <<<"$output" | jq -c .)" = "$ids" ]
	# The fast path hands back the record's own bytes.
	run -0 t_field .meta.sampleId <"$f"
	[ "${lines[0]}" = "1 0 number 79" ]
}

@test "field: plain paths take the plain path, the rest is compiled or goes to libjq" {
	run -0 t_field -p . .a '.a.b' '."a"' '.["x y"]' '.a["x y"]' '.a[0]' '.a?' \
	    '.a.b?' '.[0]' '.a[0][1]?.b' ' .a ' '.and' '."a\"b"'
	[ "$(sort -u <<<"$output")" = fast ]
	run -0 t_field -p '.a[-1]' '.a[]' '.a | .b' '.a,.b' '.["\u00e9"]' \
	    '."a\(1)"' '..' '.a??' '.[1.5]' 'length' '.a .b' '.[ 0 ]'
	[ "$(sort -u <<<"$output")" = compiled ]
	run -0 t_field -p 'input_filename' '.a |= 1' 'path(.a)'
	[ "$(sort -u <<<"$output")" = jq ]
}

@test "field: index semantics and messages are jq's" {
	printf '%s\n' '{"a":1}' '[1,2]' '"s"' '5' 'true' 'null' '{"a":{"b":[10,20]}}' \
	    '{"a":[1]}' '{"a":null}' '{"a":{"b":1},"a":2}' '{"a":2,"a":{"b":1}}' >in
	for e in .a '.[0]' '.a.b' '.a[1]' '.a.b[1]' '.a.b?' '.a?.b' '.[5]' \
	    .aaaaaaaaaaaaaaaaaaaaaaaaaaaaa .aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; do
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			want=$(jq -c "$e" <<<"$line" 2>&1 | sed 's/^jq: error (at <stdin>:[0-9]*): //')
			got=$(t_field "$e" <<<"$line" | sed 's/^[0-9]* [0-9]* [a-z]* //; s/^[0-9]* error //')
			[ "$got" = "$want" ] ||
				{ echo "$e on $line: jq '$want', trawl '$got'" >&2; return 1; }
		done <in
	done
}

@test "field: the first erring field's error is reported, whichever path it took" {
	printf '%s\n' '{"a":[1],"b":"x"}' >in
	run -0 t_field '.a | tostring' .b.c .a.d <in
	[ "$output" = '1 error Cannot index string with string "c"' ]
	run -0 t_field '.a | error("first")' .b.c <in
	[ "$output" = '1 error first' ]
	run -0 t_field .a.d '.a | error("second")' <in
	[ "$output" = '1 error Cannot index array with string "d"' ]
}

@test "field: bad lines are errors on both paths with the same message" {
	{
		printf '%s\n' 'not json' '{"a":1} x' '{"a":1}{"a":2}' '{"a":1} 2' '{"a":1' \
		    '[1,]' '{"a":1,}' '{"a" 1}' '{1:2}' '"\x"' '"\ud800"' '"\u12"' \
		    '{"a":tru}' '{"a":nul}' '01x' '1e' '-' ']' '' '   '
		printf '"a\tb"\n'
		printf '{"a":1}\0\n'
		printf '\0\n'
		printf '1\0\n'
		printf '\f1\n'
	} >bad
	t_field .a <bad >fast
	TRAWL_NO_FASTPATH=1 t_field .a <bad >jq
	same fast jq
	[ "$(grep -vc ' error not JSON: ' fast)" = 0 ]
	[ "$(wc -l <fast)" = 25 ]
	run -0 t_field .a <bad
	[ "${lines[0]}" = "1 error not JSON: invalid numeric literal at column 1" ]
	[ "${lines[1]}" = "2 error not JSON: unexpected extra JSON values at column 9" ]
	[ "${lines[4]}" = "5 error not JSON: unfinished JSON term at column 7" ]
	[ "${lines[9]}" = "10 error not JSON: invalid escape at column 3" ]
	[ "${lines[20]}" = "21 error not JSON: invalid string: control characters from U+0000 through U+001F must be escaped at column 3" ]
	# jq's own parser (fromjson: one value per text) rejects the first 22
	# too; it reads "\0" as 0, "1\0" as 1 and "\f1" as 1 (its strtod stops
	# at the NUL and skips the form feed): trawl refuses to invent those.
	for i in $(seq 1 22); do
		sed -n "${i}p" bad >one
		run -5 jq -R fromjson one
	done
	for i in 23 24 25; do
		sed -n "${i}p" bad >one
		run -0 jq -R fromjson one
	done
}

@test "field: nesting deeper than jq allows is an error, not a crash" {
	python3 -c 'print("[" * 100000 + "]" * 100000)' >deep
	run -0 t_field . <deep
	[ "$output" = "1 error not JSON: exceeds depth limit for parsing at column 257" ]
	TRAWL_NO_FASTPATH=1 run -0 t_field . <deep
	[ "$output" = "1 error not JSON: exceeds depth limit for parsing at column 257" ]
	python3 -c 'print("{\"a\":" * 100000)' >deep
	run -0 t_field .a.a <deep
	[ "$output" = "1 error not JSON: exceeds depth limit for parsing at column 641" ]
	run -0 t_field -v <deep
	[ "$output" = "error exceeds depth limit for parsing at 640" ]
	# The limit is jq's: 256 arrays are fine, objects count twice.
	python3 -c 'print("[" * 256 + "]" * 256); print("[" * 257 + "]" * 257)' >d
	python3 -c 'print("{\"a\":" * 128 + "1" + "}" * 128)' >>d
	python3 -c 'print("{\"a\":" * 129 + "1" + "}" * 129)' >>d
	run -0 t_field -v <d
	[ "$output" = $'ok\nerror exceeds depth limit for parsing at 256\nok\nerror exceeds depth limit for parsing at 640' ]
	for i in 1 3; do sed -n "${i}p" d | jq -e length >/dev/null; done
	for i in 2 4; do run -4 jq length <(sed -n "${i}p" d); done
}

@test "field: what jq 1.6 accepts beyond RFC 8259 is accepted" {
	printf '%s\n' '{"a":01}' '{"a":+1}' '{"a":.5}' '{"a":1.}' '{"a":NaN}' '{"a":-Infinity}' \
	    $'\xef\xbb\xbf{"a":1}' '{"a":"x\u0000y"}' >odd
	printf '{"a":"x\0y\037z"}\n' >>odd
	differ odd .a
	run -0 t_field .a <odd
	[ "$(grep -c error <<<"$output")" = 0 ]
	while IFS= read -r line; do
		run -0 jq -c .a <<<"$line"
	done <odd
}

@test "field: canonical text" {
	printf '%s\n' '79.0' '79' '7.9e1' '-0' '1e400' '-1e400' '0.1' \
	    '1485817596984554752' '1e-400' '100000000000000000000' 'NaN' \
	    '"\u00e9"' '"\/"' '"\n\t"' '"a\"b\\"' '"\ud83d\ude00"' '"\udc00"' \
	    '{"b":1, "a":[1, 2.0], "b":2}' '{"\u00e9":1,"e":2,"é":3}' \
	    ' [ true , null , false ] ' '{}' '[]' '"\u007f"' >in
	printf '"\xff"\n' >>in
	run -0 t_field -c <in
	want='79
79
79
0
1.7976931348623157e+308
-1.7976931348623157e+308
0.10000000000000001
1.4858175969845548e+18
0
1e+20
null
"é"
"/"
"\u000a\u0009"
"a\"b\\"
"😀"
"�"
{"a":[1,2],"b":2}
{"e":2,"é":3}
[true,null,false]
{}
[]
"'$'\x7f''"
"�"'
	[ "$(cut -d' ' -f1 <<<"$output")" = "$want" ]
}

@test "field: equal digests exactly where jq says ==" {
	printf '%s\n' '79.0' '79' '"5"' '5' '{"a":1,"b":[1,{"c":2}]}' \
	    '{"b":[1.0,{"c":2e0}],"a":1}' '{"a":1,"a":2}' '{"a":2}' '"\u00e9"' '"é"' \
	    '[1,2]' '[2,1]' 'null' 'false' '-0' '0' '"\ud83d\ude00"' '"😀"' \
	    '{"a":{"x":1,"y":2}}' '{"a":{"y":2,"x":1}}' >vals
	t_field -c <vals | cut -d' ' -f2 >digests
	awk '{d[NR] = $0} END {for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++)
	    print (d[i] == d[j]) ? "true" : "false"}' digests >got
	jq -s -c '. as $v | range(length) as $i | range(length) as $j |
	    $v[$i] == $v[$j]' vals >want
	same want got
	[ "$(grep -c true got)" -gt "$(wc -l <vals)" ]
}

@test "field: json_cmp sorts NaN below every number and equal to itself, as jq 1.6 sorts" {
	printf '%s\n' nan 1 1 nan nan -1e400 -1e400 nan nan nan null nan '[nan]' '[0]' >pairs
	run -0 t_field -C <pairs
	[ "$output" = $'-1\n1\n-1\n1\n0\n-1\n-1' ]
	run -0 jq -nc '[nan < 1, 1 < nan, nan < -infinite, ([1, nan, -infinite] | sort | map(isnan))]'
	[ "$output" = '[true,false,true,[true,false,false]]' ]
}

@test "field: keys and comparisons of objects and long numbers do not allocate per call" {
	long=$(printf '1%.0s' {1..70})
	run -0 "$TRAWL_TESTBIN/t_noalloc" '"abc"' '{"b":1,"a":2}' \
	    '[1,{"a":{"b":{"c":[{"d":1,"d":2}]}}}]' "$long" "{\"x\":$long.5}"
	[ "$output" != sanitizer ] || skip "a sanitizer owns malloc"
	[ "$output" = "\"abc\" 0
{\"b\":1,\"a\":2} 0
[1,{\"a\":{\"b\":{\"c\":[{\"d\":1,\"d\":2}]}}}] 0
$long 0
{\"x\":$long.5} 0" ]
}

@test "field: json_cmp orders as jq sorts" {
	printf '%s\n' 'null' 'false' 'true' '-1' '0' '-0' '0.5' '79' '79.0' '1e400' \
	    '""' '"5"' '"a"' '"ab"' '"b"' '"é"' '"\uffff"' '"\ud83d\ude00"' '"\udc00"' \
	    '[]' '[1]' '[1,2]' '[2]' '[null]' '{}' '{"a":1}' '{"a":2}' '{"b":0}' \
	    '{"a":1,"b":1}' '{"b":1,"a":1}' '{"a":[1]}' '{"a":1,"a":0}' >vals
	awk '{v[NR] = $0} END {for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++)
	    print v[i] "\n" v[j]}' vals >pairs
	t_field -C <pairs >got
	jq -s -c '. as $v | range(length) as $i | range(length) as $j |
	    if $v[$i] < $v[$j] then -1 elif $v[$i] == $v[$j] then 0 else 1 end' vals >want
	same want got
}

@test "field: decoded strings are the bytes jq -j writes" {
	printf '%s\n' '"plain"' '"\u00e9\n"' '"\ud83d\ude00"' '"\udc00x"' '"\u0000"' \
	    '"\/\\\""' '"\uDBFF\uDFFF"' >s
	printf '"\xff\xfeab\xc3"\n"\xed\xa0\x80z"\n"\xe0\\u0080"\n"\xf4\x90\x80\x80"\n' >>s
	while IFS= read -r line; do
		printf '%s\n' "$line" | t_field -u >got
		printf '%s\n' "$line" | jq -j . >want
		echo >>want
		same want got || { echo "string: $line" >&2; return 1; }
	done <s
}

@test "field: numbers are written so they read back, integers as integers" {
	printf '%s\n' 0.1 1e21 9007199254740992 9007199254740993 -0 1e400 \
	    0.30000000000000004 1.5 -2 123.456 1e-7 5e-324 1485817596984554752 \
	    1.7976931348623157e308 2.5e-5 >nums
	run -0 t_field -d <nums
	[ "${lines[0]}" = 0.1 ]
	[ "${lines[2]}" = 9007199254740992 ]
	[ "${lines[3]}" = 9007199254740992 ]
	[ "${lines[4]}" = -0 ]
	[ "${lines[5]}" = 1.7976931348623157e+308 ]
	[ "${lines[7]}" = 1.5 ]
	[ "${lines[8]}" = -2 ]
	# 1e400 reads as infinity and is written as jq writes it (DBL_MAX).
	paste -d' ' nums <(printf '%s\n' "${lines[@]}") | grep -v '^1e400 ' |
	while read -r a b; do
		[ "$(jq -n "$a == $b")" = true ] || { echo "$a -> $b" >&2; return 1; }
	done
	# Shortest form: no more digits than it takes, subnormals included.
	[ "${lines[6]}" = 0.30000000000000004 ]
	[ "${lines[9]}" = 123.456 ]
	[ "${lines[11]}" = 5e-324 ]
	run -0 t_field -d <<<'1e-320'
	[ "$output" = 1e-320 ]
}

@test "field: numbers are written exactly as jq 1.6 writes them" {
	# random bit patterns, short decimals at every scale, powers of two
	# and large integers, against libjq's own jv_dump_string
	run -0 t_field -D 1 200000
	[ "$output" = 0 ]
	run -0 t_field -d <<<$'1e17\n1.1e16\n123456789012345678\n1e-5\n0.0001\n1e300'
	[ "$output" = $'1e+17\n11000000000000000\n123456789012345680\n1e-05\n0.0001\n1e+300' ]
}

@test "field: numbers ignore the locale" {
	locale -a | grep -qi '^de_DE.utf8$' || skip "no de_DE locale installed"
	LC_ALL=de_DE.UTF-8 run -0 t_field -d <<<'0.5'
	[ "$output" = 0.5 ]
}

@test "field: json_skip and json_object_end" {
	printf '%s\n' '{"a":[1,2]} rest' '"x\"y",' '12,3' 'tru' '[' >in
	run -0 t_field -s <in
	[ "$output" = $'11\n6\n2\n0\n0' ]
	printf '%s\n' '{"a":1}' '  { }  ' '{"a":{}}	' '[1]' '"{}"' >in
	run -0 t_field -o <in
	[ "$output" = $'6 0\n4 1\n7 0\nnot an object\nnot an object' ]
}

@test "field: compile errors carry jq's message on one line" {
	run -2 --separate-stderr t_field '.a['
	[ "$stderr" = 't_field: jq: error: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, line 1: .a[' ]
	run -2 --separate-stderr t_field '.a | nosuch'
	[ "$stderr" = 't_field: jq: error: nosuch/0 is not defined at <top-level>, line 1: .a | nosuch' ]
}

@test "field: libjq fields yield every value, dumped as jq dumps them" {
	printf '%s\n' '{"a":[1,"x",{"b":1485817596984554752}]}' >in
	run -0 t_field '.a[]' '.a[2].b' <in
	[ "$output" = '1 0 number 1
1 0 string "x"
1 0 object {"b":1.4858175969845548e+18}
1 1 number 1.4858175969845548e+18' ]
}

@test "field: on mutated records, trawl accepts exactly what jq's parser accepts, with the same canonical values" {
	for seed in 11 12 13; do
		t_fieldgen -n 1500 -s "$seed" >gen
		run -0 --separate-stderr t_field -F "$seed" <gen
		[ "$output" = "" ]
		[[ "$stderr" =~ ^[0-9]{5}" mutants compared, 0 disagreements"$ ]]
	done
	cat "$DATA"/pings/*.ndjson >pings
	run -0 --separate-stderr t_field -F 1 <pings
	[ "$output" = "" ]
}

@test "field: a first value of paths through libjq, record after record (jq 1.6 asserted on the reset)" {
	printf '%s\n' '{"a":{"b":1},"b":2}' '{"a":[7]}' '{"b":1}' '7' '{"b":5}' >in
	# jq -c 'first(paths), first(path(.a[]?))' in, record by record
	want='1 0 array ["a"]
1 1 array ["a","b"]
2 0 array ["a"]
2 1 array ["a",0]
3 0 array ["b"]
3 1 missing
4 error Cannot index number with string "a"
5 0 array ["b"]
5 1 missing'
	TRAWL_NO_FASTPATH=1 run -0 t_field -f 'paths # a comment' 'path(.a[]?)' <in
	[ "$output" = "$want" ]
	# first(leaf_paths) is ["a","b"], ["a",0], ["b"], none, ["b"]
	run -0 pingdedup -k leaf_paths in
	assert_output $'{"a":{"b":1},"b":2}\n{"a":[7]}\n{"b":1}\n7'
}

@test "field: FS_FIRST keeps one value; null, nothing and errors under ? are missing" {
	printf '%s\n' '{"a":[1,2],"b":null}' '{"a":[],"b":3}' '{"a":"s"}' >in
	want='1 0 number 1
1 1 missing
1 2 missing
1 3 number 1
1 4 array [1,2]
2 0 missing
2 1 number 3
2 2 missing
2 3 missing
2 4 array []
3 0 missing
3 1 missing
3 2 missing
3 3 missing
3 4 string "s"'
	run -0 t_field -f '.a[]?' .b '.c?' '.a[0]?' .a <in
	[ "$output" = "$want" ]
	TRAWL_NO_FASTPATH=1 run -0 t_field -f '.a[]?' .b '.c?' '.a[0]?' .a <in
	[ "$output" = "$want" ]
}

@test "field: a libjq value nested deeper than jq can write is an error, not invalid JSON" {
	echo '{"a":1}' >in
	run -0 t_field 'reduce range(300) as $i (0; [.])' <in
	[ "$output" = "1 error a value nests deeper than jq can write (256 levels)" ]
	# Up to jq's limit the value is written and compared as usual.
	run -0 t_field 'reduce range(250) as $i (0; [.]) | flatten' '"<stripped: exceeds max depth>"' <in
	[ "$output" = $'1 0 array [0]\n1 1 string "<stripped: exceeds max depth>"' ]
	python3 -c 'print("[" * 256 + "]" * 256); print("{\"a\":" * 128 + "1" + "}" * 128)' >deep
	differ deep . '.[0]' .a
}
