#!/usr/bin/env bats
# histo(1): numeric bins, value counts, time series, weights, maps, series,
# summaries, --merge, the terminal and SVG charts, every bad input, and each
# EXAMPLE of the man page on fixtures shaped like the two Mozilla cases.
#
# aurora.ndjson: 10 pings of one client.  Ids a (lines 1,3,5,7), b (2,9),
# c (4), d (6), e (8), f (10); submission days 20170301 (lines 1-2),
# 20170302 (3-5), none on 20170303, 20170304 (6-10).  Session lengths
# a 59, b 78, c 300, d 155, e 250, f 61; CPU MHz a 2399, b 3504, c 2400,
# d 2400, e 5200, f 2397.  Every ping has the non-system add-on "Random
# Agent Spoofer" and the system add-on "Multi-process staged rollout";
# b adds "Alexa Traffic Rank", c "RefControl", d "Alexa Traffic Rank" and
# "StopTube", f "Stop YouTube Autoplay".
#
# ssl.ndjson: 6 pings.  client-a: {"2":0,"3":85,"4":2,"5":0} sum 263 and
# {"0":0,"1":7,"3":601,"4":0} sum 1810; client-b: {"2":0,"3":78,"4":1,"5":0}
# sum 238; client 99999999-...x: three copies of one document (days
# 20170311, 20170312, 20170312) with {"2":0,"3":39340491370,"4":1,"5":0} and
# sum 118021474114.

load helper

EX=$DATA/man
A=$EX/aurora.ndjson
SSL=$EX/ssl.ndjson
X=99999999-0000-4000-8000-00000000000x

# n CHAR COUNT: COUNT copies of CHAR.
n() {
	local i s=
	for ((i = 0; i < $2; i++)); do s+=$1; done
	printf '%s' "$s"
}
FULL=█

need_pingdedup() {
	command -v pingdedup >/dev/null ||
		skip "pingdedup is not built in $TRAWL_BIN (the example pipes through it)"
}

# stats: the counters of the --stats line in $stderr that do not vary.
stats() {
	jq -c '{read, written, bad, missing, values}' <<<"${stderr_lines[-1]}"
}

# ---- numeric bins ----

@test "histo: --width bins on the grid, empty bins written, decimal edges that do not drift" {
	run -0 histo -f .x --width 0.1 <<<'{"x":0.1}
{"x":0.2}
{"x":0.3}
{"x":0.7}
{"x":1}'
	expect <<'EOF'
{"lo":0.1,"hi":0.2,"count":1}
{"lo":0.2,"hi":0.3,"count":1}
{"lo":0.3,"hi":0.4,"count":1}
{"lo":0.4,"hi":0.5,"count":0}
{"lo":0.5,"hi":0.6,"count":0}
{"lo":0.6,"hi":0.7,"count":0}
{"lo":0.7,"hi":0.8,"count":1}
{"lo":0.8,"hi":0.9,"count":0}
{"lo":0.9,"hi":1,"count":0}
{"lo":1,"hi":1.1,"count":1}
EOF
}

@test "histo: --width with --min starts the grid there, negative values included" {
	run -0 histo -f .x --width 0.25 --min -0.5 <<<'{"x":-0.25}
{"x":0.3}'
	expect <<'EOF'
{"lo":-0.5,"hi":-0.25,"count":0}
{"lo":-0.25,"hi":0,"count":1}
{"lo":0,"hi":0.25,"count":0}
{"lo":0.25,"hi":0.5,"count":1}
EOF
}

@test "histo: --bins over the data's range: [lo, hi) and the last bin holds the maximum" {
	run -0 histo -f .x --bins 3 <<<'{"x":3}
{"x":0}
{"x":2}
{"x":1}'
	expect <<'EOF'
{"lo":0,"hi":1,"count":1}
{"lo":1,"hi":2,"count":1}
{"lo":2,"hi":3,"count":2}
EOF
}

@test "histo: one distinct value gets the range value +- 0.5" {
	run -0 histo -f .x --bins 2 <<<'{"x":5}
{"x":5}'
	expect <<'EOF'
{"lo":4.5,"hi":5,"count":0}
{"lo":5,"hi":5.5,"count":2}
EOF
}

@test "histo: --min/--max count underflow and overflow as lines around the bins" {
	printf '%s\n' '{"x":-1}' '{"x":0}' '{"x":5}' '{"x":10}' '{"x":11}' '{"x":12}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .x --min 0 --max 10 --bins 2 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"lo":null,"hi":0,"count":1}
{"lo":0,"hi":5,"count":1}
{"lo":5,"hi":10,"count":2}
{"lo":10,"hi":null,"count":2}
EOF
	run -0 histo -f .x --min 0 --max 10 --bins 2 --clip "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"lo":0,"hi":5,"count":2}
{"lo":5,"hi":10,"count":4}
EOF
}

@test "histo: --width with --max cuts the last bin at the maximum, which it holds" {
	run -0 histo -f .x --width 4 --min 0 --max 10 <<<'{"x":9}
{"x":10}
{"x":11}
{"x":0}'
	expect <<'EOF'
{"lo":0,"hi":4,"count":1}
{"lo":4,"hi":8,"count":0}
{"lo":8,"hi":10,"count":2}
{"lo":10,"hi":null,"count":1}
EOF
}

@test "histo: several values per record are several observations; null and nothing are missing" {
	run -0 --separate-stderr histo -f '.a[]' --width 1 --stats <<<'{"a":[1,null,3]}
{"a":[]}
{"a":[2]}'
	expect <<'EOF'
{"lo":1,"hi":2,"count":1}
{"lo":2,"hi":3,"count":1}
{"lo":3,"hi":4,"count":1}
EOF
	[ "$(stats)" = '{"read":3,"written":3,"bad":0,"missing":2,"values":3}' ]
}

@test "histo: input whose values are all missing writes nothing, exit 0" {
	run -0 --separate-stderr histo -f .x --stats <<<'{"y":1}
{"x":null}'
	[ -z "$output" ]
	[ "$(stats)" = '{"read":2,"written":0,"bad":0,"missing":2,"values":0}' ]
}

@test "histo: a value that is not a number makes its whole record bad" {
	run -1 --separate-stderr histo -f '.x[]' --width 1 <<<'[1]
{"x":[1]}
{"x":[5,"b"]}
{"x":[2]}'
	expect <<'EOF'
{"lo":1,"hi":2,"count":1}
{"lo":2,"hi":3,"count":1}
EOF
	[ "${stderr_lines[0]}" = 'histo: -:1: Cannot index array with string "x"' ]
	[ "${stderr_lines[1]}" = 'histo: -:3: value is not a number: "b"' ]
	[ "${stderr_lines[2]}" = 'histo: 2 bad lines skipped' ]
	run -0 --separate-stderr histo -f '.x[]' --width 1 --bad=skip <<<'{"x":["b"]}
{"x":[1]}'
	[ "$output" = '{"lo":1,"hi":2,"count":1}' ]
}

