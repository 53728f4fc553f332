#!/usr/bin/env bats
# pingdedup(1): the --keep rules, --order-by, --count, --report-by, --merge,
# --state, --shard, --sorted and every bad input, on small fixtures that
# reproduce the two Mozilla cases and on the bundled real pings.

load helper

F=$FIXTURES/pingdedup
PINGS=$DATA/pings

# lines FILE N...: the given lines of FILE, in the order given.
lines() {
	local f=$1 n
	shift
	for n in "$@"; do
		sed -n "${n}p" "$f"
	done
}

# ---- the --keep rules on the Aurora miniature ----
# aurora.ndjson: 9 pings of one client; ids p1 (lines 1,3,5,9), p2 (2,7),
# p3 (4), p4 (6), p5 (8); submission days 20170301..20170303.

@test "pingdedup: --keep first (the default) writes each id's first record at once" {
	run -0 pingdedup "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 1 2 4 6 8 | expect
	run -0 pingdedup --keep first -k .id <"$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 1 2 4 6 8 | expect
}

@test "pingdedup: --keep last writes each id's last record, in input order" {
	run -0 pingdedup --keep last "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 4 6 7 8 9 | expect
}

@test "pingdedup: --keep unique writes only the pings whose id occurs once" {
	run -0 pingdedup --keep=unique "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 4 6 8 | expect
}

@test "pingdedup: --keep repeats writes exactly what first drops" {
	run -0 pingdedup --keep repeats "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 3 5 7 9 | expect
}

@test "pingdedup: --order-by keeps the earliest submission date (first) or the latest (last)" {
	run -0 pingdedup --keep first --order-by .meta.submissionDate "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 2 3 4 6 8 | expect
	run -0 pingdedup --keep last --order-by .meta.submissionDate "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 4 5 6 7 8 | expect
}

@test "pingdedup: --order-by ties go to the earlier record for first, the later for last" {
	run -0 pingdedup --order-by .d "$F/ties.ndjson"
	lines "$F/ties.ndjson" 2 4 | expect
	run -0 pingdedup --keep last --order-by .d "$F/ties.ndjson"
	lines "$F/ties.ndjson" 5 6 | expect
}

@test "pingdedup: a missing order value orders as null, before numbers before strings" {
	run -0 pingdedup --order-by .d "$F/nulls.ndjson"
	lines "$F/nulls.ndjson" 2 5 | expect
	run -0 pingdedup --keep last --order-by .d "$F/nulls.ndjson"
	lines "$F/nulls.ndjson" 1 4 | expect
}

# ---- the two cases ----

@test "pingdedup: Aurora: records, distinct ids and first-seen pings per submission day" {
	run -0 pingdedup -k .id --report-by .meta.submissionDate "$F/aurora.ndjson"
	expect <<-'EOF'
	{"group":"20170301","records":3,"distinct":3,"first_seen":2}
	{"group":"20170302","records":3,"distinct":2,"first_seen":2}
	{"group":"20170303","records":3,"distinct":3,"first_seen":1}
	EOF
}

@test "pingdedup: Aurora: first seen on the day of the earliest copy (--report-by with --order-by)" {
	run -0 pingdedup --report-by .meta.submissionDate --order-by .meta.submissionDate "$F/aurora.ndjson"
	expect <<-'EOF'
	{"group":"20170301","records":3,"distinct":3,"first_seen":3}
	{"group":"20170302","records":3,"distinct":2,"first_seen":1}
	{"group":"20170303","records":3,"distinct":3,"first_seen":1}
	EOF
}

@test "pingdedup: SSL spike: one client's records against distinct documentIds per day" {
	run -0 pingdedup -k .meta.documentId --report-by .meta.submissionDate "$F/ssl.ndjson"
	expect <<-'EOF'
	{"group":"20170311","records":10,"distinct":5,"first_seen":5}
	{"group":"20170312","records":30,"distinct":10,"first_seen":5}
	{"group":"20170313","records":6,"distinct":6,"first_seen":1}
	EOF
	run -0 pingdedup -k .meta.documentId --count --min-count 2 "$F/ssl.ndjson"
	[ "${#lines[@]}" -eq 10 ]
}

@test "pingdedup: --count writes one line per key, by count then key as jq sorts; --min-count filters" {
	run -0 pingdedup --count "$F/aurora.ndjson"
	expect <<-'EOF'
	{"key":"p1","count":4}
	{"key":"p2","count":2}
	{"key":"p3","count":1}
	{"key":"p4","count":1}
	{"key":"p5","count":1}
	EOF
	run -0 pingdedup --count --min-count 2 "$F/aurora.ndjson"
	expect <<-'EOF'
	{"key":"p1","count":4}
	{"key":"p2","count":2}
	EOF
}

# ---- keys: jq's == ----

