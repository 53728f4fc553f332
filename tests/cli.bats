#!/usr/bin/env bats
# lib/cli.c through the t_cat driver (a line starting with '!' is bad) and
# the t_cli driver (option value parsers).

load helper

t_cli() { "$TRAWL_TESTBIN/t_cli" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# twelve_bad: 3 good lines and 12 bad ones, in the file p.
twelve_bad() {
	{
		echo good1
		for i in 1 2 3 4 5 6; do echo "!bad$i"; done
		echo good2
		for i in 7 8 9 10 11 12; do echo "!bad$i"; done
		echo good3
	} >p
}

@test "cli: --bad=warn shows the first 10 bad lines, counts the rest, exit 1" {
	twelve_bad
	run -1 --separate-stderr t_cat p
	[ "$output" = $'p:1:good1\np:8:good2\np:15:good3' ]
	expected="t_cat: p:2: bad line
t_cat: p:3: bad line
t_cat: p:4: bad line
t_cat: p:5: bad line
t_cat: p:6: bad line
t_cat: p:7: bad line
t_cat: p:9: bad line
t_cat: p:10: bad line
t_cat: p:11: bad line
t_cat: p:12: bad line
t_cat: 12 bad lines skipped (2 not shown)"
	[ "$stderr" = "$expected" ]
}

@test "cli: --bad=warn is the default and says 1 bad line" {
	printf 'a\n!x\n' >p
	run -1 --separate-stderr t_cat --bad=warn p
	[ "$stderr" = $'t_cat: p:2: bad line\nt_cat: 1 bad line skipped' ]
	run -1 --separate-stderr t_cat <p
	[ "$stderr" = $'t_cat: -:2: bad line\nt_cat: 1 bad line skipped' ]
}

@test "cli: --bad=fail stops at the first bad line after what came before, exit 1" {
	twelve_bad
	run -1 --separate-stderr t_cat --bad=fail p
	[ "$output" = "p:1:good1" ]
	[ "$stderr" = "t_cat: p:2: bad line" ]
}

@test "cli: --bad=skip counts the bad lines in one summary, exit 0" {
	twelve_bad
	run -0 --separate-stderr t_cat --bad=skip p
	[ "$output" = $'p:1:good1\np:8:good2\np:15:good3' ]
	[ "$stderr" = "t_cat: 12 bad lines skipped" ]
}

@test "cli: --bad=FILE appends the bad lines verbatim, exit 0" {
	twelve_bad
	echo '!earlier' >bad.ndjson
	run -0 --separate-stderr t_cat --bad=bad.ndjson p
	[ "$output" = $'p:1:good1\np:8:good2\np:15:good3' ]
	[ "$stderr" = "t_cat: 12 bad lines written to bad.ndjson" ]
	{ echo '!earlier'; grep '^!' p; } >expected
	same expected bad.ndjson
}

@test "cli: --bad=FILE writes a CRLF line without its CR, a last line with a newline" {
	printf 'good\r\n!bad one\r\n!bad\ttwo \r\n!last' >p
	run -0 --separate-stderr t_cat --bad=bad.ndjson p
	[ "$output" = 'p:1:good' ]
	printf '!bad one\n!bad\ttwo \n!last\n' >expected
	same expected bad.ndjson
}

@test "cli: --bad=FILE is not created when no line is bad" {
	printf 'a\n' >p
	run -0 --separate-stderr t_cat --bad=bad.ndjson p
	[ -z "$stderr" ]
	[ ! -e bad.ndjson ]
}

@test "cli: --bad=FILE that cannot be opened or written is fatal, exit 1" {
	printf 'a\n!x\n' >p
	run -1 --separate-stderr t_cat --bad=nodir/bad p
	[ "$stderr" = "t_cat: nodir/bad: No such file or directory" ]
	run -1 --separate-stderr t_cat --bad=/dev/full p
	[ "$stderr" = "t_cat: /dev/full: No space left on device" ]
}

@test "cli: --bad with an empty argument is a usage error, exit 2" {
	run -2 --separate-stderr t_cat --bad= /dev/null
	[ -z "$output" ]
	[ "$stderr" = $'t_cat: --bad: expected warn, fail, skip or a file name\nusage: t_cat [-cp] [--bad=mode] [--stats] [file ...]' ]
}

@test "cli: -h prints the synopsis and every option, sorted by long name, on stdout, exit 0" {
	run -0 --separate-stderr t_cat -h
	expect <<-'EOF'
	usage: t_cat [-cp] [--bad=mode] [--stats] [file ...]

	      --bad=MODE  bad lines: warn (the default), fail, skip, or a file to append them to
	  -c, --count     only count the lines and bytes
	  -h, --help      print this help and exit
	  -p, --pass      pass the lines through unchanged
	      --stats     write counters as one JSON line to stderr at the end
	      --version   print the version and exit
	EOF
	[ -z "$stderr" ]
}

@test "cli: --stats writes one JSON line: counters, extras in order, peak memory" {
	printf 'a\n!x\nb\n' >p
	run -0 --separate-stderr t_cat --stats --bad=skip p
	[ "$output" = $'p:1:a\np:3:b' ]
	[ "${stderr_lines[0]}" = "t_cat: 1 bad line skipped" ]
	[[ ${stderr_lines[1]} =~ ^\{\"tool\":\"t_cat\",\"read\":3,\"written\":2,\"bad\":1,\"missing\":0,\"bytes_in\":7,\"peak_rss_kb\":[1-9][0-9]*\}$ ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "cli: a full disk is a write error, exit 1" {
	printf 'a\n' >p
	run -1 --separate-stderr bash -c '"$0" p >/dev/full' "$TRAWL_TESTBIN/t_cat"
	[ "$stderr" = "t_cat: write error: No space left on device" ]
	# Large output fails at its first block, not only at exit.
	seq 1 1000000 >big
	run -1 --separate-stderr bash -c '"$0" -p big >/dev/full' "$TRAWL_TESTBIN/t_cat"
	[ "$stderr" = "t_cat: write error: No space left on device" ]
	run -1 --separate-stderr bash -c '"$0" -h >/dev/full' "$TRAWL_TESTBIN/t_cat"
	[ "$stderr" = "t_cat: write error: No space left on device" ]
}

@test "cli: a closed pipe ends the tool quietly by SIGPIPE (tool | head)" {
	seq 1 3000000 >big
	run -0 --separate-stderr bash -c '"$0" big | head -n 1; echo "${PIPESTATUS[0]}"' "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'big:1:1\n141' ]
	[ -z "$stderr" ]
}

@test "cli: a closed pipe with SIGPIPE ignored is a write error, exit 1" {
	seq 1 3000000 >big
	run -0 --separate-stderr bash -c 'trap "" PIPE; "$0" big | head -n 1; echo "${PIPESTATUS[0]}"' "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'big:1:1\n1' ]
	[ "$stderr" = "t_cat: write error: Broken pipe" ]
}

@test "cli: lines larger than an output block pass through unchanged" {
	{ echo a; head -c 3000000 /dev/zero | tr '\0' y; echo; echo b; } >p
	t_cat -p p >got
	same p got
	cat p | t_cat -p | cat >got
	same p got
}

@test "cli: --shard K/N is strict" {
	run -0 t_cli shard 1/1
	[ "$output" = "1 of 1" ]
	run -0 t_cli shard 3/16
	[ "$output" = "3 of 16" ]
	run -0 t_cli shard 4294967295/4294967295
	[ "$output" = "4294967295 of 4294967295" ]
	for bad in 0/2 3/2 1/0 /2 1/ 1 1/2/3 " 1/2" "1/2 " +1/2 1/+2 -1/2 a/b 1.0/2 1/4294967296 ""; do
		run -0 t_cli shard "$bad"
		[ "$output" = invalid ]
	done
}

@test "cli: integer option values are digits only" {
	run -0 t_cli u64 0
	[ "$output" = 0 ]
	run -0 t_cli u64 18446744073709551615
	[ "$output" = 18446744073709551615 ]
	for bad in 18446744073709551616 -1 +1 " 1" "1 " 1e3 0x10 1.5 ""; do
		run -0 t_cli u64 "$bad"
		[ "$output" = invalid ]
	done
}

@test "cli: number option values are whole, finite and decimal" {
	run -0 t_cli double 0.02
	[ "$output" = 0.02 ]
	run -0 t_cli double -1.5e3
	[ "$output" = -1500 ]
	run -0 t_cli double .5
	[ "$output" = 0.5 ]
	run -0 t_cli double 7.
	[ "$output" = 7 ]
	for bad in "" . - e3 1e 1e+ 1e400 inf nan 0x10 " 1" "1 " 1,5 1.5x; do
		run -0 t_cli double "$bad"
		[ "$output" = invalid ]
	done
}

@test "cli: bad lines diverted before a fatal write error still reach --bad=FILE" {
	printf 'a\n!x\nb\n' >p
	run -1 --separate-stderr bash -c '"$0" --bad=bad.ndjson p >/dev/full' "$TRAWL_TESTBIN/t_cat"
	[ "$stderr" = "t_cat: write error: No space left on device" ]
	[ "$(cat bad.ndjson)" = '!x' ]
}