@test "histo: a NaN value (jq reads nan) or weight makes its record bad, for bins and summaries" {
	run -1 --separate-stderr histo -f .x -n 2 <<<'{"x":1}
{"x":nan}
{"x":2}
{"x":[NaN]}'
	expect <<'EOF'
{"lo":1,"hi":1.5,"count":1}
{"lo":1.5,"hi":2,"count":1}
EOF
	[ "${stderr_lines[0]}" = 'histo: -:2: value is NaN' ]
	# The value as jq writes it (jq's own messages say [null] too).
	[ "${stderr_lines[1]}" = 'histo: -:4: value is not a number: [null]' ]
	[ "${stderr_lines[2]}" = 'histo: 2 bad lines skipped' ]
	run -1 --separate-stderr histo -f .x --summary <<<'{"x":1}
{"x":-nan}
{"x":3}'
	[ "$output" = '{"count":2,"sum":4,"min":1,"max":3,"mean":2,"p50":2,"p90":2.8,"p99":2.98}' ]
	[ "${stderr_lines[0]}" = 'histo: -:2: value is NaN' ]
	run -1 --separate-stderr histo -f .x --weight .w --width 1 <<<'{"x":1,"w":nan}
{"x":1,"w":2}'
	[ "$output" = '{"lo":1,"hi":2,"sum":2}' ]
	[ "${stderr_lines[0]}" = 'histo: -:1: weight is NaN' ]
}

@test "histo: object members are typed as jq reads them, nan a number; a NaN --maps count is bad" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{ "a" :nan,"b":null,"c":-nan, "d":[1],"e":"x","f":true,"g":false,"h":{},"i":1}' '[1]' >in
	run -0 "$TRAWL_TESTBIN/t_jmember" <in
	[ "$output" = '"a" number nan
"b" null null
"c" number -nan
"d" array [1]
"e" string "x"
"f" true true
"g" false false
"h" object {}
"i" number 1
not an object' ]
	run -1 --separate-stderr histo --maps -f .m <<<'{"m":{"a":nan,"b":2}}
{"m":{"a":1}}'
	[ "$output" = '{"bucket":"a","count":1}' ]
	[ "${stderr_lines[0]}" = 'histo: -:1: --maps value holds a count that is not a number: {"a":null,"b":2}' ]
}

@test "histo: the value store keeps every NaN as one value, before all numbers, across spilled runs" {
	cd "$BATS_TEST_TMPDIR"
	printf '0 3\n0 nan\n0 1\n0 -nan\n0 2\n1 nan\n0 nan\n' >in
	run -0 "$TRAWL_TESTBIN/t_vstore" <in
	[ "$output" = $'0 nan 3\n0 1 1\n0 2 1\n0 3 1\n1 nan 1\nruns 1' ]
	awk 'BEGIN { for (i = 0; i < 3000; i++) print 0, (i % 100 == 0 ? (i % 200 ? "nan" : "-nan") : i % 1500) }' >many
	run -0 "$TRAWL_TESTBIN/t_vstore" 1024 <many
	[ "${lines[0]}" = '0 nan 30' ]
	[ "${lines[-1]}" = 'runs 3' ]
	[ "$(printf '%s\n' "${lines[@]}" | awk 'NR > 1 && $1 != "runs" { n += $3; if ($2 <= prev) bad++; prev = $2 } END { print n, bad + 0 }')" = '2970 0' ]
}

@test "histo: --bad=fail writes nothing: the histogram would be of part of the input" {
	run -1 --separate-stderr histo -f .x --bad=fail <<<'{"x":1}
{"x":"a"}
{"x":2}'
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = 'histo: -:2: value is not a number: "a"' ]
}

@test "histo: more than 2^24 bins is an error, not gigabytes of output" {
	run -1 --separate-stderr histo -f .x --width 1 <<<'{"x":0}
{"x":1e9}'
	[ -z "$output" ]
	[ "$stderr" = "histo: --width: the values span 1000000001 bins (more than 16777216); set --min and --max or a larger --width" ]
}

# ---- counts ----

@test "histo: --counts by count, then jq order; jq-equal values are one, printed as first seen" {
	run -0 histo -f .v --counts <<<'{"v":79.0}
{"v":"79"}
{"v":"a"}
{"v":true}
{"v":79}
{"v":[1]}
{"v":"a"}'
	expect <<'EOF'
{"value":79.0,"count":2}
{"value":"a","count":2}
{"value":true,"count":1}
{"value":"79","count":1}
{"value":[1],"count":1}
EOF
	run -0 histo -f .v --counts --top 2 <<<'{"v":"x"}
{"v":"y"}
{"v":"y"}
{"v":"z"}'
	expect <<'EOF'
{"value":"y","count":2}
{"value":"x","count":1}
EOF
}

