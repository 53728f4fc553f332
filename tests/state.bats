#!/usr/bin/env bats
# lib/state.c through the t_state driver:
#   t_state save FILE TOOL VERSION PAYLOAD; t_state load FILE TOOL VERSION

load helper

t_state() { "$TRAWL_TESTBIN/t_state" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# flip_byte FILE OFFSET: invert one byte in place.
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((255 - b)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "state: a saved payload loads back" {
	run -0 --separate-stderr t_state save st pingdedup 1 'hello
world'
	[ -z "$output" ] && [ -z "$stderr" ]
	run -0 --separate-stderr t_state load st pingdedup 1
	[ "$output" = $'hello\nworld' ]
	[ -z "$stderr" ]
}

@test "state: the file layout is header, payload, digest128 trailer" {
	t_state save st pingdedup 1 hello
	# The trailer is pinned: digest128 and this layout must never change.
	printf 'trawl-state pingdedup 1 5\nhello%s\n' "$(tail -c 33 st | head -c 32)" >expected
	same expected st
	[[ $(tail -c 33 st) =~ ^[0-9a-f]{32}$ ]]
	[ "$(tail -c 33 st)" = "$(cat "$FIXTURES/state/hello.digest")" ]
}

@test "state: an empty payload is a valid state" {
	t_state save st sessionize 3 ''
	run -0 t_state load st sessionize 3
	[ "$output" = "" ]
	[ "$(head -n 1 st)" = "trawl-state sessionize 3 0" ]
}

@test "state: no state file is a first run" {
	run -0 --separate-stderr t_state load st pingdedup 1
	[ "$output" = "no state" ]
	[ -z "$stderr" ]
}

@test "state: saving replaces the old state and leaves no temporary file" {
	t_state save st pingdedup 1 old
	t_state save st pingdedup 1 new
	run -0 t_state load st pingdedup 1
	[ "$output" = new ]
	run -0 ls -A
	[ "$output" = st ]
}

@test "state: a save that cannot write leaves no temporary file and names the file" {
	run -1 --separate-stderr t_state save nodir/st pingdedup 1 x
	[ "$stderr" = "t_state: nodir/st: No such file or directory" ]
	mkdir ro
	t_state save ro/st pingdedup 1 old
	chmod 555 ro
	if [ "$(id -u)" -ne 0 ]; then
		run -1 --separate-stderr t_state save ro/st pingdedup 1 new
		[ "$stderr" = "t_state: ro/st: Permission denied" ]
	fi
	chmod 755 ro
	run -0 ls -A ro
	[ "$output" = st ]
	run -0 t_state load ro/st pingdedup 1
	[ "$output" = old ]
}

@test "state: a truncated state file is refused" {
	t_state save st pingdedup 1 hello
	head -c -1 st >cut
	run -1 --separate-stderr t_state load cut pingdedup 1
	[ -z "$output" ]
	[ "$stderr" = "t_state: cut: truncated state file (length mismatch)" ]
	head -c 30 st >cut
	run -1 --separate-stderr t_state load cut pingdedup 1
	[ "$stderr" = "t_state: cut: truncated state file (length mismatch)" ]
	printf 'trawl-state pingdedup 1 99999999\nhello' >cut
	run -1 --separate-stderr t_state load cut pingdedup 1
	[ "$stderr" = "t_state: cut: truncated state file (length mismatch)" ]
}

@test "state: a state file with bytes added is refused" {
	t_state save st pingdedup 1 hello
	echo more >>st
	run -1 --separate-stderr t_state load st pingdedup 1
	[ "$stderr" = "t_state: st: length mismatch (damaged state file)" ]
}

@test "state: a flipped bit in the payload, trailer or header is refused" {
	t_state save st pingdedup 1 hello
	for off in 27 31 40 57 62; do
		cp st damaged
		flip_byte damaged "$off"
		run -1 --separate-stderr t_state load damaged pingdedup 1
		[ "$stderr" = "t_state: damaged: checksum mismatch (damaged state file)" ]
	done
	# A header damaged into another tool's name is damage, not a foreign file.
	sed '1s/pingdedup/pingdedux/' st >damaged
	run -1 --separate-stderr t_state load damaged pingdedup 1
	[ "$stderr" = "t_state: damaged: checksum mismatch (damaged state file)" ]
}

@test "state: another tool's state file is refused" {
	t_state save st sessionize 1 x
	run -1 --separate-stderr t_state load st pingdedup 1
	[ -z "$output" ]
	[ "$stderr" = "t_state: st: state file of sessionize, not pingdedup" ]
}

@test "state: another format version is refused" {
	t_state save st pingdedup 2 x
	run -1 --separate-stderr t_state load st pingdedup 1
	[ "$stderr" = "t_state: st: state format version 2, this pingdedup reads 1" ]
}

@test "state: a file that is not a state file is refused, never replaced" {
	printf '{"id":1}\n' >st
	run -1 --separate-stderr t_state load st pingdedup 1
	[ "$stderr" = "t_state: st: not a trawl state file" ]
	: >empty
	run -1 --separate-stderr t_state load empty pingdedup 1
	[ "$stderr" = "t_state: empty: not a trawl state file" ]
	printf 'trawl-state pingdedup one 5\nhello' >st2
	run -1 --separate-stderr t_state load st2 pingdedup 1
	[ "$stderr" = "t_state: st2: not a trawl state file" ]
	printf 'trawl-state pingdedup 1 99999999999999999999999\n' >st3
	run -1 --separate-stderr t_state load st3 pingdedup 1
	[ "$stderr" = "t_state: st3: not a trawl state file" ]
	[ "$(cat st)" = '{"id":1}' ]
}

@test "state: an unreadable state path is an error" {
	mkdir st
	run -1 --separate-stderr t_state load st pingdedup 1
	[ "$stderr" = "t_state: st: Is a directory" ]
}

@test "state: a payload with newlines, tabs and backslashes round-trips" {
	t_state save st histo 1 "$(printf 'a\nb\tc\\d')"
	t_state load st histo 1 >got
	printf 'a\nb\tc\\d\n' >expected
	same expected got
}
