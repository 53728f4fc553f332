#!/usr/bin/env bats
# trawl's jq evaluator against libjq 1.6 (issue 11) through tests/t_jqdiff:
# a fixed-seed smoke of random expressions on random records, checks of
# the harness itself, and the regression cases of what it has found.
# tests/jqdiff.h says how expressions and records are drawn and compared.

load helper

t_jqdiff() { "$TRAWL_TESTBIN/t_jqdiff" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# agree EXPR RECORD...: trawl and libjq give the same answer to EXPR on
# each record, and EXPR runs compiled (or as a plain path).
agree() {
	local e=$1
	shift
	printf '%s\n' "$@" >records
	run -0 t_jqdiff -x -e "$e" <records
	[ -z "$output" ]
}

@test "jqdiff: smoke: trawl and libjq agree on 150 random expressions over 100 records each" {
	run -0 t_jqdiff -s 1 -n 150 -r 100
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == "t_jqdiff: seed 1: 150 cases, 15000 pairs (compiled "*"; 0 disagreements (0 distinct shown)" ]]
	# Most pairs compute something: a smoke of errors alone would
	# prove little.
	[[ ${lines[1]} =~ ^t_jqdiff:\ libjq\'s\ answers:\ ([0-9]+)\ with\ values,\ ([0-9]+)\ with\ none,\ ([0-9]+)\ errors\;\ ([0-9]+)\ pairs\ handed\ to\ libjq\ by\ a\ compiled\ expression\ \(not\ compared\)$ ]]
	[ "${BASH_REMATCH[1]}" -gt 6500 ]
	[ "${BASH_REMATCH[3]}" -gt 1000 ]
	# A compiled expression gives libjq a record only rarely (9 here):
	# pairs not compared must not hollow the smoke out.
	[ "${BASH_REMATCH[4]}" -lt 150 ]
}

@test "jqdiff: the generators are deterministic, and seeds differ" {
	t_jqdiff -g -n 300 -s 5 >a
	t_jqdiff -g -n 300 -s 5 >b
	t_jqdiff -g -n 300 -s 6 >c
	cmp a b
	run -1 cmp -s a c
	t_jqdiff -R -n 300 -s 5 >a
	t_jqdiff -R -n 300 -s 5 >b
	t_jqdiff -R -n 300 -s 6 >c
	cmp a b
	run -1 cmp -s a c
}

@test "jqdiff: every construct of the compiled subset is drawn, and some outside it" {
	run -0 t_jqdiff -g -c -n 10000 -s 1
	[ "${lines[0]}" = "construct                       cases      pairs  compiled" ]
	few=$(printf '%s\n' "${lines[@]:1}" | grep -v '(outside)' | awk '$(NF-2) < 20')
	[ -z "$few" ] || { echo "drawn fewer than 20 times in 10000: $few" >&2; return 1; }
	# The issue's list, one by one.
	for c in '.[-n]' '.[m:n]' '"\(e)"' '@f "\(e)"' '{(e): e}' '{$v}' '{a}' '{"a"}' \
	    '{if: e}' 'str * num' 'obj * obj' 'str / str' 'arr - arr' 'null + x' \
	    'num % num' 'try e catch e' 'foreach/3' 'reduce' 'e as $x | e' 'elif' \
	    'range/3' 'limit/2' 'first/1' 'any/2' 'implode/0' 'gsub/3' 'capture/2' '@tsv/0' \
	    'strptime/1' 'strftime/1' 'mktime/0' 'gmtime/0' 'todateiso8601/0' 'with_entries/1' \
	    'in/1' 'inside/1' 'utf8bytelength/0' 'map_values/1' 'unique_by/1' 'error/1'; do
		printf '%s\n' "${lines[@]}" | awk -v c="$c  " 'index($0, c) == 1 { found = 1 } END { exit !found }' ||
			{ echo "never drawn: $c" >&2; return 1; }
	done
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '(outside)')" -gt 20 ]
}