@test "histo: --counts on the bundled real pings" {
	run -0 --separate-stderr histo -f .environment.system.os.name --counts --stats "$DATA"/pings/*.ndjson
	expect <<'EOF'
{"value":"Darwin","count":4}
{"value":"Windows_NT","count":4}
{"value":"Linux","count":3}
EOF
	[ "$(stats)" = '{"read":27,"written":3,"bad":0,"missing":16,"values":11}' ]
}

# ---- time ----

@test "histo: --per counts per interval from RFC 3339, epoch numbers and YYYYMMDD, empty intervals included" {
	printf '%s\n' '{"t":"2017-03-12T10:00:00Z"}' '{"t":1489363200}' '{"t":"20170315"}' '{"t":"2017-03-15T23:59:59.5+00:00"}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .t --per 1d "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":"2017-03-12T00:00:00Z","end":"2017-03-13T00:00:00Z","count":1}
{"start":"2017-03-13T00:00:00Z","end":"2017-03-14T00:00:00Z","count":1}
{"start":"2017-03-14T00:00:00Z","end":"2017-03-15T00:00:00Z","count":0}
{"start":"2017-03-15T00:00:00Z","end":"2017-03-16T00:00:00Z","count":2}
EOF
	# 2-day intervals start at the epoch: 2017-03-11, 13, 15.
	run -0 histo -f .t -p 2d --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":1489190400,"end":1489363200,"count":1}
{"start":1489363200,"end":1489536000,"count":1}
{"start":1489536000,"end":1489708800,"count":2}
EOF
}

@test "histo: --time-unit ms reads numbers as milliseconds" {
	run -0 histo -f .t -p 1h -u ms <<<'{"t":1489363200000}
{"t":1489370400001}'
	expect <<'EOF'
{"start":"2017-03-13T00:00:00Z","end":"2017-03-13T01:00:00Z","count":1}
{"start":"2017-03-13T01:00:00Z","end":"2017-03-13T02:00:00Z","count":0}
{"start":"2017-03-13T02:00:00Z","end":"2017-03-13T03:00:00Z","count":1}
EOF
}

@test "histo: a time that does not parse makes the record bad" {
	run -1 --separate-stderr histo -f .t -p 1d <<<'{"t":"yesterday"}
{"t":"20170312"}'
	[ "$output" = '{"start":"2017-03-12T00:00:00Z","end":"2017-03-13T00:00:00Z","count":1}' ]
	[ "${stderr_lines[0]}" = 'histo: -:1: bad time "yesterday": not an RFC 3339 time' ]
}

@test "histo: --per takes the calendar periods: day, ISO weeks from Monday, months, years" {
	printf '%s\n' '{"t":"2017-03-12T10:00:00Z"}' '{"t":"2017-03-13T00:00:00Z"}' '{"t":"2017-04-30T23:59:59Z"}' \
	    '{"t":"2016-02-29T12:00:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .t --per day <<<'{"t":"2017-03-12T10:00:00Z"}'
	[ "$output" = '{"start":"2017-03-12T00:00:00Z","end":"2017-03-13T00:00:00Z","count":1}' ]
	# 2017-03-12 is a Sunday: its ISO week began Monday 2017-03-06.
	run -0 histo -f '.t | select(startswith("2017-03"))' --per week "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":"2017-03-06T00:00:00Z","end":"2017-03-13T00:00:00Z","count":1}
{"start":"2017-03-13T00:00:00Z","end":"2017-03-20T00:00:00Z","count":1}
EOF
	# 1w counts seven days from the epoch, a Thursday.
	run -0 histo -f '.t | select(startswith("2017-03"))' --per 1w "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":"2017-03-09T00:00:00Z","end":"2017-03-16T00:00:00Z","count":2}
EOF
	run -0 histo -f .t --per month "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 15 ]
	[ "${lines[0]}" = '{"start":"2016-02-01T00:00:00Z","end":"2016-03-01T00:00:00Z","count":1}' ]
	[ "${lines[13]}" = '{"start":"2017-03-01T00:00:00Z","end":"2017-04-01T00:00:00Z","count":2}' ]
	[ "${lines[14]}" = '{"start":"2017-04-01T00:00:00Z","end":"2017-05-01T00:00:00Z","count":1}' ]
	run -0 histo -f .t --per year --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":1451606400,"end":1483228800,"count":1}
{"start":1483228800,"end":1514764800,"count":3}
EOF
}

@test "histo: --origin aligns durations: weeks from a Monday, 90m from a quarter past" {
	printf '%s\n' '{"t":"2017-03-12T10:00:00Z"}' '{"t":"2017-03-13T00:00:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .t --per 1w --origin 2017-03-06 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"start":"2017-03-06T00:00:00Z","end":"2017-03-13T00:00:00Z","count":1}
{"start":"2017-03-13T00:00:00Z","end":"2017-03-20T00:00:00Z","count":1}
EOF
	run -0 histo -f .t --per 90m --origin 2017-03-12T00:15:00Z <<<'{"t":"2017-03-12T10:00:00Z"}'
	[ "$output" = '{"start":"2017-03-12T09:15:00Z","end":"2017-03-12T10:45:00Z","count":1}' ]
}

@test "histo: bad periods and origins are usage errors, exit 2" {
	run -2 --separate-stderr histo -f .t --per fortnight </dev/null
	[ "${stderr_lines[0]}" = "histo: --per: not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, week, month, year: fortnight" ]
	run -2 --separate-stderr histo -f .t --per 0 </dev/null
	[ "${stderr_lines[0]}" = "histo: --per: a period must be longer than 0: 0" ]
	run -2 --separate-stderr histo -f .t --per 5x </dev/null
	[ "${stderr_lines[0]}" = "histo: --per: unknown duration unit (ns, us, ms, s, m, h, d, w): 5x" ]
	run -2 --separate-stderr histo -f .t --per month --origin 2017-03-06 </dev/null
	[ "${stderr_lines[0]}" = "histo: --origin: hour, day, week, month and year start where the UTC calendar does; an origin is for durations (1h, 1d, 1w)" ]
	run -2 --separate-stderr histo -f .t --per 1d --origin yesterday </dev/null
	[ "${stderr_lines[0]}" = "histo: --origin: not an RFC 3339 time: yesterday" ]
	run -2 --separate-stderr histo -f .t --origin 2017-03-06 </dev/null
	[ "${stderr_lines[0]}" = "histo: --origin is for --per" ]
}

@test "histo: --time-format reads Apache's and syslog's times" {
	run -0 histo -f .t --per hour --time-format '%d/%b/%Y:%H:%M:%S %z' <<<'{"t":"17/May/2015:10:05:03 +0000"}
{"t":"17/May/2015:13:59:59 +0200"}'
	expect <<'EOF'
{"start":"2015-05-17T10:00:00Z","end":"2015-05-17T11:00:00Z","count":1}
{"start":"2015-05-17T11:00:00Z","end":"2015-05-17T12:00:00Z","count":1}
EOF
	# Without a year, 1970; an expression can supply one.
	run -0 histo -f .t --per day --time-format '%b %e %H:%M:%S' <<<'{"t":"May  7 10:05:03"}'
	[ "$output" = '{"start":"1970-05-07T00:00:00Z","end":"1970-05-08T00:00:00Z","count":1}' ]
	run -0 histo -f '"2015 " + .t' --per day --time-format '%Y %b %e %H:%M:%S' <<<'{"t":"May  7 10:05:03"}'
	[ "$output" = '{"start":"2015-05-07T00:00:00Z","end":"2015-05-08T00:00:00Z","count":1}' ]
	run -1 --separate-stderr histo -f .t --per day --time-format '%b %e %H:%M:%S' <<<'{"t":"Mai  7 10:05:03"}'
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = 'histo: -:1: bad time "Mai  7 10:05:03": does not match the time format at %b (a month name)' ]
	run -2 --separate-stderr histo -f .t --per day --time-format '%Y-%V' </dev/null
	[ "${stderr_lines[0]}" = "histo: --time-format: %V is not supported in a time format (weeks of the year, centuries and locale modifiers are not)" ]
	run -2 --separate-stderr histo -f .t --counts --time-format '%Y' </dev/null
	[ "${stderr_lines[0]}" = "histo: --epoch, --time-unit and --time-format are for --per" ]
}

@test "histo: --time-format %f: a fraction's digits at their place, finer than nanoseconds dropped, not rounded" {
	# 100 ms periods put each time's fraction in view: .5 is half a
	# second (not 5 ns), .0999999999999 stays in the first period (rounded
	# it would be .1), and %z moves a fraction's second, not its digits.
	run -0 histo -f .t --per 100ms --time-format '%d/%b/%Y:%H:%M:%S.%f %z' <<<'{"t":"17/May/2015:12:00:00.5 +0200"}
{"t":"17/May/2015:10:00:00.25 +0000"}
{"t":"17/May/2015:10:00:00.125 +0000"}
{"t":"17/May/2015:10:00:00.999999999 +0000"}
{"t":"17/May/2015:10:00:00.0999999999999 +0000"}
{"t":"17/May/2015:10:00:00.05 +0000"}'
	expect <<'EOF'
{"start":"2015-05-17T10:00:00Z","end":"2015-05-17T10:00:00.1Z","count":2}
{"start":"2015-05-17T10:00:00.1Z","end":"2015-05-17T10:00:00.2Z","count":1}
{"start":"2015-05-17T10:00:00.2Z","end":"2015-05-17T10:00:00.3Z","count":1}
{"start":"2015-05-17T10:00:00.3Z","end":"2015-05-17T10:00:00.4Z","count":0}
{"start":"2015-05-17T10:00:00.4Z","end":"2015-05-17T10:00:00.5Z","count":0}
{"start":"2015-05-17T10:00:00.5Z","end":"2015-05-17T10:00:00.6Z","count":1}
{"start":"2015-05-17T10:00:00.6Z","end":"2015-05-17T10:00:00.7Z","count":0}
{"start":"2015-05-17T10:00:00.7Z","end":"2015-05-17T10:00:00.8Z","count":0}
{"start":"2015-05-17T10:00:00.8Z","end":"2015-05-17T10:00:00.9Z","count":0}
{"start":"2015-05-17T10:00:00.9Z","end":"2015-05-17T10:00:01Z","count":1}
EOF
}

@test "histo: epoch milliseconds read as seconds are bad, and the message names --time-unit ms" {
	run -1 --separate-stderr histo -f .t --per day <<<'{"t":1489312800123}'
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "histo: -:1: bad time 1489312800123: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 2017-03-12T10:00:00.123Z" ]
}

@test "histo: --merge reads month and week series back, from their first line or from --per" {
	printf '%s\n' '{"t":"2017-01-30T00:00:00Z"}' '{"t":"2017-03-02T00:00:00Z"}' >"$BATS_TEST_TMPDIR/a"
	printf '%s\n' '{"t":"2017-02-10T00:00:00Z"}' '{"t":"2017-03-31T00:00:00Z"}' >"$BATS_TEST_TMPDIR/b"
	for s in a b; do histo -f .t --per month "$BATS_TEST_TMPDIR/$s"; done >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/parts"
	expect <<'EOF'
{"start":"2017-01-01T00:00:00Z","end":"2017-02-01T00:00:00Z","count":1}
{"start":"2017-02-01T00:00:00Z","end":"2017-03-01T00:00:00Z","count":1}
{"start":"2017-03-01T00:00:00Z","end":"2017-04-01T00:00:00Z","count":2}
EOF
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | histo -f .t --per month >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
	run -0 histo --merge --per month "$BATS_TEST_TMPDIR/parts"
	same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
	for s in a b; do histo -f .t --per week "$BATS_TEST_TMPDIR/$s"; done >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/parts"
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | histo -f .t --per week >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
	# Weeks given as months do not fit.
	run -1 --separate-stderr histo --merge --per month "$BATS_TEST_TMPDIR/parts"
	[ "${stderr_lines[0]}" = "histo: $BATS_TEST_TMPDIR/parts:1: interval is not one of the periods of --per or, without it, of the first line (--per or --origin differs)" ]
}

@test "histo: --counts --sort value orders by value; count (the default) by count, then value" {
	printf '%s\n' '{"v":"b"}' '{"v":"a"}' '{"v":"c"}' '{"v":"c"}' '{"v":2}' '{"v":"c"}' '{"v":"a"}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .v --counts --sort value "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"value":2,"count":1}
{"value":"a","count":2}
{"value":"b","count":1}
{"value":"c","count":3}
EOF
	run -0 histo -f .v --counts --sort count "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"value":"c","count":3}
{"value":"a","count":2}
{"value":2,"count":1}
{"value":"b","count":1}
EOF
	histo -f .v --counts "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/default"
	same "$BATS_TEST_TMPDIR/default" <(printf '%s\n' "$output")
	# --top keeps the most frequent, --sort value then orders them.
	run -0 histo -f .v --counts --top 2 --sort value "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"value":"a","count":2}
{"value":"c","count":3}
EOF
	histo -f .v --counts "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/part"
	run -0 histo --merge --sort value "$BATS_TEST_TMPDIR/part"
	[ "${lines[0]}" = '{"value":2,"count":1}' ]
	run -2 --separate-stderr histo -f .v --sort value "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "histo: --sort is for --counts" ]
	run -2 --separate-stderr histo -f .v --counts --sort size "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "histo: --sort: expected count or value: size" ]
}

@test "histo: --output csv and tsv for counts, bins, time series and summaries" {
	printf '%s\n' '{"v":"a,\"b\"","n":1}' '{"v":"a,\"b\"","n":2.5}' '{"v":{"x":[1, 2]},"n":7}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .v --counts --output csv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
"value","count"
"a,""b""",2
"{""x"":[1,2]}",1
EOF
	run -0 histo -f .v --counts --output tsv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
value	count
a,"b"	2
{"x":[1,2]}	1
EOF
	run -0 histo -f .n --bins 2 --by '.v | type' --output csv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
"by","lo","hi","count"
"object",1,4,0
"object",4,7,1
"string",1,4,2
"string",4,7,0
EOF
	run -0 histo -f .n --width 5 --min 2 --output tsv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
lo	hi	count
	2	1
2	7	1
7	12	1
EOF
	run -0 histo -f .n --summary --output csv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
"count","sum","min","max","mean","p50","p90","p99"
3,10.5,1,7,3.5,2.5,6.1,6.91
EOF
	run -0 histo -f .t --per day --output csv <<<'{"t":"2017-03-12T10:00:00Z"}'
	expect <<'EOF'
"start","end","count"
"2017-03-12T00:00:00Z","2017-03-13T00:00:00Z",1
EOF
	run -0 histo -f .v --counts --output csv </dev/null
	[ -z "$output" ]
}

@test "histo: --output with --bars or --svg - is a usage error; with --svg FILE it writes the records" {
	run -2 --separate-stderr histo -f .n --bars --output csv </dev/null
	[ "${stderr_lines[0]}" = "histo: --output writes records; --bars and --svg - draw a chart instead" ]
	run -2 --separate-stderr histo -f .n --svg - --output tsv </dev/null
	[ "${stderr_lines[0]}" = "histo: --output writes records; --bars and --svg - draw a chart instead" ]
	cd "$BATS_TEST_TMPDIR"
	run -0 histo -f .v --counts --svg chart.svg --output tsv <<<'{"v":1}'
	expect <<'EOF'
value	count
1	1
EOF
	[ -s chart.svg ]
}

# ---- weights and maps ----

@test "histo: --weight sums integers exactly past 2^53 and other numbers as doubles" {
	run -1 --separate-stderr histo -f .k --counts --weight .w --stats <<<'{"k":"a","w":9007199254740993}
{"k":"a","w":9007199254740993}
{"k":"b","w":0.5}
{"k":"b","w":0.25}
{"k":"c"}
{"k":"d","w":"x"}'
	expect <<'EOF'
{"value":"a","sum":18014398509481986}
{"value":"b","sum":0.75}
EOF
	[ "${stderr_lines[0]}" = 'histo: -:6: weight is not a number: "x"' ]
	[ "$(stats)" = '{"read":6,"written":2,"bad":1,"missing":1,"values":4}' ]
}

@test "histo: --weight with bins and time writes sums" {
	run -0 histo -f .t -p 1d --weight .w <<<'{"t":"20170301","w":2}
{"t":"20170303","w":3}'
	expect <<'EOF'
{"start":"2017-03-01T00:00:00Z","end":"2017-03-02T00:00:00Z","sum":2}
{"start":"2017-03-02T00:00:00Z","end":"2017-03-03T00:00:00Z","sum":0}
{"start":"2017-03-03T00:00:00Z","end":"2017-03-04T00:00:00Z","sum":3}
EOF
}

@test "histo: --maps sums counts per bucket, number buckets numerically, then strings" {
	run -1 --separate-stderr histo -f .m --maps <<<'{"m":{"2":1,"10":5,"x":1}}
{"m":{"2":3,"9":0}}
{"m":null}
{"m":[1]}
{"m":{"2":"a"}}'
	expect <<'EOF'
{"bucket":2,"count":4}
{"bucket":9,"count":0}
{"bucket":10,"count":5}
{"bucket":"x","count":1}
EOF
	[ "${stderr_lines[0]}" = 'histo: -:4: --maps value is not an object: [1]' ]
	[ "${stderr_lines[1]}" = 'histo: -:5: --maps value holds a count that is not a number: {"2":"a"}' ]
}

# ---- series ----

@test "histo: --by writes the series first, in jq order, with shared bins; missing is the series null" {
	run -0 histo -f .x -w 1 -b .g <<<'{"g":"b","x":1}
{"g":"a","x":3}
{"x":2}'
	expect <<'EOF'
{"by":null,"lo":1,"hi":2,"count":0}
{"by":null,"lo":2,"hi":3,"count":1}
{"by":null,"lo":3,"hi":4,"count":0}
{"by":"a","lo":1,"hi":2,"count":0}
{"by":"a","lo":2,"hi":3,"count":0}
{"by":"a","lo":3,"hi":4,"count":1}
{"by":"b","lo":1,"hi":2,"count":1}
{"by":"b","lo":2,"hi":3,"count":0}
{"by":"b","lo":3,"hi":4,"count":0}
EOF
}

# ---- summary ----

@test "histo: --summary quantiles are exact, interpolated between ranks" {
	run -0 histo --summary < <(seq 0 100)
	[ "$output" = '{"count":101,"sum":5050,"min":0,"max":100,"mean":50,"p50":50,"p90":90,"p99":99}' ]
	run -0 histo -f .x --summary <<<'{"x":1}
{"x":0}'
	[ "$output" = '{"count":2,"sum":1,"min":0,"max":1,"mean":0.5,"p50":0.5,"p90":0.9,"p99":0.99}' ]
	run -0 histo -f .x --summary -b .g <<<'{"g":2,"x":1.5}
{"g":1,"x":7}
{"g":2,"x":2.5}'
	expect <<'EOF'
{"by":1,"count":1,"sum":7,"min":7,"max":7,"mean":7,"p50":7,"p90":7,"p99":7}
{"by":2,"count":2,"sum":4,"min":1.5,"max":2.5,"mean":2,"p50":2,"p90":2.4,"p99":2.49}
EOF
}

# ---- merge ----

@test "histo: --merge of counts and time series from shards is the single-run answer" {
	sed -n 1,3p "$A" >"$BATS_TEST_TMPDIR/s1"
	sed -n 4,7p "$A" >"$BATS_TEST_TMPDIR/s2"
	sed -n 8,10p "$A" >"$BATS_TEST_TMPDIR/s3"
	for s in 1 2 3; do
		histo -f .environment.system.cpu.speedMHz --counts "$BATS_TEST_TMPDIR/s$s"
	done >"$BATS_TEST_TMPDIR/counts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/counts"
	expect <<'EOF'
{"value":2399,"count":4}
{"value":2400,"count":2}
{"value":3504,"count":2}
{"value":2397,"count":1}
{"value":5200,"count":1}
EOF
	for s in 1 2 3; do
		histo -f .meta.submissionDate -p 1d "$BATS_TEST_TMPDIR/s$s"
	done >"$BATS_TEST_TMPDIR/days"
	run -0 histo --merge "$BATS_TEST_TMPDIR/days"
	expect <<'EOF'
{"start":"2017-03-01T00:00:00Z","end":"2017-03-02T00:00:00Z","count":2}
{"start":"2017-03-02T00:00:00Z","end":"2017-03-03T00:00:00Z","count":3}
{"start":"2017-03-03T00:00:00Z","end":"2017-03-04T00:00:00Z","count":0}
{"start":"2017-03-04T00:00:00Z","end":"2017-03-05T00:00:00Z","count":5}
EOF
	histo -f .meta.submissionDate -p 1d "$A" >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
}

@test "histo: --merge writes the empty intervals between shards' ranges" {
	{
		sed -n 1,2p "$A" | histo -f .meta.submissionDate -p 1d --epoch
		sed -n 6,10p "$A" | histo -f .meta.submissionDate -p 1d --epoch
	} >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/parts"
	expect <<'EOF'
{"start":1488326400,"end":1488412800,"count":2}
{"start":1488412800,"end":1488499200,"count":0}
{"start":1488499200,"end":1488585600,"count":0}
{"start":1488585600,"end":1488672000,"count":5}
EOF
}

@test "histo: --merge of bins: overlapping bins are an error naming them; gaps need --width" {
	{
		printf '%s\n' '{"x":0}' '{"x":10}' | histo -f .x -n 2
		printf '%s\n' '{"x":2}' '{"x":12}' | histo -f .x -n 2
	} >"$BATS_TEST_TMPDIR/parts"
	run -1 --separate-stderr histo --merge "$BATS_TEST_TMPDIR/parts"
	[ -z "$output" ]
	[ "$stderr" = "histo: --merge: bins do not match: [0, 5) overlaps [2, 7); run the shards with the same --min, --max and --bins, or with --width" ]
	{
		echo '{"x":1}' | histo -f .x -w 1
		echo '{"x":4}' | histo -f .x -w 1
	} >"$BATS_TEST_TMPDIR/parts"
	run -1 --separate-stderr histo --merge "$BATS_TEST_TMPDIR/parts"
	[ "$stderr" = "histo: --merge: bins do not match: a gap between 2 and 4; give --merge the shards' --width (and --min) to write the empty bins" ]
	run -0 histo --merge -w 1 "$BATS_TEST_TMPDIR/parts"
	expect <<'EOF'
{"lo":1,"hi":2,"count":1}
{"lo":2,"hi":3,"count":0}
{"lo":3,"hi":4,"count":0}
{"lo":4,"hi":5,"count":1}
EOF
}

@test "histo: --merge of bins with the same --min/--max adds counts, underflow and overflow" {
	{
		printf '%s\n' '{"x":-1}' '{"x":1}' | histo -f .x -n 2 --min 0 --max 4
		printf '%s\n' '{"x":3}' '{"x":9}' '{"x":-2}' | histo -f .x -n 2 --min 0 --max 4
	} >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/parts"
	expect <<'EOF'
{"lo":null,"hi":0,"count":2}
{"lo":0,"hi":2,"count":1}
{"lo":2,"hi":4,"count":1}
{"lo":4,"hi":null,"count":1}
EOF
}

@test "histo: --merge of summaries leaves quantiles null; counts merged with -S give them exactly" {
	{
		printf '%s\n' 1 2 | histo --summary
		printf '%s\n' 3 | histo --summary
	} >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge "$BATS_TEST_TMPDIR/parts"
	[ "$output" = '{"count":3,"sum":6,"min":1,"max":3,"mean":2,"p50":null,"p90":null,"p99":null}' ]
	{
		printf '%s\n' 1 2 | histo --counts
		printf '%s\n' 3 3 | histo --counts
	} >"$BATS_TEST_TMPDIR/parts"
	run -0 histo --merge --summary "$BATS_TEST_TMPDIR/parts"
	[ "$output" = '{"count":4,"sum":9,"min":1,"max":3,"mean":2.25,"p50":2.5,"p90":3,"p99":3}' ]
}

@test "histo: --merge refuses lines of another kind, and lines that are not histo's" {
	printf '%s\n' '{"lo":0,"hi":1,"count":1}' '{"value":"a","count":1}' '{"id":1}' '{"lo":1,"hi":2,"count":2}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr histo --merge "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"lo":0,"hi":1,"count":1}
{"lo":1,"hi":2,"count":2}
EOF
	[ "${stderr_lines[0]}" = "histo: $BATS_TEST_TMPDIR/in:2: counts line among bins (outputs of different kinds)" ]
	[ "${stderr_lines[1]}" = "histo: $BATS_TEST_TMPDIR/in:3: not a histo output line" ]
	printf '%s\n' '{"by":"x","value":"a","count":1}' '{"value":"a","count":1}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr histo --merge "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"by":"x","value":"a","count":1}' ]
	[ "${stderr_lines[0]}" = "histo: $BATS_TEST_TMPDIR/in:2: a line without \"by\" among lines with" ]
}

# ---- charts ----

@test "histo: --bars --log scales bars by the logarithm, from half a decade below the smallest count" {
	need_pingdedup
	run -0 bash -c "pingdedup --keep unique '$A' | histo -f .environment.system.cpu.speedMHz --min 2000 --max 5000 -w 500 --clip --log -B"
	expect <<EOF
(log scale)
[2000, 2500) 3 $(n "$FULL" 65)
[2500, 3000) 0
[3000, 3500) 0
[3500, 4000) 0
[4000, 4500) 0
[4500, 5000] 1 $(n "$FULL" 33)▎
EOF
}

@test "histo: --bars with --by heads each series and uses one scale" {
	run -0 histo -f .v --counts -b .g -B --title 'per g' <<<'{"g":"x","v":"a"}
{"g":"x","v":"a"}
{"g":"y","v":"b"}'
	expect <<EOF
per g
x:
a 2 $(n "$FULL" 76)

y:
b 1 $(n "$FULL" 38)
EOF
}

@test "histo: --svg writes valid XML that renders to PNG, and --svg - writes it instead of NDJSON" {
	run -0 histo -f .meta.submissionDate -p 1d --svg "$BATS_TEST_TMPDIR/t.svg" --title 'Pings & days <1>' "$A"
	[ "${#lines[@]}" -eq 4 ]
	xmllint --noout "$BATS_TEST_TMPDIR/t.svg"
	run -0 rsvg-convert -o "$BATS_TEST_TMPDIR/t.png" "$BATS_TEST_TMPDIR/t.svg"
	[ -s "$BATS_TEST_TMPDIR/t.png" ]
	grep -q 'Pings &amp; days &lt;1&gt;' "$BATS_TEST_TMPDIR/t.svg"
	grep -q '>2017-03-01<' "$BATS_TEST_TMPDIR/t.svg"
	run -0 histo -f '.environment.addons.activeAddons[] | .name' --counts --svg - "$A"
	[ "${lines[0]}" = '<?xml version="1.0" encoding="UTF-8"?>' ]
	printf '%s\n' "$output" | xmllint --noout -
	run -0 histo -f .x -w 1 --min 0 --max 2 --svg "$BATS_TEST_TMPDIR/u.svg" <<<'{"x":-1}
{"x":1}
{"x":5}'
	grep -q '>below 0: 1; above 2: 1 (not drawn)<' "$BATS_TEST_TMPDIR/u.svg"
	xmllint --noout "$BATS_TEST_TMPDIR/u.svg"
}

@test "histo: --svg ticks: hours within days, dates at midnight; series of counts as bars with a legend" {
	seq 0 1800 172799 | sed 's/.*/{"t":&}/' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .t -p 1h --svg "$BATS_TEST_TMPDIR/h.svg" "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 48 ]
	xmllint --noout "$BATS_TEST_TMPDIR/h.svg"
	grep -q '>1970-01-02<' "$BATS_TEST_TMPDIR/h.svg"
	grep -q '>06:00<' "$BATS_TEST_TMPDIR/h.svg"
	run -0 histo -f .v --counts -b .g --svg "$BATS_TEST_TMPDIR/c.svg" <<<'{"g":"x","v":"a"}
{"g":"y","v":"b"}'
	xmllint --noout "$BATS_TEST_TMPDIR/c.svg"
	[ "$(grep -c '<rect x=.*<title>' "$BATS_TEST_TMPDIR/c.svg")" -eq 2 ]
	grep -q '>x</text>' "$BATS_TEST_TMPDIR/c.svg"
	grep -q '>y</text>' "$BATS_TEST_TMPDIR/c.svg"
}

