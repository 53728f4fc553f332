#!/usr/bin/env bats
# maxcount(1): half-open intervals, intervals of length 0, periods spanned
# whole, at/until and the intervals count, composite groups, --timeline,
# --per with durations and --origin, bad and missing input, --shard,
# --sorted, a brute-force cross-check and every example of the man page.

load helper

F=$FIXTURES/maxcount
EX=$DATA/man
BRUTE=$FIXTURES/maxcount/brute.awk

# iv GROUP START END...: one interval record per triple.
iv() {
	while [ $# -gt 0 ]; do
		printf '{"g":"%s","start":"%s","end":"%s"}\n' "$1" "$2" "$3"
		shift 3
	done
}

@test "maxcount: intervals are half-open: one that ends as another starts does not overlap it" {
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z a 2017-03-12T11:00:00Z 2017-03-12T12:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":null,"max":1,"at":"2017-03-12T10:00:00Z","until":"2017-03-12T12:00:00Z","intervals":2}
EOF
	# One second more and they overlap, for that second.
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:01Z a 2017-03-12T11:00:00Z 2017-03-12T12:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":null,"max":2,"at":"2017-03-12T11:00:00Z","until":"2017-03-12T11:00:01Z","intervals":2}
EOF
}

@test "maxcount: an interval of length 0 is active at its start instant only" {
	# b: a point at 10:00 and an interval starting then: 2 at that instant.
	# c: a point where an interval ends: not active together.
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z a 2017-03-12T10:30:00Z 2017-03-12T10:30:00Z \
	    b 2017-03-12T10:00:00Z 2017-03-12T10:00:00Z b 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z \
	    c 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z c 2017-03-12T11:00:00Z 2017-03-12T11:00:00Z \
	    d 2017-03-12T09:00:00Z 2017-03-12T09:00:00Z d 2017-03-12T09:00:00Z 2017-03-12T09:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":null,"max":2,"at":"2017-03-12T10:30:00Z","until":"2017-03-12T10:30:00Z","intervals":2}
{"group":"b","period":null,"max":2,"at":"2017-03-12T10:00:00Z","until":"2017-03-12T10:00:00Z","intervals":2}
{"group":"c","period":null,"max":1,"at":"2017-03-12T10:00:00Z","until":"2017-03-12T11:00:00Z","intervals":2}
{"group":"d","period":null,"max":2,"at":"2017-03-12T09:00:00Z","until":"2017-03-12T09:00:00Z","intervals":2}
EOF
}

@test "maxcount: at..until is the first stretch where the maximum holds" {
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z a 2017-03-12T10:30:00Z 2017-03-12T10:40:00Z \
	    a 2017-03-12T10:50:00Z 2017-03-12T11:20:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":null,"max":2,"at":"2017-03-12T10:30:00Z","until":"2017-03-12T10:40:00Z","intervals":3}
EOF
	# A maximum that continues across an end and a start at one instant.
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z a 2017-03-12T10:30:00Z 2017-03-12T10:40:00Z \
	    a 2017-03-12T10:40:00Z 2017-03-12T10:50:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":null,"max":2,"at":"2017-03-12T10:30:00Z","until":"2017-03-12T10:50:00Z","intervals":3}
EOF
}

@test "maxcount: an interval spanning several periods counts in each; periods spanned whole keep their maximum" {
	# Three intervals active throughout March 12 with no start or end in
	# it: its maximum is 3, from midnight to midnight.
	iv a 2017-03-11T12:00:00Z 2017-03-13T12:00:00Z a 2017-03-11T13:00:00Z 2017-03-13T12:00:00Z \
	    a 2017-03-11T14:00:00Z 2017-03-13T11:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount --per day "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":"2017-03-11T00:00:00Z","max":3,"at":"2017-03-11T14:00:00Z","until":"2017-03-12T00:00:00Z","intervals":3}
{"group":null,"period":"2017-03-12T00:00:00Z","max":3,"at":"2017-03-12T00:00:00Z","until":"2017-03-13T00:00:00Z","intervals":3}
{"group":null,"period":"2017-03-13T00:00:00Z","max":3,"at":"2017-03-13T00:00:00Z","until":"2017-03-13T11:00:00Z","intervals":3}
EOF
	# Spanned days between intervals are written; empty days are not.
	iv a 2017-03-10T23:00:00Z 2017-03-13T01:00:00Z a 2017-03-20T10:00:00Z 2017-03-20T10:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount --per 1d "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":"2017-03-10T00:00:00Z","max":1,"at":"2017-03-10T23:00:00Z","until":"2017-03-11T00:00:00Z","intervals":1}
{"group":null,"period":"2017-03-11T00:00:00Z","max":1,"at":"2017-03-11T00:00:00Z","until":"2017-03-12T00:00:00Z","intervals":1}
{"group":null,"period":"2017-03-12T00:00:00Z","max":1,"at":"2017-03-12T00:00:00Z","until":"2017-03-13T00:00:00Z","intervals":1}
{"group":null,"period":"2017-03-13T00:00:00Z","max":1,"at":"2017-03-13T00:00:00Z","until":"2017-03-13T01:00:00Z","intervals":1}
{"group":null,"period":"2017-03-20T00:00:00Z","max":1,"at":"2017-03-20T10:00:00Z","until":"2017-03-20T10:00:00Z","intervals":1}
EOF
}

