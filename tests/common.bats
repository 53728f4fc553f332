#!/usr/bin/env bats
# The conventions every tool shares (trawl(7)): help and usage errors, empty
# input, unreadable and damaged input, bad lines under each --bad mode,
# gzip, --stats, write errors.  Each test runs every tool that has a source
# file in bin/, with the least arguments that make it process records.

load helper

# RECORD, args_for and tools are helper.bash's.

# each CMD...: run CMD for every tool (as $tool, with $args).  CMD is not
# run as a condition, so that errexit stops the test at the first failing
# check; the last "checking" line in the test's output names the tool.
each() {
	local tool args
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		"$@"
	done
}

help_ok() {
	run -0 --separate-stderr "$tool" -h
	[[ $output == usage:* ]] && [ -z "$stderr" ]
	run -0 --separate-stderr "$tool" --help
	[[ $output == usage:* ]]
}
@test "common: -h and --help print the usage on stdout and exit 0" { each help_ok; }

unknown_option() {
	run -2 --separate-stderr "$tool" --no-such-option
	[ -z "$output" ] && [[ $stderr == *usage:* ]]
}
@test "common: an unknown option is a usage error, exit 2" { each unknown_option; }

empty_input() {
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args </dev/null
	[ -z "$output" ] && [ -z "$stderr" ]
	: >"$BATS_TEST_TMPDIR/empty"
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args "$BATS_TEST_TMPDIR/empty"
	[ -z "$output" ] && [ -z "$stderr" ]
}
@test "common: empty input writes nothing and exits 0" { each empty_input; }

missing_file() {
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args "$BATS_TEST_TMPDIR/nope"
	[ "$stderr" = "$tool: $BATS_TEST_TMPDIR/nope: No such file or directory" ]
}
@test "common: a missing file is reported by name, exit 1" { each missing_file; }

directory_input() {
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args "$BATS_TEST_TMPDIR"
	[ "$stderr" = "$tool: $BATS_TEST_TMPDIR: Is a directory" ]
}
@test "common: a directory as input is reported, exit 1" { each directory_input; }

bad_line_warn() {
	printf '%s\n{"id":\n%s\n' "$RECORD" "$RECORD" >"$BATS_TEST_TMPDIR/in"
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args "$BATS_TEST_TMPDIR/in"
	[[ ${stderr_lines[0]} == "$tool: $BATS_TEST_TMPDIR/in:2: "* ]]
	[ "${stderr_lines[1]}" = "$tool: 1 bad line skipped" ]
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args <"$BATS_TEST_TMPDIR/in"
	[[ ${stderr_lines[0]} == "$tool: -:2: "* ]]
}
@test "common: a line that is not JSON is warned with FILE:LINE and skipped, exit 1" { each bad_line_warn; }

bad_line_modes() {
	printf '%s\nnot json\n' "$RECORD" >"$BATS_TEST_TMPDIR/in"
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args --bad=skip "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "$tool: 1 bad line skipped" ]
	rm -f "$BATS_TEST_TMPDIR/bad"
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args --bad="$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/in"
	[ "$(cat "$BATS_TEST_TMPDIR/bad")" = "not json" ]
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args --bad=fail "$BATS_TEST_TMPDIR/in"
	[[ ${stderr_lines[0]} == "$tool: $BATS_TEST_TMPDIR/in:2: "* ]]
}
@test "common: --bad=skip, --bad=FILE and --bad=fail" { each bad_line_modes; }

gzip_same() {
	printf '%s\n' "$RECORD" "$RECORD" >"$BATS_TEST_TMPDIR/in"
	gzip -c "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/in.data"
	# shellcheck disable=SC2086
	"$tool" $args "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/plain.out"
	# shellcheck disable=SC2086
	run -0 "$tool" $args "$BATS_TEST_TMPDIR/in.data"
	[ -s "$BATS_TEST_TMPDIR/plain.out" ] && [ "$output" = "$(cat "$BATS_TEST_TMPDIR/plain.out")" ]
}
@test "common: gzip input (recognised by content, not name) gives the plain output" { each gzip_same; }

truncated_gzip() {
	printf '%s\n' "$RECORD" "$RECORD" | gzip -c >"$BATS_TEST_TMPDIR/in.gz"
	head -c 30 "$BATS_TEST_TMPDIR/in.gz" >"$BATS_TEST_TMPDIR/cut.gz"
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args "$BATS_TEST_TMPDIR/cut.gz"
	[[ $stderr == *"$tool: $BATS_TEST_TMPDIR/cut.gz: truncated gzip input"* ]]
}
@test "common: a truncated gzip stream is an error naming the file, exit 1" { each truncated_gzip; }

