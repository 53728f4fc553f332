#!/usr/bin/env bats
# --output tsv|csv: lib/tabular.c through lib/cli.c's output layer, with the
# t_rows driver (each input line is a record a tool built).

load helper

t_rows() { "$TRAWL_TESTBIN/t_rows" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

@test "tabular: CSV quotes strings, doubles quotes, keeps commas and newlines inside quotes" {
	printf '%s\n' '{"key":"a,b","count":3}' '{"key":"say \"hi\"","count":1.5e3}' \
	    '{"key":"two\nlines\r","count":-0}' >in
	run -0 --separate-stderr t_rows csv <in
	# The carriage return stays inside the quotes, as RFC 4180 allows.
	assert_output "$(printf '"key","count"\n"a,b",3\n"say ""hi""",1.5e3\n"two\nlines\r",-0')"
	[ -z "$stderr" ]
}

@test "tabular: TSV escapes tab, newline, carriage return and backslash as jq's @tsv does" {
	printf '%s\n' '{"k":"a\tb","v":"c\nd"}' '{"k":"e\\f","v":"g\rh"}' '{"k":"plain","v":"\u00e9 \u0001"}' >in
	run -0 t_rows tsv <in
	# jq 1.6 writes the same bytes for the same strings.
	jq -r '[.k, .v] | @tsv' in >expected
	{ echo $'k\tv'; cat expected; } >expected.all
	t_rows tsv <in >got
	same expected.all got
	[ "${lines[1]}" = 'a\tb	c\nd' ]
	[ "${lines[2]}" = 'e\\f	g\rh' ]
}

@test "tabular: CSV strings agree with jq's @csv" {
	printf '%s\n' '{"k":"a,b","v":"q\"x"}' '{"k":"line\nbreak","v":""}' '{"k":"\u00e9t\u00e9","v":"x\\y"}' >in
	jq -r '[.k, .v] | @csv' in >expected
	{ echo '"k","v"'; cat expected; } >expected.all
	t_rows csv <in >got
	same expected.all got
}

@test "tabular: null and a member a record lacks are empty cells; true, false and numbers bare" {
	printf '%s\n' '{"a":null,"b":true,"c":false,"d":1485817596984554752}' '{"b":false}' >in
	run -0 t_rows tsv <in
	assert_output "$(printf 'a\tb\tc\td\n\ttrue\tfalse\t1485817596984554752\n\tfalse\t\t')"
	run -0 t_rows csv <in
	assert_output - <<-'EOF'
	"a","b","c","d"
	,true,false,1485817596984554752
	,false,,
	EOF
}

@test "tabular: nested values are compact JSON, quoted in CSV, escaped in TSV" {
	printf '%s\n' '{"group":["a", 1, {"x y" : "t\tu"}],"n":{"k":[ ]}}' >in
	run -0 t_rows csv <in
	assert_output - <<-'EOF'
	"group","n"
	"[""a"",1,{""x y"":""t\tu""}]","{""k"":[]}"
	EOF
	run -0 t_rows tsv <in
	assert_output - <<-'EOF'
	group	n
	["a",1,{"x y":"t\\tu"}]	{"k":[]}
	EOF
}

@test "tabular: members in another order go to their columns; declared columns make the header" {
	printf '%s\n' '{"cidr":"10.0.0.0/8","count":2}' '{"count":1,"start":"10.0.0.1","end":"10.0.0.9"}' >in
	run -0 t_rows csv cidr start end count <in
	assert_output - <<-'EOF'
	"cidr","start","end","count"
	"10.0.0.0/8",,,2
	,"10.0.0.1","10.0.0.9",1
	EOF
}

@test "tabular: a member the header lacks is an error, exit 1" {
	printf '%s\n' '{"a":1}' '{"a":2,"b":3}' >in
	run -1 --separate-stderr t_rows tsv <in
	[ "$stderr" = "t_rows: --output tsv: a record has a member the table's header lacks" ]
}

@test "tabular: names with escapes are decoded; a name given twice is one column (the last value)" {
	printf '%s\n' '{"a\"b":1,"c":2,"c":3}' >in
	run -0 t_rows csv <in
	assert_output - <<-'EOF'
	"a""b","c"
	1,3
	EOF
}

@test "tabular: no records, no header; ndjson is the records as they are" {
	run -0 --separate-stderr t_rows csv </dev/null
	[ -z "$output" ]
	[ -z "$stderr" ]
	printf '%s\n' '{"a": 1}' '{"b":[1, 2]}' >in
	run -0 t_rows ndjson <in
	assert_output - <in
}

@test "tabular: an unknown format is a usage error, exit 2" {
	run -2 --separate-stderr t_rows json </dev/null
	[ "${stderr_lines[0]}" = "t_rows: --output: expected ndjson, tsv or csv: json" ]
}

@test "tabular: a row allocates nothing once its buffers have grown" {
	run -0 "$TRAWL_TESTBIN/t_noalloc" row csv '{"a":"x,\"y","b":[1, {"c":"d"}],"c\n":null}'
	[ "$output" != sanitizer ] || skip "a sanitizer owns malloc"
	assert_output '{"a":"x,\"y","b":[1, {"c":"d"}],"c\n":null} 0'
	run -0 "$TRAWL_TESTBIN/t_noalloc" row tsv '{"k":"t\tu\\v","n":1.5e3}'
	assert_output '{"k":"t\tu\\v","n":1.5e3} 0'
}
