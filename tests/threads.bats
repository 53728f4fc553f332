#!/usr/bin/env bats
# --threads: records are evaluated by several threads and handed to the
# tool in input order, so everything a tool writes is byte-identical to
# one thread's.  First the runtime (lib/loop.c) through the t_loop driver,
# then every tool.  tests/threads-tsan.bats runs the same under
# ThreadSanitizer.

load helper

t_loop() { "$TRAWL_TESTBIN/t_loop" "$@"; }

runj() {
	local j=$1
	shift
	if [ -n "${PIPE:-}" ]; then
		cat "${STDIN:-/dev/null}" | t_loop --threads="$j" "$@"
	else
		t_loop --threads="$j" "$@" <"${STDIN:-/dev/null}"
	fi
}

setup_file() {
	local d=$BATS_FILE_TMPDIR build
	build=$(cd "$TRAWL_TESTBIN/.." && pwd)
	# Mixed lines: projected pings, then lines that are not JSON, blank and
	# CRLF lines, records the expressions fail on, and lines longer than a
	# chunk (1 MB) and than its headroom, spread through the input.
	"$build/bench/genpings" -s projected -n 3000 -d 0.1 -S 3 >"$d/pings"
	awk 'BEGIN { srand(11); big = "x"; while (length(big) < 1300000) big = big big }
	{
		print
		r = rand()
		if (r < 0.01) print "not json {"
		else if (r < 0.02) print ""
		else if (r < 0.03) printf "{\"id\":\"crlf%d\",\"n\":[1,2]}\r\n", NR
		else if (r < 0.04) printf "{\"id\":{\"deep\":%d},\"n\":\"s\"}\n", NR
		else if (r < 0.042) printf "{\"id\":\"long%d\",\"pad\":\"%s\"}\n", NR, substr(big, 1, 300000 + int(rand() * 1000000))
	}' "$d/pings" >"$d/mixed"
	gzip -c "$d/mixed" >"$d/mixed.gz"
	zstd -q -c "$d/mixed" >"$d/mixed.zst"
}

# The expressions of every path: the fast path, libjq, a regex (Oniguruma
# through libjq), values computed by libjq (numbers, strings, objects).
EXPRS=(-f .id -f '.meta.geoCountry?' -f '.n[]? | tostring' -f '.id | test("^[0-9a-f]{8}-")?'
	-f '{c: .meta.geoCountry?, k: (.environment.system.os.name?)}' -f '.payload.histograms? | length'
	-f '.n[0]')

# same_run ARGS...: t_loop with 1 thread, then 2 and 4: stdout, stderr and
# status agree byte for byte.  Each run's stdin is $STDIN (a file, or a
# pipe from it when $PIPE is set).
same_run() {
	local d=$BATS_TEST_TMPDIR rc1=0 rc=0 j
	runj 1 "$@" >"$d/out1" 2>"$d/err1" || rc1=$?
	[ -s "$d/out1" ] || [ -s "$d/err1" ]
	for j in 2 4; do
		rc=0
		runj "$j" "$@" >"$d/out$j" 2>"$d/err$j" || rc=$?
		echo "threads $j: status $rc (one thread: $rc1)"
		[ "$rc" = "$rc1" ]
		same "$d/out1" "$d/out$j"
		same "$d/err1" "$d/err$j"
	done
}

@test "threads: the same records, values, messages and status with 1, 2 and 4 threads, plain, gzip and zstd" {
	local d=$BATS_FILE_TMPDIR
	for f in mixed mixed.gz mixed.zst; do
		echo "input $f"
		same_run "${EXPRS[@]}" "$d/$f"
	done
	# The records are all there: one line per non-blank line, less the bad.
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out1")" -gt 3000 ]
	grep -q "not JSON" "$BATS_TEST_TMPDIR/err1"
	grep -q "Cannot index" "$BATS_TEST_TMPDIR/err1"
}

@test "threads: the same from stdin, through a pipe, and over several files with errors between them" {
	local d=$BATS_FILE_TMPDIR
	STDIN=$d/mixed.zst same_run "${EXPRS[@]}"
	STDIN=$d/mixed PIPE=1 same_run "${EXPRS[@]}" -
	head -c 200000 "$d/mixed.gz" >"$BATS_TEST_TMPDIR/cut.gz"
	same_run "${EXPRS[@]}" "$d/mixed" "$BATS_TEST_TMPDIR/cut.gz" nope "$d/mixed.zst" "$d/mixed"
	grep -q "cut.gz: truncated gzip input" "$BATS_TEST_TMPDIR/err4"
	grep -q "nope: No such file or directory" "$BATS_TEST_TMPDIR/err4"
}

