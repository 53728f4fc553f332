#!/usr/bin/env bats
# Hostile input and faults, for every tool with a source file in bin/:
# lines that are not JSON (NUL bytes, deep nesting, truncation), records
# that are JSON but odd (invalid UTF-8, duplicate keys, huge numbers), a
# 100 MB line, damaged gzip, unusable times and IPs, a closed pipe, and
# state files under SIGKILL.  Each promise of trawl(7) "Errors and bad input" is checked as counts: every good record is processed (the output
# is that of the good lines alone), every bad line is accounted for
# (--bad=FILE holds exactly the bad lines, byte for byte) and the exit
# status is the promised one.  Replays of fuzzer findings are here too.

load helper

# RECORD, args_for and tools are helper.bash's.
HOSTILE=$BATS_TEST_DIRNAME/fixtures/hostile

# with MEMBERS: RECORD with MEMBERS added last (a later duplicate wins),
# as a line.
with() { printf '%s,%s}\n' "${RECORD%\}}" "$1"; }

# stat NAME: the counter NAME of the --stats line in $stderr.
stat() { jq -r ".$1" <<<"${stderr_lines[-1]}"; }

# accounts GOOD MIXED NBAD: the run on MIXED with --bad=FILE writes the
# output of GOOD alone, diverts exactly the lines of bad.expected, counts
# every line and exits 0; the default --bad=warn exits 1 with the same
# output and the count of skipped lines.  Outputs go to files, not through
# run, as good records may hold NUL bytes.
accounts() {
	local good=$1 mixed=$2 nbad=$3 d=$BATS_TEST_TMPDIR rc
	# shellcheck disable=SC2086
	"$tool" $args "$good" >"$d/good.out"
	[ -s "$d/good.out" ]
	rm -f "$d/bad"
	rc=0
	# shellcheck disable=SC2086
	"$tool" $args --stats --bad="$d/bad" "$mixed" >"$d/mixed.out" 2>"$d/err" || rc=$?
	[ "$rc" = 0 ]
	same "$d/good.out" "$d/mixed.out"
	same "$d/bad.expected" "$d/bad"
	mapfile -t stderr_lines <"$d/err"
	[ "${#stderr_lines[@]}" = 2 ]
	[ "${stderr_lines[0]}" = "$tool: $nbad bad lines written to $d/bad" ]
	[ "$(stat read)" = "$(wc -l <"$mixed")" ] && [ "$(stat bad)" = "$nbad" ]
	rc=0
	# shellcheck disable=SC2086
	"$tool" $args "$mixed" >"$d/mixed.out" 2>"$d/err" || rc=$?
	[ "$rc" = 1 ]
	same "$d/good.out" "$d/mixed.out"
	[ "$(tail -n 1 "$d/err")" = "$tool: $nbad bad lines skipped ($((nbad - 10)) not shown)" ]
}

# Lines jq's parser refuses, one per line of bad.expected.
write_bad_lines() {
	local d=$BATS_TEST_TMPDIR
	{
		echo 'not json'
		echo '{"id":'
		echo '{"id":"a"}}'
		printf '\0\n'
		printf '\377\376{"id":1}\n'
		printf "%${1}s" '' | tr ' ' '['
		printf "%${1}s\n" '' | tr ' ' ']'
		printf '{"a":'
		printf "%${1}s" '' | tr ' ' '['
		echo
		printf '%s\n' "${RECORD%?}"
		echo '[1,2'
		echo '"unterminated'
		echo '{"x":1e}'
		echo '{"x":-}'
		echo '{"x":1,}'
		echo "{'x':1}"
		echo '{"x":tru}'
		printf '{"x":"\t"}\n'
	} >"$d/bad.expected"
}

