#!/usr/bin/env bats
# The compiled jq evaluator (lib/jqc*.c) through the t_field driver:
# which expressions it takes, byte-for-byte agreement with libjq 1.6 on a
# corpus, and jq 1.6's own answers (taken from /usr/bin/jq) for the
# constructs whose order, errors or quirks matter most.

load helper

t_field() { "$TRAWL_TESTBIN/t_field" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# x EXPR INPUT: the compiled field's values (their own text) on INPUT.
x() { printf '%s\n' "$2" | t_field -x "$1"; }

@test "jqc: the everyday language compiles" {
	run -0 t_field -p '.a[-1]' '.a[]' '.a | .b' '.a,.b' '.["\u00e9"]' '."a\(1)"' \
	    '..' '.a??' '.[1.5]' 'length' '.a .b' '.[ 0 ]' \
	    'select(.meta.geoCountry == "US") | .clientId' \
	    '"\(.meta.geoCountry):\(.application.version)"' \
	    '[.payload.histograms.SSL_HANDSHAKE_VERSION.values[]] | add' \
	    '[.clientId, .meta.submissionDate]' '{a, b: .c, "x": 1, (.k): .v}' \
	    '.a as $x | {$x}' 'reduce .[] as $x (0; . + $x)' \
	    '[foreach .[] as $x (0; . + $x)]' '[limit(3; .[])]' 'first(.[])' \
	    'try error("x") catch .' 'if . then 1 elif . == 2 then 2 else 3 end' \
	    'label $out | 1, break $out' '.s | test("a"; "i")' '.s | gsub("a"; "b")' \
	    '.t | todate' '.t | fromdate' '.t | strptime("%Y") | mktime' \
	    '@csv' '@base64 "x\(.)"' 'map_values(. + 1)' 'to_entries' '[range(0; 10; 2)]'
	[ "$(sort -u <<<"$output")" = compiled ]
}

@test "jqc: what the compiler does not take goes to libjq, and says why" {
	run -0 t_field -e 'input_filename' '$ENV.HOME' '.a |= 1' 'def f: 1; f' \
	    'path(.a)' '$__loc__' 'getpath(["a"])' '. as [$a] ?// $a | $a' 'input'
	[ "$output" = "libjq (input_filename is not compiled)
libjq (\$ENV is not compiled)
libjq (assignment (|=) is not compiled)
libjq (def is not compiled)
libjq (path is not compiled)
libjq (\$__loc__ is not compiled)
libjq (getpath is not compiled)
libjq (?// is not compiled)
libjq (input is not compiled)" ]
	run -0 t_field -e .a '.a | .b'
	[ "$output" = $'plain path\ncompiled' ]
	TRAWL_NO_FASTPATH=1 run -0 t_field -e .a '.a | .b'
	[ "$output" = $'libjq (TRAWL_NO_FASTPATH is set)\nlibjq (TRAWL_NO_FASTPATH is set)' ]
}

@test "jqc: syntax jq 1.6 rejects is left to libjq, which gives jq's message" {
	for e in 'if . then 1 end' '{a: 1 + 2}' '1 < 2 < 3' '{(1): 2}' '1 / 0' \
	    '"\(1;2)"' '.e5' '"\ud83d"' '{a:1,,}' '. as [$a, $a] | $a'; do
		run t_field -p "$e"
		[ "$output" != compiled ] || { echo "compiled: $e" >&2; return 1; }
	done
	run -2 --separate-stderr t_field '{a: 1 + 2}'
	[[ "$stderr" == *"syntax error, unexpected '+'"* ]]
}

@test "jqc: compiled and libjq agree byte for byte on the corpus" {
	t_field -X "$FIXTURES/jqc/corpus.txt" <"$FIXTURES/jqc/records.ndjson" >compiled
	TRAWL_NO_FASTPATH=1 t_field -X "$FIXTURES/jqc/corpus.txt" \
	    <"$FIXTURES/jqc/records.ndjson" >jq
	same jq compiled
	# every expression of the corpus runs compiled
	[ "$(grep -c 'compile error' compiled)" = 0 ]
	mapfile -t exprs <"$FIXTURES/jqc/corpus.txt"
	run -0 t_field -p "${exprs[@]}"
	[ "$(sort -u <<<"$output" | tr '\n' ' ')" = "compiled fast " ]
	[ "$(wc -l <compiled)" -gt 5000 ]
}

@test "jqc: only the corpus expressions that need jq's own parser or label numbers ask libjq" {
	TRAWL_NO_BAIL=1 t_field -X "$FIXTURES/jqc/corpus.txt" \
	    <"$FIXTURES/jqc/records.ndjson" >out
	run -0 awk '/^[0-9]+ error libjq needed/ { print prev } !/^[0-9]+ / { prev = $0 }' out
	[ "$(sort -u <<<"$output")" = '.b | tonumber
["1", "1.5", " 2 ", "1e3", "x", "", "nan", "-0", "+1", ".5", "1.", "0x10", "[1]"] | map(try tonumber catch "E")
["{}", "[1,2]", "\"s\"", "1", "nul", "", " true "] | map(try fromjson catch "E")
error({"__jq":0})
try error({"__jq":1}) catch .' ]
	# and they get libjq's answer
	run -0 x '.a | tonumber' '{"a":"0x10"}'
	[ "$output" = "1 error Invalid numeric literal at EOF at line 1, column 4 (while parsing '0x10')" ]
	# under try without catch no one reads the message: no libjq
	TRAWL_NO_BAIL=1 run -0 x '[.[] | tonumber?]' '["1","x","2"]'
	[ "$output" = '1 0 array [1,2]' ]
}

@test "jqc: several outputs come in jq's order" {
	run -0 x '[(1,2) + (10,20)]' null
	[ "$output" = '1 0 array [11,12,21,22]' ]
	run -0 x '"\((1,2))-\((3,4))"' null
	[ "$output" = '1 0 string "1-3"
1 0 string "2-3"
1 0 string "1-4"
1 0 string "2-4"' ]
	run -0 x '{a:(1,2), b:(3,4)}' null
	[ "$output" = '1 0 object {"a":1,"b":3}
1 0 object {"a":1,"b":4}
1 0 object {"a":2,"b":3}
1 0 object {"a":2,"b":4}' ]
	run -0 x '[range(0,1; 3,4)]' null
	[ "$output" = '1 0 array [0,1,2,0,1,2,3,1,2,1,2,3]' ]
	run -0 x '[pow(1,2; 3,4)]' null
	[ "$output" = '1 0 array [1,8,1,16]' ]
	run -0 x '"abab" | [gsub("(?<x>b)"; "1", "2")]' null
	[ "$output" = '1 0 array ["a1a1","a2a1","a1a2","a2a2"]' ]
	run -0 x '[.[] | select(. > 1)], ([.[]] | length)' '[3,1,2]'
	[ "$output" = $'1 0 array [3,2]\n1 0 number 3' ]
}

@test "jqc: jq 1.6's quirks are kept" {
	# a try catches errors raised downstream of its body's outputs
	run -0 x '(try (1,2) catch "c") | if . == 1 then error("x") else . end' null
	[ "$output" = '1 0 string "c"' ]
	run -0 x '[first((try (1,2)), 3)]' null
	[ "$output" = '1 0 array [1,3]' ]
	run -0 x '[limit(0; 1,2)]' null
	[ "$output" = '1 0 array [1]' ]
	run -0 x '[error(null)], (try error(null) catch "c")' null
	[ "$output" = '1 0 array []' ]
	run -0 x 'reduce (1,2) as $x (0; empty), [foreach (1,2,3) as $x (0; .+$x, .*10)]' null
	[ "$output" = $'1 0 null null\n1 0 array [1,0,2,0,3,0]' ]
	run -0 x '[limit(5; 1 | repeat(.*10))]' null
	[ "$output" = '1 0 array [10,10,10,10,10]' ]
	run -0 x '[1,2,3] | map_values(select(. != 2))' null
	[ "$output" = '1 0 array [1,3,null]' ]
	run -0 x '"aaa" | gsub("^a"; "b"), ("a,b, cd" | index(", "))' null
	[ "$output" = $'1 0 string "bbb"\n1 0 number 3' ]
	run -0 x '"x" * 0, "x" * 0.5, "x" * 2.7' null
	[ "$output" = $'1 0 null null\n1 0 string "x"\n1 0 string "xx"' ]
	run -0 x '0 / 0, (-5 % 3), (5.9 % 3), (nan % 5)' null
	[ "$output" = $'1 0 number null\n1 0 number -2\n1 0 number 2\n1 0 number -3' ]
	# sub/2 is builtin.jq's first definition of it, which calls match/1
	run -0 x 'sub(1; "x")' '"abc"'
	[ "$output" = '1 error number not a string or array' ]
}

@test "jqc: // and errors" {
	run -0 x '.b // 5, (.a.b // 5), ([(1,null,2) // 3])' '{"a":null,"b":false}'
	[ "$output" = $'1 0 number 5\n1 0 number 5\n1 0 array [1,2]' ]
	run -0 x '.b // 5' '"a"'
	[ "$output" = '1 error Cannot index string with string "b"' ]
	run -0 x 'error("x") // 5' null
	[ "$output" = '1 error x' ]
}

@test "jqc: errors carry jq's words" {
	run -0 x '.a.b' '{"a":1}'
	[ "$output" = '1 error Cannot index number with string "b"' ]
	run -0 x '.[]?.x' '{"a":1}'
	[ "$output" = '1 error Cannot index number with string "x"' ]
	run -0 x '.[]' '"abcdefghijklmnop"'
	[ "$output" = '1 error Cannot iterate over string ("abcdefghij...)' ]
	run -0 x 'error({"a":1})' null
	[ "$output" = '1 error {"a":1} (not a string)' ]
	run -0 x '{(.a): 1}' '{"a":1}'
	[ "$output" = '1 error Cannot use number (1) as object key' ]
	run -0 x '.a + .b' '{"a":12345678901234567890,"b":"x"}'
	[ "$output" = '1 error number (12345678901...) and string ("x") cannot be added' ]
	run -0 x '-.' '"s"'
	[ "$output" = '1 error string ("s") cannot be negated' ]
	run -0 x 'test("(")' '"s"'
	[ "$output" = '1 error Regex failure: end pattern with unmatched parenthesis' ]
	run -0 x 'test("a"; "q")' '"s"'
	[ "$output" = '1 error q is not a valid modifier string' ]
	run -0 x 'strptime("%Y")' '"x"'
	[ "$output" = '1 error date "x" does not match format "%Y"' ]
	run -0 x '@foo' null
	[ "$output" = '1 error foo is not a valid format' ]
	run -0 x '[1,[2]] | @sh' null
	[ "$output" = '1 error array ([2]) can not be escaped for shell' ]
	run -0 x 'implode' '["a"]'
	[ "$output" = '1 error string ("a") can'\''t be imploded, unicode codepoint needs to be numeric' ]
}

@test "jqc: values print as jq prints them; unchanged subtrees keep the record's text" {
	run -0 x '1e1000, 0.1+0.2, 3.0, -0, 1e-5, 100000000000000000000, 1.1e16' null
	[ "$output" = '1 0 number 1.7976931348623157e+308
1 0 number 0.30000000000000004
1 0 number 3
1 0 number -0
1 0 number 1e-05
1 0 number 1e+20
1 0 number 11000000000000000' ]
	run -0 x 'select(.a == 1) | .big, [.big], .f, [.f]' '{"a":1,"big":1485817596984554752,"f":1.0}'
	[ "$output" = '1 0 number 1485817596984554752
1 0 array [1485817596984554800]
1 0 number 1.0
1 0 array [1]' ]
	run -0 x 'keys_unsorted, [.[]], {b: .b, a: 0}' '{"b":1,"a":2,"b":3}'
	[ "$output" = $'1 0 array ["b","a"]\n1 0 array [3,2]\n1 0 object {"b":3,"a":0}' ]
	run -0 x '[.s], (.s | length, utf8bytelength, .[1:3])' '{"s":"\u00e9\ud83d\ude00a\u0000\u007f"}'
	[ "$output" = '1 0 array ["é😀a\u0000\u007f"]
1 0 number 5
1 0 number 9
1 0 string "😀a"' ]
	printf '{"s":"\xff\xc3x"}\n' >bad
	run -0 t_field -x '[.s]' '.s | length' <bad
	[ "$output" = $'1 0 array ["\xef\xbf\xbd\xef\xbf\xbdx"]\n1 1 number 3' ]
}

@test "jqc: FS_FIRST takes one value and stops before a later error" {
	printf '%s\n' '{"a":[1,2]}' '{"a":[]}' '{"a":null}' '{"a":[null]}' >in
	want='1 0 number 1
1 1 number 2
1 2 number 1
2 error late
3 error Cannot iterate over null (null)
4 0 missing
4 1 missing
4 2 missing'
	run -0 t_field -f '.a[], error("late")' '.a | .[1]' 'first(.a[])' <in
	[ "$output" = "$want" ]
	TRAWL_NO_FASTPATH=1 run -0 t_field -f '.a[], error("late")' '.a | .[1]' 'first(.a[])' <in
	[ "$output" = "$want" ]
}

@test "jqc: regular expressions and dates as jq 1.6 calls Oniguruma and glibc" {
	run -0 x '[match("(a)|(b)"; "g") | .captures | map(.string)]' '"ab"'
	[ "$output" = '1 0 array [["a",null],[null,"b"]]' ]
	run -0 x 'capture("(?<y>[0-9]+)-(?<m>[0-9]+)")' '"on 2015-03"'
	[ "$output" = '1 0 object {"y":"2015","m":"03"}' ]
	run -0 x '[scan("[0-9]")], [splits(", *")], sub("(?<x>[a-z])"; "<\(.x)>")' '"a1, b2,c3"'
	[ "$output" = '1 0 array ["1","2","3"]
1 0 array ["a1","b2","c3"]
1 0 string "<a>1, b2,c3"' ]
	run -0 x 'fromdate, (fromdate | todate), strptime("%Y-%m-%dT%H:%M:%SZ")' '"2015-03-05T23:51:47Z"'
	[ "$output" = '1 0 number 1425599507
1 0 string "2015-03-05T23:51:47Z"
1 0 array [2015,2,5,23,51,47,4,63]' ]
	run -0 x 'gmtime, strftime("%A, %B %d, %Y")' 1425599507.9
	[ "$output" = '1 0 array [2015,2,5,23,51,47.90000009536743,4,63]
1 0 string "Thursday, March 05, 2015"' ]
	run -0 x 'strptime("%H:%M"), ("2015 rest" | strptime("%Y"))' '"10:20"'
	[ "$output" = '1 0 array [1900,0,0,10,20,0,8,367]
1 0 array [2015,0,0,0,0,0,3,-1," rest"]' ]
}

@test "jqc: where jq 1.6 crashes or never ends, the compiled path raises an error" {
	run -0 x 'todate' 1e20
	[ "$output" = '1 error errror converting number of seconds since epoch to datetime' ]
	run -0 x 'gsub(""; "-")' '"abc"'
	[ "$output" = '1 error a global substitution of an empty match never ends (jq 1.6 fills the memory here)' ]
	run -0 x 'index("")' '"abc"'
	[ "$output" = "1 error cannot find an empty string's indices (jq 1.6 fills the memory here)" ]
	run -0 x '[match("";"g")]' '"aé"'
	[ "$output" = '1 error a global zero-width match inside a multi-byte character (jq 1.6 crashes here)' ]
	# diff-findings 2: a NaN slice index fails jq 1.6's assertion
	run -0 x '.[nan:], .[1:nan], ("abc" | .[nan:2])' '[1,2,3]'
	[ "$output" = '1 error Start and end indices of an array slice must not be NaN (jq 1.6 aborts here)' ]
	run -0 x '.[:nan]' '"abc"'
	[ "$output" = '1 error Start and end indices of an string slice must not be NaN (jq 1.6 aborts here)' ]
	run -0 x '[.[nan:]?]' '"abc"'
	[ "$output" = '1 0 array []' ]
	# diff-findings 2: a dividend that truncates to INT64_MIN over -1 traps in C
	run -0 x '[.[] % -1]' '[-9223372036854775808]'
	[ "$output" = '1 error number (-9223372036...) and number (-1) cannot be divided (remainder): the dividend is out of range (jq 1.6 crashes here)' ]
	run -0 x '[.[] % -2, 1e1000 % 3, (-7) % -1]' '[-9223372036854775808]'
	[ "$output" = '1 0 array [0,-2,0]' ]
	run -0 x 'todate' 1e300
	[ "$output" = '1 error errror converting number of seconds since epoch to datetime' ]
	run -0 x 'strftime("%Y")' NaN
	[ "$output" = '1 error errror converting number of seconds since epoch to datetime' ]
}

@test "jqc: a value nested deeper than jq writes is an error, as on the libjq path" {
	run -0 x 'reduce range(300) as $i (0; [.])' null
	[ "$output" = '1 error a value nests deeper than jq can write (256 levels)' ]
	run -0 x 'try reduce range(300) as $i (0; [.]) catch "caught"' null
	[ "$output" = '1 error a value nests deeper than jq can write (256 levels)' ]
	run -0 x 'reduce range(300) as $i (0; [.]) | tojson | length' null
	[ "$output" = '1 0 number 543' ]
}

@test "jqc: deep recursion and endless generators are bounded" {
	run -0 x '[limit(3; range(0; infinite))], [limit(2; repeat(1))]' null
	[ "$output" = $'1 0 array [0,1,2]\n1 0 array [1,1]' ]
	run -0 x '[recurse(if . < 5000 then . + 1 else empty end)] | length' 0
	[ "$output" = '1 0 number 5001' ]
}

@test "jqc: compiled fields allocate nothing per record once warm" {
	rec='{"a":1,"s":"a,b","c":[3,1,2],"m":{"x":1,"y":2},"d":"2015-03-05T23:51:47Z","t":1425599507,"u":"\u00e9x"}'
	run -0 env -u TZ "$TRAWL_TESTBIN/t_noalloc" fields "$rec" 'select(.a == 1) | .s' \
	    '"\(.a):\(.s)"' '[.a, .s]' '[.m[]] | add' '.d | fromdate' '.t | todate' \
	    '.c | sort | map(. * 2)' '{a, s, k: .m.x}' '.s | split(",") | join("-")' \
	    'to_entries' '.u | ascii_upcase' '[.c[] | tostring] | join(",")' \
	    'reduce .c[] as $x (0; . + $x)' '[limit(2; .c[])]' 'try error("x") catch .' \
	    '.m | keys' '.c | @csv' '[.c[] | select(. > 1)] | length'
	[ "$output" != sanitizer ] || skip "a sanitizer owns malloc"
	[ "$(awk '{ print $NF }' <<<"$output" | sort -u)" = 0 ]
	[ "${#lines[@]}" = 18 ]
	# Oniguruma's onig_search allocates its match stack on every call.
	run -0 "$TRAWL_TESTBIN/t_noalloc" fields "$rec" '.s | test("b")'
	[ "$output" = '.s | test("b") 1000' ]
}

@test "jqc: regressions from diff-findings.md" {
	# 3: a second initial value of reduce/foreach runs the source on null
	run -0 x '[foreach (.|tojson) as $x (0, 10, 20; $x)]' '[1,2]'
	[ "$output" = '1 0 array ["[1,2]","null","null"]' ]
	run -0 x 'reduce .arr[] as $y (.[]; .)' '{"arr":[],"e":null}'
	[ "$output" = '1 error Cannot iterate over null (null)' ]
	# 4: an object index is a slice, and a missing start or end no number
	run -0 x '"a"[.], ([1,2] | .[{"start":null,"end":null}])' '{}'
	[ "$output" = '1 error Start and end indices of an string slice must be numbers' ]
	run -0 x '"abc" | .[{"start":1,"end":2}], .[{"end":2,"start":null}]' null
	[ "$output" = $'1 0 string "b"\n1 0 string "ab"' ]
	# 5: an interpolated constant is a value, not text
	run -0 x '"a\(1)", "\\\(1)\"", "\n\(1)\u00e9\([.["\u00e9"]]) \(."arr"?) "' null
	[ "$output" = '1 0 string "a1"
1 0 string "\\1\""
1 0 string "\n1é[null] null "' ]
	run -0 x '{"a",b,"a$\(1+1)"}' '{"a":1, "b":2, "c":3, "a$2":4}'
	[ "$output" = '1 0 object {"a":1,"b":2,"a$2":4}' ]
	# 6: reverse is [.[length - 1 - range(0;length)]]: a number errs, NaN
	# too (range(0; nan) counts up, as jq's RANGE stops only at >=)
	run -0 x '.a | reverse' '{"a":NaN}'
	[ "$output" = '1 error Cannot index number with number' ]
	run -0 x 'reverse' 3
	[ "$output" = '1 error Cannot index number with number' ]
	run -0 x '[limit(3; range(0; nan))], [limit(2; range(nan; 3))], (null | reverse)' null
	[ "$output" = $'1 0 array [0,1,2]\n1 0 array [null,null]\n1 0 array []' ]
	# 7: Debian's jq 1.6 refuses a NaN code point, and nothing else numeric
	run -0 x '[.[]?] | implode' '{"o":NaN}'
	[ "$output" = "1 error number (null) can't be imploded, unicode codepoint needs to be numeric" ]
	run -0 x 'implode' '[1e10,-1,55296,1.5,65]'
	[ "$output" = '1 0 string "���\u0001A"' ]
	# 8: an error in the source unwinds into a try of the initial value,
	# whose handler is a second initial value: the source runs on null
	run -0 x 'reduce .arr as $y (try . catch "h"; [., $y]), reduce .arr as $y (try . catch true; $y)' '"s"'
	[ "$output" = $'1 0 array ["h",null]\n1 0 null null' ]
	run -0 x '[foreach .arr as $y (try . catch "h"; [., $y])]' '"s"'
	[ "$output" = '1 0 array [["h",null]]' ]
	# mktime's sentinels are jq's even where they are real times
	run -0 x 'gmtime | mktime' -2
	[ "$output" = '1 error mktime not supported on this platform' ]
	# a constant object or array as a key is a compile error: libjq's
	for e in '{({"a":null}): 1}' '{([1]): 1}' '. as {([]): $x} | $x'; do
		run -2 --separate-stderr t_field -p "$e"
		[[ "$stderr" == *"as object key"* ]] || [[ "$stderr" == *"Cannot use"* ]] ||
			{ echo "$e: $stderr" >&2; return 1; }
	done
}

@test "jqc: import and include look in ~/.jq, as jq does; a missing module is a usage error" {
	echo '{"a":1}' >in
	run -2 --separate-stderr histo -f 'import "a" as foo; .' --counts in
	[ "${stderr%%$'\n'*}" = 'histo: --field import "a" as foo; .: jq: error: module not found: a' ]
	run -2 --separate-stderr histo -f 'include "m"; .' --counts in
	[ "${stderr%%$'\n'*}" = 'histo: --field include "m"; .: jq: error: module not found: m' ]
	mkdir -p home/.jq
	echo 'def f: .a + 41;' >home/.jq/m.jq
	echo 'def g: 7;' >local.jq
	HOME=$PWD/home run -0 histo -f 'include "m"; f' --counts in
	[ "$output" = '{"value":42,"count":1}' ]
	HOME=$PWD/home run -0 histo -f 'import "m" as m; m::f' --counts in
	[ "$output" = '{"value":42,"count":1}' ]
	run -0 histo -f 'include "./local"; g' --counts in
	[ "$output" = '{"value":7,"count":1}' ]
}

@test "jqc: TRAWL_EXPLAIN makes each tool say which path each expression takes" {
	echo '{"a":{"b":1},"t":"2017-03-12T10:00:00Z","ip":"1.2.3.4"}' >in
	TRAWL_EXPLAIN=1 run -0 --separate-stderr histo -f '.a | .b' --by input_filename --counts in
	[ "$stderr" = 'histo: explain: compiled: .a | .b
histo: explain: libjq (input_filename is not compiled): input_filename' ]
	TRAWL_EXPLAIN=1 run -0 --separate-stderr sessionize -k '"\(.ip):\(.a.b)"' -t .t \
	    --distinct '.a.b' in
	[ "$stderr" = 'sessionize: explain: compiled: "\(.ip):\(.a.b)"
sessionize: explain: plain path: .t
sessionize: explain: plain path: .a.b' ]
	# nothing without it
	run -0 --separate-stderr histo -f '.a | .b' --counts in
	[ "$stderr" = "" ]
}

@test "jqc: every tool expression the README and the man pages show runs compiled or as a plain path" {
	# Single-quoted words of the text (man escapes undone) that compile
	# as jq: titles and formats do not; the jq binary's own programs in
	# examples/*.sh are not shown there.  compiled.bats covers the demo.
	local n=0 e r
	while IFS= read -r e; do
		r=$(t_field -e "$e" 2>/dev/null) || continue
		n=$((n + 1))
		[ "$r" = compiled ] || [ "$r" = "plain path" ] || { echo "$r: $e" >&2; return 1; }
	done < <(sed 's/\\e/\\/g; s/\\(dq/"/g' "$BATS_TEST_DIRNAME"/../README.md \
	    "$BATS_TEST_DIRNAME"/../man/*.[17] | grep -oE "'[^']+'" | sed "s/^'//; s/'\$//" | sort -u)
	[ "$n" -ge 15 ]
}