@test "histo: --maps --by --svg draws the buckets of all series in bucket order, numbers by value" {
	run -0 histo --maps -f .v --by .c --svg - <<<'{"c":"a","v":{"10":5,"9":7,"x":1}}
{"c":"b","v":{"0":1,"2":3,"9":1}}'
	# The x axis: category labels, centred under their slots.
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/.*text-anchor=\"middle\">\([^<]*\)<\/text>/\1/p" | tr "\n" " "' sh "$output"
	assert_output '0 2 9 10 x '
	# Each bar sits in its bucket's slot: x of the bars left to right.
	run -0 histo --maps -f .v --by .c --svg - <<<'{"c":"a","v":{"10":5,"9":7,"x":1}}
{"c":"b","v":{"0":1,"2":3,"9":1}}'
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/^<rect x=\"\([0-9.]*\)\".*<title>\([^<]*\)<\/title>.*/\1 \2/p" | sort -n | cut -d" " -f2- | tr "\n" "|"' sh "$output"
	assert_output '0: 1|2: 3|9: 7|9: 1|10: 5|x: 1|'
}

@test "histo: --svg's default y label is cut with an ellipsis to fit its axis" {
	run -0 histo -f .t -p 1d --weight '[.payload.histograms.SSL_HANDSHAKE_VERSION.values[]] | add' --svg - <<<'{"t":0,"payload":{"histograms":{"SSL_HANDSHAKE_VERSION":{"values":{"1":2}}}}}'
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/.*rotate(-90[^>]*>\([^<]*\)<.*/\1/p"' sh "$output"
	assert_output 'sum of [.payload.histograms.SSL_HANDSHA…'
	# A short label is whole.
	run -0 histo -f .x --weight .w --svg - <<<'{"x":1,"w":2}'
	[[ $output == *'rotate(-90 18 230.0)">sum of .w</text>'* ]]
}

@test "histo: --svg writes every tick label of an axis in one format" {
	run -0 histo -f .x --weight .w -w 1 --svg - <<<'{"x":1,"w":60000}
{"x":2,"w":95000}'
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/.*text-anchor=\"end\">\([^<]*\)<.*/\1/p" | tr "\n" " "' sh "$output"
	assert_output '0 20k 40k 60k 80k 100k '
	run -0 histo -f .x --weight .w -w 1 --svg - <<<'{"x":1,"w":600000}
{"x":2,"w":1150000}'
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/.*text-anchor=\"end\">\([^<]*\)<.*/\1/p" | tr "\n" " "' sh "$output"
	assert_output '0 0.2M 0.4M 0.6M 0.8M 1.0M 1.2M '
	run -0 histo -f .x --weight .w -w 1 --svg - <<<'{"x":1,"w":6000}
{"x":2,"w":9500}'
	run -0 sh -c 'printf "%s\n" "$1" | sed -n "s/.*text-anchor=\"end\">\([^<]*\)<.*/\1/p" | tr "\n" " "' sh "$output"
	assert_output '0 2000 4000 6000 8000 10000 '
}

@test "histo: --bars cuts labels by display width (wide characters count 2), --label-width sets it" {
	printf '%s\n' '{"v":"東京都渋谷区神南一丁目十九番十一号パークウェースクエア"}' '{"v":"東京"}' \
	    '{"v":"6f1c2a8e-0d4b-4f7e-9a51-3c2b7d9e0a11"}' '{"v":"6f1c2a8e-0d4b-4f7e-9a51-3c2b7d9e0a22"}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .v --counts -B "$BATS_TEST_TMPDIR/in"
	# 28 columns, then the count: 13 wide characters and an ellipsis, padded.
	assert_line -n 0 --regexp '^6f1c2a8e-0d4b-4f7e-9a51-3c2… 1 (█)+$'
	assert_line -n 1 --regexp '^6f1c2a8e-0d4b-4f7e-9a51-3c2… 1 (█)+$'
	assert_line -n 2 --regexp '^東京                         1 (█)+$'
	assert_line -n 3 --regexp '^東京都渋谷区神南一丁目十九…  1 (█)+$'
	run -0 histo -f .v --counts -B --label-width 36 "$BATS_TEST_TMPDIR/in"
	assert_line -n 0 --regexp '^6f1c2a8e-0d4b-4f7e-9a51-3c2b7d9e0a11 1 (█)+$'
	assert_line -n 3 --regexp '^東京都渋谷区神南一丁目十九番十一号…  1 (█)+$'
	run -0 histo -f .v --counts -B --label-width 0 "$BATS_TEST_TMPDIR/in"
	assert_line -n 3 --regexp '^東京都渋谷区神南一丁目十九番十一号パークウェースクエア 1 (█)+$'
	# Every line of bars is as wide as the widest (80 columns here).
	run -0 histo -f .v --counts -B --label-width 36 "$BATS_TEST_TMPDIR/in"
	for l in "${lines[@]}"; do
		[ "$(printf '%s' "$l" | python3 -c 'import sys,unicodedata as u; print(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in sys.stdin.read()))')" -eq 80 ]
	done
	# The same cut in the SVG, and no control character reaches either.
	run -0 histo -f .v --counts --svg - "$BATS_TEST_TMPDIR/in"
	[[ $output == *'>東京都渋谷区神南一丁目十九…</text>'* ]]
	run -0 histo -f .v --counts -B <<<'{"v":"a\tb\u001b[2J"}'
	assert_output --regexp '^a␉b␛\[2J +1 (█)+$'
	run -2 --separate-stderr histo -f .v --counts -B --label-width=x </dev/null
	[ "${stderr_lines[0]}" = "histo: --label-width: expected an integer from 0 to 10000: x" ]
}

@test "histo: an unwritable --svg file is an error, exit 1" {
	run -1 --separate-stderr histo -f .x --svg "$BATS_TEST_TMPDIR/no/such.svg" <<<'{"x":1}'
	[ "$stderr" = "histo: $BATS_TEST_TMPDIR/no/such.svg: No such file or directory" ]
}

# ---- usage ----

@test "histo: usage errors exit 2 with the usage on stderr" {
	local args
	for args in "--counts -p 1d" "--counts --maps" "--log" "-w 0" "-w x" "-n 0" "--min 5 --max 5" \
	    "--counts -w 1" "--clip" "--top 3" "--epoch" "--merge -f .x" "--maps --weight .w" "--summary -B" "-p 1x" \
	    "-f .[" "-B --svg -"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr histo $args
		echo "checking: $args"
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == histo:* ]]
		[[ $stderr == *"usage: histo"* ]]
	done
	run -2 --separate-stderr histo --counts -p 1d
	[ "${stderr_lines[0]}" = "histo: --counts, --maps, --summary and --per exclude each other" ]
	# histo --time became --per (sessionize's --time is an expression);
	# and the letters that meant other things before the toolkit had one
	# vocabulary are unknown, never silently another option.
	run -2 --separate-stderr histo --time 1d
	[ "${stderr_lines[0]}" = "histo: unknown option: --time" ]
	for letter in C c e k l M m S T t W x y; do
		run -2 --separate-stderr histo -f .x "-$letter" x /dev/null
		[ "${stderr_lines[0]}" = "histo: unknown option: -$letter" ]
	done
	# Flags go together, and the last letter of a group may take the rest.
	printf '%s\n' '{"x":1}' '{"x":2}' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -Bf.x "$BATS_TEST_TMPDIR/in"
	want=$output
	run -0 histo -B -f .x "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$want" ]
	[ -n "$want" ]
}