hostile_lines() {
	local d=$BATS_TEST_TMPDIR
	# Good: JSON that jq reads, however odd.
	{
		echo "$RECORD"
		printf '%s,"junk":"\377\376\303("}\n' "${RECORD%\}}"
		printf '{"id":"zz","k":"zz","x":7,%s\n' "${RECORD#\{}"
		with '"n":1e400,"m":-1e400,"small":1e-400'
		with "\"big\":$(printf '9%.0s' {1..400})"
		with '"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'
		with '"s":"\u0000\ud800\udc00\n\"\\"'
		printf '%s\r\n' "$RECORD"
		# jq 1.6 reads these too, so trawl does (lib/json.c).
		printf '%s,"nul":"a\0b"}\n' "${RECORD%\}}"
		with '"lead":01,"nan":NaN,"n2":nan'
	} >"$d/good"
	write_bad_lines 100000
	# Interleaved: good, bad, good, bad, ... (sed keeps NUL bytes).
	local i
	for i in $(seq "$(wc -l <"$d/bad.expected")"); do
		sed -n "${i}p" "$d/good"
		sed -n "${i}p" "$d/bad.expected"
	done >"$d/mixed"
	[ "$(wc -l <"$d/mixed")" = "$(($(wc -l <"$d/good") + $(wc -l <"$d/bad.expected")))" ]
	accounts "$d/good" "$d/mixed" "$(wc -l <"$d/bad.expected")"
}
@test "hostile: NUL bytes, deep nesting, invalid UTF-8, huge numbers, duplicate keys: nothing lost" {
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		hostile_lines
	done
}

# The 100 MB line is read, parsed and copied at memory speed by the plain
# build; under ASan (check-san sets ASAN_OPTIONS) it takes minutes for six
# tools, so it runs in the plain pass only.
@test "hostile: a 100 MB line, good and bad, is processed or diverted whole" {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "plain build only: too slow under ASan"
	local d=$BATS_TEST_TMPDIR
	{
		printf '{"pad":"'
		head -c 100000000 /dev/zero | tr '\0' a
		printf '",%s\n' "${RECORD#\{}"
	} >"$d/big"
	{
		printf '{"pad":"'
		head -c 100000000 /dev/zero | tr '\0' a
		printf '\n'
	} >"$d/bigbad"
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		# shellcheck disable=SC2086
		"$tool" $args <<<"$RECORD" >"$d/small.out"
		# shellcheck disable=SC2086
		run -0 --separate-stderr bash -c "set -o pipefail; $tool $args --stats '$d/big' | wc -l"
		[ "$output" = "$(wc -l <"$d/small.out")" ]
		[ "$(stat read)" = 1 ] && [ "$(stat bad)" = 0 ]
		# The line is held once or twice (actorsig splices into a copy),
		# never in proportion to anything else.
		[ "$(stat peak_rss_kb)" -lt 300000 ]
		rm -f "$d/bad"
		# shellcheck disable=SC2086
		run -0 --separate-stderr "$tool" $args --bad="$d/bad" "$d/bigbad"
		[ -z "$output" ]
		cmp "$d/bigbad" "$d/bad"
	done
}

@test "hostile: corrupt gzip (bad deflate data, bad checksum) is an error naming the file, exit 1" {
	local d=$BATS_TEST_TMPDIR
	for _ in {1..200}; do echo "$RECORD"; done | gzip -c >"$d/in.gz"
	local size
	size=$(wc -c <"$d/in.gz")
	# Byte 20 is deflate data; the last 8 bytes are the CRC and length.
	{ head -c 20 "$d/in.gz"; printf '\377'; tail -c +22 "$d/in.gz"; } >"$d/data.gz"
	{ head -c $((size - 8)) "$d/in.gz"; printf '\0\0\0\0'; tail -c 4 "$d/in.gz"; } >"$d/crc.gz"
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$tool" $args "$d/data.gz"
		[[ $stderr == *"$tool: $d/data.gz: corrupt gzip input ("*")"* ]]
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$tool" $args "$d/crc.gz"
		[[ $stderr == *"$tool: $d/crc.gz: corrupt gzip input (checksum mismatch)"* ]]
	done
}

