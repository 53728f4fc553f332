#!/usr/bin/env bats
# sessionize(1): the gap rule at its edges, buckets and --origin, "open",
# lateness, bridging, --carry/--distinct/--collect, bad times, --state
# (damage refused, and the split-anywhere property), --shard, --sorted,
# memory that stays flat, an independent sort+awk reference, and every
# example of the man page.

load helper

F=$FIXTURES/sessionize
EX=$DATA/man
GEN=$FIXTURES/sessionize/gen.awk
REF=$BATS_TEST_DIRNAME/../bench/sessions.awk

# ev KEY TIME...: one {"k":KEY,"t":TIME} line per pair.
ev() {
	while [ $# -gt 0 ]; do
		printf '{"k":"%s","t":"%s"}\n' "$1" "$2"
		shift 2
	done
}

# ---- the gap rule, buckets, origin ----

@test "sessionize: with 5m buckets, a 15m gap between buckets joins and 20m splits" {
	# 10:24:59 is in bucket 10:20, whose start is 15m after the end of
	# bucket 10:00; 10:45 is 20m after the end of bucket 10:20.
	ev a 2017-03-12T10:00:00Z a 2017-03-12T10:24:59Z a 2017-03-12T10:45:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:25:00Z","duration":1500,"buckets":2,"events":2,"open":false}
{"key":"a","start":"2017-03-12T10:45:00Z","end":"2017-03-12T10:50:00Z","duration":300,"buckets":1,"events":1,"open":true}
EOF
}

@test "sessionize: with --bucket 0, exactly 15m joins and 15m1s splits" {
	ev a 2017-03-12T10:00:00Z a 2017-03-12T10:15:00Z a 2017-03-12T10:30:01Z >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --bucket 0 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:15:00Z","duration":900,"buckets":2,"events":2,"open":false}
{"key":"a","start":"2017-03-12T10:30:01Z","end":"2017-03-12T10:30:01Z","duration":0,"buckets":1,"events":1,"open":true}
EOF
	# The same with a gap one second longer: one session.
	run -0 sessionize -k .k -t .t --bucket 0 --gap 15m1s "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:30:01Z","duration":1801,"buckets":3,"events":3,"open":true}
EOF
}

@test "sessionize: buckets are aligned to the epoch, or to --origin" {
	ev a 2017-03-12T10:04:59Z a 2017-03-12T10:05:00Z b 2017-03-12T10:04:59Z b 2017-03-12T10:07:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:10:00Z","duration":600,"buckets":2,"events":2,"open":true}
{"key":"b","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:10:00Z","duration":600,"buckets":2,"events":2,"open":true}
EOF
	run -0 sessionize -k .k -t .t --origin 2017-03-12T00:02:00Z "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:02:00Z","end":"2017-03-12T10:07:00Z","duration":300,"buckets":1,"events":2,"open":true}
{"key":"b","start":"2017-03-12T10:02:00Z","end":"2017-03-12T10:12:00Z","duration":600,"buckets":2,"events":2,"open":true}
EOF
	run -0 sessionize -k .k -t .t --bucket 1h "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T11:00:00Z","duration":3600,"buckets":1,"events":2,"open":true}
{"key":"b","start":"2017-03-12T10:00:00Z","end":"2017-03-12T11:00:00Z","duration":3600,"buckets":1,"events":2,"open":true}
EOF
}

@test "sessionize: --bucket takes calendar periods: months with no gap, ISO weeks" {
	ev a 2017-01-30T10:00:00Z a 2017-02-10T00:00:00Z b 2017-03-12T23:59:59Z a 2017-04-01T00:00:00Z >"$BATS_TEST_TMPDIR/in"
	# Consecutive months join with --gap 0; March is empty for a.
	run -0 sessionize -k .k -t .t --bucket month --gap 0 --lateness 0 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-01-01T00:00:00Z","end":"2017-03-01T00:00:00Z","duration":5097600,"buckets":2,"events":2,"open":false}
{"key":"b","start":"2017-03-01T00:00:00Z","end":"2017-04-01T00:00:00Z","duration":2678400,"buckets":1,"events":1,"open":true}
{"key":"a","start":"2017-04-01T00:00:00Z","end":"2017-05-01T00:00:00Z","duration":2592000,"buckets":1,"events":1,"open":true}
EOF
	# 2017-03-12 is a Sunday: its week began on Monday the 6th.
	run -0 sessionize -k .k -t .t --bucket week --gap 1w "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-01-30T00:00:00Z","end":"2017-02-13T00:00:00Z","duration":1209600,"buckets":2,"events":2,"open":false}
{"key":"b","start":"2017-03-06T00:00:00Z","end":"2017-03-13T00:00:00Z","duration":604800,"buckets":1,"events":1,"open":false}
{"key":"a","start":"2017-03-27T00:00:00Z","end":"2017-04-03T00:00:00Z","duration":604800,"buckets":1,"events":1,"open":true}
EOF
	run -2 --separate-stderr sessionize -k .k -t .t --bucket week --origin 2017-01-01 "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "sessionize: --origin: hour, day, week, month and year start where the UTC calendar does; an origin is for durations (1h, 1d, 1w)" ]
	run -2 --separate-stderr sessionize -k .k -t .t --bucket fortnight "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "sessionize: --bucket: not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, week, month, year: fortnight" ]
}

@test "sessionize: a state of calendar buckets resumes: two runs give the single run's sessions" {
	ev a 2017-01-30T10:00:00Z a 2017-02-10T00:00:00Z b 2017-03-12T23:59:59Z a 2017-03-20T00:00:00Z \
	    b 2017-05-01T00:00:00Z >"$BATS_TEST_TMPDIR/in"
	sessionize -k .k -t .t --bucket month --gap 0 --lateness 0 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one"
	head -n 3 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/part1"
	tail -n 2 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/part2"
	cd "$BATS_TEST_TMPDIR"
	{
		sessionize -k .k -t .t --bucket month --gap 0 --lateness 0 --state st part1
		sessionize -k .k -t .t --bucket month --gap 0 --lateness 0 --state st --flush part2
	} >two
	same one two
	[ "$(wc -l <one)" -eq 3 ]
}