@test "pingdedup: --count --sort value orders by key; usage errors for --sort" {
	run -0 pingdedup --count --sort value "$F/aurora.ndjson"
	expect <<-'EOF'
	{"key":"p1","count":4}
	{"key":"p2","count":2}
	{"key":"p3","count":1}
	{"key":"p4","count":1}
	{"key":"p5","count":1}
	EOF
	printf '%s\n' '{"id":"b"}' '{"id":"a"}' '{"id":"b"}' '{"id":"c"}' '{"id":"c"}' '{"id":"c"}' >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup --count --sort=count "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"key":"c","count":3}
	{"key":"b","count":2}
	{"key":"a","count":1}
	EOF
	run -0 pingdedup --count --sort value "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"key":"a","count":1}
	{"key":"b","count":2}
	{"key":"c","count":3}
	EOF
	run -2 --separate-stderr pingdedup --count --sort size "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "pingdedup: --sort: expected count or value: size" ]
	run -2 --separate-stderr pingdedup --sort value "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "pingdedup: --sort orders the keys of --count" ]
	run -2 --separate-stderr pingdedup --count --sorted --sort value "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "pingdedup: --sorted writes each key as its group ends, in input order: --sort does not apply" ]
}

@test "pingdedup: --output csv and tsv for --count and --report-by; records pass through as they are" {
	printf '%s\n' '{"id":"a,\"x\"","day":1}' '{"id":"a,\"x\"","day":2}' '{"id":{"k":[1, 2]},"day":1}' >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup --count -o csv "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	"key","count"
	"a,""x""",2
	"{""k"":[1,2]}",1
	EOF
	run -0 pingdedup --report-by .day --output tsv "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	group	records	distinct	first_seen
	1	2	2	2
	2	1	1	0
	EOF
	pingdedup --count "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/part"
	run -0 pingdedup --count --merge -o tsv "$BATS_TEST_TMPDIR/part"
	expect <<-'EOF'
	key	count
	a,"x"	2
	{"k":[1,2]}	1
	EOF
	run -2 --separate-stderr pingdedup -o csv "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "pingdedup: --output is for --count and --report-by: records pass through as they are" ]
	run -0 pingdedup --output ndjson "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 2 ]
}

@test "pingdedup: keys are equal as jq's == says: 79.0 == 79, \"79\" != 79, member order, escapes" {
	run -0 pingdedup "$F/keys.ndjson"
	lines "$F/keys.ndjson" 1 3 4 6 7 8 10 | expect
	run -0 pingdedup --count --sort value "$F/keys.ndjson"
	expect <<-'EOF'
	{"key":79.0,"count":2}
	{"key":"79","count":1}
	{"key":"\u0061","count":2}
	{"key":[1,2],"count":1}
	{"key":{"a":1,"b":2},"count":2}
	EOF
	# By count (the default), ties in jq's order of the keys.
	run -0 pingdedup --count "$F/keys.ndjson"
	expect <<-'EOF'
	{"key":79.0,"count":2}
	{"key":"\u0061","count":2}
	{"key":{"a":1,"b":2},"count":2}
	{"key":"79","count":1}
	{"key":[1,2],"count":1}
	EOF
}

@test "pingdedup: records with a missing or null key pass through in place under --keep first and last" {
	# Lines 6 and 7 have no key.
	run -0 pingdedup --keep last "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 3 5 6 7 9 10 | expect
	run -0 pingdedup --keep first --order-by .n "$F/keys.ndjson"
	lines "$F/keys.ndjson" 1 3 4 6 7 8 10 | expect
	run -0 pingdedup --keep last --order-by .n "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 3 5 6 7 9 10 | expect
	run -0 pingdedup --sorted "$F/keys.ndjson"
	lines "$F/keys.ndjson" 1 3 4 6 7 8 10 | expect
}

@test "pingdedup: --keep unique and repeats never write records without a key" {
	run -0 --separate-stderr pingdedup --keep unique --stats "$F/keys.ndjson"
	lines "$F/keys.ndjson" 3 10 | expect
	[[ $stderr == '{"tool":"pingdedup","read":10,"written":2,"bad":0,"missing":2,'* ]]
	run -0 pingdedup --keep repeats "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 5 9 | expect
	run -0 pingdedup --keep repeats --sorted "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 5 9 | expect
	# A client with one keyless ping is no sender of duplicates.
	printf '%s\n' '{"client":"a","id":1}' '{"client":"a"}' '{"client":"b","id":2}' '{"client":"b","id":2}' >"$BATS_TEST_TMPDIR/in"
	run -0 sh -c 'pingdedup --keep repeats "$1" | jq -r .client' sh "$BATS_TEST_TMPDIR/in"
	[ "$output" = b ]
}

@test "pingdedup: --missing pass or drop overrides the mode's default" {
	run -0 pingdedup --keep repeats --missing pass "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 5 6 7 9 | expect
	run -0 pingdedup --keep unique --missing=pass "$F/keys.ndjson"
	lines "$F/keys.ndjson" 3 6 7 10 | expect
	run -0 pingdedup --missing drop "$F/keys.ndjson"
	lines "$F/keys.ndjson" 1 3 4 8 10 | expect
	run -0 pingdedup --keep last --missing drop "$F/keys.ndjson"
	lines "$F/keys.ndjson" 2 3 5 9 10 | expect
	run -0 pingdedup --sorted --missing drop "$F/keys.ndjson"
	lines "$F/keys.ndjson" 1 3 4 8 10 | expect
	run -2 --separate-stderr pingdedup --missing keep "$F/keys.ndjson"
	[ "${stderr_lines[0]}" = "pingdedup: --missing: expected pass or drop: keep" ]
	run -2 --separate-stderr pingdedup --count --missing pass "$F/keys.ndjson"
	[ "${stderr_lines[0]}" = "pingdedup: --missing chooses records to write; --count and --report-by count keys" ]
}