@test "hostile: truncated and corrupt zstd is an error naming the file, exit 1; frames concatenated are one input" {
	local d=$BATS_TEST_TMPDIR
	for _ in {1..200}; do echo "$RECORD"; done >"$d/in"
	zstd -q -c "$d/in" >"$d/in.zst"
	local size
	size=$(wc -c <"$d/in.zst")
	head -c $((size / 2)) "$d/in.zst" >"$d/cut.zst"
	{ head -c $((size - 4)) "$d/in.zst"; printf '\0\0\0\0'; } >"$d/sum.zst"
	{ zstd -q -c "$d/in"; : | zstd -q -c; zstd -q -c "$d/in"; } >"$d/two.zst"
	cat "$d/in" "$d/in" >"$d/two"
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$tool" $args "$d/cut.zst"
		[[ $stderr == *"$tool: $d/cut.zst: truncated zstd input"* ]]
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$tool" $args "$d/sum.zst"
		[[ $stderr == *"$tool: $d/sum.zst: corrupt zstd input (checksum mismatch)"* ]]
		# shellcheck disable=SC2086
		"$tool" $args "$d/two" >"$d/plain.out"
		# shellcheck disable=SC2086
		"$tool" $args "$d/two.zst" >"$d/zstd.out"
		same "$d/plain.out" "$d/zstd.out"
	done
}

@test "hostile: an empty gzip stream is empty input; gzip members concatenated are one input" {
	local d=$BATS_TEST_TMPDIR
	gzip -c </dev/null >"$d/empty.gz"
	echo "$RECORD" | gzip -c >"$d/two.gz"
	echo "$RECORD" | gzip -c >>"$d/two.gz"
	printf '%s\n%s\n' "$RECORD" "$RECORD" >"$d/two"
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		# shellcheck disable=SC2086
		run -0 --separate-stderr "$tool" $args "$d/empty.gz"
		[ -z "$output" ] && [ -z "$stderr" ]
		# shellcheck disable=SC2086
		"$tool" $args "$d/two" >"$d/plain.out"
		# shellcheck disable=SC2086
		run -0 "$tool" $args "$d/two.gz"
		[ "$output" = "$(cat "$d/plain.out")" ]
	done
}

# unopenable NAME: NAME cannot be opened; the file after it is still read.
unopenable() {
	local d=$BATS_TEST_TMPDIR
	# shellcheck disable=SC2086
	"$tool" $args "$d/open" >"$d/open.out"
	# shellcheck disable=SC2086
	run -1 --separate-stderr "$tool" $args "$d/$1" "$d/open"
	[ "$output" = "$(cat "$d/open.out")" ] && [ -n "$output" ]
	[ "$stderr" = "$tool: $d/$1: $2" ]
}

@test "hostile: a missing or unreadable file is reported by name, exit 1, and the files after it are read" {
	local d=$BATS_TEST_TMPDIR
	echo "$RECORD" >"$d/open"
	echo "$RECORD" >"$d/locked"
	chmod 000 "$d/locked"
	for tool in $(tools); do
		args=$(args_for "$tool")
		echo "checking $tool"
		unopenable missing "No such file or directory"
		# root reads any file
		[ "$(id -u)" = 0 ] || unopenable locked "Permission denied"
	done
}