@test "sessionize: --time-format with %z and %f: offsets applied, fractions kept" {
	printf '%s\n' '{"k":"a","t":"17/May/2015:12:05:03.250 +0200"}' '{"k":"a","t":"17/May/2015:10:06:03.75 +0000"}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --bucket 0 --time-format '%d/%b/%Y:%H:%M:%S.%f %z' "$BATS_TEST_TMPDIR/in"
	assert_output '{"key":"a","start":"2015-05-17T10:05:03.25Z","end":"2015-05-17T10:06:03.75Z","duration":60.5,"buckets":2,"events":2,"open":true}'
}

@test "sessionize: --time-format reads syslog's times; --output csv writes the sessions as a table" {
	printf '%s\n' '{"k":"a","t":"May 17 10:05:03","ip":"1.2.3.4"}' '{"k":"a","t":"May 17 10:07:00","ip":"5.6.7.8"}' \
	    '{"k":"b,c","t":"May 17 10:09:00","ip":"1.2.3.4"}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --time-format '%b %e %H:%M:%S' --collect ips=.ip --output csv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
"key","start","end","duration","buckets","events","open","ips"
"a","1970-05-17T10:05:00Z","1970-05-17T10:10:00Z",300,1,2,true,"[""1.2.3.4"",""5.6.7.8""]"
"b,c","1970-05-17T10:05:00Z","1970-05-17T10:10:00Z",300,1,1,true,"[""1.2.3.4""]"
EOF
	run -0 sessionize -k .k -t .t --time-format '%b %e %H:%M:%S' --epoch --output tsv "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
key	start	end	duration	buckets	events	open
a	11786700	11787000	300	1	2	true
b,c	11786700	11787000	300	1	1	true
EOF
	run -1 --separate-stderr sessionize -k .k -t .t --time-format '%b %e %H:%M:%S' <<<'{"k":"a","t":"2017-03-12T10:00:00Z"}'
	[ "${stderr_lines[0]}" = 'sessionize: -:1: bad time "2017-03-12T10:00:00Z": does not match the time format at %b (a month name)' ]
	run -2 --separate-stderr sessionize -k .k -t .t --time-format '%b %Q' </dev/null
	[ "${stderr_lines[0]}" = "sessionize: --time-format: %Q is not a time format conversion" ]
	run -2 --separate-stderr sessionize -k .k --output json </dev/null
	[ "${stderr_lines[0]}" = "sessionize: --output: expected ndjson, tsv or csv: json" ]
}

@test "sessionize: epoch milliseconds read as seconds are bad, and the message names --time-unit ms" {
	run -1 --separate-stderr sessionize -k .k -t .t <<<'{"k":"a","t":1489312800123}'
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "sessionize: -:1: bad time 1489312800123: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 2017-03-12T10:00:00.123Z" ]
}

@test "sessionize: open is true while the newest bucket is within the gap of the session's end" {
	# Sessions of a end 10:05, b 10:25, c 10:40; the newest bucket starts
	# at 10:40: 10:40 - 10:25 = 15m is open, 35m is not.
	ev a 2017-03-12T10:00:00Z b 2017-03-12T10:20:00Z c 2017-03-12T10:44:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00Z","duration":300,"buckets":1,"events":1,"open":false}
{"key":"b","start":"2017-03-12T10:20:00Z","end":"2017-03-12T10:25:00Z","duration":300,"buckets":1,"events":1,"open":true}
{"key":"c","start":"2017-03-12T10:40:00Z","end":"2017-03-12T10:45:00Z","duration":300,"buckets":1,"events":1,"open":true}
EOF
	# --until moves the end of the observation later.
	run -0 sessionize -k .k -t .t --until 2017-03-12T10:58:00Z "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00Z","duration":300,"buckets":1,"events":1,"open":false}
{"key":"b","start":"2017-03-12T10:20:00Z","end":"2017-03-12T10:25:00Z","duration":300,"buckets":1,"events":1,"open":false}
{"key":"c","start":"2017-03-12T10:40:00Z","end":"2017-03-12T10:45:00Z","duration":300,"buckets":1,"events":1,"open":true}
EOF
}

@test "sessionize: output is sorted by end, then key in jq order, whatever the input order" {
	printf '%s\n' '{"k":[1],"t":100}' '{"k":"b","t":1000}' '{"k":2,"t":1000}' \
	    '{"k":"a","t":1000}' '{"k":null,"t":1000}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --epoch --bucket 10 --gap 10 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":[1],"start":100,"end":110,"duration":10,"buckets":1,"events":1,"open":false}
{"key":2,"start":1000,"end":1010,"duration":10,"buckets":1,"events":1,"open":true}
{"key":"a","start":1000,"end":1010,"duration":10,"buckets":1,"events":1,"open":true}
{"key":"b","start":1000,"end":1010,"duration":10,"buckets":1,"events":1,"open":true}
EOF
}

@test "sessionize: keys are jq-equal values; the key is printed as in the session's first event" {
	printf '%s\n' '{"k":79.0,"t":1005}' '{"k":79,"t":1000}' '{"k":"79","t":1000}' \
	    '{"k":{"b":1,"a":2},"t":1000}' '{"k":{"a":2,"b":1},"t":1001}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":79,"start":900,"end":1200,"duration":300,"buckets":1,"events":2,"open":true}
{"key":"79","start":900,"end":1200,"duration":300,"buckets":1,"events":1,"open":true}
{"key":{"b":1,"a":2},"start":900,"end":1200,"duration":300,"buckets":1,"events":2,"open":true}
EOF
}