@test "threads: --bad=FILE, --bad=skip and --stats give the same with any number of threads" {
	local d=$BATS_FILE_TMPDIR t=$BATS_TEST_TMPDIR j
	for j in 1 3; do
		rm -f "$t/bad"
		t_loop --threads="$j" -p --bad="$t/bad" --stats -f .id -f '.n[]?|tostring' "$d/mixed" >"$t/p$j" 2>"$t/s$j"
		mv "$t/bad" "$t/bad$j"
		# peak memory differs; every other counter must not.
		sed -i 's/"peak_rss_kb":[0-9]*//' "$t/s$j"
	done
	same "$t/p1" "$t/p3"
	same "$t/bad1" "$t/bad3"
	same "$t/s1" "$t/s3"
	[ "$(wc -l <"$t/bad1")" -gt 10 ]
	same_run --bad=skip -f .id "$d/mixed"
}

@test "threads: a stop (as --bad=fail) comes at the same record, with everything before it" {
	local d=$BATS_FILE_TMPDIR t=$BATS_TEST_TMPDIR
	# Stop at a record two thirds of the way in.
	awk 'NR == 2000 { print "{\"id\":\"stop\"}" } { print }' "$d/mixed" >"$t/stopping"
	same_run -f .id "$t/stopping"
	grep -q "stopping:[0-9]*: stop" "$t/err4"
	# And from a pipe that never ends: stopping must not wait for it.
	rm -f "$t/fifo"
	mkfifo "$t/fifo"
	exec {w}<>"$t/fifo"
	# The writer holds the FIFO open for reading too, so it never sees
	# the reader go: it is stopped by hand.
	cat "$t/stopping" >&"$w" &
	local writer=$!
	run -1 --separate-stderr timeout 60 "$TRAWL_TESTBIN/t_loop" --threads=4 -f .id <"$t/fifo"
	exec {w}>&-
	kill "$writer" 2>/dev/null || true
	wait "$writer" || true
	[[ $stderr == *"-:2000: stop"* ]]
}

@test "threads: --threads 0 is the online CPUs; a fieldset with only the fast path or only libjq" {
	local d=$BATS_FILE_TMPDIR
	same_run -f '.id | ascii_downcase' "$d/mixed"
	same_run -f .id "$d/mixed"
	t_loop --threads=0 -f .id "$d/mixed" >"$BATS_TEST_TMPDIR/out0" 2>/dev/null || true
	same "$BATS_TEST_TMPDIR/out1" "$BATS_TEST_TMPDIR/out0"
}

@test "threads: empty input, one line, and a last line without its newline" {
	local t=$BATS_TEST_TMPDIR
	: >"$t/empty"
	run -0 t_loop --threads=4 -f .a "$t/empty"
	[ -z "$output" ]
	printf '{"a":1}' >"$t/one"
	run -0 t_loop --threads=4 -f .a "$t/one" "$t/one"
	[ "$output" = "$t/one:1: [1]"$'\n'"$t/one:1: [1]" ]
}

# --- every tool ------------------------------------------------------

# records: N records of the shape hostile.bats uses (every tool finds its
# fields in them), with repeated ids and keys, times over a day, a bad
# line now and then and a record whose fields do not parse.
records() {
	awk -v n="$1" 'BEGIN {
		srand(5)
		for (i = 0; i < n; i++) {
			id = int(rand() * n / 3); k = int(rand() * 50)
			s = int(rand() * 86000); e = s + int(rand() * 4000)
			printf "{\"id\":\"%d\",\"x\":%d,\"k\":\"k%d\",\"t\":\"2017-03-12T%02d:%02d:%02dZ\",", id, int(rand() * 20), k, s / 3600, s % 3600 / 60, s % 60
			printf "\"start\":%d,\"end\":%d,\"ip\":\"10.%d.%d.%d\",\"user_agent\":\"Mozilla/5.0 (%d)\",", 1489276800 + s, 1489276800 + e, k, int(rand() * 256), int(rand() * 256), int(rand() * 5)
			printf "\"accept_language\":\"en\",\"uri_host\":\"en.wikipedia.org\",\"dt\":\"2017-03-12T%02d:%02d:00Z\"}\n", s / 3600, s % 3600 / 60
			r = rand()
			if (r < 0.003) print "{oops"
			else if (r < 0.006) print "{\"id\":\"z\",\"x\":\"NaN?\",\"k\":\"k1\",\"t\":\"yesterday\",\"start\":\"x\",\"end\":1,\"ip\":\"300.1.2.3\",\"dt\":\"then\"}"
		}
	}'
}

