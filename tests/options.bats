#!/usr/bin/env bats
# The option language every tool shares (trawl(7), OPTIONS): --help and the
# man pages agree, a letter or a long name means one thing in every tool,
# --version, and usage errors.

load helper

MAN=$BATS_TEST_DIRNAME/../man

# help_options TOOL: the option column of TOOL --help, one per line
# ("-k, --key=EXPR", "--stats").
help_options() {
	"$1" --help | awk '!body && $0 == "" { body = 1; next } body' |
	    sed 's/^ *//; s/  .*//'
}

# man_options PAGE: the tags of the man page's option list, as mandoc
# renders them ("-k, --key=expr").
man_options() {
	mandoc -Tascii -O width=200 "$1" | col -bx |
	    awk '/The options are as follows:/ { on = 1; next }
		on && $0 != "" { match($0, /^ */); if (RLENGTH < 5) exit }
		on && /^     -/' |
	    sed 's/^ *//; s/  .*//'
}

# man_synopsis PAGE: the SYNOPSIS, one line per form.
man_synopsis() {
	mandoc -Tascii -O width=200 "$1" | col -bx |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d;/^$/d;s/^ *//'
}

# synopsis_forms TOOL: the synopsis lines of --help or of a usage error
# (stdin) one line per form, as man_synopsis gives them.
synopsis_forms() {
	sed '/^$/,$d; s/^usage: //; s/^ *//' |
	    awk -v tool="$1" 'index($0, tool " ") == 1 || $0 == tool { if (form != "") print form; form = $0; next }
		{ form = form " " $0 } END { if (form != "") print form }'
}

@test "options: --help and -h print the synopsis, then every option on its own line, on stdout, exit 0" {
	for tool in $(tools); do
		echo "checking $tool"
		run -0 --separate-stderr "$tool" --help
		[ -z "$stderr" ]
		help=$output
		[[ ${lines[0]} == "usage: $tool "* ]]
		# After the synopsis, a blank line, then only option lines:
		# "  -k, --key=EXPR  help" or "      --stats  help".
		printf '%s\n' "$output" | awk '!body && $0 == "" { body = 1; next } body' >"$BATS_TEST_TMPDIR/body"
		[ -s "$BATS_TEST_TMPDIR/body" ]
		run -1 grep -vE '^(  -[[:alnum:]], |      )--[a-z][a-z-]*(=[][A-Z0-9/=.,]+)?  +[a-z]' "$BATS_TEST_TMPDIR/body"
		[ -z "$output" ]
		run -0 "$tool" -h
		[ "$output" = "$help" ]
	done
}

@test "options: every option of --help is in the man page, in the same order, and no other" {
	for tool in $(tools); do
		echo "checking $tool"
		help_options "$tool" | sed -E 's/=(.*)$/=\L\1/' >"$BATS_TEST_TMPDIR/help"
		man_options "$MAN/$tool.1" >"$BATS_TEST_TMPDIR/man"
		[ -s "$BATS_TEST_TMPDIR/man" ]
		same "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/man"
	done
}

@test "options: the man page's SYNOPSIS is the synopsis of --help and of usage errors" {
	for tool in $(tools); do
		echo "checking $tool"
		man_synopsis "$MAN/$tool.1" >"$BATS_TEST_TMPDIR/man"
		"$tool" --help | synopsis_forms "$tool" >"$BATS_TEST_TMPDIR/help"
		same "$BATS_TEST_TMPDIR/man" "$BATS_TEST_TMPDIR/help"
		run -2 --separate-stderr "$tool" --no-such-option
		printf '%s\n' "$stderr" | sed 1d | synopsis_forms "$tool" >"$BATS_TEST_TMPDIR/usage"
		same "$BATS_TEST_TMPDIR/man" "$BATS_TEST_TMPDIR/usage"
	done
}

@test "options: --version prints TOOL (trawl) VERSION, the version of lib/version.h, exit 0" {
	version=$(sed -n 's/^#define TRAWL_VERSION "\(.*\)"$/\1/p' "$BATS_TEST_DIRNAME/../lib/version.h")
	[ -n "$version" ]
	for tool in $(tools); do
		echo "checking $tool"
		run -0 --separate-stderr "$tool" --version
		[ "$output" = "$tool (trawl) $version" ]
		[ -z "$stderr" ]
	done
}

@test "options: a letter, and a long name, mean one thing in every tool" {
	for tool in $(tools); do
		help_options "$tool" | sed "s/^/$tool /"
	done >"$BATS_TEST_TMPDIR/all"
	# A long name: one letter (or none) and one argument everywhere.
	run -0 bash -c "sed 's/^[a-z]* //; s/^      //' '$BATS_TEST_TMPDIR/all' |
	    sed -E 's/^(-., )?(--[a-z-]+)(.*)$/\2 \1\3/' | sort -u | awk '{ print \$1 }' | uniq -d"
	[ -z "$output" ]
	# A letter: one long name.
	run -0 bash -c "grep -oE ' -[[:alnum:]], --[a-z-]+' '$BATS_TEST_TMPDIR/all' | sort -u |
	    awk '{ print \$1 }' | uniq -d"
	[ -z "$output" ]
}