@test "maxcount: intervals counts those overlapping the period; one ending at its start does not" {
	iv a 2017-03-12T09:00:00Z 2017-03-12T10:00:00Z a 2017-03-12T09:30:00Z 2017-03-12T10:30:00Z \
	    a 2017-03-12T10:45:00Z 2017-03-12T10:50:00Z a 2017-03-12T11:00:00Z 2017-03-12T11:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g --per 1h "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","period":"2017-03-12T09:00:00Z","max":2,"at":"2017-03-12T09:30:00Z","until":"2017-03-12T10:00:00Z","intervals":2}
{"group":"a","period":"2017-03-12T10:00:00Z","max":1,"at":"2017-03-12T10:00:00Z","until":"2017-03-12T10:30:00Z","intervals":2}
{"group":"a","period":"2017-03-12T11:00:00Z","max":1,"at":"2017-03-12T11:00:00Z","until":"2017-03-12T11:00:00Z","intervals":1}
EOF
}

@test "maxcount: --per takes durations, aligned to the epoch or --origin" {
	iv a 2017-03-12T05:00:00Z 2017-03-12T07:00:00Z a 2017-03-12T06:30:00Z 2017-03-12T08:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -p 6h "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":"2017-03-12T00:00:00Z","max":1,"at":"2017-03-12T05:00:00Z","until":"2017-03-12T06:00:00Z","intervals":1}
{"group":null,"period":"2017-03-12T06:00:00Z","max":2,"at":"2017-03-12T06:30:00Z","until":"2017-03-12T07:00:00Z","intervals":2}
EOF
	run -0 maxcount -p 6h --origin 2017-03-12T04:00:00Z --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":1489291200,"max":2,"at":1489300200,"until":1489302000,"intervals":2}
EOF
	run -0 maxcount --per 90m "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":"2017-03-12T04:30:00Z","max":1,"at":"2017-03-12T05:00:00Z","until":"2017-03-12T06:00:00Z","intervals":1}
{"group":null,"period":"2017-03-12T06:00:00Z","max":2,"at":"2017-03-12T06:30:00Z","until":"2017-03-12T07:00:00Z","intervals":2}
{"group":null,"period":"2017-03-12T07:30:00Z","max":1,"at":"2017-03-12T07:30:00Z","until":"2017-03-12T08:00:00Z","intervals":1}
EOF
}

@test "maxcount: several -g make an array group; groups sort in jq order; missing parts are null" {
	printf '%s\n' '{"a":"x","b":2,"start":0,"end":10}' '{"a":"x","b":2.0,"start":5,"end":10}' \
	    '{"a":"x","b":1,"start":0,"end":10}' '{"b":1,"start":0,"end":10}' '{"a":3,"start":0,"end":1}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr maxcount -g .a -g .b --epoch --stats "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":[null,1],"period":null,"max":1,"at":0,"until":10,"intervals":1}
{"group":[3,null],"period":null,"max":1,"at":0,"until":1,"intervals":1}
{"group":["x",1],"period":null,"max":1,"at":0,"until":10,"intervals":1}
{"group":["x",2],"period":null,"max":2,"at":5,"until":10,"intervals":2}
EOF
	[ "$(jq -c '{read, written, missing, groups, intervals}' <<<"$stderr")" = '{"read":5,"written":4,"missing":2,"groups":4,"intervals":5}' ]
	run -0 maxcount -g .b --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":null,"max":1,"at":0,"until":1,"intervals":1}
{"group":1,"period":null,"max":2,"at":0,"until":10,"intervals":2}
{"group":2,"period":null,"max":2,"at":5,"until":10,"intervals":2}
EOF
}