stats_line() {
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args --stats <<<"$RECORD"
	[[ $stderr == "{\"tool\":\"$tool\",\"read\":1,"* ]]
	jq -e . <<<"$stderr" >/dev/null
}
@test "common: --stats writes one JSON line of counters to stderr" { each stats_line; }

@test "common: a write error (full disk) is fatal, exit 1" {
	# run cannot redirect its own stdout, so run a shell that does.
	for tool in $(tools); do
		args=$(args_for "$tool")
		# shellcheck disable=SC2086
		run -1 --separate-stderr bash -c "$tool $args >/dev/full" <<<"$RECORD"
		echo "checking $tool"
		[ "$stderr" = "$tool: write error: No space left on device" ]
	done
}

@test "common: when a misspelled field leaves nothing to write, a line on stderr names it, exit 0" {
	printf '{"a":1}\n{"a":2}\n' >"$BATS_TEST_TMPDIR/in"
	lacks() { echo "$1: null in 2 of 2 records (the field is missing)"; }
	for cmd in "histo --counts --field .stauts" "sessionize -k .a --time .tme" "cidrscore --prefix-len 24 --ip .addr"; do
		echo "checking $cmd"
		# shellcheck disable=SC2086
		run -0 --separate-stderr $cmd "$BATS_TEST_TMPDIR/in"
		[ -z "$output" ]
		# The last two words are the option and its expression.
		last2=$(awk '{ print $(NF-1), $NF }' <<<"$cmd")
		[ "$stderr" = "${cmd%% *}: nothing written: $(lacks "$last2")" ]
	done
	# Every expression that lacked its field is named, in the order of the options.
	run -0 --separate-stderr maxcount --start .begin "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "maxcount: nothing written: $(lacks "--start .begin"); $(lacks "--end .end")" ]
	printf '{"ip":"10.0.0.1","user_agent":"x","accept_language":"en","a":1}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr actorsig --metrics --dt .when "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "actorsig: nothing written: --dt .when: null in 1 of 1 records (the field is missing)" ]
	# Records passed through are written: no such line.
	run -0 --separate-stderr pingdedup -k .nope "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	# pingdedup's selections and counts never write keyless records.
	for mode in "--keep unique" "--keep repeats" "--count" "--report-by .a"; do
		echo "checking pingdedup $mode"
		# shellcheck disable=SC2086
		run -0 --separate-stderr pingdedup $mode -k .nope "$BATS_TEST_TMPDIR/in"
		[ -z "$output" ]
		[ "$stderr" = "pingdedup: nothing written: --key .nope: null in 1 of 1 records (the field is missing)" ]
	done
	run -0 --separate-stderr pingdedup --keep unique -k '.a | select(. > 5)' "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "pingdedup: nothing written: --key '.a | select(. > 5)': no value in 1 of 1 records (filtered out)" ]
}

@test "common: \"nothing written\" tells records filtered out from records that lack the field" {
	printf '{"a":1}\n{"a":1}\n{"b":2}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr histo --counts -f '.a | select(. > 5)' "$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	[ "$stderr" = "histo: nothing written: --field '.a | select(. > 5)': no value in 3 of 3 records (filtered out)" ]
	run -0 --separate-stderr histo --counts -f '.a | select(. != 1)' "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "histo: nothing written: --field '.a | select(. != 1)': null in 1 (the field is missing) and no value in 2 (filtered out) of 3 records" ]
	# An expression is quoted as a shell needs it typed again.
	run -0 --separate-stderr sessionize -k 'select(.b)' -t ".\"it's\"" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "sessionize: nothing written: --key 'select(.b)': no value in 2 of 3 records (filtered out); --time '.\"it'\\''s\"': null in 3 of 3 records (the field is missing)" ]
}

@test "common: a malformed --shard or an empty --bad is a usage error in the same words everywhere" {
	for tool in $(tools); do
		echo "checking $tool"
		# histo aggregates and has no key to shard by.
		if [ "$tool" != histo ]; then
			run -2 --separate-stderr "$tool" --shard 4/3 </dev/null
			[ "${stderr_lines[0]}" = "$tool: --shard: expected k/n with 1 <= k <= n: 4/3" ]
		fi
		run -2 --separate-stderr "$tool" --bad= </dev/null
		[ "${stderr_lines[0]}" = "$tool: --bad: expected warn, fail, skip or a file name" ]
	done
}