@test "sessionize: numeric times with --time-unit, and --epoch output" {
	printf '%s\n' '{"k":"a","t":1489312800000}' '{"k":"a","t":1489313100500}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --time-unit ms --bucket 0 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00.5Z","duration":300.5,"buckets":2,"events":2,"open":true}
EOF
	run -0 sessionize -k .k -t .t --time-unit=ms --epoch --bucket 0 "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":1489312800,"end":1489313100.5,"duration":300.5,"buckets":2,"events":2,"open":true}
EOF
}

# ---- unsorted input ----

@test "sessionize: events within the lateness are placed; later ones are bad (exit 1)" {
	ev a 2017-03-12T10:30:00Z a 2017-03-12T10:15:00Z a 2017-03-12T10:14:59Z >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:15:00Z","end":"2017-03-12T10:35:00Z","duration":1200,"buckets":2,"events":2,"open":true}
EOF
	[ "${stderr_lines[0]}" = "sessionize: $BATS_TEST_TMPDIR/in:3: time 2017-03-12T10:14:59Z is more than the lateness (900s) behind the newest time 2017-03-12T10:30:00Z" ]
	[ "${stderr_lines[1]}" = "sessionize: 1 bad line skipped" ]
	# --bad=FILE keeps the late event, verbatim, and exits 0.
	run -0 sessionize -k .k -t .t --bad="$BATS_TEST_TMPDIR/late" "$BATS_TEST_TMPDIR/in"
	[ "$(cat "$BATS_TEST_TMPDIR/late")" = '{"k":"a","t":"2017-03-12T10:14:59Z"}' ]
	# A longer lateness places it.
	run -0 sessionize -k .k -t .t --lateness 16m "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:10:00Z","end":"2017-03-12T10:35:00Z","duration":1500,"buckets":3,"events":3,"open":true}
EOF
}

@test "sessionize: a late event that bridges two sessions merges them" {
	printf '%s\n' '{"k":"a","t":"2017-03-12T10:00:00Z","v":1}' '{"k":"a","t":"2017-03-12T10:40:00Z","v":2}' \
	    '{"k":"a","t":"2017-03-12T10:20:00Z","v":3}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr sessionize -k .k -t .t --lateness 30m -c .v --stats "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:45:00Z","duration":2700,"buckets":3,"events":3,"open":true,"v":1}
EOF
	[ "$(jq -c '{sessions, peak_open, merged}' <<<"$stderr")" = '{"sessions":1,"peak_open":2,"merged":1}' ]
	# Without the bridging event they are two sessions.
	head -n 2 "$BATS_TEST_TMPDIR/in" | {
		run -0 sessionize -k .k -t .t --lateness 30m -c .v
		expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00Z","duration":300,"buckets":1,"events":1,"open":false,"v":1}
{"key":"a","start":"2017-03-12T10:40:00Z","end":"2017-03-12T10:45:00Z","duration":300,"buckets":1,"events":1,"open":true,"v":2}
EOF
	}
}

@test "sessionize: a late event in an occupied bucket adds an event, not a bucket" {
	ev a 2017-03-12T10:01:00Z a 2017-03-12T10:12:00Z a 2017-03-12T10:03:00Z a 2017-03-12T10:07:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:15:00Z","duration":900,"buckets":3,"events":4,"open":true}
EOF
}

# ---- carry, distinct, collect ----

@test "sessionize: --carry takes the earliest event's value, the first read of equal times" {
	printf '%s\n' '{"k":"a","t":"2017-03-12T10:10:00Z","v":1}' '{"k":"a","t":"2017-03-12T10:05:00Z","v":2}' \
	    '{"k":"a","t":"2017-03-12T10:05:00Z","v":3}' '{"k":"a","t":"2017-03-12T10:12:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t -c .v -c w=.v+1 -c x=.nope "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":"2017-03-12T10:05:00Z","end":"2017-03-12T10:15:00Z","duration":600,"buckets":2,"events":4,"open":true,"v":2,"w":3,"x":null}
EOF
}

@test "sessionize: --distinct counts and --collect lists distinct values in jq order" {
	printf '%s\n' '{"k":79,"t":1000,"b":[3,"x",null]}' '{"k":79.0,"t":1001,"b":[3.0,{"z":1,"a":2}]}' \
	    '{"k":79,"t":1002,"b":[{"a":2,"z":1},"5",false]}' >"$BATS_TEST_TMPDIR/in"
	run -0 sessionize -k .k -t .t --epoch -d n=.b[] --collect=all=.b[] -c .b --collect .k -d .k "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":79,"start":900,"end":1200,"duration":300,"buckets":1,"events":3,"open":true,"b":[3,"x",null],"n":5,"k_distinct":1,"all":[false,3,"5","x",{"z":1,"a":2}],"k_values":[79]}
EOF
}

@test "sessionize: --distinct and --collect survive a merge and a state file" {
	printf '%s\n' '{"k":"a","t":1000,"b":"x"}' '{"k":"a","t":3000,"b":"y"}' >"$BATS_TEST_TMPDIR/one"
	printf '%s\n' '{"k":"a","t":2000,"b":"x"}' '{"k":"a","t":2100,"b":"z"}' >"$BATS_TEST_TMPDIR/two"
	run -0 sessionize -k .k -t .t --epoch --lateness 2000 -d .b --collect .b --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/one"
	[ -z "$output" ]
	run -0 sessionize -k .k -t .t --epoch --lateness 2000 -d .b --collect .b --state "$BATS_TEST_TMPDIR/st" --flush "$BATS_TEST_TMPDIR/two"
	expect <<'EOF'
{"key":"a","start":900,"end":3300,"duration":2400,"buckets":4,"events":4,"open":true,"b_distinct":3,"b_values":["x","y","z"]}
EOF
}