@test "pingdedup: --count and --report-by leave out missing keys and count them in --stats" {
	run -0 --separate-stderr pingdedup --count --stats "$F/keys.ndjson"
	[ "${#lines[@]}" -eq 5 ]
	[[ $stderr == '{"tool":"pingdedup","read":10,"written":5,"bad":0,"missing":2,"distinct":5,'* ]]
	run -0 pingdedup --report-by .n "$F/keys.ndjson"
	[ "${#lines[@]}" -eq 8 ]
	[[ $output != *'"group":6,'* ]]
}

@test "pingdedup: a key that is not a plain path runs through libjq" {
	printf '{"id":"ABC"}\n{"id":"abc"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup -k '.id | ascii_downcase' "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"id":"ABC"}' ]
	run -0 pingdedup "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 2 ]
}

# ---- the real pings ----

@test "pingdedup: real pings: eleven copies of one id give line 1, byte for byte" {
	run -0 pingdedup "$PINGS/main-small-pipeline-schemas.ndjson"
	head -n 1 "$PINGS/main-small-pipeline-schemas.ndjson" | expect
	run -0 pingdedup --keep last "$PINGS/main-small-pipeline-schemas.ndjson"
	tail -n 1 "$PINGS/main-small-pipeline-schemas.ndjson" | expect
}

@test "pingdedup: real pings: main-full lines 2 and 3 share an id" {
	run -0 pingdedup "$PINGS/main-full-pipeline-schemas.ndjson"
	lines "$PINGS/main-full-pipeline-schemas.ndjson" 1 2 | expect
	run -0 pingdedup --keep repeats "$PINGS/main-full-pipeline-schemas.ndjson"
	lines "$PINGS/main-full-pipeline-schemas.ndjson" 3 | expect
	run -0 pingdedup --count "$PINGS/main-full-pipeline-schemas.ndjson"
	expect <<-'EOF'
	{"key":"1822b5c3-619a-084a-ba04-b566e76b90cf","count":2}
	{"key":"0fdac909-d2ec-454c-b625-261a3e5d5c9b","count":1}
	EOF
}

@test "pingdedup: real pings: main-small with main-full is 14 records of 2 ids" {
	run -0 pingdedup --keep unique "$PINGS/main-small-pipeline-schemas.ndjson" \
	    "$PINGS/main-full-pipeline-schemas.ndjson"
	[ -z "$output" ]
	run -0 pingdedup "$PINGS/main-small-pipeline-schemas.ndjson" \
	    "$PINGS/main-full-pipeline-schemas.ndjson"
	{ lines "$PINGS/main-small-pipeline-schemas.ndjson" 1
	  lines "$PINGS/main-full-pipeline-schemas.ndjson" 2; } | expect
}

@test "pingdedup: real pings: the Heka records' ids equal their meta.documentId" {
	run -0 pingdedup --count -k .id "$PINGS/main-heka-nightly54.ndjson" "$PINGS/crash-heka-gcp-ingestion.ndjson"
	by_id=$output
	run -0 pingdedup --count -k .meta.documentId "$PINGS/main-heka-nightly54.ndjson" "$PINGS/crash-heka-gcp-ingestion.ndjson"
	[ "$output" = "$by_id" ]
	run -0 pingdedup -k .meta.documentId --report-by .meta.submissionDate "$PINGS/main-heka-nightly54.ndjson"
	[ "$output" = '{"group":"20170130","records":2,"distinct":2,"first_seen":2}' ]
}

@test "pingdedup: real pings: sourceVersion 4.0 and 4 are one key, \"4\" another" {
	run -0 pingdedup --count -k .meta.sourceVersion "$PINGS/main-heka-nightly54.ndjson" "$PINGS/crash-heka-gcp-ingestion.ndjson"
	expect <<-'EOF'
	{"key":4.0,"count":2}
	{"key":"4","count":1}
	EOF
	run -0 pingdedup --count -k .meta.sampleId "$PINGS/main-heka-nightly54.ndjson"
	expect <<-'EOF'
	{"key":57.0,"count":1}
	{"key":79.0,"count":1}
	EOF
}

@test "pingdedup: real pings: records without an id (the empty ping, the core ping) pass through" {
	run -0 --separate-stderr pingdedup --stats "$PINGS/main-schema-invalid-pipeline-schemas.ndjson" \
	    "$PINGS/other-doctypes-pipeline-schemas.ndjson"
	[ "${#lines[@]}" -eq 9 ]
	[ "${lines[0]}" = '{}' ]
	[[ $stderr == '{"tool":"pingdedup","read":10,"written":9,"bad":0,"missing":2,"distinct":7,"dropped":1,'* ]]
}

# ---- --merge and --shard ----

