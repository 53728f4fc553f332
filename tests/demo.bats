#!/usr/bin/env bats
# make demo's reports (examples/): built from clean with make -j2, rebuilt
# incrementally (nothing when nothing changed, also on a fresh clone), and rendered by a real
# browser (headless Chromium) with every chart showing.  The tools under
# test are $TRAWL_BIN's; the reports are built in a copy of examples/.

load helper

ROOT=$BATS_TEST_DIRNAME/..

setup_file() {
	export EX=$BATS_FILE_TMPDIR/examples
	cp -R "$BATS_TEST_DIRNAME/../examples" "$EX"
	rm -rf "$EX"/*/out
	# Generators are built once by make demo into the plain build.
	make -s -C "$BATS_TEST_DIRNAME/.." gen-programs >/dev/null
	make -s -j2 -C "$EX" BINDIR="$TRAWL_BIN" O="$BATS_TEST_DIRNAME/../build" >"$BATS_FILE_TMPDIR/demo.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/demo.log" >&3; return 1; }
}

cases() {
	local mk
	for mk in "$EX"/*/Makefile; do basename "$(dirname "$mk")"; done
}

@test "demo: every case directory writes report.md and report.html (built with make -j2)" {
	for c in $(cases); do
		echo "case $c"
		[ -s "$EX/$c/out/report.md" ]
		[ -s "$EX/$c/out/report.html" ]
		# No number in the prose that a jq lookup failed to find (table
		# rows may hold a null value that the data has).
		run grep -nE '^[^|].*(^|[ (])(null|NaN)([ ),.]|$)|\$\(' "$EX/$c/out/report.md"
		[ "$status" -eq 1 ]
	done
	run -0 grep -c 'report.html' "$BATS_FILE_TMPDIR/demo.log"
	[ "$output" -eq "$(cases | wc -l)" ]
}

@test "demo: a second run with nothing changed recomputes nothing" {
	for c in $(cases); do
		echo "case $c"
		run -0 make -q -C "$EX/$c" BINDIR="$TRAWL_BIN" O="$ROOT/build"
	done
}

# Every file of a checkout but .git, with its modification time.
mtimes() {
	(cd "$1" && find . -path ./.git -prune -o -type f -printf '%T@ %p\n' | sort -k2)
}

# restamp_in_order FROM TO: give the reports copied from FROM/*/out to
# TO/*/out modification times from now on, a microsecond apart, in the
# order (ties kept) of their times in FROM, which make's rules made.
restamp_in_order() {
	local base rank f ns
	base=$(date +%s%N)
	(cd "$1" && find . -path './*/out/*' -type f -printf '%T@ %p\n') | sort -n |
	    awk '$1 != last { rank++; last = $1 } { print rank, substr($0, index($0, " ") + 1) }' |
	    while read -r rank f; do
		ns=$((base + rank * 1000))
		touch -d "@${ns:0:-9}.${ns: -9}" "$2/$f"
	done
}

@test "demo: make demo twice on a fresh clone: the second rewrites nothing" {
	# A clone of the tree under test (its tracked files, so uncommitted
	# changes count too), built from nothing: the first build is the one
	# after which make used to delete the tools' objects as intermediate
	# files, so that the next make demo compiled and linked every tool
	# again and reran every report.  -O0 keeps the compile short, and the
	# reports setup_file built from the same sources stand in for the
	# first make demo's (they are newer than the clone's tools, as the
	# reports a make demo writes are).
	local clone=$BATS_TEST_TMPDIR/clone
	mkdir "$clone"
	(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$clone")
	run -0 make -s -j2 -C "$clone" OPT=-O0 all gen-programs
	for c in $(cases); do
		[ -d "$clone/examples/$c" ]
		cp -R "$EX/$c/out" "$clone/examples/$c/out"
	done
	restamp_in_order "$EX" "$clone/examples"
	mtimes "$clone" >"$BATS_TEST_TMPDIR/before"
	run -0 make -C "$clone" OPT=-O0 demo
	run -0 make -C "$clone" OPT=-O0 demo
	mtimes "$clone" >"$BATS_TEST_TMPDIR/after"
	same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	# The comparison saw the tools, their objects and every report.
	grep -q ' ./build/tools/histo.o$' "$BATS_TEST_TMPDIR/after"
	grep -q ' ./bin/histo$' "$BATS_TEST_TMPDIR/after"
	[ "$(grep -c ' ./examples/[^/]*/out/' "$BATS_TEST_TMPDIR/after")" -gt 50 ]
}

@test "demo: touching a bundled input reruns only what depends on it" {
	[ -d "$EX/pings" ] || skip "no pings report"
	touch "$EX/data/pings/crash-heka-gcp-ingestion.ndjson"
	run -0 make -n -C "$EX/pings" BINDIR="$TRAWL_BIN" O="$ROOT/build"
	assert_output --partial "pingdedup --count"
	run -0 make -s -C "$EX/pings" BINDIR="$TRAWL_BIN" O="$ROOT/build"
	run -0 make -q -C "$EX/pings" BINDIR="$TRAWL_BIN" O="$ROOT/build"
}

# shellcheck disable=SC2016
SIZES_JS='<script>window.addEventListener("load",function(){var r=[];document.querySelectorAll("img").forEach(function(i){r.push(i.naturalWidth+"x"+i.naturalHeight+"@"+Math.round(i.getBoundingClientRect().width))});var p=document.createElement("pre");p.id="trawl-sizes";p.textContent=r.join(" ");document.body.appendChild(p)})</script>'

chromium_run() {
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/chromium" "$@" 2>/dev/null
}

@test "demo: Chromium renders every report with every chart showing" {
	command -v chromium >/dev/null || fail "chromium is not installed (scripts/deps check installs it)"
	for c in $(cases); do
		echo "case $c"
		charts=$(grep -c '^!\[' "$EX/$c/out/report.md" || true)
		cp "$EX/$c/out/report.html" "$BATS_TEST_TMPDIR/$c.html"
		printf '%s\n' "$SIZES_JS" >>"$BATS_TEST_TMPDIR/$c.html"
		sizes=$(chromium_run --virtual-time-budget=10000 --dump-dom "file://$BATS_TEST_TMPDIR/$c.html" |
		    sed -n 's/.*<pre id="trawl-sizes">\([^<]*\)<.*/\1/p')
		echo "charts $charts sizes $sizes"
		[ "$(printf '%s' "$sizes" | wc -w)" -eq "$charts" ]
		# Each chart decoded to a real picture and laid out with a width.
		for s in $sizes; do [[ $s =~ ^[1-9][0-9]*x[1-9][0-9]*@[1-9][0-9]*$ ]]; done
		chromium_run --window-size=1000,3000 --screenshot="$BATS_TEST_TMPDIR/$c.png" "file://$EX/$c/out/report.html"
		[ "$(head -c 8 "$BATS_TEST_TMPDIR/$c.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/$c.png")" -gt 20000 ]
	done
}