@test "sessionize: column names: NAME=EXPR, or a plain path's last key; clashes are usage errors" {
	run -2 --separate-stderr sessionize -k .k -c '.a | length'
	[ "${stderr_lines[0]}" = "sessionize: .a | length: name the column: NAME=EXPR" ]
	run -2 --separate-stderr sessionize -k .k -c .x.key
	[ "${stderr_lines[0]}" = 'sessionize: .x.key: the column name "key" is taken; use NAME=EXPR' ]
	run -2 --separate-stderr sessionize -k .k -c .a -c .b.a
	[ "${stderr_lines[0]}" = 'sessionize: .b.a: the column name "a" is given twice; use NAME=EXPR' ]
	run -2 --separate-stderr sessionize -k .k -c 'n=' /dev/null
	[ "${stderr_lines[0]}" = "sessionize: n=: the expression is empty" ]
	# "==" is an expression, not a name.
	run -2 --separate-stderr sessionize -k .k -c 'a==1'
	[ "${stderr_lines[0]}" = "sessionize: a==1: name the column: NAME=EXPR" ]
}

# ---- missing and bad input, usage ----

@test "sessionize: a missing key or time is counted as missing and skipped" {
	printf '%s\n' '{"k":"a","t":1000}' '{"t":1000}' '{"k":null,"t":1000}' '{"k":"a"}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr sessionize -k .k -t .t --epoch --stats "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":900,"end":1200,"duration":300,"buckets":1,"events":1,"open":true}
EOF
	[ "$(jq -c '{read, written, bad, missing}' <<<"$stderr")" = '{"read":4,"written":1,"bad":0,"missing":3}' ]
}

@test "sessionize: a time that does not parse is bad, named with its line" {
	printf '%s\n' '{"k":"a","t":"yesterday"}' '{"k":"a","t":true}' '{"k":"a","t":1000}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr sessionize -k .k -t .t --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":900,"end":1200,"duration":300,"buckets":1,"events":1,"open":true}
EOF
	[ "${stderr_lines[0]}" = "sessionize: $BATS_TEST_TMPDIR/in:1: bad time \"yesterday\": not an RFC 3339 time" ]
	[ "${stderr_lines[1]}" = "sessionize: $BATS_TEST_TMPDIR/in:2: bad time true: time is not a number or a string" ]
	[ "${stderr_lines[2]}" = "sessionize: 2 bad lines skipped" ]
	# --bad=fail writes what was decided and stops.
	run -1 --separate-stderr sessionize -k .k -t .t --bad=fail "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	# Epoch microseconds read as seconds: the message names the unit.
	printf '%s\n' '{"k":"a","t":1489312800000000}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr sessionize -k .k -t .t "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "sessionize: $BATS_TEST_TMPDIR/in:1: bad time 1489312800000000: time out of range (1677-09-21 to 2262-04-11); --time-unit us reads it as 2017-03-12T10:00:00Z" ]
	run -0 sessionize -k .k -t .t -u us "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00Z","duration":300,"buckets":1,"events":1,"open":true}' ]
}

@test "sessionize: --bad=fail writes the sessions closed before the bad line, and saves no state" {
	printf '%s\n' '{"k":"a","t":1000}' '{"k":"b","t":5000}' '{"k":"c","t":"noon"}' '{"k":"b","t":5001}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr sessionize -k .k -t .t --epoch --bad=fail --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"key":"a","start":900,"end":1200,"duration":300,"buckets":1,"events":1,"open":false}
EOF
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/in:3: bad time \"noon\": not an RFC 3339 time" ]
	[ ! -e "$BATS_TEST_TMPDIR/st" ]
}

@test "sessionize: usage errors exit 2" {
	run -2 --separate-stderr sessionize -t .t
	[ "${stderr_lines[0]}" = "sessionize: --key is required (the entity whose sessions to find)" ]
	run -2 --separate-stderr sessionize -k .k --gap 5x
	[ "${stderr_lines[0]}" = "sessionize: --gap: unknown duration unit (ns, us, ms, s, m, h, d, w): 5x" ]
	run -2 --separate-stderr sessionize -k .k --origin yesterday
	[ "${stderr_lines[0]}" = "sessionize: --origin: not an RFC 3339 time: yesterday" ]
	run -2 --separate-stderr sessionize -k .k --until 2017-02-30
	[ "${stderr_lines[0]}" = "sessionize: --until: no such date: 2017-02-30" ]
	run -2 --separate-stderr sessionize -k .k --flush
	[ "${stderr_lines[0]}" = "sessionize: --flush needs --state" ]
	run -2 --separate-stderr sessionize -k .k --sorted --state "$BATS_TEST_TMPDIR/st"
	[ "${stderr_lines[0]}" = "sessionize: --sorted and --state do not go together" ]
	run -2 --separate-stderr sessionize -k '.[' /dev/null
	[[ ${stderr_lines[0]} == "sessionize: --key .[: "* ]]
	run -2 --separate-stderr sessionize -k .k --shard 3/2
	[ "${stderr_lines[0]}" = "sessionize: --shard: expected k/n with 1 <= k <= n: 3/2" ]
	run -2 --separate-stderr sessionize -k .k --time-unit h
	[ "${stderr_lines[0]}" = "sessionize: --time-unit: expected s, ms, us or ns: h" ]
	# The letters that meant other things (or nothing) before the toolkit
	# had one vocabulary.
	for letter in b E F g L l S s U; do
		run -2 --separate-stderr sessionize -k .k "-$letter" x
		[ "${stderr_lines[0]}" = "sessionize: unknown option: -$letter" ]
	done
}