# bad_values TOOL ARGS MEMBERS...: each MEMBERS makes RECORD unusable for
# the tool; the lines go to --bad=FILE byte for byte and the good ones
# around them still count.
bad_values() {
	tool=$1 args=$2
	shift 2
	local d=$BATS_TEST_TMPDIR m
	: >"$d/bad.expected"
	for m in "$@"; do
		with "$m" >>"$d/bad.expected"
	done
	echo "$RECORD" >"$d/good"
	{ echo "$RECORD"; cat "$d/bad.expected"; } >"$d/mixed"
	rm -f "$d/bad"
	# shellcheck disable=SC2086
	run -0 --separate-stderr "$tool" $args --stats --bad="$d/bad" "$d/mixed"
	[ "$output" = "$("$tool" $args "$d/good")" ]
	same "$d/bad.expected" "$d/bad"
	[ "$(stat read)" = $(($# + 1)) ] && [ "$(stat bad)" = $# ]
}

@test "hostile: times that are not times are bad lines (sessionize, maxcount)" {
	local huge
	huge=$(printf '9%.0s' {1..400})
	bad_values sessionize "-k .k -t .t" '"t":"yesterday"' '"t":1e400' '"t":-1e400' \
		"\"t\":$huge" '"t":"2017-13-45T10:00:00Z"' '"t":"2017-02-30"' '"t":""' \
		'"t":"2017-03-12T10:00:00+99:00"' '"t":"99999-01-01T00:00:00Z"' '"t":"2262-04-12T00:00:00Z"' \
		'"t":true' '"t":[1]' '"t":{}' '"t":"2017-03-12T10:00:00.Z"' '"t":"\u0000"'
	bad_values maxcount "" '"start":"yesterday"' '"end":1e400' "\"start\":$huge" \
		'"start":"2017-03-12T24:00:01Z"' '"end":"2017-03-12T09:00:00Z"' '"end":"2017-03-12T10:00:00 Z"'
}

@test "hostile: IPs that are not IPs are bad lines (cidrscore)" {
	bad_values cidrscore "--prefix-len 24" '"ip":"300.1.2.3"' '"ip":"1.2.3.04"' '"ip":"1.2.3"' \
		'"ip":"::gg"' '"ip":"1:2:3:4:5:6:7:8:9"' '"ip":"fe80::1%eth0"' '"ip":" 1.2.3.4"' \
		'"ip":"[::1]"' '"ip":"1.2.3.4/24"' '"ip":""' '"ip":1e400' '"ip":"\u0000"' '"ip":"1.2.3.4\u0000"'
}

# A closed pipe: with SIGPIPE ignored the failed write is an error (exit
# 1, a message); at its default the tool ends quietly, as with head(1).
# The output must outgrow the 1 MB pipe the tools ask for.
@test "hostile: a closed pipe is exit 1 with SIGPIPE ignored, a quiet end by SIGPIPE otherwise" {
	local d=$BATS_TEST_TMPDIR
	awk 'BEGIN {
		for (i = 0; i < 100000; i++)
			printf "{\"id\":\"a%d\",\"x\":%d,\"k\":\"k%d\",\"t\":\"2017-03-12T10:00:00Z\"," \
			    "\"start\":\"2017-03-12T10:00:00Z\",\"end\":\"2017-03-12T11:00:00Z\"," \
			    "\"ip\":\"10.%d.%d.3\",\"user_agent\":\"Mozilla/5.0\",\"accept_language\":\"en\"," \
			    "\"uri_host\":\"en.wikipedia.org\",\"dt\":\"2017-03-12T10:00:00Z\"}\n",
			    i, i, i, int(i / 256) % 256, i % 256
	}' >"$d/many"
	for tool in $(tools); do
		args=$(args_for "$tool")
		[ "$tool" = maxcount ] && args="-g .k"
		echo "checking $tool"
		# shellcheck disable=SC2086
		[ "$("$tool" $args "$d/many" | wc -c)" -gt $((2 << 20)) ]
		run -0 bash -c "{ env --ignore-signal=PIPE $tool $args '$d/many' 2>'$d/err'; echo \$? >'$d/rc'; } | head -c 1 >/dev/null"
		[ "$(cat "$d/rc")" = 1 ] && [ "$(cat "$d/err")" = "$tool: write error: Broken pipe" ]
		run -0 bash -c "{ env --default-signal=PIPE $tool $args '$d/many' 2>'$d/err'; echo \$? >'$d/rc'; } | head -c 1 >/dev/null"
		[ "$(cat "$d/rc")" = 141 ] && [ ! -s "$d/err" ]
	done
}

@test "hostile: a MaxMind DB whose data record is damaged is refused without a leak (fuzz finding)" {
	run -1 --separate-stderr cidrscore -T "$HOSTILE/damaged-record.mmdb" <<<"$RECORD"
	[ "$stderr" = "cidrscore: $HOSTILE/damaged-record.mmdb: damaged MaxMind DB (bad search tree or data)" ]
}

# kills TOOL ARGS...: a large state file, and runs that add to it killed
# by SIGKILL after random delays spread over a whole run.  The state on
# disk is then always the old one or the new one, byte for byte, and a
# killed run leaves at most its own temporary file (STATE.XXXXXX, see
# trawl(7)) and nothing else.  HOSTILE_KILLS sets the number of runs; the
# default keeps the test short, under ASan shorter still.
kills() {
	local tool=$1
	shift
	local d=$BATS_TEST_TMPDIR n=${HOSTILE_KILLS:-60} i t0 t1 span delay old new now
	[ -z "${ASAN_OPTIONS:-}" ] || n=${HOSTILE_KILLS:-15}
	awk 'BEGIN { for (i = 0; i < 60000; i++)
		printf "{\"id\":\"key-%d\",\"k\":\"key-%d\",\"t\":%d}\n", i, i, 1489312800 + int(i / 200) }' >"$d/base"
	awk 'BEGIN { for (i = 0; i < 50; i++)
		printf "{\"id\":\"new-%d\",\"k\":\"new-%d\",\"t\":%d}\n", i, i, 1489313200 + i }' >"$d/more"
	mkdir "$d/st"
	"$tool" "$@" "$d/st/old" "$d/base" >/dev/null
	cp "$d/st/old" "$d/st/new"
	t0=$(date +%s%N)
	"$tool" "$@" "$d/st/new" "$d/more" >/dev/null
	t1=$(date +%s%N)
	span=$(((t1 - t0) / 1000 + 1))	# microseconds
	old=$(cksum <"$d/st/old")
	new=$(cksum <"$d/st/new")
	[ "$old" != "$new" ]
	local olds=0 news=0 temps=0
	for i in $(seq "$n"); do
		cp "$d/st/old" "$d/st/state"
		"$tool" "$@" "$d/st/state" "$d/more" >/dev/null 2>&1 &
		delay=$(((RANDOM * 32768 + RANDOM) % (span * 5 / 4)))
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -KILL $! 2>/dev/null || :
		wait $! || :
		now=$(cksum <"$d/st/state")
		if [ "$now" = "$old" ]; then
			olds=$((olds + 1))
		elif [ "$now" = "$new" ]; then
			news=$((news + 1))
		else
			echo "run $i: a state that is neither the old nor the new one" >&2
			return 1
		fi
		# Only the killed run's own temporary file may be left.
		local left
		left=$(find "$d/st" -name 'state?*' | wc -l)
		[ "$left" -le 1 ]
		if [ "$left" = 1 ]; then
			find "$d/st" -name 'state.??????' | grep -q . || return 1
			temps=$((temps + 1))
			rm -f "$d/st"/state.??????
		fi
	done
	echo "$tool: $n kills: $olds old, $news new, $temps temporary files left" >&3
}