@test "pingdedup: the union of --shard 1/3, 2/3, 3/3 is the unsharded output" {
	for mode in first last unique repeats; do
		pingdedup --keep "$mode" "$F/ssl.ndjson" "$F/aurora.ndjson" "$F/keys.ndjson" | sort >"$BATS_TEST_TMPDIR/one"
		for k in 1 2 3; do
			pingdedup --keep "$mode" --shard "$k/3" "$F/ssl.ndjson" "$F/aurora.ndjson" "$F/keys.ndjson"
		done | sort >"$BATS_TEST_TMPDIR/union"
		same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/union"
	done
	# Each shard holds a part: not all in one.
	run -0 pingdedup --shard 1/3 --count "$F/aurora.ndjson"
	[ "${#lines[@]}" -lt 5 ]
}

@test "pingdedup: --merge of sharded --count outputs is the single run, byte for byte" {
	pingdedup --count "$F/aurora.ndjson" "$F/ssl.ndjson" "$F/keys.ndjson" >"$BATS_TEST_TMPDIR/one"
	for k in 1 2 3; do
		pingdedup --count --shard "$k/3" "$F/aurora.ndjson" "$F/ssl.ndjson" "$F/keys.ndjson" >"$BATS_TEST_TMPDIR/part$k"
	done
	run -0 pingdedup --count --merge "$BATS_TEST_TMPDIR"/part3 "$BATS_TEST_TMPDIR"/part1 "$BATS_TEST_TMPDIR"/part2
	same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
	run -0 pingdedup --count --merge --min-count 3 --sort value "$BATS_TEST_TMPDIR"/part*
	expect <<-'EOF'
	{"key":"d1","count":5}
	{"key":"d10","count":4}
	{"key":"d2","count":5}
	{"key":"d3","count":5}
	{"key":"d4","count":5}
	{"key":"d5","count":5}
	{"key":"d6","count":4}
	{"key":"d7","count":4}
	{"key":"d8","count":4}
	{"key":"d9","count":4}
	{"key":"p1","count":4}
	EOF
}

@test "pingdedup: --merge of sharded --report-by outputs is the single run" {
	for o in "" "--order-by .meta.submissionDate"; do
		# shellcheck disable=SC2086
		pingdedup --report-by .meta.submissionDate $o "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/one"
		for k in 1 2 3 4; do
			# shellcheck disable=SC2086
			pingdedup --report-by .meta.submissionDate $o --shard "$k/4" "$F/aurora.ndjson"
		done >"$BATS_TEST_TMPDIR/parts"
		run -0 pingdedup --report-by .meta.submissionDate --merge "$BATS_TEST_TMPDIR/parts"
		same "$BATS_TEST_TMPDIR/one" <(printf '%s\n' "$output")
	done
}

@test "pingdedup: --merge refuses lines that are not its outputs" {
	printf '{"key":"a","count":2}\n{"key":"b","count":-1}\n{"count":1}\n{"key":"a","count":1.5}\n{"key":"a","count":3}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr pingdedup --count --merge "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"key":"a","count":5}' ]
	[ "${stderr_lines[0]}" = "pingdedup: $BATS_TEST_TMPDIR/in:2: not a --count output: \"count\" is not a non-negative integer" ]
	[ "${stderr_lines[1]}" = "pingdedup: $BATS_TEST_TMPDIR/in:3: not a --count output: no \"key\"" ]
	[ "${stderr_lines[3]}" = "pingdedup: 3 bad lines skipped" ]
	printf '{"group":1,"records":2}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr pingdedup --report-by .x --merge "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "pingdedup: $BATS_TEST_TMPDIR/in:1: not a --report-by output: \"records\", \"distinct\" and \"first_seen\" must be non-negative integers" ]
}

# ---- --sorted ----

@test "pingdedup: --sorted gives the unsorted answers on grouped input" {
	sort -t '"' -k 4,4 -s "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/grouped"
	for args in "--keep first" "--keep last" "--keep unique" "--keep repeats" "--order-by .meta.submissionDate" \
	    "--keep last --order-by .meta.submissionDate" "--count" "--report-by .meta.submissionDate" \
	    "--report-by .meta.submissionDate --order-by .meta.submissionDate"; do
		# shellcheck disable=SC2086
		pingdedup $args "$BATS_TEST_TMPDIR/grouped" >"$BATS_TEST_TMPDIR/want"
		# shellcheck disable=SC2086
		pingdedup --sorted $args "$BATS_TEST_TMPDIR/grouped" >"$BATS_TEST_TMPDIR/got"
		same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	done
}

@test "pingdedup: --sorted --count writes keys in input order as their groups end" {
	printf '{"id":"b"}\n{"id":"b"}\n{"id":"a"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup --sorted --count "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"key":"b","count":2}
	{"key":"a","count":1}
	EOF
}

@test "pingdedup: --sorted reports a key that reappears after its group ended as a bad line" {
	run -1 --separate-stderr pingdedup --sorted "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 1 2 4 6 8 | expect
	[ "${stderr_lines[0]}" = "pingdedup: $F/aurora.ndjson:3: key \"p1\" reappears after its group ended (--sorted needs the input grouped by key)" ]
	[ "${stderr_lines[4]}" = "pingdedup: 4 bad lines skipped" ]
	# The groups of p1 and p2 ended before the bad line: decided, written.
	run -1 --separate-stderr pingdedup --sorted --bad=fail --keep last "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 1 2 | expect
	[ "$stderr" = "pingdedup: $F/aurora.ndjson:3: key \"p1\" reappears after its group ended (--sorted needs the input grouped by key)" ]
}