@test "histo: EXAMPLE pings per day with and without duplicates, drawn as two lines" {
	need_pingdedup
	cd "$BATS_TEST_TMPDIR"
	run -0 histo -f .meta.submissionDate --per day -b '"all pings"' "$A"
	printf '%s\n' "$output" >all.ndjson
	run -0 bash -c "pingdedup --order-by .meta.submissionDate '$A' |
	    histo -f .meta.submissionDate --per day -b '\"first copies\"' > first.ndjson"
	run -0 histo --merge --svg daily.svg --title 'Pings per day' --ylabel 'ping count' all.ndjson first.ndjson
	expect <<'EOF'
{"by":"all pings","start":"2017-03-01T00:00:00Z","end":"2017-03-02T00:00:00Z","count":2}
{"by":"all pings","start":"2017-03-02T00:00:00Z","end":"2017-03-03T00:00:00Z","count":3}
{"by":"all pings","start":"2017-03-03T00:00:00Z","end":"2017-03-04T00:00:00Z","count":0}
{"by":"all pings","start":"2017-03-04T00:00:00Z","end":"2017-03-05T00:00:00Z","count":5}
{"by":"first copies","start":"2017-03-01T00:00:00Z","end":"2017-03-02T00:00:00Z","count":2}
{"by":"first copies","start":"2017-03-02T00:00:00Z","end":"2017-03-03T00:00:00Z","count":1}
{"by":"first copies","start":"2017-03-03T00:00:00Z","end":"2017-03-04T00:00:00Z","count":0}
{"by":"first copies","start":"2017-03-04T00:00:00Z","end":"2017-03-05T00:00:00Z","count":3}
EOF
	xmllint --noout daily.svg
	grep -q '>first copies<' daily.svg
	run -0 rsvg-convert -o daily.png daily.svg
	[ -s daily.png ]
}

