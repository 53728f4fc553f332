# bench/lib.sh: the functions bench/run and every bench/<tool>.sh use.
# Sourced by bash; see bench/README.md for how a section uses them.
#
# Environment (all optional):
#   BENCH_MB=1024       size of the big inputs, in 10^6-byte megabytes
#   BENCH_QUICK=1       smoke run: 16 MB inputs, small samples, fewer runs
#   BENCH_RUNS=5        timed runs of a fast command (the median is reported)
#   BENCH_SAMPLE_MB=64  sample for slow peers (jq, Python); their time is scaled
#   BENCH_SLOW_MB=16    sample for very slow peers (Miller)
#   BENCH_SEED=1        genpings seed
#   BENCH_DATA=bench/data   where generated inputs are cached
#   O=build, BINDIR=bin the build and tool directories (make passes its own)
#   TRAWL_BIN           where the trawl tools are (default $BINDIR)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${O:=build}" "${BINDIR:=bin}"
case $O in /*) ;; *) O=$BENCH_ROOT/$O ;; esac
case $BINDIR in /*) ;; *) BINDIR=$BENCH_ROOT/$BINDIR ;; esac
: "${TRAWL_BIN:=$BINDIR}"
if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_MB:=16}" "${BENCH_RUNS:=3}" "${BENCH_SAMPLE_MB:=4}" "${BENCH_SLOW_MB:=2}"
fi
: "${BENCH_MB:=1024}" "${BENCH_RUNS:=5}" "${BENCH_SAMPLE_MB:=64}" "${BENCH_SLOW_MB:=16}"
: "${BENCH_SEED:=1}" "${BENCH_DATA:=$BENCH_ROOT/bench/data}"
BENCH_GEN=$O/bench/genpings
BENCH_TIMER=$O/bench/runstat
BENCH_RESULTS=$BENCH_ROOT/bench/results
BENCH_SECTION='' BENCH_REF='' BENCH_REFLABEL='' BENCH_BYTES=0
BENCH_NOTES=()
export LC_ALL=C

# bench_die MESSAGE
bench_die() { echo "bench: $*" >&2; exit 1; }

# bench_have COMMAND: true when COMMAND is on PATH.
bench_have() { command -v "$1" >/dev/null 2>&1; }

# bench_tool NAME: the path of a built trawl tool, or fail quietly.
bench_tool() {
	[ -x "$TRAWL_BIN/$1" ] || return 1
	printf '%s\n' "$TRAWL_BIN/$1"
}

# bench_init: check the peers and build the generator when it is missing.
bench_init() {
	if [ ! -x "$BENCH_GEN" ] || [ ! -x "$BENCH_TIMER" ]; then
		make -s -C "$BENCH_ROOT" O="$O" "$BENCH_GEN" "$BENCH_TIMER" >&2 ||
			bench_die "cannot build $BENCH_GEN and $BENCH_TIMER"
	fi
	mkdir -p "$BENCH_DATA" "$BENCH_RESULTS"
	: >"$BENCH_RESULTS/latest.tsv"
	printf 'trawl bench: %s MB inputs, %s runs (median), %s, %s cores%s\n' \
	    "$BENCH_MB" "$BENCH_RUNS" "$(uname -m)" "$(nproc)" \
	    "${BENCH_QUICK:+, QUICK mode: figures are for smoke testing only}"
	printf 'tools from %s\n' "$TRAWL_BIN"
}

# bench_data SHAPE MB [GENPINGS OPTION...]: print the path of a generated
# input (full or projected pings), generating it once.  The name carries
# every parameter and the generator's source digest, so a cached file is
# reused only for the same request from the same generator.
bench_data() {
	local shape=$1 mb=$2 name f
	shift 2
	name="pings-$shape-${mb}mb-s$BENCH_SEED"
	[ $# -gt 0 ] && name="$name$(printf '%s' "$*" | tr -c 'A-Za-z0-9.' '_')"
	name="$name-g$(cksum <"$BENCH_ROOT/bench/genpings.c" | cut -d' ' -f1)"
	f=$BENCH_DATA/$name.ndjson
	if [ ! -s "$f" ]; then
		echo "generating $f" >&2
		if ! "$BENCH_GEN" -s "$shape" -m "$mb" -S "$BENCH_SEED" "$@" >"$f.tmp.$$"; then
			rm -f "$f.tmp.$$"
			bench_die "genpings failed"
		fi
		mv "$f.tmp.$$" "$f"
	fi
	printf '%s\n' "$f"
}

# bench_gz FILE: print the path of a gzip copy of FILE, compressing it once
# (pigz when present: same format, all cores).  Temporary names carry the
# process id so that two benches started at once never mix their writes.
bench_gz() {
	local f=$1 z=$1.gz
	if [ ! -s "$z" ] || [ "$f" -nt "$z" ]; then
		echo "compressing $f" >&2
		if ! { if bench_have pigz; then pigz -6 -c "$f"; else gzip -6 -c "$f"; fi >"$z.tmp.$$"; }; then
			rm -f "$z.tmp.$$"
			bench_die "gzip failed"
		fi
		mv "$z.tmp.$$" "$z"
	fi
	printf '%s\n' "$z"
}

# bench_zst FILE: print the path of a zstd copy of FILE (level 3, zstd's
# default, all cores), compressing it once.
bench_zst() {
	local f=$1 z=$1.zst
	bench_have zstd || return 1
	if [ ! -s "$z" ] || [ "$f" -nt "$z" ]; then
		echo "compressing $f" >&2
		if ! zstd -q -3 -T0 -c "$f" >"$z.tmp.$$"; then
			rm -f "$z.tmp.$$"
			bench_die "zstd failed"
		fi
		mv "$z.tmp.$$" "$z"
	fi
	printf '%s\n' "$z"
}

# bench_gen GENERATOR NAME [OPTION...]: print the path of the output of a
# generator built beside the tools ($O/bench/gensightings, $O/tests/genwebreq),
# made once; the name carries the options and the generator source's
# checksum, so a cached file is reused only for the same request.
bench_gen() {
	local gen=$1 name=$2 src f
	shift 2
	src=$BENCH_ROOT/$(basename "$(dirname "$gen")")/$(basename "$gen").c
	if [ ! -x "$gen" ]; then
		make -s -C "$BENCH_ROOT" O="$O" "$gen" >&2 || bench_die "cannot build $gen"
	fi
	f=$BENCH_DATA/$name-$(printf '%s' "$*" | tr -c 'A-Za-z0-9.' '_')-g$(cksum <"$src" | cut -d' ' -f1).ndjson
	if [ ! -s "$f" ]; then
		echo "generating $f" >&2
		if ! "$gen" "$@" >"$f.tmp.$$"; then
			rm -f "$f.tmp.$$"
			bench_die "$(basename "$gen") failed"
		fi
		mv "$f.tmp.$$" "$f"
	fi
	printf '%s\n' "$f"
}

# bench_duckdb: print the command that runs one DuckDB query (SQL as its
# argument, "$F" in it the input; rows out as NDJSON), installing the npm
# package @duckdb/node-api (DuckDB with its own native library) into
# $O/duckdb the first time; fail with the reason on stderr when it cannot.
# DuckDB is a peer here, never a test dependency.
bench_duckdb() {
	local dir=$O/duckdb
	if [ ! -d "$dir/node_modules/@duckdb/node-api" ]; then
		bench_have node || { echo "node is not installed" >&2; return 1; }
		bench_have npm || { echo "npm is not installed" >&2; return 1; }
		mkdir -p "$dir"
		echo "installing @duckdb/node-api into $dir" >&2
		if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
		    @duckdb/node-api >&2); then
			echo "npm install @duckdb/node-api failed" >&2
			return 1
		fi
	fi
	printf 'NODE_PATH=%q node %q\n' "$dir/node_modules" "$BENCH_ROOT/bench/duckdb.cjs"
}

_bench_size() { stat -c %s "$1"; }

# bench_section TITLE: start a section.
bench_section() {
	printf '\n== %s\n' "$1"
	BENCH_SECTION=$1
}

# bench_input FILE [BYTES]: the input of the rows that follow, exported as
# $F.  BYTES (default: FILE's size) is what MB/s divides; give the
# uncompressed size for a .gz input so rates compare with the plain file.
# The file is read once first so that every row finds it in the page cache.
bench_input() {
	export F=$1
	BENCH_BYTES=${2:-$(_bench_size "$F")}
	BENCH_REF='' BENCH_REFLABEL=''
	BENCH_NOTES=()
	cat "$F" >/dev/null
	printf 'input: %s (%s MB on disk, %.1f MB of records)\n' "${F#"$BENCH_ROOT"/}" \
	    "$(awk -v b="$(_bench_size "$F")" 'BEGIN { printf "%.1f", b / 1e6 }')" \
	    "$(awk -v b="$BENCH_BYTES" 'BEGIN { print b / 1e6 }')"
	printf '%-60s %9s %9s %8s %8s %9s\n' command 'median s' 'MB/s' 'x trawl' 'RSS MB' lines
}

# bench_sample FILE: the default sample for bench_row_sample, exported as
# $S: a smaller input with the same kind of records (genpings makes the same
# records, in the same order, at any size).
bench_sample() {
	export S=$1
}

# _bench_measure LABEL CMD FILE BYTES SCALE: one row.  A first run counts
# the output lines (and warms up); then the command is timed to /dev/null,
# BENCH_RUNS times when it is fast, fewer when it is slow.  What the first
# run wrote to stderr is summed up in a note, not spilled over the table.
_bench_measure() {
	local label=$1 cmd=$2 file=$3 bytes=$4 scale=$5 lines t0 t1 warm runs res med rss rc secs rate ratio
	local errf nerr
	errf=$(mktemp)
	t0=$(date +%s.%N)
	lines=$(F=$file bash -c "set -o pipefail; $cmd" 2>"$errf" | wc -l) || lines="FAIL"
	t1=$(date +%s.%N)
	if [ -s "$errf" ]; then
		nerr=$(wc -l <"$errf")
		BENCH_NOTES+=("$label: $nerr line(s) on stderr, the first: $(head -n 1 "$errf" | cut -c1-100)")
	fi
	rm -f "$errf"
	warm=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	runs=$BENCH_RUNS
	if awk -v w="$warm" 'BEGIN { exit !(w > 5) }'; then
		runs=1
	elif awk -v w="$warm" 'BEGIN { exit !(w > 1) }'; then
		runs=$((runs < 3 ? runs : 3))
	fi
	res=$(F=$file "$BENCH_TIMER" "$runs" "$cmd") || bench_die "timer failed"
	read -r med rss rc <<<"$res"
	[ "$rc" = 0 ] || lines="FAIL($rc)"
	secs=$(awk -v m="$med" -v k="$scale" 'BEGIN { printf "%.3f", m * k }')
	rate=$(awk -v b="$bytes" -v m="$med" 'BEGIN { printf "%.1f", (m > 0 ? b / 1e6 / m : 0) }')
	if [ "$label" = "${BENCH_REFLABEL:-}" ]; then
		BENCH_REF=$secs
	fi
	if [ -n "$BENCH_REF" ]; then
		ratio=$(awk -v s="$secs" -v r="$BENCH_REF" 'BEGIN { printf "%.2f", (r > 0 ? s / r : 0) }')
	else
		ratio=-
	fi
	printf '%-60s %9s %9s %8s %8.1f %9s\n' "$label" "$secs" "$rate" "$ratio" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$lines"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$BENCH_SECTION" "${F#"$BENCH_ROOT"/}" "$label" \
	    "$secs" "$rate" "$ratio" "$rss" "$lines" >>"$BENCH_RESULTS/latest.tsv"
}

# bench_ref LABEL CMD: the trawl tool's row; later rows' "x trawl" is their
# time over this one's.  CMD is a bash command reading "$F".
bench_ref() {
	BENCH_REFLABEL=$1
	_bench_measure "$1" "$2" "$F" "$BENCH_BYTES" 1
}

# bench_row LABEL CMD: a peer or a floor, on "$F".
bench_row() {
	_bench_measure "$1" "$2" "$F" "$BENCH_BYTES" 1
}

# bench_row_sample LABEL CMD [FILE]: a slow peer, run on FILE (default:
# the sample $S; CMD still reads "$F"), its time scaled by the size ratio to
# stand for the whole input; the line count is the sample's.  The label is
# marked with "*" and a note says how big the sample was.
bench_row_sample() {
	local file=${3:-${S:-}} sbytes k
	if [ -z "$file" ]; then
		bench_skip "$1" "no sample (bench_sample)"
		return
	fi
	sbytes=$(_bench_size "$file")
	cat "$file" >/dev/null
	k=$(awk -v a="$BENCH_BYTES" -v b="$sbytes" 'BEGIN { print a / b }')
	_bench_measure "$1 *" "$2" "$file" "$sbytes" "$k"
	BENCH_NOTES+=("* run on a $(awk -v b="$sbytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB sample of the same records; time scaled to the whole input; lines are the sample's")
}

# bench_skip LABEL WHY: a row that could not run, and why.
bench_skip() {
	printf '%-60s skipped: %s\n' "$1" "$2"
}

# bench_note TEXT: a note printed at the end of the table.
bench_note() {
	BENCH_NOTES+=("$1")
}

# bench_end: print the table's notes.
bench_end() {
	# Each sampled row adds the same note: print each note once.
	printf '%s\n' "${BENCH_NOTES[@]}" | awk 'NF && !seen[$0]++ { print "  " $0 }'
	BENCH_NOTES=()
}