@test "hostile: pingdedup killed at random points never leaves a mixed state file" {
	kills pingdedup --state
}

@test "hostile: sessionize killed at random points never leaves a mixed state file" {
	kills sessionize -k .k -t .t --state
}

@test "hostile: numbers jq reads but JSON does not write (+1, .5, 01, 1., nan, inf) are printed as jq prints them" {
	printf '{"x":+1}\n{"x":.5}\n{"x":01}\n{"x":Infinity}\n{"x":-inf}\n{"x":nan}\n{"x":1.}\n{"x":-0}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .x --counts "$BATS_TEST_TMPDIR/in"
	assert_output - <<-'EOF'
	{"value":1,"count":3}
	{"value":null,"count":1}
	{"value":-1.7976931348623157e+308,"count":1}
	{"value":-0,"count":1}
	{"value":0.5,"count":1}
	{"value":1.7976931348623157e+308,"count":1}
	EOF
	printf '{"x":+1,"start":1,"end":2}\n{"x":.5,"start":1,"end":2}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 maxcount -g .x -u s --epoch "$BATS_TEST_TMPDIR/in"
	assert_output - <<-'EOF'
	{"group":0.5,"period":null,"max":1,"at":1,"until":2,"intervals":1}
	{"group":1,"period":null,"max":1,"at":1,"until":2,"intervals":1}
	EOF
}