# ---- --state ----

@test "pingdedup: --state drops on day 2 the pings seen on day 1" {
	head -n 4 "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/day1"
	tail -n 5 "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/day2"
	st=$BATS_TEST_TMPDIR/seen.state
	run -0 pingdedup --state "$st" "$BATS_TEST_TMPDIR/day1"
	lines "$F/aurora.ndjson" 1 2 4 | expect
	[ "$(head -c 24 "$st")" = "trawl-state pingdedup 1 " ]
	run -0 pingdedup --state "$st" "$BATS_TEST_TMPDIR/day2"
	lines "$F/aurora.ndjson" 6 8 | expect
	# Run on the whole input, the two days give the single run's answer.
	run -0 pingdedup "$F/aurora.ndjson"
	lines "$F/aurora.ndjson" 1 2 4 6 8 | expect
	# Day 2 again: every key is known now.
	run -0 pingdedup --state "$st" "$BATS_TEST_TMPDIR/day2"
	[ -z "$output" ]
}

@test "pingdedup: --state with repeats, unique, --order-by and --report-by" {
	head -n 4 "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/day1"
	tail -n 5 "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/day2"
	st=$BATS_TEST_TMPDIR/seen.state
	pingdedup --state "$st" "$BATS_TEST_TMPDIR/day1" >/dev/null
	cp "$st" "$BATS_TEST_TMPDIR/after1"
	run -0 pingdedup --state "$st" --keep repeats "$BATS_TEST_TMPDIR/day2"
	lines "$F/aurora.ndjson" 5 7 9 | expect
	cp "$BATS_TEST_TMPDIR/after1" "$st"
	run -0 pingdedup --state "$st" --keep unique "$BATS_TEST_TMPDIR/day2"
	lines "$F/aurora.ndjson" 6 8 | expect
	cp "$BATS_TEST_TMPDIR/after1" "$st"
	run -0 pingdedup --state "$st" --order-by .meta.submissionDate "$BATS_TEST_TMPDIR/day2"
	lines "$F/aurora.ndjson" 6 8 | expect
	cp "$BATS_TEST_TMPDIR/after1" "$st"
	run -0 pingdedup --state "$st" --report-by .meta.submissionDate "$BATS_TEST_TMPDIR/day2"
	expect <<-'EOF'
	{"group":"20170302","records":2,"distinct":2,"first_seen":1}
	{"group":"20170303","records":3,"distinct":3,"first_seen":1}
	EOF
	cp "$BATS_TEST_TMPDIR/after1" "$st"
	run -0 pingdedup --state "$st" --report-by .meta.submissionDate --order-by .meta.submissionDate "$BATS_TEST_TMPDIR/day2"
	expect <<-'EOF'
	{"group":"20170302","records":2,"distinct":2,"first_seen":1}
	{"group":"20170303","records":3,"distinct":3,"first_seen":1}
	EOF
	cp "$BATS_TEST_TMPDIR/after1" "$st"
	sort -t '"' -k 4,4 -s "$BATS_TEST_TMPDIR/day2" >"$BATS_TEST_TMPDIR/day2.grouped"
	run -0 pingdedup --state "$st" --sorted "$BATS_TEST_TMPDIR/day2.grouped"
	lines "$F/aurora.ndjson" 6 8 | expect
}