@test "maxcount: --timeline writes the step function, instants of length-0 intervals included" {
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z a 2017-03-12T10:30:00Z 2017-03-12T10:40:00Z \
	    a 2017-03-12T10:35:00Z 2017-03-12T10:35:00Z a 2017-03-12T12:00:00Z 2017-03-12T12:30:00Z \
	    b 2017-03-12T09:00:00Z 2017-03-12T09:10:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .g --timeline "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":"a","from":"2017-03-12T10:00:00Z","until":"2017-03-12T10:30:00Z","count":1}
{"group":"a","from":"2017-03-12T10:30:00Z","until":"2017-03-12T10:35:00Z","count":2}
{"group":"a","from":"2017-03-12T10:35:00Z","until":"2017-03-12T10:35:00Z","count":3}
{"group":"a","from":"2017-03-12T10:35:00Z","until":"2017-03-12T10:40:00Z","count":2}
{"group":"a","from":"2017-03-12T10:40:00Z","until":"2017-03-12T11:00:00Z","count":1}
{"group":"a","from":"2017-03-12T11:00:00Z","until":"2017-03-12T12:00:00Z","count":0}
{"group":"a","from":"2017-03-12T12:00:00Z","until":"2017-03-12T12:30:00Z","count":1}
{"group":"b","from":"2017-03-12T09:00:00Z","until":"2017-03-12T09:10:00Z","count":1}
EOF
	run -2 --separate-stderr maxcount --timeline -p day "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "maxcount: --timeline writes the whole step function: drop --per" ]
}

@test "maxcount: end before start and unparseable times are bad; missing ones are counted" {
	printf '%s\n' '{"start":10,"end":5}' '{"start":"soon","end":5}' '{"start":1,"end":[]}' \
	    '{"start":1}' '{"start":0,"end":10}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr maxcount --epoch --stats "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":null,"max":1,"at":0,"until":10,"intervals":1}
EOF
	[ "${stderr_lines[0]}" = "maxcount: $BATS_TEST_TMPDIR/in:1: end 1970-01-01T00:00:05Z is before start 1970-01-01T00:00:10Z" ]
	[ "${stderr_lines[1]}" = "maxcount: $BATS_TEST_TMPDIR/in:2: bad start \"soon\": not an RFC 3339 time" ]
	[ "${stderr_lines[2]}" = "maxcount: $BATS_TEST_TMPDIR/in:3: bad end []: time is not a number or a string" ]
	[ "${stderr_lines[3]}" = "maxcount: 3 bad lines skipped" ]
	[ "$(jq -c '{read, bad, missing}' <<<"${stderr_lines[4]}")" = '{"read":5,"bad":3,"missing":1}' ]
	run -0 maxcount --epoch --bad="$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/in"
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/bad")" = '{"start":10,"end":5}' ]
	# --bad=fail: nothing is decided before the end.
	run -1 --separate-stderr maxcount --bad=fail "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
}

@test "maxcount: other --start/--end expressions and --time-unit" {
	printf '%s\n' '{"s":{"t":1489312800000},"d":60000}' '{"s":{"t":1489312830000},"d":0}' >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount --start .s.t --end '.s.t + .d' -u ms "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":null,"max":2,"at":"2017-03-12T10:00:30Z","until":"2017-03-12T10:00:30Z","intervals":2}
EOF
}

@test "maxcount: calendar months as periods, an interval across three of them" {
	printf '%s\n' '{"start":"2017-01-30T00:00:00Z","end":"2017-03-02T00:00:00Z"}' '{"start":"2017-02-10T00:00:00Z","end":"2017-02-11T00:00:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -p month "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":null,"period":"2017-01-01T00:00:00Z","max":1,"at":"2017-01-30T00:00:00Z","until":"2017-02-01T00:00:00Z","intervals":1}
{"group":null,"period":"2017-02-01T00:00:00Z","max":2,"at":"2017-02-10T00:00:00Z","until":"2017-02-11T00:00:00Z","intervals":2}
{"group":null,"period":"2017-03-01T00:00:00Z","max":1,"at":"2017-03-01T00:00:00Z","until":"2017-03-02T00:00:00Z","intervals":1}
EOF
}

@test "maxcount: epoch milliseconds read as seconds are bad, and the message names --time-unit ms" {
	printf '%s\n' '{"start":1489312800000,"end":1489312900000}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr maxcount "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "maxcount: $BATS_TEST_TMPDIR/in:1: bad start 1489312800000: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 2017-03-12T10:00:00Z" ]
	run -0 maxcount -u ms "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"group":null,"period":null,"max":1,"at":"2017-03-12T10:00:00Z","until":"2017-03-12T10:01:40Z","intervals":1}' ]
}

