#!/usr/bin/env bats
# Issue 11: every jq expression that examples/ (the demo's Makefiles), the
# README and the man pages' EXAMPLES (tests/examples.sh) use gives libjq's
# answer, byte for byte, whichever path it takes, and runs
# compiled (or as a plain path), never through libjq, as TRAWL_EXPLAIN
# says.  The demo is built twice in copies of examples/: once as users run
# it (through wrappers that set TRAWL_EXPLAIN=1 and keep its lines apart),
# once with TRAWL_NO_FASTPATH=1 (libjq for every expression).  Plain
# build only: under ASan two demos take minutes, and memory safety is
# demo.bats's and the fuzzers' business.

load helper

ROOT=$BATS_TEST_DIRNAME/..

setup_file() {
	[ -z "${ASAN_OPTIONS:-}" ] || return 0
	local d=$BATS_FILE_TMPDIR tool
	mkdir -p "$d/wrap" "$d/explained" "$d/libjq"
	# A tool with TRAWL_EXPLAIN=1 whose explain lines go to a log, and
	# everything else where its stderr goes (some recipes keep it).
	for tool in "$TRAWL_BIN"/*; do
		[ -x "$tool" ] && [ -f "$tool" ] || continue
		cat >"$d/wrap/${tool##*/}" <<-EOF
			#!/bin/bash
			TRAWL_EXPLAIN=1 "$tool" "\$@" 2> >(awk -v keep="$d/explain.log" \\
			    '/^[a-z]+: explain: / { print >>keep; fflush(keep); next } { print >"/dev/stderr"; fflush("/dev/stderr") }')
			rc=\$?
			wait \$!
			exit \$rc
		EOF
		chmod +x "$d/wrap/${tool##*/}"
	done
	: >"$d/explain.log"
	cp -R "$ROOT/examples" "$d/explained/examples"
	cp -R "$ROOT/examples" "$d/libjq/examples"
	rm -rf "$d"/explained/examples/*/out "$d"/libjq/examples/*/out
	make -s -C "$ROOT" gen-programs >/dev/null
	make -s -j2 -C "$d/explained/examples" BINDIR="$d/wrap" O="$ROOT/build" >"$d/explained.log" 2>&1 ||
		{ cat "$d/explained.log" >&3; return 1; }
	TRAWL_NO_FASTPATH=1 make -s -j2 -C "$d/libjq/examples" BINDIR="$TRAWL_BIN" O="$ROOT/build" \
	    >"$d/libjq.log" 2>&1 || { cat "$d/libjq.log" >&3; return 1; }
}

setup() {
	[ -z "${ASAN_OPTIONS:-}" ] || skip "plain build only: two demos are too slow under ASan"
}

@test "compiled: every report of the demo is the same, byte for byte, with libjq for every expression" {
	local d=$BATS_FILE_TMPDIR
	# peak RSS is the one number that may differ between two runs
	for v in explained libjq; do
		find "$d/$v/examples" -name stats.json -exec sed -i 's/"peak_rss_kb":[0-9]*/"peak_rss_kb":N/' {} +
	done
	[ "$(find "$d/explained/examples" -path '*/out/*' -type f | wc -l)" -gt 40 ]
	diff -r "$d/explained/examples" "$d/libjq/examples" >&2
	same "$d/explained.log" "$d/libjq.log"
}

@test "compiled: every expression of the demo runs compiled (TRAWL_EXPLAIN)" {
	local log=$BATS_FILE_TMPDIR/explain.log
	# every line is the agreed form: TOOL: explain: PATH: EXPR
	run -1 grep -vE '^[a-z]+: explain: (plain path|compiled|libjq \(.+\)): .' "$log"
	# the demo's own expressions beyond plain paths (22 distinct ones when
	# the compiled evaluator took them all), so the test proves something
	[ "$(grep ': explain: compiled: ' "$log" | sort -u | wc -l)" -ge 20 ]
	run -1 grep ': explain: libjq' "$log"
}

# run_pages DIR: every command of the README and of the man pages'
# EXAMPLES (tests/examples.sh), each page's in order in its own directory
# under DIR (with examples/ linked, as tests/examples.bats runs them);
# each command's stdout and exit status go to DIR/out, in order.
run_pages() {
	local top=$1 page at cmd
	mkdir -p "$top"
	for page in README.md man/*.[17]; do
		mkdir -p "$top/$page"
		ln -sfn "$ROOT/examples" "$top/$page/examples"
		(cd "$ROOT" && tests/examples.sh list "$page") >"$top/cmds"
		mapfile -d '' cmds <"$top/cmds"
		for ((at = 0; at < ${#cmds[@]}; at++)); do
			cmd=${cmds[at]#*$'\n'}
			printf '%s\n' "${cmds[at]}" >>"$top/out"
			(cd "$top/$page" && bash -o pipefail -c "$cmd" 2>/dev/null) >>"$top/out"
			echo "exit $?" >>"$top/out"
		done
	done
}

@test "compiled: every expression of the README and the man pages' EXAMPLES runs compiled and gives libjq's answers" {
	local d=$BATS_TEST_TMPDIR
	: >"$BATS_FILE_TMPDIR/explain.log"
	PATH="$BATS_FILE_TMPDIR/wrap:$PATH" run_pages "$d/explained"
	TRAWL_NO_FASTPATH=1 run_pages "$d/libjq"
	[ "$(grep -c '^exit 0$' "$d/explained/out")" -gt 40 ]
	same "$d/libjq/out" "$d/explained/out"
	local log=$BATS_FILE_TMPDIR/explain.log
	# 10 distinct compiled expressions today, the rest plain paths
	[ "$(grep ': explain: compiled: ' "$log" | sort -u | wc -l)" -ge 8 ]
	run -1 grep ': explain: libjq' "$log"
}
