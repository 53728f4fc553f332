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

# xcases: run x on each case of the table on stdin, laid out as jq's own
# jq.test: an expression line, an input line, then the exact lines x
# writes (exit 0), cases apart by a blank line, "#" lines as comments.  It
# stops at the first case that differs, naming it and showing the diff.
xcases() {
	local -a rows
	local expr="" input="" want="" row at
	mapfile -t rows
	rows+=("")
	# Not "i": bats' run (its version check) sets a global i.
	for ((at = 0; at < ${#rows[@]}; at++)); do
		row=${rows[at]}
		if [ -n "$row" ]; then
			if [ -z "$expr" ] && [[ $row == '#'* ]]; then
				continue
			elif [ -z "$expr" ]; then
				expr=$row
			elif [ -z "$input" ]; then
				input=$row
			else
				want+=${want:+$'\n'}$row
			fi
			continue
		fi
		[ -n "$expr" ] || continue
		echo "case: $expr (on $input)"
		[ -n "$want" ] || { echo "the case has no expected output" >&2; return 1; }
		run -0 x "$expr" "$input"
		if [ "$output" != "$want" ]; then
			echo "differs: $expr (on $input)" >&2
			diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$output") >&2
			return 1
		fi
		expr="" input="" want=""
	done
}

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
	xcases <<'EOF'
.a | tonumber
{"a":"0x10"}
1 error Invalid numeric literal at EOF at line 1, column 4 (while parsing '0x10')
EOF
	# under try without catch no one reads the message: no libjq
	TRAWL_NO_BAIL=1 run -0 x '[.[] | tonumber?]' '["1","x","2"]'
	[ "$output" = '1 0 array [1,2]' ]
}

@test "jqc: several outputs come in jq's order" {
	xcases <<'EOF'
[(1,2) + (10,20)]
null
1 0 array [11,12,21,22]

"\((1,2))-\((3,4))"
null
1 0 string "1-3"
1 0 string "2-3"
1 0 string "1-4"
1 0 string "2-4"

{a:(1,2), b:(3,4)}
null
1 0 object {"a":1,"b":3}
1 0 object {"a":1,"b":4}
1 0 object {"a":2,"b":3}
1 0 object {"a":2,"b":4}

[range(0,1; 3,4)]
null
1 0 array [0,1,2,0,1,2,3,1,2,1,2,3]

[pow(1,2; 3,4)]
null
1 0 array [1,8,1,16]

"abab" | [gsub("(?<x>b)"; "1", "2")]
null
1 0 array ["a1a1","a2a1","a1a2","a2a2"]

[.[] | select(. > 1)], ([.[]] | length)
[3,1,2]
1 0 array [3,2]
1 0 number 3
EOF
}

@test "jqc: jq 1.6's quirks are kept" {
	# a try catches errors raised downstream of its body's outputs
	xcases <<'EOF'
(try (1,2) catch "c") | if . == 1 then error("x") else . end
null
1 0 string "c"

[first((try (1,2)), 3)]
null
1 0 array [1,3]

[limit(0; 1,2)]
null
1 0 array [1]

[error(null)], (try error(null) catch "c")
null
1 0 array []

reduce (1,2) as $x (0; empty), [foreach (1,2,3) as $x (0; .+$x, .*10)]
null
1 0 null null
1 0 array [1,0,2,0,3,0]

[limit(5; 1 | repeat(.*10))]
null
1 0 array [10,10,10,10,10]

[1,2,3] | map_values(select(. != 2))
null
1 0 array [1,3,null]

"aaa" | gsub("^a"; "b"), ("a,b, cd" | index(", "))
null
1 0 string "bbb"
1 0 number 3

"x" * 0, "x" * 0.5, "x" * 2.7
null
1 0 null null
1 0 string "x"
1 0 string "xx"

0 / 0, (-5 % 3), (5.9 % 3), (nan % 5)
null
1 0 number null
1 0 number -2
1 0 number 2
1 0 number -3

# sub/2 is builtin.jq's first definition of it, which calls match/1
sub(1; "x")
"abc"
1 error number not a string or array
EOF
}

@test "jqc: // and errors" {
	xcases <<'EOF'
.b // 5, (.a.b // 5), ([(1,null,2) // 3])
{"a":null,"b":false}
1 0 number 5
1 0 number 5
1 0 array [1,2]

.b // 5
"a"
1 error Cannot index string with string "b"

error("x") // 5
null
1 error x
EOF
}

@test "jqc: errors carry jq's words" {
	xcases <<'EOF'
.a.b
{"a":1}
1 error Cannot index number with string "b"

.[]?.x
{"a":1}
1 error Cannot index number with string "x"

.[]
"abcdefghijklmnop"
1 error Cannot iterate over string ("abcdefghij...)

error({"a":1})
null
1 error {"a":1} (not a string)

{(.a): 1}
{"a":1}
1 error Cannot use number (1) as object key

.a + .b
{"a":12345678901234567890,"b":"x"}
1 error number (12345678901...) and string ("x") cannot be added

-.
"s"
1 error string ("s") cannot be negated

test("(")
"s"
1 error Regex failure: end pattern with unmatched parenthesis

test("a"; "q")
"s"
1 error q is not a valid modifier string

strptime("%Y")
"x"
1 error date "x" does not match format "%Y"

@foo
null
1 error foo is not a valid format

[1,[2]] | @sh
null
1 error array ([2]) can not be escaped for shell

implode
["a"]
1 error string ("a") can't be imploded, unicode codepoint needs to be numeric
EOF
}

@test "jqc: values print as jq prints them; unchanged subtrees keep the record's text" {
	xcases <<'EOF'
1e1000, 0.1+0.2, 3.0, -0, 1e-5, 100000000000000000000, 1.1e16
null
1 0 number 1.7976931348623157e+308
1 0 number 0.30000000000000004
1 0 number 3
1 0 number -0
1 0 number 1e-05
1 0 number 1e+20
1 0 number 11000000000000000

select(.a == 1) | .big, [.big], .f, [.f]
{"a":1,"big":1485817596984554752,"f":1.0}
1 0 number 1485817596984554752
1 0 array [1485817596984554800]
1 0 number 1.0
1 0 array [1]

keys_unsorted, [.[]], {b: .b, a: 0}
{"b":1,"a":2,"b":3}
1 0 array ["b","a"]
1 0 array [3,2]
1 0 object {"b":3,"a":0}

[.s], (.s | length, utf8bytelength, .[1:3])
{"s":"\u00e9\ud83d\ude00a\u0000\u007f"}
1 0 array ["é😀a\u0000\u007f"]
1 0 number 5
1 0 number 9
1 0 string "😀a"
EOF
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
	xcases <<'EOF'
[match("(a)|(b)"; "g") | .captures | map(.string)]
"ab"
1 0 array [["a",null],[null,"b"]]

capture("(?<y>[0-9]+)-(?<m>[0-9]+)")
"on 2015-03"
1 0 object {"y":"2015","m":"03"}

[scan("[0-9]")], [splits(", *")], sub("(?<x>[a-z])"; "<\(.x)>")
"a1, b2,c3"
1 0 array ["1","2","3"]
1 0 array ["a1","b2","c3"]
1 0 string "<a>1, b2,c3"

fromdate, (fromdate | todate), strptime("%Y-%m-%dT%H:%M:%SZ")
"2015-03-05T23:51:47Z"
1 0 number 1425599507
1 0 string "2015-03-05T23:51:47Z"
1 0 array [2015,2,5,23,51,47,4,63]

gmtime, strftime("%A, %B %d, %Y")
1425599507.9
1 0 array [2015,2,5,23,51,47.90000009536743,4,63]
1 0 string "Thursday, March 05, 2015"

strptime("%H:%M"), ("2015 rest" | strptime("%Y"))
"10:20"
1 0 array [1900,0,0,10,20,0,8,367]
1 0 array [2015,0,0,0,0,0,3,-1," rest"]
EOF
}

@test "jqc: where jq 1.6 crashes or never ends, the compiled path raises an error" {
	xcases <<'EOF'
todate
1e20
1 error errror converting number of seconds since epoch to datetime

gsub(""; "-")
"abc"
1 error a global substitution of an empty match never ends (jq 1.6 fills the memory here)

index("")
"abc"
1 error cannot find an empty string's indices (jq 1.6 fills the memory here)

[match("";"g")]
"aé"
1 error a global zero-width match inside a multi-byte character (jq 1.6 crashes here)

# diff-findings 2: a NaN slice index fails jq 1.6's assertion
.[nan:], .[1:nan], ("abc" | .[nan:2])
[1,2,3]
1 error Start and end indices of an array slice must not be NaN (jq 1.6 aborts here)

.[:nan]
"abc"
1 error Start and end indices of an string slice must not be NaN (jq 1.6 aborts here)

[.[nan:]?]
"abc"
1 0 array []

# diff-findings 2: a dividend that truncates to INT64_MIN over -1 traps in C
[.[] % -1]
[-9223372036854775808]
1 error number (-9223372036...) and number (-1) cannot be divided (remainder): the dividend is out of range (jq 1.6 crashes here)

[.[] % -2, 1e1000 % 3, (-7) % -1]
[-9223372036854775808]
1 0 array [0,-2,0]

todate
1e300
1 error errror converting number of seconds since epoch to datetime

strftime("%Y")
NaN
1 error errror converting number of seconds since epoch to datetime
EOF
}

@test "jqc: a value nested deeper than jq writes is an error, as on the libjq path" {
	xcases <<'EOF'
reduce range(300) as $i (0; [.])
null
1 error a value nests deeper than jq can write (256 levels)

try reduce range(300) as $i (0; [.]) catch "caught"
null
1 error a value nests deeper than jq can write (256 levels)

reduce range(300) as $i (0; [.]) | tojson | length
null
1 0 number 543
EOF
}

@test "jqc: deep recursion and endless generators are bounded" {
	xcases <<'EOF'
[limit(3; range(0; infinite))], [limit(2; repeat(1))]
null
1 0 array [0,1,2]
1 0 array [1,1]

[recurse(if . < 5000 then . + 1 else empty end)] | length
0
1 0 number 5001
EOF
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
	xcases <<'EOF'
[foreach (.|tojson) as $x (0, 10, 20; $x)]
[1,2]
1 0 array ["[1,2]","null","null"]

reduce .arr[] as $y (.[]; .)
{"arr":[],"e":null}
1 error Cannot iterate over null (null)

# 4: an object index is a slice, and a missing start or end no number
"a"[.], ([1,2] | .[{"start":null,"end":null}])
{}
1 error Start and end indices of an string slice must be numbers

"abc" | .[{"start":1,"end":2}], .[{"end":2,"start":null}]
null
1 0 string "b"
1 0 string "ab"

# 5: an interpolated constant is a value, not text
"a\(1)", "\\\(1)\"", "\n\(1)\u00e9\([.["\u00e9"]]) \(."arr"?) "
null
1 0 string "a1"
1 0 string "\\1\""
1 0 string "\n1é[null] null "

{"a",b,"a$\(1+1)"}
{"a":1, "b":2, "c":3, "a$2":4}
1 0 object {"a":1,"b":2,"a$2":4}

# 6: reverse is [.[length - 1 - range(0;length)]]: a number errs, NaN
# too (range(0; nan) counts up, as jq's RANGE stops only at >=)
.a | reverse
{"a":NaN}
1 error Cannot index number with number

reverse
3
1 error Cannot index number with number

[limit(3; range(0; nan))], [limit(2; range(nan; 3))], (null | reverse)
null
1 0 array [0,1,2]
1 0 array [null,null]
1 0 array []

# 7: Debian's jq 1.6 refuses a NaN code point, and nothing else numeric
[.[]?] | implode
{"o":NaN}
1 error number (null) can't be imploded, unicode codepoint needs to be numeric

implode
[1e10,-1,55296,1.5,65]
1 0 string "���\u0001A"

# 8: an error in the source unwinds into a try of the initial value,
# whose handler is a second initial value: the source runs on null
reduce .arr as $y (try . catch "h"; [., $y]), reduce .arr as $y (try . catch true; $y)
"s"
1 0 array ["h",null]
1 0 null null

[foreach .arr as $y (try . catch "h"; [., $y])]
"s"
1 0 array [["h",null]]

# mktime's sentinels are jq's even where they are real times
gmtime | mktime
-2
1 error mktime not supported on this platform
EOF
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