@test "maxcount: --time-format reads Apache's times, offsets applied; RFC 3339 then does not match" {
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"asn":1,"start":"17/May/2015:10:05:03 +0000","end":"17/May/2015:10:15:03 +0000"}
{"asn":1,"start":"17/May/2015:12:10:00 +0200","end":"17/May/2015:10:20:00 +0000"}
{"asn":2,"start":"17/May/2015:10:00:00 +0000","end":"18/May/2015:00:00:00 +0000"}
{"asn":2,"start":"2015-05-17T10:00:00Z","end":"17/May/2015:11:00:00 +0000"}
{"asn":2,"start":1431856800,"end":"17/May/2015:11:00:00 +0000"}
EOF
	run -1 --separate-stderr maxcount --time-format '%d/%b/%Y:%H:%M:%S %z' -g .asn "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":1,"period":null,"max":2,"at":"2015-05-17T10:10:00Z","until":"2015-05-17T10:15:03Z","intervals":2}
{"group":2,"period":null,"max":2,"at":"2015-05-17T10:00:00Z","until":"2015-05-17T11:00:00Z","intervals":2}
EOF
	[ "$stderr" = "maxcount: $BATS_TEST_TMPDIR/in:4: bad start \"2015-05-17T10:00:00Z\": does not match the time format at \"/\"
maxcount: 1 bad line skipped" ]
	run -2 --separate-stderr maxcount --time-format '%d/%b/%Y:%H:%M:%S %Q' "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "maxcount: --time-format: %Q is not a time format conversion" ]
}

@test "maxcount: --time-format %f: overlaps decided by the fraction, to the nanosecond" {
	# Group 1 overlaps for one nanosecond only because digits past the
	# ninth are dropped (rounded, .0999999999999 would be .1, where the
	# first interval ends); group 2's second start is .5 s after 10:00
	# once +0200 is applied; group 3's intervals touch and do not overlap.
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"asn":1,"start":"17/May/2015:10:00:00.000000000 +0000","end":"17/May/2015:10:00:00.100000000 +0000"}
{"asn":1,"start":"17/May/2015:10:00:00.0999999999999 +0000","end":"17/May/2015:10:00:01.5 +0000"}
{"asn":2,"start":"17/May/2015:10:00:00.25 +0000","end":"17/May/2015:10:00:00.75 +0000"}
{"asn":2,"start":"17/May/2015:12:00:00.5 +0200","end":"17/May/2015:10:00:02.0 +0000"}
{"asn":3,"start":"17/May/2015:10:00:00.1 +0000","end":"17/May/2015:10:00:00.2 +0000"}
{"asn":3,"start":"17/May/2015:10:00:00.2 +0000","end":"17/May/2015:10:00:00.3 +0000"}
EOF
	run -0 --separate-stderr maxcount -g .asn --time-format '%d/%b/%Y:%H:%M:%S.%f %z' "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":1,"period":null,"max":2,"at":"2015-05-17T10:00:00.099999999Z","until":"2015-05-17T10:00:00.1Z","intervals":2}
{"group":2,"period":null,"max":2,"at":"2015-05-17T10:00:00.5Z","until":"2015-05-17T10:00:00.75Z","intervals":2}
{"group":3,"period":null,"max":1,"at":"2015-05-17T10:00:00.1Z","until":"2015-05-17T10:00:00.3Z","intervals":2}
EOF
	[ -z "$stderr" ]
}

@test "maxcount: --output csv and tsv: a header, one row per record, array groups as JSON" {
	iv a 2017-03-12T10:00:00Z 2017-03-12T11:00:00Z 'b,\"c' 2017-03-12T10:30:00Z 2017-03-12T12:00:00Z >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -o csv -g .g -g '.g | length' -p day "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
"group","period","max","at","until","intervals"
"[""a"",1]","2017-03-12T00:00:00Z",1,"2017-03-12T10:00:00Z","2017-03-12T11:00:00Z",1
"[""b,\""c"",4]","2017-03-12T00:00:00Z",1,"2017-03-12T10:30:00Z","2017-03-12T12:00:00Z",1
EOF
	run -0 maxcount --output=tsv --epoch --timeline "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
group	from	until	count
	1489312800	1489314600	1
	1489314600	1489316400	2
	1489316400	1489320000	1