@test "histo: EXAMPLE top non-system add-ons of the pings sent once" {
	need_pingdedup
	run -0 bash -c "pingdedup --keep unique '$A' |
	    histo -f '.environment.addons.activeAddons[] | select(.isSystem|not) | .name' --counts --top 5"
	expect <<'EOF'
{"value":"Random Agent Spoofer","count":4}
{"value":"Alexa Traffic Rank","count":1}
{"value":"RefControl","count":1}
{"value":"Stop YouTube Autoplay","count":1}
{"value":"StopTube","count":1}
EOF
}

@test "histo: EXAMPLE session lengths clipped at 250 s as terminal bars" {
	need_pingdedup
	run -0 bash -c "pingdedup --keep unique '$A' |
	    histo -f .payload.info.sessionLength --min 0 --max 250 -w 50 --clip -B"
	expect <<EOF
[0, 50)    0
[50, 100)  1 $(n "$FULL" 33)▌
[100, 150) 0
[150, 200) 1 $(n "$FULL" 33)▌
[200, 250] 2 $(n "$FULL" 67)
EOF
}

@test "histo: EXAMPLE CPU speeds on a log axis as SVG" {
	cd "$BATS_TEST_TMPDIR"
	run -0 histo -f .environment.system.cpu.speedMHz --max 5000 --clip -w 100 --log \
	    --xlabel 'speed in MHz' --svg mhz.svg "$A"
	[ "${#lines[@]}" -eq 27 ]
	[ "${lines[0]}" = '{"lo":2300,"hi":2400,"count":5}' ]
	[ "${lines[1]}" = '{"lo":2400,"hi":2500,"count":2}' ]
	[ "${lines[12]}" = '{"lo":3500,"hi":3600,"count":2}' ]
	[ "${lines[26]}" = '{"lo":4900,"hi":5000,"count":1}' ]
	xmllint --noout mhz.svg
	grep -q '>speed in MHz<' mhz.svg
	run -0 rsvg-convert -o mhz.png mhz.svg
	[ -s mhz.png ]
}