# ---- state files ----

@test "sessionize: --state resumes open sessions instead of closing or duplicating them" {
	ev a 2017-03-12T10:00:00Z b 2017-03-12T10:01:00Z >"$BATS_TEST_TMPDIR/h10"
	ev a 2017-03-12T10:20:00Z a 2017-03-12T12:00:00Z >"$BATS_TEST_TMPDIR/h11"
	run -0 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st" --stats "$BATS_TEST_TMPDIR/h10"
	[ -z "$output" ]
	[ "$(jq -c '{sessions, saved}' <<<"$stderr")" = '{"sessions":0,"saved":2}' ]
	[ "$(head -c 25 "$BATS_TEST_TMPDIR/st")" = "trawl-state sessionize 1 " ]
	run -0 sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/h11"
	expect <<'EOF'
{"key":"b","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:05:00Z","duration":300,"buckets":1,"events":1,"open":false}
{"key":"a","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:25:00Z","duration":1500,"buckets":2,"events":2,"open":false}
EOF
	run -0 sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st" --flush </dev/null
	expect <<'EOF'
{"key":"a","start":"2017-03-12T12:00:00Z","end":"2017-03-12T12:05:00Z","duration":300,"buckets":1,"events":1,"open":true}
EOF
	# The flushed state holds no sessions but remembers the newest time.
	run -0 sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st" --flush </dev/null
	[ -z "$output" ]
	ev a 2017-03-12T11:00:00Z | {
		run -1 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st"
		[ "${stderr_lines[0]}" = "sessionize: -:1: time 2017-03-12T11:00:00Z is more than the lateness (900s) behind the newest time 2017-03-12T12:00:00Z" ]
	}
}

# state_with_session FILE: a state holding one open session.
state_with_session() {
	ev a 2017-03-12T10:00:00Z | sessionize -k .k -t .t --state "$1"
}

@test "sessionize: a truncated or bit-flipped state file is refused and left as it is" {
	state_with_session "$BATS_TEST_TMPDIR/st"
	size=$(wc -c <"$BATS_TEST_TMPDIR/st")
	head -c $((size - 20)) "$BATS_TEST_TMPDIR/st" >"$BATS_TEST_TMPDIR/cut"
	cp "$BATS_TEST_TMPDIR/cut" "$BATS_TEST_TMPDIR/cut.orig"
	run -1 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/cut" </dev/null
	[ -z "$output" ]
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/cut: truncated state file (length mismatch)" ]
	cmp "$BATS_TEST_TMPDIR/cut" "$BATS_TEST_TMPDIR/cut.orig"
	# Flip the low bit of byte 60, inside the payload.
	cp "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/flip"
	perl -e 'open(F, "+<", $ARGV[0]) or die; seek(F, 60, 0); read(F, $c, 1);
	    seek(F, 60, 0); print F chr(ord($c) ^ 1); close(F) or die' "$BATS_TEST_TMPDIR/flip"
	run -1 cmp -s "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/flip"
	run -1 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/flip" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/flip: checksum mismatch (damaged state file)" ]
	# Not a state file at all.
	echo '{"k":"a"}' >"$BATS_TEST_TMPDIR/junk"
	run -1 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/junk" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/junk: not a trawl state file" ]
	[ "$(cat "$BATS_TEST_TMPDIR/junk")" = '{"k":"a"}' ]
}