# As in hostile.bats, and one more set of arguments per tool whose
# expressions libjq evaluates.
tool_args() {
	case $1 in
	actorsig) echo "" ;;
	cidrscore) echo "--prefix-len 24" ;;
	histo) echo "-f .x --counts" ;;
	maxcount) echo "" ;;
	pingdedup) echo "" ;;
	sessionize) echo "-k .k -t .t" ;;
	esac
}
tool_args_jq() {
	case $1 in
	actorsig) echo "--ip .ip|ascii_downcase" ;;
	cidrscore) echo "--prefix-len 24 --ip .ip|ascii_downcase" ;;
	histo) echo "-f .x|tostring --counts" ;;
	maxcount) echo "-g .k|ascii_upcase" ;;
	pingdedup) echo "-k .id|ascii_downcase --report-by .k" ;;
	sessionize) echo "-k .k|ascii_upcase -t .t" ;;
	esac
}

# tool_same TOOL FILE ARGS...: TOOL with --threads=1 and --threads=3:
# stdout, stderr, status and --bad=FILE byte for byte.
tool_same() {
	local tool=$1 in=$2 t=$BATS_TEST_TMPDIR j rc
	shift 2
	for j in 1 3; do
		rm -f "$t/bad"
		rc=0
		"$tool" --threads="$j" "$@" --bad="$t/bad" --stats "$in" >"$t/out$j" 2>"$t/err$j" || rc=$?
		echo "$rc" >"$t/rc$j"
		[ -e "$t/bad" ] && mv "$t/bad" "$t/bad$j"
		sed -i 's/"peak_rss_kb":[0-9]*//' "$t/err$j"
	done
	echo "$tool $*: status $(cat "$t/rc1") and $(cat "$t/rc3")"
	same "$t/rc1" "$t/rc3"
	same "$t/out1" "$t/out3"
	same "$t/err1" "$t/err3"
	if [ -e "$t/bad1" ]; then same "$t/bad1" "$t/bad3"; fi
}

@test "threads: every tool writes the same with 1 and 3 threads: output, --bad=FILE, --stats, status" {
	local t=$BATS_TEST_TMPDIR tool args
	records 30000 >"$t/in"
	zstd -q -c "$t/in" >"$t/in.zst"
	for src in "$BATS_TEST_DIRNAME"/../bin/*.c; do
		tool=$(basename "$src" .c)
		# shellcheck disable=SC2046
		IFS=' ' read -r -a args <<<"$(tool_args "$tool")"
		tool_same "$tool" "$t/in" "${args[@]}"
		[ -s "$t/out1" ]
		IFS=' ' read -r -a args <<<"$(tool_args_jq "$tool")"
		tool_same "$tool" "$t/in.zst" "${args[@]}"
	done
}

@test "threads: state files are the same with 1 and 3 threads (pingdedup, sessionize)" {
	local t=$BATS_TEST_TMPDIR j
	records 20000 >"$t/in"
	for j in 1 3; do
		pingdedup --threads="$j" --state="$t/p$j.state" "$t/in" >/dev/null 2>&1 || true
		sessionize --threads="$j" -k .k -t .t --state="$t/s$j.state" "$t/in" >/dev/null 2>&1 || true
	done
	cmp "$t/p1.state" "$t/p3.state"
	cmp "$t/s1.state" "$t/s3.state"
}

@test "threads: --threads takes a count; 0 is the online CPUs" {
	run -2 --separate-stderr pingdedup --threads=x /dev/null
	[[ ${stderr_lines[0]} == "pingdedup: --threads: "*": x" ]]
	run -0 pingdedup --threads=0 /dev/null
	run -0 histo --threads 2 -f .x --counts /dev/null
}

@test "threads: many mapped files in a row, small, empty, without a last newline, each a block or several" {
	local d=$BATS_FILE_TMPDIR t=$BATS_TEST_TMPDIR i files=()
	# Blocks of a mapped file outlive it in the window while the next
	# files are opened, mapped and cut.
	for i in $(seq 1 40); do
		head -n $((i * 7)) "$d/pings" >"$t/f$i"
		case $((i % 4)) in
		0) printf '{"id":"nonl%d"}' "$i" >>"$t/f$i" ;;
		1) : >"$t/f$i" ;;
		esac
		files+=("$t/f$i")
	done
	same_run "${EXPRS[@]}" "${files[@]}" "$d/mixed" "${files[@]:0:5}"
	t_loop --threads=1 -f .id "${files[@]}" | grep -c 'nonl' >"$t/n"
	[ "$(cat "$t/n")" = 10 ]
}