@test "histo: EXAMPLE top operating systems and cities" {
	run -0 histo -f '.environment.system.os | "\(.name) \(.version)"' --counts --top 10 "$A"
	[ "$output" = '{"value":"Windows_NT 5.1","count":10}' ]
	run -0 histo -f '.meta | "\(.geoCountry) \(.geoCity)"' --counts --top 10 "$A"
	expect <<'EOF'
{"value":"CA Montréal","count":6}
{"value":"FR ??","count":2}
{"value":"FR Paris","count":1}
{"value":"US Costa Mesa","count":1}
EOF
}

@test "histo: EXAMPLE SSL_HANDSHAKE_VERSION summed per client, counts and sums per client, per-ping bins" {
	run -0 histo --maps -f .payload.histograms.SSL_HANDSHAKE_VERSION.values -b .clientId "$SSL"
	expect <<EOF
{"by":"$X","bucket":2,"count":0}
{"by":"$X","bucket":3,"count":118021474110}
{"by":"$X","bucket":4,"count":3}
{"by":"$X","bucket":5,"count":0}
{"by":"client-a","bucket":0,"count":0}
{"by":"client-a","bucket":1,"count":7}
{"by":"client-a","bucket":2,"count":0}
{"by":"client-a","bucket":3,"count":686}
{"by":"client-a","bucket":4,"count":2}
{"by":"client-a","bucket":5,"count":0}
{"by":"client-b","bucket":2,"count":0}
{"by":"client-b","bucket":3,"count":78}
{"by":"client-b","bucket":4,"count":1}
{"by":"client-b","bucket":5,"count":0}
EOF
	run -0 histo -f .clientId --counts --weight '.payload.histograms.SSL_HANDSHAKE_VERSION.values | add' "$SSL"
	expect <<EOF
{"value":"$X","sum":118021474113}
{"value":"client-a","sum":695}
{"value":"client-b","sum":79}
EOF
	run -0 histo -f .clientId --counts --weight .payload.histograms.SSL_HANDSHAKE_VERSION.sum "$SSL"
	expect <<EOF
{"value":"$X","sum":354064422342}
{"value":"client-a","sum":2073}
{"value":"client-b","sum":238}
EOF
	run -0 histo -f '.payload.histograms.SSL_HANDSHAKE_VERSION.values | add' -n 2 "$SSL"
	expect <<'EOF'
{"lo":79,"hi":19670245725,"count":3}
{"lo":19670245725,"hi":39340491371,"count":3}
EOF
}