# payload STATE: the payload bytes of a state file.
payload() {
	local header len
	header=$(head -n 1 "$1")
	len=${header##* }
	tail -c +$((${#header} + 2)) "$1" | head -c "$len"
}

@test "sessionize: a state with a valid checksum but a cut or altered payload is refused or read safely" {
	local len i opts=(-k .k -t .t -c .v -d .b --collect .b)
	printf '%s\n' '{"k":"a","t":1000,"v":1,"b":"x"}' '{"k":"b","t":1100,"v":[2],"b":"y"}' \
	    '{"k":"a","t":1200,"v":3,"b":"z"}' | sessionize "${opts[@]}" --state "$BATS_TEST_TMPDIR/st"
	payload "$BATS_TEST_TMPDIR/st" >"$BATS_TEST_TMPDIR/pl"
	len=$(wc -c <"$BATS_TEST_TMPDIR/pl")
	[ "$len" -gt 300 ]
	# Written back whole, it is the same state.
	"$TRAWL_TESTBIN/t_resave" "$BATS_TEST_TMPDIR/re" sessionize 1 <"$BATS_TEST_TMPDIR/pl"
	cmp "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/re"
	# Cut at every third byte: refused.  (Every byte, and under ASan, takes
	# minutes; a stride of 3 still cuts inside every field.)
	for ((i = 0; i < len; i += 3)); do
		head -c "$i" "$BATS_TEST_TMPDIR/pl" | "$TRAWL_TESTBIN/t_resave" "$BATS_TEST_TMPDIR/cut" sessionize 1
		if sessionize "${opts[@]}" --state "$BATS_TEST_TMPDIR/cut" </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"; then
			echo "cut at $i: accepted"
			return 1
		fi
		[ ! -s "$BATS_TEST_TMPDIR/out" ] &&
		    [ "$(cat "$BATS_TEST_TMPDIR/err")" = "sessionize: $BATS_TEST_TMPDIR/cut: malformed session data (damaged state file)" ] ||
		    { echo "cut at $i: $(cat "$BATS_TEST_TMPDIR/err")"; return 1; }
	done
	# One byte altered (every fifth): refused with a message, or read into
	# valid output; never a crash.
	for ((i = 1; i < len; i += 5)); do
		perl -e 'local $/; my $p = <STDIN>; substr($p, $ARGV[0], 1) = chr(ord(substr($p, $ARGV[0], 1)) ^ 0x41);
		    print $p' "$i" <"$BATS_TEST_TMPDIR/pl" | "$TRAWL_TESTBIN/t_resave" "$BATS_TEST_TMPDIR/alt" sessionize 1
		rc=0
		sessionize "${opts[@]}" --state "$BATS_TEST_TMPDIR/alt" --flush </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		if [ "$rc" -eq 0 ]; then
			[ ! -s "$BATS_TEST_TMPDIR/out" ] || jq -e . "$BATS_TEST_TMPDIR/out" >/dev/null ||
			    { echo "byte $i: $(cat "$BATS_TEST_TMPDIR/out")"; return 1; }
		else
			[ "$rc" -eq 1 ] && [[ $(cat "$BATS_TEST_TMPDIR/err") == "sessionize: $BATS_TEST_TMPDIR/alt: "* ]] ||
			    { echo "byte $i: status $rc: $(cat "$BATS_TEST_TMPDIR/err")"; return 1; }
		fi
	done
}

@test "sessionize: another tool's state file is refused" {
	if ! command -v pingdedup >/dev/null; then
		skip "pingdedup is not built"
	fi
	echo '{"id":"x"}' | pingdedup --state "$BATS_TEST_TMPDIR/st" >/dev/null
	run -1 --separate-stderr sessionize -k .k -t .t --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: state file of pingdedup, not sessionize" ]
}

@test "sessionize: a state written with other options is refused, naming the option" {
	state_with_session "$BATS_TEST_TMPDIR/st"
	cp "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/st.orig"
	run -1 --separate-stderr sessionize -k .k -t .t --gap 10m --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: written with --gap 900s, not 600s (a state is read with the options that wrote it)" ]
	run -1 --separate-stderr sessionize -k .k -t .t --bucket 1m --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: written with --bucket 300s, not 60s (a state is read with the options that wrote it)" ]
	run -1 --separate-stderr sessionize -k .k -t .t --bucket week --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: written with --bucket 300s, not week (a state is read with the options that wrote it)" ]
	run -1 --separate-stderr sessionize -k .id -t .t --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: written with --key .k, not .id (a state is read with the options that wrote it)" ]
	run -1 --separate-stderr sessionize -k .k -t .t -c .x --state "$BATS_TEST_TMPDIR/st" </dev/null
	[ "$stderr" = "sessionize: $BATS_TEST_TMPDIR/st: written with --carry (none), not x=.x (a state is read with the options that wrote it)" ]
	cmp "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/st.orig"
}

# split_check SEED N OPTS...: for every line i of a generated input, two
# runs joined by a state file (the second with --flush) write exactly what
# one run writes; and two runs without --flush leave the very same state
# file and output as one run with --state.
split_check() {
	local seed=$1 n=$2 i
	shift 2
	awk -v seed="$seed" -v n="$n" -f "$GEN" >"$BATS_TEST_TMPDIR/in"
	sessionize "$@" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one" 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/st1"
	sessionize "$@" --state "$BATS_TEST_TMPDIR/st1" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one.s" 2>/dev/null || true
	[ -s "$BATS_TEST_TMPDIR/one" ]
	for i in $(seq 0 "$n"); do
		rm -f "$BATS_TEST_TMPDIR/st"
		head -n "$i" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/a.in"
		tail -n +"$((i + 1))" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/b.in"
		sessionize "$@" --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/a.in" >"$BATS_TEST_TMPDIR/a" 2>/dev/null || true
		cp "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/st.a"
		sessionize "$@" --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/b.in" >"$BATS_TEST_TMPDIR/b" 2>/dev/null || true
		cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" >"$BATS_TEST_TMPDIR/two.s"
		same "$BATS_TEST_TMPDIR/one.s" "$BATS_TEST_TMPDIR/two.s" || { echo "split at $i (state)"; return 1; }
		cmp "$BATS_TEST_TMPDIR/st1" "$BATS_TEST_TMPDIR/st" || { echo "split at $i (state file)"; return 1; }
		sessionize "$@" --state "$BATS_TEST_TMPDIR/st.a" --flush "$BATS_TEST_TMPDIR/b.in" >"$BATS_TEST_TMPDIR/b" 2>/dev/null || true
		cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" >"$BATS_TEST_TMPDIR/two"
		same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/two" || { echo "split at $i (flush)"; return 1; }
	done
}

@test "sessionize: splitting the input at any line into two runs with --state gives one run's sessions" {
	split_check 1 150 -k '"\(.ip):\(.port)"' -t .t -c .bot -d .bot --collect .bot
}

@test "sessionize: the split property holds for raw times, other gaps and lateness" {
	split_check 2 120 -k .bot -t .t --bucket 0 --gap 10m --lateness 20m -c .ip --collect .port
	split_check 3 120 -k .ip -t .t --bucket 1m --gap 5m --lateness 0 -d .bot
}

@test "sessionize: agrees with a sort and awk reference on unsorted generated input" {
	local tab seed newest
	tab=$(printf '\t')
	for seed in 11 12; do
		awk -v seed="$seed" -v n=2000 -f "$GEN" >"$BATS_TEST_TMPDIR/in"
		# The reference drops late events in input order, then sorts.
		jq -r '["\(.ip):\(.port)", .t] | @tsv' "$BATS_TEST_TMPDIR/in" |
		    awk -F'\t' 'NR == 1 || $2 >= newest - 900 { if (NR == 1 || $2 > newest) newest = $2; print }' \
		    >"$BATS_TEST_TMPDIR/ok"
		newest=$(cut -f2 "$BATS_TEST_TMPDIR/ok" | sort -n | tail -n 1)
		sort -t "$tab" -k1,1 -k2,2n "$BATS_TEST_TMPDIR/ok" |
		    awk -v bucket=300 -v gap=900 -v newest="$newest" -f "$REF" | sort >"$BATS_TEST_TMPDIR/ref"
		sessionize --epoch --bad=skip -k '"\(.ip):\(.port)"' -t .t "$BATS_TEST_TMPDIR/in" 2>/dev/null |
		    jq -r '[.key, .start, .end, .duration, .buckets, .events, .open] | @tsv' | sort >"$BATS_TEST_TMPDIR/mine"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/ref")" -gt 500 ]
		same "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/mine"
	done
}

@test "sessionize: memory follows open sessions: peak_open is the same for 10 times the input" {
	# 50 keys seen every minute for half an hour, silent for the next
	# half, over 10 and over 100 hours.
	hours() {
		awk -v h="$1" 'BEGIN { for (i = 0; i < h; i++) for (m = 0; m < 30; m++) for (k = 0; k < 50; k++)
		    printf "{\"k\":%d,\"t\":%d}\n", k, i * 3600 + m * 60 }'
	}
	hours 10 >"$BATS_TEST_TMPDIR/short"
	hours 100 >"$BATS_TEST_TMPDIR/long"
	run -0 --separate-stderr sessionize -k .k -t .t --stats "$BATS_TEST_TMPDIR/short"
	[ "$(jq .sessions <<<"$stderr")" -eq 500 ]
	short_peak=$(jq .peak_open <<<"$stderr")
	run -0 --separate-stderr sessionize -k .k -t .t --stats "$BATS_TEST_TMPDIR/long"
	[ "$(jq .sessions <<<"$stderr")" -eq 5000 ]
	[ "$(jq .peak_open <<<"$stderr")" -eq "$short_peak" ]
	# Each key's old session is held until no late event can reach it,
	# which is when its next one starts.
	[ "$short_peak" -eq 100 ]
}

# ---- scale ----

@test "sessionize: --shard K/N outputs, merged and sorted, are the single run's" {
	awk -v seed=5 -v n=800 -f "$GEN" >"$BATS_TEST_TMPDIR/in"
	sessionize --bad=skip -k .bot -t .t --epoch "$BATS_TEST_TMPDIR/in" | sort >"$BATS_TEST_TMPDIR/one"
	for k in 1 2 3; do
		sessionize --bad=skip --shard "$k/3" -k .bot -t .t --epoch "$BATS_TEST_TMPDIR/in"
	done | sort >"$BATS_TEST_TMPDIR/three"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/three"
	[ "$(sessionize --bad=skip --shard 1/3 -k .bot -t .t "$BATS_TEST_TMPDIR/in" | wc -l)" -lt "$(wc -l <"$BATS_TEST_TMPDIR/one")" ]
}

@test "sessionize: --sorted input grouped by key gives the same sessions, one group at a time" {
	# The generator's events are at most 1000 s late: none is late for -L 1h,
	# whether in input order or grouped by .ip (sort -s keeps their order).
	awk -v seed=6 -v n=500 -f "$GEN" >"$BATS_TEST_TMPDIR/in"
	sort -t '"' -k4,4 -s "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/grouped"
	sessionize -k .ip -t .t --lateness 1h --epoch --until 2017-03-20T00:00:00Z "$BATS_TEST_TMPDIR/in" | sort >"$BATS_TEST_TMPDIR/one"
	run -0 --separate-stderr sessionize --sorted -k .ip -t .t --lateness 1h --epoch --until 2017-03-20T00:00:00Z --stats "$BATS_TEST_TMPDIR/grouped"
	printf '%s\n' "$output" | sort >"$BATS_TEST_TMPDIR/sorted"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/sorted"
	[ "$(jq .peak_open <<<"$stderr")" -lt "$(jq .sessions <<<"$stderr")" ]
	# Output comes group by group: the keys change exactly 3 times.
	[ "$(printf '%s\n' "$output" | jq -r .key | uniq | wc -l)" -eq 4 ]
	# A key that comes back after its group ended is bad.
	ev a 2017-03-12T10:00:00Z b 2017-03-12T10:00:00Z a 2017-03-12T10:01:00Z >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr sessionize --sorted -k .k -t .t "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "sessionize: $BATS_TEST_TMPDIR/in:3: key \"a\" reappears after its group ended (--sorted needs the input grouped by key)" ]
}

@test "sessionize: EXAMPLES: sessions of each bot with the addresses it used" {
	cd "$EX"
	run -0 sessionize -k .bot_id -t .time_seen --collect .ip sightings.ndjson
	expect <<'EOF'
{"key":"d4","start":"2017-03-12T10:05:00Z","end":"2017-03-12T10:10:00Z","duration":300,"buckets":1,"events":1,"open":false,"ip_values":["5.6.7.9"]}
{"key":"c3","start":"2017-03-12T10:05:00Z","end":"2017-03-12T10:25:00Z","duration":1200,"buckets":2,"events":2,"open":false,"ip_values":["5.6.7.9"]}
{"key":"b2","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:30:00Z","duration":1800,"buckets":3,"events":3,"open":false,"ip_values":["5.6.7.8"]}
{"key":"b2","start":"2017-03-12T11:30:00Z","end":"2017-03-12T11:35:00Z","duration":300,"buckets":1,"events":1,"open":false,"ip_values":["5.6.7.8"]}
{"key":"a1","start":"2017-03-12T23:50:00Z","end":"2017-03-13T00:10:00Z","duration":1200,"buckets":3,"events":3,"open":false,"ip_values":["1.2.3.4"]}
{"key":"a1","start":"2017-03-13T00:40:00Z","end":"2017-03-13T00:45:00Z","duration":300,"buckets":1,"events":1,"open":false,"ip_values":["1.2.3.4"]}
{"key":"e5","start":"2017-03-13T00:40:00Z","end":"2017-03-13T00:45:00Z","duration":300,"buckets":1,"events":1,"open":false,"ip_values":["1.2.3.6"]}
{"key":"a1","start":"2017-03-13T09:00:00Z","end":"2017-03-13T09:15:00Z","duration":900,"buckets":2,"events":2,"open":true,"ip_values":["1.2.3.5"]}
EOF
}

@test "sessionize: EXAMPLES: a web client's visit: 5-minute buckets against raw times (--bucket 0)" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{"ip":"83.149.9.216","dt":"2015-05-17T10:05:03Z"}' '{"ip":"83.149.9.216","dt":"2015-05-17T10:05:43Z"}' \
	    '{"ip":"83.149.9.216","dt":"2015-05-17T10:11:10Z"}' >requests.ndjson
	run -0 sessionize -k .ip -t .dt requests.ndjson
	assert_output '{"key":"83.149.9.216","start":"2015-05-17T10:05:00Z","end":"2015-05-17T10:15:00Z","duration":600,"buckets":2,"events":3,"open":true}'
	run -0 sessionize -k .ip -t .dt --bucket 0 --gap 30m requests.ndjson
	assert_output '{"key":"83.149.9.216","start":"2015-05-17T10:05:03Z","end":"2015-05-17T10:11:10Z","duration":367,"buckets":3,"events":3,"open":true}'
}