# Each line of tests/fixtures/values/lax.ndjson is read by jq 1.6 but is
# not JSON as jq writes it: nested lax numbers, overflows, Inf and NaN
# spellings, invalid UTF-8, lone low surrogates, a NUL in a string,
# repeated keys.  kept.ndjson holds JSON that jq reads as the same value.
@test "hostile: every value written is what jq -c writes for it (lax.ndjson), or its own JSON text (kept.ndjson)" {
	local V=$FIXTURES/values n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" >"$BATS_TEST_TMPDIR/one"
		jq -c . "$BATS_TEST_TMPDIR/one" >"$BATS_TEST_TMPDIR/want"
		# histo's value, pingdedup's key, sessionize's carried value.
		histo -f . --counts "$BATS_TEST_TMPDIR/one" | sed 's/^{"value"://; s/,"count":1}$//' >"$BATS_TEST_TMPDIR/got"
		same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		printf '{"x":%s,"t":0}\n' "$line" >"$BATS_TEST_TMPDIR/rec"
		pingdedup -k .x --count "$BATS_TEST_TMPDIR/rec" | sed 's/^{"key"://; s/,"count":1}$//' >"$BATS_TEST_TMPDIR/got"
		same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		sessionize -k .t -t .t -c .x "$BATS_TEST_TMPDIR/rec" | sed 's/.*,"x"://; s/}$//' >"$BATS_TEST_TMPDIR/got"
		same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		# Valid UTF-8, strict JSON.
		python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"), parse_constant=lambda c: sys.exit(1))' "$BATS_TEST_TMPDIR/got"
	done <"$V/lax.ndjson"
	[ "$n" -eq 36 ]
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" >"$BATS_TEST_TMPDIR/one"
		histo -f . --counts "$BATS_TEST_TMPDIR/one" | sed 's/^{"value"://; s/,"count":1}$//' >"$BATS_TEST_TMPDIR/got"
		same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/got"
		# jq reads the text written as it reads the original.
		[ "$(jq -c . "$BATS_TEST_TMPDIR/one")" = "$(jq -c . "$BATS_TEST_TMPDIR/got")" ]
	done <"$V/kept.ndjson"
	[ "$n" -eq 14 ]
}

@test "hostile: keys jq sees as equal are one key: U+FFFD however spelled, lax and strict numbers" {
	printf '["\\udfaa"]\n["\\ufffd"]\n["\xff"]\n["\xef\xbf\xbd"]\n["\\udc00"]\n' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f . --counts "$BATS_TEST_TMPDIR/in"
	assert_output '{"value":["�"],"count":5}'
	printf '[+1]\n[1]\n[1.0]\n[01]\n[1e0]\n' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f . --counts "$BATS_TEST_TMPDIR/in"
	assert_output '{"value":[1],"count":5}'
	printf '{"a":{"\\udfaa":1,"\\udfab":2}}\n{"a":{"\xff":2}}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 pingdedup -k .a --count "$BATS_TEST_TMPDIR/in"
	assert_output '{"key":{"�":2},"count":2}'
}

@test "hostile: a NUL byte outside a string makes the line bad (jq 1.6 reads past it); inside a string it is \\u0000" {
	printf '{"a":1}\0\n[1,\0002]\n{"b":2}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr histo -f . --counts "$BATS_TEST_TMPDIR/in"
	assert_output '{"value":{"b":2},"count":1}'
	[ "${#stderr_lines[@]}" -eq 3 ]
	[ "${stderr_lines[2]}" = "histo: 2 bad lines skipped" ]
	printf '{"a":"x\0y"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 histo -f .a --counts "$BATS_TEST_TMPDIR/in"
	assert_output '{"value":"x\u0000y","count":1}'
}