@test "common: input that is not NDJSON at all is said once, not in ten warnings and a count" {
	zcat "$DATA/access-log-excerpt/apache_logs_head.log.gz" >"$BATS_TEST_TMPDIR/access.log"
	run -1 --separate-stderr histo -f .x --counts "$BATS_TEST_TMPDIR/access.log"
	assert_output ''
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "histo: $BATS_TEST_TMPDIR/access.log: does not look like NDJSON: none of its first 300 lines is JSON; it looks like a web server's common log format line: convert the log to NDJSON first (actorsig(1) shows how)" ]
	# 1000 lines decide, without waiting for the end of the input.
	for k in 1 2 3 4; do cat "$BATS_TEST_TMPDIR/access.log"; done >"$BATS_TEST_TMPDIR/big.log"
	run -1 --separate-stderr pingdedup -k .id "$BATS_TEST_TMPDIR/big.log"
	[ "$stderr" = "pingdedup: $BATS_TEST_TMPDIR/big.log: does not look like NDJSON: none of its first 1000 lines is JSON; it looks like a web server's common log format line: convert the log to NDJSON first (actorsig(1) shows how)" ]
	# Text that is not a log: the notice without the hint.
	printf 'a,b\n1,2\n' | { run -1 --separate-stderr sessionize -k .a -t .b; [ "$stderr" = "sessionize: -: does not look like NDJSON: none of its first 2 lines is JSON" ]; }
}

@test "common: the not-NDJSON notice under each --bad mode; one JSON line among the first 1000 keeps the located warnings" {
	zcat "$DATA/access-log-excerpt/apache_logs_head.log.gz" | head -n 3 >"$BATS_TEST_TMPDIR/access.log"
	local note="does not look like NDJSON: none of its first 3 lines is JSON; it looks like a web server's common log format line: convert the log to NDJSON first (actorsig(1) shows how)"
	run -0 --separate-stderr histo -f .x --counts --bad=skip "$BATS_TEST_TMPDIR/access.log"
	[ "$stderr" = "histo: $BATS_TEST_TMPDIR/access.log: $note" ]
	run -0 --separate-stderr histo -f .x --counts --bad="$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/access.log"
	[ "${stderr_lines[0]}" = "histo: $BATS_TEST_TMPDIR/access.log: $note" ]
	[ "${stderr_lines[1]}" = "histo: 3 bad lines written to $BATS_TEST_TMPDIR/bad" ]
	cmp "$BATS_TEST_TMPDIR/access.log" "$BATS_TEST_TMPDIR/bad"
	# --bad=fail stops at line 1: its message says what the line looks like.
	run -1 --separate-stderr histo -f .x --counts --bad=fail "$BATS_TEST_TMPDIR/access.log"
	[[ $stderr == "histo: $BATS_TEST_TMPDIR/access.log:1: not JSON: "*"; it looks like a web server's common log format line: convert the log to NDJSON first (actorsig(1) shows how)" ]]
	# A JSON line (even a bad record) makes it NDJSON with bad lines:
	# the warnings held back come out, in order.
	{ cat "$BATS_TEST_TMPDIR/access.log"; echo '{"x":1}'; echo 'oops'; } >"$BATS_TEST_TMPDIR/mixed"
	run -1 --separate-stderr histo -f .x --counts "$BATS_TEST_TMPDIR/mixed"
	assert_output '{"value":1,"count":1}'
	[ "${#stderr_lines[@]}" -eq 5 ]
	[[ ${stderr_lines[0]} == "histo: $BATS_TEST_TMPDIR/mixed:1: not JSON: "* ]]
	[[ ${stderr_lines[2]} == "histo: $BATS_TEST_TMPDIR/mixed:3: not JSON: "* ]]
	[[ ${stderr_lines[3]} == "histo: $BATS_TEST_TMPDIR/mixed:5: not JSON: "* ]]
	[ "${stderr_lines[4]}" = "histo: 4 bad lines skipped" ]
	{ cat "$BATS_TEST_TMPDIR/access.log"; echo '{"t":"not a time"}'; } >"$BATS_TEST_TMPDIR/mixed"
	run -1 --separate-stderr histo -f .t --per 1h "$BATS_TEST_TMPDIR/mixed"
	[ "${#stderr_lines[@]}" -eq 5 ]
	[[ ${stderr_lines[3]} == "histo: $BATS_TEST_TMPDIR/mixed:4: "* ]]
}
