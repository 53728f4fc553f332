# Loaded by every suite: tools from $TRAWL_BIN (make check sets it; the
# default is the plain build in bin/), bats-assert, and small helpers.
bats_require_minimum_version 1.5.0

TRAWL_BIN=${TRAWL_BIN:-$BATS_TEST_DIRNAME/../bin}
TRAWL_TESTBIN=${TRAWL_TESTBIN:-$BATS_TEST_DIRNAME/../build/tests}
PATH="$TRAWL_BIN:$PATH"
export LC_ALL=C TZ=UTC

bats_load_library bats-support
bats_load_library bats-assert

FIXTURES=$BATS_TEST_DIRNAME/fixtures
DATA=$BATS_TEST_DIRNAME/../examples/data

# fixture NAME: path of a committed fixture file.
fixture() { printf '%s\n' "$FIXTURES/$1"; }

# same EXPECTED ACTUAL: byte-exact comparison that shows a diff on failure.
same() {
	if ! cmp -s "$1" "$2"; then
		diff -u "$1" "$2" | head -n 40 >&2
		return 1
	fi
}

# expect: compare $output with the heredoc on stdin, byte for byte.
expect() {
	cat >"$BATS_TEST_TMPDIR/expected"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/actual"
	same "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/actual"
}

# tools: every tool, as a name per line (the tools are the sources in bin/).
tools() {
	local src
	for src in "$BATS_TEST_DIRNAME"/../bin/*.c; do
		basename "$src" .c
	done
}

# RECORD: one record every tool can use.  args_for TOOL: the least
# arguments that make TOOL process it.
RECORD='{"id":"a","x":1,"k":"a","t":"2017-03-12T10:00:00Z","start":"2017-03-12T10:00:00Z","end":"2017-03-12T11:00:00Z","ip":"10.1.2.3","user_agent":"Mozilla/5.0","accept_language":"en","uri_host":"en.wikipedia.org","dt":"2017-03-12T10:00:00Z"}'
args_for() {
	case $1 in
	histo) echo "-f .x --counts" ;;
	sessionize) echo "-k .k -t .t" ;;
	cidrscore) echo "--prefix-len 24" ;;
	*) echo "" ;;
	esac
}

# The drivers of lib/ that more than one suite runs.
t_cat() { "$TRAWL_TESTBIN/t_cat" "$@"; }