EOF
	run -0 maxcount -o csv </dev/null
	[ -z "$output" ]
	run -2 --separate-stderr maxcount -o xml </dev/null
	[ "${stderr_lines[0]}" = "maxcount: --output: expected ndjson, tsv or csv: xml" ]
}

@test "maxcount: usage errors exit 2" {
	run -2 --separate-stderr maxcount --per 0
	[ "${stderr_lines[0]}" = "maxcount: --per: a period must be longer than 0: 0" ]
	run -2 --separate-stderr maxcount --per fortnight
	[ "${stderr_lines[0]}" = "maxcount: --per: not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, week, month, year: fortnight" ]
	run -2 --separate-stderr maxcount --per month --origin 2017-01-15
	[ "${stderr_lines[0]}" = "maxcount: --origin: hour, day, week, month and year start where the UTC calendar does; an origin is for durations (1h, 1d, 1w)" ]
	run -2 --separate-stderr maxcount -g '.['
	[[ ${stderr_lines[0]} == "maxcount: --group .[: "* ]]
	run -2 --separate-stderr maxcount --shard 0/4
	[ "${stderr_lines[0]}" = "maxcount: --shard: expected k/n with 1 <= k <= n: 0/4" ]
}

# random_intervals SEED N: seeded integer intervals in 3 groups, one in 7
# of length 0.
random_intervals() {
	awk -v seed="$1" -v n="$2" 'BEGIN { x = seed + 1
		for (i = 0; i < n; i++) {
			x = (x * 16807) % 2147483647; s = x % 5000
			x = (x * 16807) % 2147483647; d = x % 7 == 0 ? 0 : x % 900
			x = (x * 16807) % 2147483647
			printf "{\"g\":%d,\"start\":%d,\"end\":%d}\n", x % 3, s, s + d } }'
}

@test "maxcount: max, at and intervals agree with a brute-force count at every instant" {
	local per p
	random_intervals 3 300 >"$BATS_TEST_TMPDIR/in"
	jq -r '[.g, .start, .end] | @tsv' "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/tsv"
	for per in 0 7 600 1000 3600; do
		p=()
		[ "$per" = 0 ] || p=(--per "$per")
		awk -v per="$per" -f "$BRUTE" "$BATS_TEST_TMPDIR/tsv" | sort >"$BATS_TEST_TMPDIR/ref"
		maxcount -g .g "${p[@]}" --epoch "$BATS_TEST_TMPDIR/in" |
		    jq -r '[.group, .period, .max, .at, .intervals] | map(tostring) | @tsv' | sort >"$BATS_TEST_TMPDIR/mine"
		same "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/mine"
	done
	[ "$(wc -l <"$BATS_TEST_TMPDIR/mine")" -eq 6 ]
}

@test "maxcount: a group large enough for the radix sort agrees with brute force too" {
	# Groups of fewer than 256 times are sorted with qsort(3).
	random_intervals 9 1000 | jq -c '.g = 0 | .start += 1489312800 | .end += 1489312800' >"$BATS_TEST_TMPDIR/in"
	jq -r '[.g, .start, .end] | @tsv' "$BATS_TEST_TMPDIR/in" | awk -v per=600 -f "$BRUTE" | sort >"$BATS_TEST_TMPDIR/ref"
	maxcount -g .g --per 600 --epoch "$BATS_TEST_TMPDIR/in" |
	    jq -r '[.group, .period, .max, .at, .intervals] | map(tostring) | @tsv' | sort >"$BATS_TEST_TMPDIR/mine"
	same "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/mine"
}

@test "maxcount: --shard outputs together are the single run's; --sorted gives the same per group" {
	random_intervals 4 600 >"$BATS_TEST_TMPDIR/in"
	maxcount -g .g --per 1000 --epoch "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one"
	for k in 1 2 3; do
		maxcount --shard "$k/3" -g .g --per 1000 --epoch "$BATS_TEST_TMPDIR/in"
	done | sort >"$BATS_TEST_TMPDIR/three"
	sort "$BATS_TEST_TMPDIR/one" | same /dev/stdin "$BATS_TEST_TMPDIR/three"
	jq -c -s 'sort_by(.g) | .[]' "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/grouped"
	run -0 maxcount --sorted -g .g --per 1000 --epoch "$BATS_TEST_TMPDIR/grouped"
	printf '%s\n' "$output" | same "$BATS_TEST_TMPDIR/one" /dev/stdin
	printf '%s\n' '{"g":1,"start":0,"end":1}' '{"g":2,"start":0,"end":1}' '{"g":1,"start":0,"end":1}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr maxcount --sorted -g .g --epoch "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
{"group":1,"period":null,"max":1,"at":0,"until":1,"intervals":1}
{"group":2,"period":null,"max":1,"at":0,"until":1,"intervals":1}
EOF
	[ "${stderr_lines[0]}" = "maxcount: $BATS_TEST_TMPDIR/in:3: key 1 reappears after its group ended (--sorted needs the input grouped by key)" ]
}