@test "pingdedup: the state file is the same bytes whatever the input order" {
	pingdedup --state "$BATS_TEST_TMPDIR/a" "$F/aurora.ndjson" >/dev/null
	tac "$F/aurora.ndjson" | pingdedup --state "$BATS_TEST_TMPDIR/b" >/dev/null
	same "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

# refused STATEFILE: pingdedup refuses it, exit 1, and leaves it as it was.
refused() {
	cp "$1" "$BATS_TEST_TMPDIR/before"
	run -1 --separate-stderr pingdedup --state "$1" "$F/aurora.ndjson"
	[ -z "$output" ]
	[[ $stderr == "pingdedup: $1: "* ]]
	same "$BATS_TEST_TMPDIR/before" "$1"
}

@test "pingdedup: a damaged state file (truncated, bit-flipped, foreign) is refused and kept" {
	st=$BATS_TEST_TMPDIR/seen.state
	pingdedup --state "$st" "$F/aurora.ndjson" >/dev/null
	cp "$st" "$BATS_TEST_TMPDIR/good"
	# Truncated.
	head -c 60 "$BATS_TEST_TMPDIR/good" >"$st"
	refused "$st"
	# One bit flipped in the payload.
	cp "$BATS_TEST_TMPDIR/good" "$st"
	printf '\x01' | dd of="$st" bs=1 seek=40 conv=notrunc status=none
	cmp -s "$st" "$BATS_TEST_TMPDIR/good" && false
	refused "$st"
	[[ $stderr == *checksum* ]]
	# Another tool's state.
	sed '1s/pingdedup/sessionize/' "$BATS_TEST_TMPDIR/good" >"$st"
	refused "$st"
	# Not a state file at all.
	cp "$F/aurora.ndjson" "$st"
	refused "$st"
	# An empty file.
	: >"$st"
	refused "$st"
}

@test "pingdedup: a well-formed state file of another tool, version or layout is refused" {
	st=$BATS_TEST_TMPDIR/st
	"$TRAWL_TESTBIN/t_state" save "$st" sessionize 1 0123456789abcdef
	refused "$st"
	"$TRAWL_TESTBIN/t_state" save "$st" pingdedup 2 0123456789abcdef
	refused "$st"
	"$TRAWL_TESTBIN/t_state" save "$st" pingdedup 1 0123456789abcdefX
	refused "$st"
	[ "$stderr" = "pingdedup: $st: damaged state file (not a whole number of keys)" ]
	"$TRAWL_TESTBIN/t_state" save "$st" pingdedup 1 BBBBBBBBBBBBBBBBAAAAAAAAAAAAAAAA
	refused "$st"
	[ "$stderr" = "pingdedup: $st: damaged state file (keys out of order)" ]
	# The same two keys in order are a state pingdedup accepts.
	"$TRAWL_TESTBIN/t_state" save "$st" pingdedup 1 AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB
	run -0 --separate-stderr pingdedup --stats --state "$st" "$F/aurora.ndjson"
	[[ $stderr == *'"state_keys":2,'* ]]
}

@test "pingdedup: the state is not saved when --bad=fail stops the run" {
	printf '{"id":"a"}\nnot json\n{"id":"b"}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr pingdedup --state "$BATS_TEST_TMPDIR/st" --bad=fail "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"id":"a"}' ]
	[ ! -e "$BATS_TEST_TMPDIR/st" ]
}

# ---- spool ----

@test "pingdedup: last and unique spool to an unlinked temporary file in TMPDIR" {
	# 12 MB of records: the spool outgrows memory.
	awk 'BEGIN { pad = sprintf("%0400d", 0);
		for (i = 0; i < 30000; i++) printf "{\"id\":%d,\"n\":%d,\"pad\":\"%s\"}\n", i % 7000, i, pad }' \
	    >"$BATS_TEST_TMPDIR/big"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	TMPDIR=$BATS_TEST_TMPDIR/tmp pingdedup --keep last "$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/got"
	tail -n 7000 "$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/want"
	same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
	printf '{"id":-1}\n' >>"$BATS_TEST_TMPDIR/big"
	run -0 --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/tmp" pingdedup --stats --keep unique "$BATS_TEST_TMPDIR/big"
	[ "$output" = '{"id":-1}' ]
	[[ $stderr == *'"spool_bytes":'* ]]
	run -0 env TMPDIR="$BATS_TEST_TMPDIR/tmp" pingdedup --order-by .n --keep last "$BATS_TEST_TMPDIR/big"
	[ "${#lines[@]}" -eq 7001 ]
	run -1 --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/nope" pingdedup --keep last "$BATS_TEST_TMPDIR/big"
	[ "$stderr" = "pingdedup: spill file in $BATS_TEST_TMPDIR/nope: No such file or directory" ]
}

# ---- bad input ----

@test "pingdedup: a line that is not JSON is reported, skipped, exit 1" {
	printf '{"id":"a"}\n{"id":\n{"id":"a"}\n{"id":"b"}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr pingdedup "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"id":"a"}
	{"id":"b"}
	EOF
	[[ ${stderr_lines[0]} == "pingdedup: $BATS_TEST_TMPDIR/in:2: "* ]]
	[ "${stderr_lines[1]}" = "pingdedup: 1 bad line skipped" ]
}

@test "pingdedup: a key expression that raises an error makes the line bad" {
	printf '{"a":{"b":1}}\n{"a":"x"}\n{"a":{"b":1}}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr pingdedup -k .a.b "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"a":{"b":1}}' ]
	[ "${stderr_lines[0]}" = "pingdedup: $BATS_TEST_TMPDIR/in:2: Cannot index string with string \"b\"" ]
	run -1 --separate-stderr pingdedup --order-by .a.b -k .a "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "pingdedup: $BATS_TEST_TMPDIR/in:2: Cannot index string with string \"b\"" ]
}

@test "pingdedup: --bad=skip, --bad=FILE and --bad=fail" {
	printf '{"id":"a"}\n[1,\n{"id":"b"}\n{"id":"a"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr pingdedup --bad=skip "$BATS_TEST_TMPDIR/in"
	[ "$output" = $'{"id":"a"}\n{"id":"b"}' ]
	run -0 --separate-stderr pingdedup --bad "$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/in"
	[ "$(cat "$BATS_TEST_TMPDIR/bad")" = '[1,' ]
	run -1 --separate-stderr pingdedup --bad fail "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"id":"a"}' ]
	[[ $stderr == "pingdedup: $BATS_TEST_TMPDIR/in:2: "* ]]
	# The modes that decide at the end have decided nothing yet.
	run -1 --separate-stderr pingdedup --bad fail --keep last "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	run -1 --separate-stderr pingdedup --bad fail --count "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
}