# damaged_states TOOL ARGS...: a small state file, then, at positions
# spread over it, the file cut short and a bit flipped (the checksum
# refuses them) and the payload cut, overwritten or bit-flipped behind a
# correct checksum (t_restate; the tool's own reader must refuse or
# accept it, never crash or misreport).  A refused file is left as it was.
# (Loop variables are not named i: bats's run uses that name.)
damaged_states() {
	local tool=$1
	shift
	local d=$BATS_TEST_TMPDIR size pos op
	printf '{"id":"a","k":"a","t":1489312800}\n{"id":"b","k":"b","t":1489312900}\n' >"$d/in"
	"$tool" "$@" "$d/good" "$d/in" >/dev/null
	size=$(wc -c <"$d/good")
	for ((pos = 0; pos < size; pos += size / 60 + 1)); do
		head -c "$pos" "$d/good" >"$d/st"
		cp "$d/st" "$d/before"
		run -1 --separate-stderr "$tool" "$@" "$d/st" "$d/in"
		[[ $stderr == "$tool: $d/st: "* ]]
		cmp "$d/st" "$d/before"
		cp "$d/good" "$d/st"
		printf "\\$(printf '%03o' $(($(od -An -tu1 -j "$pos" -N1 "$d/good") ^ (1 << (pos % 8)))))" |
			dd of="$d/st" bs=1 seek="$pos" conv=notrunc 2>/dev/null
		cp "$d/st" "$d/before"
		run -1 --separate-stderr "$tool" "$@" "$d/st" "$d/in"
		[[ $stderr == "$tool: $d/st: "* ]]
		cmp "$d/st" "$d/before"
	done
	for ((pos = 0; pos < size * 8; pos += size / 8 + 1)); do
		for op in "cut $((pos / 8))" "flip $pos" "set $((pos / 8)) 255"; do
			cp "$d/good" "$d/st"
			# shellcheck disable=SC2086
			"$TRAWL_TESTBIN/t_restate" "$d/st" "$tool" 1 $op
			run --separate-stderr "$tool" "$@" "$d/st" "$d/in"
			[[ $status == 0 || $status == 1 ]]
			[[ $stderr != *Sanitizer* && $stderr != *"runtime error"* ]]
			[[ $status == 0 || $stderr == "$tool: $d/st: "* ]]
		done
	done
}

@test "hostile: pingdedup refuses a state file damaged anywhere and leaves it as it was" {
	damaged_states pingdedup --state
}

@test "hostile: sessionize refuses a state file damaged anywhere and leaves it as it was" {
	damaged_states sessionize -k .k -t .t --state
}

# Replayed by make fuzz too (scripts/fuzz-seeds seeds fuzz/iptable with
# tests/fixtures/hostile): clang's UBSan saw the pointer wrap, gcc's not.
@test "hostile: a gzip stream on which ISA-L miscounts its input is corrupt, not a wild pointer (fuzz finding)" {
	local f=$HOSTILE/isal-avail-wrap.gz
	run -1 --separate-stderr histo -f .x --counts "$f"
	[[ $stderr == "histo: $f: corrupt gzip input ("*")" ]]
	run -1 --separate-stderr cidrscore -T "$f" <<<"$RECORD"
	[[ $stderr == "cidrscore: $f: corrupt gzip input ("*")" ]]
}

@test "hostile: a MaxMind DB with damaged metadata is refused (fuzz finding: libmaxminddb leaks, suppressed in lsan.supp)" {
	run -1 --separate-stderr cidrscore -T "$HOSTILE/damaged-metadata.mmdb" <<<"$RECORD"
	[ "$stderr" = "cidrscore: $HOSTILE/damaged-metadata.mmdb: The MaxMind DB file's data section contains bad data (unknown data type or corrupt data)" ]
}