# ---- the man page's examples ----

@test "maxcount: EXAMPLES: sessionize's sessions per AS and day" {
	cd "$EX"
	run -0 bash -c "jq -c --slurpfile t asn.ndjson \
	    '(\$t | map({(.ip): .}) | add) as \$m | . + (\$m[.ip] | {asn, country})' \
	    sightings.ndjson |
	  sessionize -k '\"\\(.ip):\\(.port)\"' -t .time_seen -c .asn -c .country |
	  maxcount -g .asn --per day"
	expect <<'EOF'
{"group":3320,"period":"2017-03-12T00:00:00Z","max":2,"at":"2017-03-12T10:05:00Z","until":"2017-03-12T10:25:00Z","intervals":3}
{"group":4134,"period":"2017-03-12T00:00:00Z","max":1,"at":"2017-03-12T23:50:00Z","until":"2017-03-13T00:00:00Z","intervals":1}
{"group":4134,"period":"2017-03-13T00:00:00Z","max":2,"at":"2017-03-13T00:40:00Z","until":"2017-03-13T00:45:00Z","intervals":4}
EOF
	# sessions.ndjson is that pipeline's sessionize output.
	run -0 bash -c "jq -c --slurpfile t asn.ndjson \
	    '(\$t | map({(.ip): .}) | add) as \$m | . + (\$m[.ip] | {asn, country})' \
	    sightings.ndjson |
	  sessionize -k '\"\\(.ip):\\(.port)\"' -t .time_seen -c .asn -c .country"
	printf '%s\n' "$output" | same "$EX/sessions.ndjson" /dev/stdin
}

@test "maxcount: EXAMPLES: per country and AS for the whole input" {
	cd "$EX"
	run -0 maxcount -g .country -g .asn sessions.ndjson
	expect <<'EOF'
{"group":["CN",4134],"period":null,"max":2,"at":"2017-03-13T00:40:00Z","until":"2017-03-13T00:45:00Z","intervals":4}
{"group":["DE",3320],"period":null,"max":2,"at":"2017-03-12T10:05:00Z","until":"2017-03-12T10:25:00Z","intervals":3}
EOF
}

@test "maxcount: EXAMPLES: the timeline of concurrent sessions per country" {
	cd "$EX"
	run -0 maxcount -g .country --timeline sessions.ndjson
	expect <<'EOF'
{"group":"CN","from":"2017-03-12T23:50:00Z","until":"2017-03-13T00:10:00Z","count":1}
{"group":"CN","from":"2017-03-13T00:10:00Z","until":"2017-03-13T00:40:00Z","count":0}
{"group":"CN","from":"2017-03-13T00:40:00Z","until":"2017-03-13T00:45:00Z","count":2}
{"group":"CN","from":"2017-03-13T00:45:00Z","until":"2017-03-13T09:00:00Z","count":0}
{"group":"CN","from":"2017-03-13T09:00:00Z","until":"2017-03-13T09:15:00Z","count":1}
{"group":"DE","from":"2017-03-12T10:00:00Z","until":"2017-03-12T10:05:00Z","count":1}
{"group":"DE","from":"2017-03-12T10:05:00Z","until":"2017-03-12T10:25:00Z","count":2}
{"group":"DE","from":"2017-03-12T10:25:00Z","until":"2017-03-12T10:30:00Z","count":1}
{"group":"DE","from":"2017-03-12T10:30:00Z","until":"2017-03-12T11:30:00Z","count":0}
{"group":"DE","from":"2017-03-12T11:30:00Z","until":"2017-03-12T11:35:00Z","count":1}
EOF
}

@test "maxcount: EXAMPLES: four shards with GNU parallel give the single run's answer" {
	cd "$EX"
	run -0 bash -c "parallel -j 4 'maxcount --shard {}/4 -g .asn --per day sessions.ndjson' \
	    ::: 1 2 3 4 | sort"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/par"
	maxcount -g .asn --per day sessions.ndjson | sort >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/par"
}