@test "jqdiff: records hold every JSON type, odd numbers and strings, duplicate and missing keys" {
	t_jqdiff -R -n 3000 -s 1 >records
	for s in 'null' 'true' 'false' '\[\]' '{}' '1e1000' '-0' '1\.0' '1E2' '100000000000000000001' \
	    '0\.1' 'NaN' '\\ud83d\\ude00' '\\udc00' '\\u0000' '"\\u0061"' '"\\u00e9"' \
	    '"2015-03-05T23:51:47Z"' '1425599507' '{"a":1' '1e-5' '1e17' '1\.5e300'; do
		grep -q -- "$s" records || { echo "no $s" >&2; return 1; }
	done
	LC_ALL=C grep -q $'\xff' records
	# the same key twice in one object
	grep -qE '"(a|b|c|n|s)" *:.*[,{] *"\1" *:' records
	# records without "a" (missing members)
	[ "$(jq -R 'fromjson? | objects | has("a") | not' records | grep -c true)" -gt 200 ]
}

@test "jqdiff: a disagreement is found, shrunk and reported (a pretended bug)" {
	# -M: every string trawl yields starts with '#'
	run -1 t_jqdiff -M -n 20 -r 20 -k 2 -s 1
	[ "${lines[0]}" = "DISAGREEMENT: texts differ" ]
	[[ ${lines[1]} == '  expr: "a"   ['*']' ]]
	[ "${lines[2]}" = '  record: null' ]
	[ "${lines[3]}" = '  libjq:  "a" (string)' ]
	[ "${lines[4]}" = '  trawl:  "#" (string)' ]
	[[ ${lines[5]} =~ ^t_jqdiff:\ seed\ 1:\ 20\ cases,\ 400\ pairs\ .*\;\ ([0-9]+)\ disagreements\ \(1\ distinct\ shown\)$ ]]
	[ "${BASH_REMATCH[1]}" -gt 10 ]
	[[ ${lines[7]} == "t_jqdiff: "*" disagreements not shrunk (one per case, -k in all)" ]]
}

@test "jqdiff: the harness agrees with itself: plain paths, and libjq against libjq" {
	run -0 t_jqdiff -P -s 2 -n 100 -r 30
	[[ ${lines[0]} =~ plain\ path\ ([0-9]+), ]]
	[ "${BASH_REMATCH[1]}" -gt 2800 ]
	[[ ${lines[0]} == *"; 0 disagreements (0 distinct shown)" ]]
	run -0 t_jqdiff -S -s 2 -n 20 -r 30
	[[ ${lines[0]} == *"(compiled 0 = 0.0%, plain path 0, libjq 600)"*"; 0 disagreements (0 distinct shown)" ]]
}

@test "jqdiff: a subtree of the record returned whole is compared by jq equality" {
	agree .o '{"o":-1e1000}' '{"o":{"a":1,"a":2}}' $'{"o":"\xff"}' '{"o":1.0}' '{"o":[1E2,-0]}' \
	    '{"o":"\ud83d\ude00"}' '{"o" : { "b" : 1 , "a" : [ ] } }'
}

@test "jqdiff: -x fails for a field that does not run compiled" {
	run -1 t_jqdiff -x -e input_line_number -e .a <<<'{}'
	[[ $output == "NOT COMPILED: input_line_number   [libjq"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "jqdiff: a pair that never ends is reported with its reproduction" {
	# jq 1.6's index("") never returns: the generator never writes it
	run -3 t_jqdiff -t 1 -e '"abc" | index("")' <<<'{}'
	[ "$output" = $'TOO SLOW: a pair ran past the time limit\n  expr:   "abc" | index("")\n  record: {}' ]
}

@test "jqdiff: usage errors" {
	run -2 t_jqdiff -n x
	[[ ${lines[0]} == "usage: t_jqdiff "* ]]
	run -2 t_jqdiff extra
	run -2 t_jqdiff -t 0
}

# Regression cases: what the differential tests found (/work/tools/diff-findings.md),
# each once fixed.

@test "jqdiff: finding 9: a repaired plain-path value writes big numbers as jq does" {
	agree . $'{"c":123456789012345678901234567890,"s":"\xff"}' $'{"o":1485817596984554752,"\xff":null}' \
	    $'[1e17,12345678901234567,-1e19,"\xc3"]'
}