@test "histo: EXAMPLE pings and distinct document ids per day on a log axis" {
	need_pingdedup
	cd "$BATS_TEST_TMPDIR"
	run -0 bash -c "histo -f .meta.submissionDate --per day -b '\"pings\"' '$SSL' > pings.ndjson"
	run -0 bash -c "pingdedup -k .meta.documentId '$SSL' |
	    histo -f .meta.submissionDate --per day -b '\"distinct docIds\"' > docs.ndjson"
	run -0 histo --merge --log --svg docs.svg pings.ndjson docs.ndjson
	expect <<'EOF'
{"by":"distinct docIds","start":"2017-03-11T00:00:00Z","end":"2017-03-12T00:00:00Z","count":2}
{"by":"distinct docIds","start":"2017-03-12T00:00:00Z","end":"2017-03-13T00:00:00Z","count":2}
{"by":"pings","start":"2017-03-11T00:00:00Z","end":"2017-03-12T00:00:00Z","count":2}
{"by":"pings","start":"2017-03-12T00:00:00Z","end":"2017-03-13T00:00:00Z","count":4}
EOF
	xmllint --noout docs.svg
}

@test "histo: EXAMPLE session length quantiles, and the same from four shards" {
	need_pingdedup
	run -0 bash -c "pingdedup '$A' | histo -f .payload.info.sessionLength --summary"
	[ "$output" = '{"count":6,"sum":903,"min":59,"max":300,"mean":150.5,"p50":116.5,"p90":275,"p99":297.5}' ]
	local single=$output
	run -0 bash -c "parallel -j 4 'pingdedup --shard {}/4 $A |
	      histo -f .payload.info.sessionLength --counts' ::: 1 2 3 4 |
	    histo --merge --summary"
	[ "$output" = "$single" ]
}

@test "histo: --merge refuses sums among counts (runs with and without --weight)" {
	printf '%s\n' '{"value":"a","count":1}' '{"value":"a","sum":2}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr histo --merge "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"value":"a","count":1}' ]
	[ "${stderr_lines[0]}" = "histo: $BATS_TEST_TMPDIR/in:2: a sum among counts (outputs of runs with and without --weight)" ]
}

@test "histo: --maps keys that are not JSON numbers stay strings" {
	run -0 histo --maps -f .m <<<'{"m":{"007":1,"7":2,"-1.5":3,"1e2":4}}'
	expect <<'EOF'
{"bucket":-1.5,"count":3}
{"bucket":7,"count":2}
{"bucket":1e2,"count":4}
{"bucket":"007","count":1}
EOF
}

@test "histo: the libjq path gives the fast path's answer" {
	run -0 histo -f .environment.system.cpu.speedMHz --counts "$A"
	local fast=$output
	run -0 env TRAWL_NO_FASTPATH=1 histo -f .environment.system.cpu.speedMHz --counts "$A"
	[ "$output" = "$fast" ]
}

@test "histo: --merge refuses a count that is not a non-negative integer" {
	run -1 --separate-stderr histo --merge <<<'{"lo":0,"hi":1,"count":-5}
{"lo":0,"hi":1,"count":1.5}
{"lo":0,"hi":1,"count":2}'
	[ "$output" = '{"lo":0,"hi":1,"count":2}' ]
	[ "${stderr_lines[0]}" = "histo: -:1: the count is not a non-negative integer" ]
	[ "${stderr_lines[1]}" = "histo: -:2: the count is not a non-negative integer" ]
}

@test "histo: --bins over a range wider than the largest double" {
	run -0 histo -f .x -n 2 <<<'{"x":1e308}
{"x":-1e308}
{"x":-1}'
	expect <<'EOF'
{"lo":-1e+308,"hi":0,"count":2}
{"lo":0,"hi":1e+308,"count":1}
EOF
}

@test "histo: with nothing inside a half-open range only underflow or overflow is written" {
	run -0 histo -f .x -w 1 --max 1000 <<<'{"x":2000}'
	[ "$output" = '{"lo":1000,"hi":null,"count":1}' ]
	run -0 histo -f .x -n 2 --min 0 <<<'{"x":-5}'
	[ "$output" = '{"lo":null,"hi":0,"count":1}' ]
	run -0 histo -f .x -w 1 --min 0 --max 2 <<<'{"x":-5}'
	expect <<'EOF'
{"lo":null,"hi":0,"count":1}
{"lo":0,"hi":1,"count":0}
{"lo":1,"hi":2,"count":0}
EOF
}

@test "histo: --summary and --bins stay exact past the values held in memory (sorted runs spilled and merged)" {
	# A permutation of 0..300000: more distinct values than the 65536 held.
	awk 'BEGIN { for (i = 0; i <= 300000; i++) print (i * 7919) % 300001 }' >"$BATS_TEST_TMPDIR/in"
	run -0 histo --summary "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"count":300001,"sum":45000150000,"min":0,"max":300000,"mean":150000,"p50":150000,"p90":270000,"p99":297000}' ]
	run -0 histo -n 3 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"lo":0,"hi":100000,"count":100000}
{"lo":100000,"hi":200000,"count":100000}
{"lo":200000,"hi":300000,"count":100001}
EOF
	# Two series interleaved: evens 0..300000 and odds 1..299999; for the
	# odds, x[i] = 2i + 1 and p90 is at h = 149999 * 0.9 = 134999.1:
	# 269999 + 0.1 * 2.
	run -0 histo --summary -b '. % 2' "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"by":0,"count":150001,"sum":22500150000,"min":0,"max":300000,"mean":150000,"p50":150000,"p90":270000,"p99":297000}
{"by":1,"count":150000,"sum":22500000000,"min":1,"max":299999,"mean":150000,"p50":150000,"p90":269999.2,"p99":296999.02}
EOF
}

@test "histo: a temporary file that cannot be made is an error, exit 1" {
	awk 'BEGIN { for (i = 0; i < 70000; i++) print i }' >"$BATS_TEST_TMPDIR/in"
	TMPDIR=$BATS_TEST_TMPDIR/none run -1 --separate-stderr histo --summary "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	[ "$stderr" = "histo: spill file in $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "histo: --per floors times before the epoch into their interval" {
	run -0 histo -f .t -p 1d <<<'{"t":-1}
{"t":-86401}'
	expect <<'EOF'
{"start":"1969-12-30T00:00:00Z","end":"1969-12-31T00:00:00Z","count":1}
{"start":"1969-12-31T00:00:00Z","end":"1970-01-01T00:00:00Z","count":1}
EOF
}
