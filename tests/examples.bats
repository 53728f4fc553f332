#!/usr/bin/env bats
# Every command of the README and of the man pages' EXAMPLES, as
# tests/examples.sh finds them, runs as written from the top of the
# checkout: exit 0, nothing on stderr, and the output the page shows after
# it, byte for byte.  A page's commands run in order in one directory, so a
# command may read what an earlier one wrote; of the checkout, that
# directory holds only examples/ (linked), so a command can read no file
# that a reader's checkout would not have at that path.

load helper

ROOT=$BATS_TEST_DIRNAME/..

# run_page FILE: run FILE's commands in a fresh directory.
run_page() {
	local dir=$BATS_TEST_TMPDIR/top at=0 loc cmd want
	mkdir -p "$dir"
	ln -s "$ROOT/examples" "$dir/examples"
	(cd "$ROOT" && tests/examples.sh list "$1") >"$BATS_TEST_TMPDIR/cmds"
	(cd "$ROOT" && tests/examples.sh outputs "$1") >"$BATS_TEST_TMPDIR/outs"
	mapfile -d '' cmds <"$BATS_TEST_TMPDIR/cmds"
	mapfile -d '' outs <"$BATS_TEST_TMPDIR/outs"
	[ "${#cmds[@]}" -gt 0 ]
	[ "${#cmds[@]}" -eq "${#outs[@]}" ]
	# Not "i": bats' run (its version check) sets a global i.
	for ((at = 0; at < ${#cmds[@]}; at++)); do
		loc=${cmds[at]%%$'\n'*}
		cmd=${cmds[at]#*$'\n'}
		want=${outs[at]#*$'\n'}
		echo "checking $loc: $cmd"
		cd "$dir"
		run -0 --separate-stderr bash -o pipefail -c "$cmd"
		[ -z "$stderr" ]
		if [ -n "$want" ]; then
			printf '%s\n' "$want" >"$BATS_TEST_TMPDIR/want"
			printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/got"
			same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		fi
	done
}

@test "examples: README.md" { run_page README.md; }
@test "examples: pingdedup(1)" { run_page man/pingdedup.1; }
@test "examples: actorsig(1)" { run_page man/actorsig.1; }
@test "examples: sessionize(1)" { run_page man/sessionize.1; }
@test "examples: maxcount(1)" { run_page man/maxcount.1; }
@test "examples: cidrscore(1)" { run_page man/cidrscore.1; }
@test "examples: histo(1)" { run_page man/histo.1; }
@test "examples: trawl(7)" { run_page man/trawl.7; }

@test "examples: every page with EXAMPLES is read, and the README's commands are found" {
	cd "$ROOT"
	for page in man/*.[17]; do
		grep -q '^\.Sh EXAMPLES' "$page" || continue
		echo "checking $page"
		run -0 bash -c '"$0" list "$1" | tr "\0" "\n" | grep -c "^man/"' "$ROOT/tests/examples.sh" "$page"
		[ "$output" -gt 0 ]
	done
	# The README's headline and tour, but not its set-up (make check is
	# what runs this) nor its layout map.
	run -0 bash -c '"$0" list README.md | tr "\0" "\n" | grep -v "^README.md:"' "$ROOT/tests/examples.sh"
	[[ ${lines[0]} == "pingdedup -k .id examples/data/man/aurora.ndjson | histo "* ]]
	[[ $output != *"make check"* ]]
	[[ $output != *"bin/ "* ]]
}

@test "examples: a command goes on over quotes, pipes, backslashes and the second prompt; its output is what follows" {
	cat >"$BATS_TEST_TMPDIR/t.1" <<-'EOF'
	.Sh DESCRIPTION
	.Bd -literal
	$ not an example
	.Ed
	.Sh EXAMPLES
	.Bd -literal -offset indent
	$ echo 'a
	b' | cat \e
	    -
	a
	b
	$ for x in 1 2; do
	>   echo "\e\(dq$x"
	> done
	"1
	"2
	$ true
	.Ed
	.Bd -literal
	program text, not a command
	.Ed
	EOF
	cd "$BATS_TEST_TMPDIR"
	run -0 bash -c '"$0" list t.1 | tr "\0" "|"' "$ROOT/tests/examples.sh"
	[ "$output" = 't.1:7
echo '\''a
b'\'' | cat \
    -|t.1:12
for x in 1 2; do
  echo "\"$x"
done|t.1:17
true|' ]
	run -0 bash -c '"$0" outputs t.1 | tr "\0" "|"' "$ROOT/tests/examples.sh"
	[ "$output" = 't.1:7
a
b|t.1:12
"1
"2|t.1:17
|' ]
}

@test "examples: webrequest.ndjson.gz is the output of genwebreq -u 5 -d 1" {
	"$TRAWL_TESTBIN/genwebreq" -u 5 -d 1 >"$BATS_TEST_TMPDIR/want"
	gzip -dc "$ROOT/examples/data/man/webrequest.ndjson.gz" >"$BATS_TEST_TMPDIR/got"
	same "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}