@test "sessionize: EXAMPLES: sessions per IP:port annotated with AS, max concurrent per AS and day" {
	cd "$EX"
	run -0 bash -c "jq -c --slurpfile t asn.ndjson \
	    '(\$t | map({(.ip): .}) | add) as \$m | . + (\$m[.ip] | {asn, country})' \
	    sightings.ndjson |
	  sessionize -k '\"\\(.ip):\\(.port)\"' -t .time_seen -c .asn -c .country \
	    -d .bot_id |
	  maxcount -g .asn --per day"
	expect <<'EOF'
{"group":3320,"period":"2017-03-12T00:00:00Z","max":2,"at":"2017-03-12T10:05:00Z","until":"2017-03-12T10:25:00Z","intervals":3}
{"group":4134,"period":"2017-03-12T00:00:00Z","max":1,"at":"2017-03-12T23:50:00Z","until":"2017-03-13T00:00:00Z","intervals":1}
{"group":4134,"period":"2017-03-13T00:00:00Z","max":2,"at":"2017-03-13T00:40:00Z","until":"2017-03-13T00:45:00Z","intervals":4}
EOF
	# The sessions in between: the NAT address saw two bot ids.
	run -0 bash -c "jq -c --slurpfile t asn.ndjson \
	    '(\$t | map({(.ip): .}) | add) as \$m | . + (\$m[.ip] | {asn, country})' \
	    sightings.ndjson |
	  sessionize -k '\"\\(.ip):\\(.port)\"' -t .time_seen -c .asn -c .country -d .bot_id"
	expect <<'EOF'
{"key":"5.6.7.9:7000","start":"2017-03-12T10:05:00Z","end":"2017-03-12T10:25:00Z","duration":1200,"buckets":2,"events":3,"open":false,"asn":3320,"country":"DE","bot_id_distinct":2}
{"key":"5.6.7.8:6000","start":"2017-03-12T10:00:00Z","end":"2017-03-12T10:30:00Z","duration":1800,"buckets":3,"events":3,"open":false,"asn":3320,"country":"DE","bot_id_distinct":1}
{"key":"5.6.7.8:6000","start":"2017-03-12T11:30:00Z","end":"2017-03-12T11:35:00Z","duration":300,"buckets":1,"events":1,"open":false,"asn":3320,"country":"DE","bot_id_distinct":1}
{"key":"1.2.3.4:5000","start":"2017-03-12T23:50:00Z","end":"2017-03-13T00:10:00Z","duration":1200,"buckets":3,"events":3,"open":false,"asn":4134,"country":"CN","bot_id_distinct":1}
{"key":"1.2.3.4:5000","start":"2017-03-13T00:40:00Z","end":"2017-03-13T00:45:00Z","duration":300,"buckets":1,"events":1,"open":false,"asn":4134,"country":"CN","bot_id_distinct":1}
{"key":"1.2.3.6:5000","start":"2017-03-13T00:40:00Z","end":"2017-03-13T00:45:00Z","duration":300,"buckets":1,"events":1,"open":false,"asn":4134,"country":"CN","bot_id_distinct":1}
{"key":"1.2.3.5:5000","start":"2017-03-13T09:00:00Z","end":"2017-03-13T09:15:00Z","duration":900,"buckets":2,"events":2,"open":true,"asn":4134,"country":"CN","bot_id_distinct":1}
EOF
}

@test "sessionize: EXAMPLES: hourly runs with a state file give the single run's sessions" {
	cd "$BATS_TEST_TMPDIR"
	head -n 7 "$EX/sightings.ndjson" | gzip >hour-10.ndjson.gz
	tail -n +8 "$EX/sightings.ndjson" | gzip >hour-11.ndjson.gz
	{
		sessionize -k .bot_id -t .time_seen --state bots.state hour-10.ndjson.gz
		sessionize -k .bot_id -t .time_seen --state bots.state hour-11.ndjson.gz
		sessionize -k .bot_id -t .time_seen --state bots.state --flush </dev/null
	} >runs
	sessionize -k .bot_id -t .time_seen "$EX/sightings.ndjson" >one
	same one runs
}

@test "sessionize: EXAMPLES: four shards with GNU parallel give the single run's sessions" {
	cd "$EX"
	run -0 bash -c "parallel -j 4 'sessionize --shard {}/4 -k .bot_id -t .time_seen \
	    sightings.ndjson' ::: 1 2 3 4 | sort"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/par"
	sessionize -k .bot_id -t .time_seen sightings.ndjson | sort >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/par"
}