@test "pingdedup: gzip input, a truncated gzip stream, a missing file" {
	gzip -c "$F/aurora.ndjson" >"$BATS_TEST_TMPDIR/a.gz"
	run -0 pingdedup --count "$BATS_TEST_TMPDIR/a.gz"
	want=$output
	run -0 pingdedup --count "$F/aurora.ndjson"
	[ "$output" = "$want" ]
	head -c 100 "$BATS_TEST_TMPDIR/a.gz" >"$BATS_TEST_TMPDIR/t.gz"
	run -1 --separate-stderr pingdedup "$BATS_TEST_TMPDIR/t.gz" "$F/ties.ndjson"
	[ "$stderr" = "pingdedup: $BATS_TEST_TMPDIR/t.gz: truncated gzip input" ]
	[ "${lines[-1]}" = "$(sed -n 4p "$F/ties.ndjson")" ]
	run -1 --separate-stderr pingdedup "$BATS_TEST_TMPDIR/nope" "$F/ties.ndjson"
	[ "$stderr" = "pingdedup: $BATS_TEST_TMPDIR/nope: No such file or directory" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "pingdedup: a write error is exit 1 and leaves the state unsaved" {
	run -1 bash -c 'pingdedup --state "$1" "$2" >/dev/full' _ "$BATS_TEST_TMPDIR/st" "$F/aurora.ndjson"
	[ "$output" = "pingdedup: write error: No space left on device" ]
	[ ! -e "$BATS_TEST_TMPDIR/st" ]
	for args in "--keep last" "--report-by .meta.submissionDate" "--count" "--order-by .meta.submissionDate"; do
		run -1 bash -c "pingdedup $args \"\$1\" >/dev/full" _ "$F/aurora.ndjson"
		[ "$output" = "pingdedup: write error: No space left on device" ]
	done
}

@test "pingdedup: empty input writes nothing in every mode" {
	for args in "" "--keep last" "--keep unique" "--keep repeats" "--order-by .x" "--count" "--report-by .x" "--sorted" "--count --merge" "--report-by .x --merge" \
	    "--count -o csv" "--report-by .x -o tsv" "--count --sort value"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr pingdedup $args </dev/null
		[ -z "$output" ] && [ -z "$stderr" ]
	done
}

# ---- usage ----

@test "pingdedup: unknown options and bad values exit 2" {
	run -2 --separate-stderr pingdedup --frobnicate
	[ "${stderr_lines[0]}" = "pingdedup: unknown option: --frobnicate" ]
	[ "${stderr_lines[1]}" = "usage: pingdedup [-k expr] [--keep mode] [--order-by expr] [option ...] [file ...]" ]
	run -2 --separate-stderr pingdedup -z
	[ "${stderr_lines[0]}" = "pingdedup: unknown option: -z" ]
	run -2 --separate-stderr pingdedup -k
	[ "${stderr_lines[0]}" = "pingdedup: --key: missing argument (EXPR)" ]
	for s in 0/3 4/3 3 x/3 1/0 "" 1/3x; do
		run -2 --separate-stderr pingdedup --shard "$s" "$F/aurora.ndjson"
		[ "${stderr_lines[0]}" = "pingdedup: --shard: expected k/n with 1 <= k <= n: $s" ]
	done
	run -2 --separate-stderr pingdedup --keep middle
	[ "${stderr_lines[0]}" = "pingdedup: --keep: expected first, last, unique or repeats: middle" ]
	run -2 --separate-stderr pingdedup --count --min-count lots
	[ "${stderr_lines[0]}" = "pingdedup: --min-count: expected a non-negative integer: lots" ]
	# The letters that meant other things before the toolkit had one
	# vocabulary are unknown, never silently another option.
	for letter in c K r S M m s b; do
		run -2 --separate-stderr pingdedup "-$letter" x "$F/aurora.ndjson"
		[ "${stderr_lines[0]}" = "pingdedup: unknown option: -$letter" ]
	done
}

@test "pingdedup: an expression that does not compile is a usage error" {
	run -2 --separate-stderr pingdedup -k '.id |' "$F/aurora.ndjson"
	[ -z "$output" ]
	[[ ${stderr_lines[0]} == "pingdedup: --key .id |: "* ]]
	run -2 --separate-stderr pingdedup --order-by '][' "$F/aurora.ndjson"
	[[ ${stderr_lines[0]} == "pingdedup: --order-by ][: "* ]]
	run -2 --separate-stderr pingdedup --report-by '.a[' "$F/aurora.ndjson"
	[[ ${stderr_lines[0]} == "pingdedup: --report-by .a[: "* ]]
}

@test "pingdedup: options that do not go together are usage errors" {
	for args in "--count --report-by .x" "--min-count 2" "--count --keep last" "--report-by .x --keep unique" "--count --order-by .x" \
	    "--keep unique --order-by .x" "--keep repeats --order-by .x" "--merge" "--merge --count --sorted" "--merge --count --shard 1/2" \
	    "--merge --report-by .x --order-by .y" "--merge --count --state st" "--count --state st" "--keep last --state st"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr pingdedup $args "$F/aurora.ndjson"
		[ -z "$output" ]
		[[ ${stderr_lines[1]} == usage:* ]]
	done
}

@test "pingdedup: --stats counts distinct keys, drops and key memory" {
	run -0 --separate-stderr pingdedup --stats "$F/aurora.ndjson"
	[[ $stderr =~ ^\{\"tool\":\"pingdedup\",\"read\":9,\"written\":5,\"bad\":0,\"missing\":0,\"distinct\":5,\"dropped\":4,\"key_bytes\":[0-9]+,\"bytes_per_key\":[0-9]+,\"peak_rss_kb\":[0-9]+\}$ ]]
	run -0 --separate-stderr pingdedup --stats --shard 2/2 --state "$BATS_TEST_TMPDIR/st" "$F/aurora.ndjson"
	[[ $stderr == *'"other_shards":'*'"state_keys":0,'* ]]
}

# ---- the man page's EXAMPLES ----

@test "pingdedup: EXAMPLES: the Aurora and SSL commands" {
	cd "$F"
	run -0 pingdedup -k .id --report-by .meta.submissionDate aurora.ndjson
	[ "${#lines[@]}" -eq 3 ]
	run -0 pingdedup --report-by .meta.submissionDate --order-by .meta.submissionDate aurora.ndjson
	[ "${lines[0]}" = '{"group":"20170301","records":3,"distinct":3,"first_seen":3}' ]
	run -0 pingdedup --keep first --order-by .meta.submissionDate aurora.ndjson
	[ "${#lines[@]}" -eq 5 ]
	run -0 pingdedup --keep unique aurora.ndjson
	[ "${#lines[@]}" -eq 3 ]
	run -0 pingdedup -k .meta.documentId --report-by .meta.submissionDate ssl.ndjson
	[ "${lines[1]}" = '{"group":"20170312","records":30,"distinct":10,"first_seen":5}' ]
	run -0 pingdedup --count --min-count 2 aurora.ndjson
	[ "${#lines[@]}" -eq 2 ]
}

@test "pingdedup: EXAMPLES: incremental daily deduplication and merged shards" {
	cd "$BATS_TEST_TMPDIR"
	head -n 4 "$F/aurora.ndjson" >day1.ndjson
	tail -n 5 "$F/aurora.ndjson" >day2.ndjson
	pingdedup --state seen.state day1.ndjson > day1.dedup
	pingdedup --state seen.state day2.ndjson > day2.dedup
	cat day1.dedup day2.dedup >both
	pingdedup "$F/aurora.ndjson" >single
	same single both
	cp "$F/aurora.ndjson" aurora.ndjson
	run -0 bash -c 'parallel -j 4 pingdedup --count --shard {}/4 aurora.ndjson ::: 1 2 3 4 |
	    pingdedup --count --merge'
	[ "$output" = "$(pingdedup --count aurora.ndjson)" ]
}

@test "pingdedup: CAVEATS: a case-insensitive key through libjq" {
	printf '{"id":"0FDAC909-D2EC-454C-B625-261A3E5D5C9B"}\n' |
	    cat - "$PINGS/main-small-pipeline-schemas.ndjson" >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup -k '.id | ascii_downcase' "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 1 ]
	run -0 pingdedup "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 2 ]
}

# ---- against jq and against libjq ----

@test "pingdedup: --count and --report-by agree with jq's group_by" {
	run -0 pingdedup --count --sort value "$F/aurora.ndjson" "$F/ssl.ndjson"
	want=$(jq -c -s 'group_by(.id) | map({key: .[0].id, count: length}) | .[]' \
	    "$F/aurora.ndjson" "$F/ssl.ndjson")
	[ "$output" = "$want" ]
	# By count: jq's sort_by is stable, so ties stay in key order.
	run -0 pingdedup --count "$F/aurora.ndjson" "$F/ssl.ndjson"
	want=$(jq -c -s 'group_by(.id) | map({key: .[0].id, count: length}) | sort_by(-.count) | .[]' \
	    "$F/aurora.ndjson" "$F/ssl.ndjson")
	[ "$output" = "$want" ]
	run -0 pingdedup -k .meta.documentId --report-by .meta.submissionDate "$F/ssl.ndjson"
	want=$(jq -c -s 'group_by(.meta.submissionDate) | map({group: .[0].meta.submissionDate,
	    records: length, distinct: (map(.meta.documentId) | unique | length)}) | .[]' "$F/ssl.ndjson")
	[ "$(printf '%s\n' "$output" | jq -c 'del(.first_seen)')" = "$want" ]
}

@test "pingdedup: the records chosen are the same with every expression run by libjq" {
	for args in "" "--keep last" "--keep unique" "--keep repeats" "--order-by .n" "--keep last --order-by .n"; do
		for f in "$F/keys.ndjson" "$F/aurora.ndjson" "$PINGS/main-full-pipeline-schemas.ndjson" \
		    "$PINGS/other-doctypes-pipeline-schemas.ndjson"; do
			# shellcheck disable=SC2086
			pingdedup $args "$f" >"$BATS_TEST_TMPDIR/fast"
			# shellcheck disable=SC2086
			TRAWL_NO_FASTPATH=1 pingdedup $args "$f" >"$BATS_TEST_TMPDIR/jq"
			same "$BATS_TEST_TMPDIR/fast" "$BATS_TEST_TMPDIR/jq"
		done
	done
}
