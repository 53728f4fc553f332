#!/usr/bin/env bats
# Pipes between pipeline stages: every tool enlarges the pipes on its
# standard input and output to 1 MB (F_SETPIPE_SZ), so that stages trade
# data in large blocks.  tests/t_pipesize watches a pipe from its other
# end.

load helper

MB=1048576

setup() { cd "$BATS_TEST_TMPDIR"; }

sizer() { "$TRAWL_TESTBIN/t_pipesize" "$@"; }

# args_for and tools are helper.bash's.

@test "pipes: every tool enlarges the pipes on its stdin and stdout" {
	echo '{"id":"a","x":1,"k":"a","t":0}' >rec
	local tool
	for tool in $(tools); do
		echo "checking $tool"
		# The writer waits until the tool has enlarged its stdin, then
		# writes a record and ends; the reader watches the tool's stdout.
		# shellcheck disable=SC2046
		{ sizer 1 "$MB" 2>win; cat rec; } | "$tool" $(args_for "$tool") |
			{ sizer 0 "$MB" 2>rout; cat >/dev/null; }
		st="${PIPESTATUS[*]}"
		[ "$(cat win)" = "$MB" ]
		[ "$(cat rout)" = "$MB" ]
		[ "$st" = "0 0 0" ]
	done
}