@test "options: an unknown option, a missing argument, an argument to a flag: one line naming the option, the synopsis, exit 2" {
	for tool in $(tools); do
		echo "checking $tool"
		synopsis=$("$tool" --help | sed '/^$/,$d')
		run -2 --separate-stderr "$tool" --no-such-option
		[ -z "$output" ]
		[ "$stderr" = "$tool: unknown option: --no-such-option"$'\n'"$synopsis" ]
		run -2 --separate-stderr "$tool" -Q
		[ "$stderr" = "$tool: unknown option: -Q"$'\n'"$synopsis" ]
		run -2 --separate-stderr "$tool" --stats=yes
		[ "$stderr" = "$tool: --stats: takes no argument: yes"$'\n'"$synopsis" ]
		# Every option that takes an argument, given none.
		help_options "$tool" | grep = | sed 's/^-., //' >"$BATS_TEST_TMPDIR/args"
		[ -s "$BATS_TEST_TMPDIR/args" ]
		while IFS== read -r name arg; do
			run -2 --separate-stderr "$tool" "$name"
			[ "$stderr" = "$tool: $name: missing argument ($arg)"$'\n'"$synopsis" ]
		done <"$BATS_TEST_TMPDIR/args"
		# Long names are matched whole.
		run -2 --separate-stderr "$tool" --stat
		[ "${stderr_lines[0]}" = "$tool: unknown option: --stat" ]
	done
}

@test "options: maxcount --start without its argument says so (not getopt's words, then unknown option)" {
	run -2 --separate-stderr maxcount --start
	[ -z "$output" ]
	[ "$stderr" = "maxcount: --start: missing argument (EXPR)
usage: maxcount [-g expr] [-p period] [option ...] [file ...]
       maxcount --timeline [-g expr] [option ...] [file ...]" ]
}

@test "options: -gEXPR, -g EXPR, --group=EXPR and --group EXPR are one option; options go anywhere before --" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{"a":1,"start":0,"end":2}' '{"a":2,"start":1,"end":3}' >in
	run -0 maxcount -g .a in
	want=$output
	[ "${#lines[@]}" -eq 2 ]
	for args in "-g.a in" "--group=.a in" "--group .a in" "in -g .a" "-u s -g .a in"; do
		# shellcheck disable=SC2086
		run -0 maxcount $args
		[ "$output" = "$want" ]
	done
	cp in ./-g
	run -0 maxcount -g .a -- -g
	[ "$output" = "$want" ]
	# An argument may start with a dash, and may be empty.
	run -2 --separate-stderr maxcount --start -x in
	[[ ${stderr_lines[0]} == "maxcount: --start -x: "* ]]
	run -2 --separate-stderr maxcount --per= in
	[ "${stderr_lines[0]}" = "maxcount: --per: empty duration: " ]
}

@test "options: malformed values of the shared options are one line naming the option and the value, exit 2" {
	run -2 --separate-stderr maxcount --time-unit=sec
	[ "${stderr_lines[0]}" = "maxcount: --time-unit: expected s, ms, us or ns: sec" ]
	run -2 --separate-stderr maxcount -u ''
	[ "${stderr_lines[0]}" = "maxcount: --time-unit: expected s, ms, us or ns: " ]
	run -2 --separate-stderr maxcount --origin yesterday
	[ "${stderr_lines[0]}" = "maxcount: --origin: not an RFC 3339 time: yesterday" ]
	run -2 --separate-stderr maxcount --shard 1/0
	[ "${stderr_lines[0]}" = "maxcount: --shard: expected k/n with 1 <= k <= n: 1/0" ]
	run -2 --separate-stderr maxcount --bad=
	[ "${stderr_lines[0]}" = "maxcount: --bad: expected warn, fail, skip or a file name" ]
}

@test "options: trawl(7)'s table lists every letter and every option several tools take, with their tools, and no other" {
	local all
	all=$(tools | wc -l)
	for tool in $(tools); do
		help_options "$tool" | sed -E 's/=(.*)$/=\L\1/' | sed "s/^/$tool /"
	done | awk -v all="$all" '
		{ tool = $1; sub(/^[^ ]+ /, ""); opt = $0; long = opt; sub(/^-., /, "", long); sub(/=.*/, "", long)
		  form[long] = opt; n[long]++; who[long] = who[long] (who[long] == "" ? "" : ", ") tool }
		END { for (l in n) if (n[l] > 1 || form[l] ~ /^-[^-]/)
			print l "\t" form[l] " | " (n[l] == all ? "every tool" : who[l]) }' |
	    sort | cut -f2 >"$BATS_TEST_TMPDIR/tools"
	# The tools in each row, as trawl(7) names them: in name order.
	mandoc -Tascii -O width=200 "$MAN/trawl.7" | col -bx |
	    awk '/^     The letters, and every option more than one tool takes:$/ { on = 1; next }
		on && $0 != "" { match($0, /^ */); if (RLENGTH < 5) exit }
		on && /^     -/ { tag = $0; sub(/^ +/, "", tag); getline body; sub(/^ +/, "", body)
			sub(/:.*/, "", body); gsub(/\(1\)/, "", body); print tag " | " body }' >"$BATS_TEST_TMPDIR/man"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/man")" -gt 20 ]
	# Compare with each row's tools in name order on both sides.
	for f in tools man; do
		awk -F' [|] ' '{ n = split($2, t, ", "); for (i = 1; i < n; i++) for (j = i + 1; j <= n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
			s = t[1]; for (i = 2; i <= n; i++) s = s ", " t[i]; print $1 " | " s }' "$BATS_TEST_TMPDIR/$f" >"$BATS_TEST_TMPDIR/$f.sorted"
	done
	same "$BATS_TEST_TMPDIR/man.sorted" "$BATS_TEST_TMPDIR/tools.sorted"
}
