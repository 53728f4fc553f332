#!/usr/bin/env bats
# lib/input.c through the t_cat driver, which prints FILE:LINE:text for
# every record (-p passes lines through unchanged, -c counts them).

load helper


setup() { cd "$BATS_TEST_TMPDIR"; }

@test "input: plain lines with their file and line number" {
	printf '{"a":1}\n{"a":2}\n' >p
	run -0 --separate-stderr t_cat p
	[ "$output" = $'p:1:{"a":1}\np:2:{"a":2}' ]
	[ -z "$stderr" ]
}

@test "input: gzip is decompressed" {
	printf '{"a":1}\n{"a":2}\n' | gzip >x.gz
	run -0 --separate-stderr t_cat x.gz
	[ "$output" = $'x.gz:1:{"a":1}\nx.gz:2:{"a":2}' ]
	[ -z "$stderr" ]
}

@test "input: gzip is recognised by its magic bytes, not its name" {
	printf 'a\nb\n' | gzip >data.ndjson
	printf 'c\nd\n' >plain.gz
	run -0 --separate-stderr t_cat data.ndjson plain.gz
	[ "$output" = $'data.ndjson:1:a\ndata.ndjson:2:b\nplain.gz:1:c\nplain.gz:2:d' ]
	[ -z "$stderr" ]
}

@test "input: a multi-member gzip (concatenated .gz files) is read whole" {
	printf 'a\nb\n' | gzip >1.gz
	printf 'c\n' | gzip >2.gz
	: | gzip >empty.gz
	cat 1.gz empty.gz 2.gz 1.gz >all.gz
	run -0 --separate-stderr t_cat all.gz
	[ "$output" = $'all.gz:1:a\nall.gz:2:b\nall.gz:3:c\nall.gz:4:a\nall.gz:5:b' ]
	[ -z "$stderr" ]
}

@test "input: a line may span gzip members" {
	printf 'ab' | gzip >1.gz
	printf 'c\nd' | gzip >2.gz
	cat 1.gz 2.gz >all.gz
	run -0 --separate-stderr t_cat all.gz
	[ "$output" = $'all.gz:1:abc\nall.gz:2:d' ]
}

@test "input: many small members and members larger than a chunk, mixed" {
	seq 1 300000 >big
	for i in 1 2 3 4 5 6 7 8; do
		seq "$i" 20 | gzip
		gzip -c big
	done >mixed.gz
	gzip -dc mixed.gz >expected
	t_cat -p mixed.gz >got
	same expected got
	# The same bytes through a pipe take the zlib-only path.
	t_cat -p <mixed.gz >got
	same expected got
}

@test "input: a large single member, from a file and from a pipe" {
	seq 1 2000000 >big
	gzip -c big >big.gz
	t_cat -p big.gz >got
	same big got
	cat big.gz | t_cat -p >got
	same big got
	run -0 t_cat -c big.gz
	[ "$output" = "2000000 lines $(($(stat -c %s big) - 2000000)) bytes $(stat -c %s big.gz) read" ]
}

@test "input: gzip on stdin" {
	printf 'a\nb\n' | gzip >x.gz
	run -0 --separate-stderr bash -c 'cat x.gz | "$0"' "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'-:1:a\n-:2:b' ]
	[ -z "$stderr" ]
}

@test "input: gzip on stdin from a file a shell has already read some of" {
	{ printf 'header\n'; printf '{"a":1}\n{"a":2}\n' | gzip; } >off.bin
	run -0 --separate-stderr sh -c "{ read -r hdr; \"\$1\" -p; } <off.bin" sh "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'{"a":1}\n{"a":2}' ]
	[ -z "$stderr" ]
}

@test "input: a truncated gzip stream returns its whole lines, then the error" {
	printf '1\n2\n3\n' | gzip >x.gz
	# Without its 8-byte trailer every line was decoded.
	head -c -8 x.gz >cut.gz
	run -1 --separate-stderr t_cat cut.gz
	[ "$output" = $'cut.gz:1:1\ncut.gz:2:2\ncut.gz:3:3' ]
	[ "$stderr" = "t_cat: cut.gz: truncated gzip input" ]
}

@test "input: a gzip stream cut in the middle gives a prefix of its lines" {
	seq 1 200000 >all
	gzip -c all >x.gz
	head -c 200000 x.gz >cut.gz
	run -1 --separate-stderr t_cat -p cut.gz
	[ "$stderr" = "t_cat: cut.gz: truncated gzip input" ]
	t_cat -p cut.gz >got || true
	n=$(wc -l <got)
	[ "$n" -gt 1000 ] && [ "$n" -lt 200000 ]
	head -n "$n" all >expected
	same expected got
}

@test "input: an unfinished line before a truncation is not returned" {
	printf '1\n2' | gzip | head -c -8 >cut.gz
	run -1 --separate-stderr t_cat cut.gz
	[ "$output" = "cut.gz:1:1" ]
	[ "$stderr" = "t_cat: cut.gz: truncated gzip input" ]
}

@test "input: the next file is read after a truncated one" {
	printf '1\n' | gzip | head -c 12 >cut.gz
	printf 'x\n' >p
	run -1 --separate-stderr t_cat cut.gz p
	[ "$output" = "p:1:x" ]
	[ "$stderr" = "t_cat: cut.gz: truncated gzip input" ]
}

@test "input: a corrupt gzip stream (bad CRC) returns its lines, then the error" {
	printf '1\n2\n' | gzip >x.gz
	size=$(stat -c %s x.gz)
	# Invert the first byte of the CRC-32 in the trailer.
	b=$(od -An -tu1 -j $((size - 8)) -N1 x.gz | tr -d ' ')
	{ head -c $((size - 8)) x.gz
	  printf "\\$(printf %03o $((255 - b)))"
	  tail -c 7 x.gz; } >bad.gz
	run -1 --separate-stderr t_cat bad.gz
	[ "$output" = $'bad.gz:1:1\nbad.gz:2:2' ]
	[ "$stderr" = "t_cat: bad.gz: corrupt gzip input (checksum mismatch)" ]
}

@test "input: a gzip trailer with the wrong length is corrupt input" {
	printf '1\n2\n' | gzip >x.gz
	{ head -c -4 x.gz; printf '\005\000\000\000'; } >bad.gz
	run -1 --separate-stderr t_cat bad.gz
	[ "$output" = $'bad.gz:1:1\nbad.gz:2:2' ]
	[ "$stderr" = "t_cat: bad.gz: corrupt gzip input (checksum mismatch)" ]
}

@test "input: invalid deflate data is corrupt input, and the next file is read" {
	# A valid header, then a block of the reserved type 3.
	printf '\037\213\010\000\000\000\000\000\000\003\377\377\377\377' >bad.gz
	printf 'a\n' >p
	run -1 --separate-stderr t_cat bad.gz p
	[ "$output" = "p:1:a" ]
	[ "$stderr" = "t_cat: bad.gz: corrupt gzip input (invalid deflate data)" ]
}

@test "input: a gzip header with an unknown method is corrupt input" {
	printf '\037\213\007\000\000\000\000\000\000\003xxxx' >bad.gz
	run -1 --separate-stderr t_cat bad.gz
	[ "$output" = "" ]
	[ "$stderr" = "t_cat: bad.gz: corrupt gzip input (bad header)" ]
}

@test "input: trailing garbage after gzip data is reported after the lines (as gzip -d warns)" {
	printf 'a\n' | gzip >x.gz
	printf 'garbage\n' >>x.gz
	run -1 --separate-stderr t_cat x.gz
	[ "$output" = "x.gz:1:a" ]
	[ "$stderr" = "t_cat: x.gz: trailing garbage after gzip data ignored" ]
}

@test "input: a last line without its newline is returned before trailing garbage" {
	printf '{"a":1}\n{"a":2}' | gzip >tg.gz
	printf 'garbage' >>tg.gz
	run -1 --separate-stderr t_cat tg.gz
	[ "$output" = $'tg.gz:1:{"a":1}\ntg.gz:2:{"a":2}' ]
	[ "$stderr" = "t_cat: tg.gz: trailing garbage after gzip data ignored" ]
	# A last line longer than the headroom takes the long-line path.
	{ echo first; head -c 3000000 /dev/zero | tr '\0' x; } | gzip >long.gz
	printf 'garbage' >>long.gz
	run -1 --separate-stderr t_cat -c long.gz
	[ "${output% * read}" = "2 lines 3000005 bytes" ]
	[ "$stderr" = "t_cat: long.gz: trailing garbage after gzip data ignored" ]
}

@test "input: zero padding after gzip data is ignored (as gzip -d does)" {
	printf 'a\n' | gzip >x.gz
	head -c 1000 /dev/zero >>x.gz
	run -0 --separate-stderr t_cat x.gz
	[ "$output" = "x.gz:1:a" ]
	[ -z "$stderr" ]
}

@test "input: a lone magic byte after the last member is a truncated member" {
	printf 'a\n' | gzip >x.gz
	printf '\037' >>x.gz
	run -1 --separate-stderr t_cat x.gz
	[ "$output" = "x.gz:1:a" ]
	[ "$stderr" = "t_cat: x.gz: truncated gzip input" ]
}

@test "input: a trailing CR is dropped, only one" {
	printf 'a\r\nb\r\r\nc\r' >p
	t_cat p >got
	printf 'p:1:a\np:2:b\r\np:3:c\n' >expected
	same expected got
}

@test "input: blank lines are skipped but counted" {
	printf '\n  \n\t\r\n\r\n{}\n \n' >p
	run -0 --separate-stderr t_cat p
	[ "$output" = "p:5:{}" ]
}

@test "input: leading space does not make a line blank" {
	printf '  {}\n' >p
	run -0 t_cat p
	[ "$output" = "p:1:  {}" ]
}

@test "input: the last line may lack its newline" {
	printf 'a\nb' >p
	run -0 t_cat p
	[ "$output" = $'p:1:a\np:2:b' ]
}

@test "input: a 5 MB line, plain and gzip" {
	{ echo first; head -c 5000000 /dev/zero | tr '\0' x; echo; echo last; } >p
	t_cat -p p >got
	same p got
	gzip -c p >p.gz
	t_cat -p p.gz >got
	same p got
	run -0 t_cat p
	[ "${lines[0]}" = "p:1:first" ] && [ "${lines[2]}" = "p:3:last" ]
	[ "${#lines[1]}" -eq 5000004 ]
}

@test "input: a NUL byte inside a line is kept" {
	printf 'a\000b\nc\n' >p
	t_cat p >got
	printf 'p:1:a\000b\np:2:c\n' >expected
	same expected got
}

@test "input: an empty file, plain or gzip, gives nothing" {
	: >empty
	: | gzip >empty.gz
	run -0 --separate-stderr t_cat empty empty.gz
	[ -z "$output" ] && [ -z "$stderr" ]
}

@test "input: a one-byte file" {
	printf 'x' >p
	run -0 t_cat p
	[ "$output" = "p:1:x" ]
}

@test "input: a directory is reported and the next file is read" {
	mkdir dir
	printf 'a\n' >p
	run -1 --separate-stderr t_cat dir p
	[ "$output" = "p:1:a" ]
	[ "$stderr" = "t_cat: dir: Is a directory" ]
}

@test "input: a missing file is reported and the others are read" {
	printf 'a\n' >p
	run -1 --separate-stderr t_cat p nope p
	[ "$output" = $'p:1:a\np:1:a' ]
	[ "$stderr" = "t_cat: nope: No such file or directory" ]
}

@test "input: an unreadable file is reported" {
	[ "$(id -u)" -ne 0 ] || skip "root can read anything"
	printf 'a\n' >f
	chmod 000 f
	run -1 --separate-stderr t_cat f
	[ -z "$output" ]
	[ "$stderr" = "t_cat: f: Permission denied" ]
}

@test "input: no operand and - are stdin, named -" {
	printf 'a\n' >p
	run -0 t_cat <p
	[ "$output" = "-:1:a" ]
	run -0 t_cat p - p <p
	[ "$output" = $'p:1:a\n-:1:a\np:1:a' ]
}

@test "input: several files in order, line numbers per file" {
	printf 'a\nb\n' >1
	printf 'c\n' | gzip >2
	printf '\nd\n' >3
	run -0 t_cat 1 2 3
	[ "$output" = $'1:1:a\n1:2:b\n2:1:c\n3:2:d' ]
}

@test "input: bytes read count the compressed size" {
	printf 'a\nb\n' >p
	gzip -c p >p.gz
	run -0 t_cat -c p p.gz
	[ "$output" = "4 lines 4 bytes $((4 + $(stat -c %s p.gz))) read" ]
}

@test "input: stopping early does not wait for the end of a pipe, plain, gzip or zstd" {
	printf 'a\n!x\n' >bad
	gzip -c bad >bad.gz
	zstd -q -c bad >bad.zst
	for f in bad bad.gz bad.zst; do
		rm -f fifo
		mkfifo fifo
		# $w keeps a writer on the FIFO, so its reader never sees the
		# end: the reading thread must be told to stop, not waited for.
		exec {w}<>fifo
		cat "$f" >&"$w"
		run -1 --separate-stderr timeout 60 "$TRAWL_TESTBIN/t_cat" --bad=fail <fifo
		exec {w}>&-
		[ "$output" = "-:1:a" ]
		[ "$stderr" = "t_cat: -:2: bad line" ]
	done
}

@test "input: lines of every length across chunk boundaries, from a file, a pipe, gzip and zstd" {
	# Short lines, lines around the 256 KB headroom, lines over 1 MB,
	# CRLF and blank lines, and a last line without its newline.
	awk 'BEGIN {
		srand(7)
		y = "y"
		while (length(y) < 1200000)
			y = y y
		for (i = 0; i < 200; i++) {
			r = rand()
			if (r < 0.6) n = int(rand() * 200)
			else if (r < 0.8) n = 262144 - 3 + int(rand() * 6)
			else if (r < 0.95) n = int(rand() * 300000)
			else n = 1048576 + int(rand() * 100000)
			s = substr(y, 1, n)
			if (rand() < 0.1) s = s "\r"
			printf "%d%s\n", i, s
			if (rand() < 0.05) printf " \t\r\n"
		}
		printf "last"
	}' >in
	awk '{ sub(/\r$/, "") } !/^[ \t\r]*$/' in >expected
	t_cat -p in >got
	same expected got
	cat in | t_cat -p >got
	same expected got
	gzip -1 -c in >in.gz
	t_cat -p in.gz >got
	same expected got
	cat in.gz | t_cat -p >got
	same expected got
	zstd -q -1 -c in >in.zst
	t_cat -p in.zst >got
	same expected got
	cat in.zst | t_cat -p >got
	same expected got
}

# --- zstd ----------------------------------------------------------------

@test "input: zstd is decompressed, recognised by its magic bytes, from a file and a pipe" {
	printf '{"a":1}\n{"a":2}\n' | zstd -q -c >data.ndjson
	run -0 --separate-stderr t_cat data.ndjson
	[ "$output" = $'data.ndjson:1:{"a":1}\ndata.ndjson:2:{"a":2}' ]
	[ -z "$stderr" ]
	run -0 --separate-stderr bash -c 'cat data.ndjson | "$0"' "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'-:1:{"a":1}\n-:2:{"a":2}' ]
	[ -z "$stderr" ]
}

@test "input: several zstd frames (concatenated .zst files), an empty one and skippable ones are read whole" {
	printf 'a\nb\n' | zstd -q -c >1.zst
	printf 'c\n' | zstd -q -c >2.zst
	: | zstd -q -c >empty.zst
	# A skippable frame: magic 0x184D2A5?, a 4-byte length, that many bytes.
	printf '\123\052\115\030\005\000\000\000hello' >skip
	cat skip 1.zst empty.zst skip 2.zst 1.zst skip >all.zst
	run -0 --separate-stderr t_cat all.zst
	[ "$output" = $'all.zst:1:a\nall.zst:2:b\nall.zst:3:c\nall.zst:4:a\nall.zst:5:b' ]
	[ -z "$stderr" ]
	run -0 --separate-stderr t_cat <all.zst
	[ "$output" = $'-:1:a\n-:2:b\n-:3:c\n-:4:a\n-:5:b' ]
	run -0 --separate-stderr t_cat empty.zst skip
	[ -z "$output" ] && [ -z "$stderr" ]
}

@test "input: a line may span zstd frames; large frames from a file and a pipe; bytes read are compressed" {
	printf 'ab' | zstd -q -c >1.zst
	printf 'c\nd' | zstd -q -c >2.zst
	cat 1.zst 2.zst >all.zst
	run -0 t_cat all.zst
	[ "$output" = $'all.zst:1:abc\nall.zst:2:d' ]
	seq 1 2000000 >big
	{ zstd -q -c big; seq 5 | zstd -q -c --no-check; zstd -q -c --long=27 big; } >big.zst
	{ cat big; seq 5; cat big; } >expected
	t_cat -p big.zst >got
	same expected got
	cat big.zst | t_cat -p >got
	same expected got
	run -0 t_cat -c big.zst
	[ "$output" = "4000005 lines $(($(stat -c %s expected) - 4000005)) bytes $(stat -c %s big.zst) read" ]
}

@test "input: a truncated zstd stream returns its whole lines, then the error, and the next file is read" {
	seq 1 200000 >all
	zstd -q -c all >x.zst
	head -c 50000 x.zst >cut.zst
	printf 'x\n' >p
	run -1 --separate-stderr t_cat -p cut.zst p
	[ "$stderr" = "t_cat: cut.zst: truncated zstd input" ]
	[ "${lines[-1]}" = x ]
	t_cat -p cut.zst >got || true
	n=$(wc -l <got)
	[ "$n" -gt 1000 ] && [ "$n" -lt 200000 ]
	head -n "$n" all >expected
	same expected got
	# Cut inside the magic number of a second frame.
	{ printf 'a\n' | zstd -q -c; printf '\050\265'; } >lone.zst
	run -1 --separate-stderr t_cat lone.zst
	[ "$output" = "lone.zst:1:a" ]
	[ "$stderr" = "t_cat: lone.zst: truncated zstd input" ]
}

@test "input: a corrupt zstd stream is an error naming the file: checksum, block data, header" {
	seq 1 200000 | zstd -q -c >x.zst
	size=$(stat -c %s x.zst)
	# The frame's last 4 bytes are its checksum.
	{ head -c $((size - 4)) x.zst; printf '\0\0\0\0'; } >sum.zst
	run -1 --separate-stderr t_cat -c sum.zst
	[ "$stderr" = "t_cat: sum.zst: corrupt zstd input (checksum mismatch)" ]
	# The lines of the blocks before the last came out.
	[ "${output%% *}" -gt 100000 ]
	# A block header of the reserved type 3, after a 6-byte frame header.
	printf '1\n2\n' | zstd -q -c >s.zst
	{ head -c 6 s.zst; printf '\377\377\377'; tail -c +10 s.zst; } >blk.zst
	printf 'a\n' >p
	run -1 --separate-stderr t_cat blk.zst p
	[ "$output" = "p:1:a" ]
	[ "$stderr" = "t_cat: blk.zst: corrupt zstd input (invalid block data)" ]
	# A frame header with its reserved bit set.
	printf '\050\265\057\375\010\000\000' >hdr.zst
	run -1 --separate-stderr t_cat hdr.zst
	[ "$output" = "" ]
	[ "$stderr" = "t_cat: hdr.zst: corrupt zstd input (bad header)" ]
}

@test "input: after zstd data, zero padding is ignored and anything else is trailing garbage" {
	printf 'a\n' | zstd -q -c >x.zst
	cp x.zst z.zst
	head -c 1000 /dev/zero >>z.zst
	run -0 --separate-stderr t_cat z.zst
	[ "$output" = "z.zst:1:a" ]
	[ -z "$stderr" ]
	printf 'a\nb' | zstd -q -c >g.zst
	printf 'garbage\n' >>g.zst
	run -1 --separate-stderr t_cat g.zst
	[ "$output" = $'g.zst:1:a\ng.zst:2:b' ]
	[ "$stderr" = "t_cat: g.zst: trailing garbage after zstd data ignored" ]
	# gzip data after zstd data is not read as gzip.
	{ cat x.zst; printf 'b\n' | gzip; } >mixed
	run -1 --separate-stderr t_cat mixed
	[ "$output" = "mixed:1:a" ]
	[ "$stderr" = "t_cat: mixed: trailing garbage after zstd data ignored" ]
}

@test "input: a plain line that starts like a magic number is plain" {
	printf '(\265\n' >p
	printf '\037x\n' >q
	t_cat -p p q >got
	printf '(\265\n\037x\n' >expected
	same expected got
}

# ---- plain regular files are mapped, not read ----

@test "input: a last line without its newline that ends exactly at a page's end, and at the first page's" {
	for size in 4096 8192 4095 4097; do
		{ seq 1 100; head -c $((size - 292 - 4)) /dev/zero | tr '\0' y; printf 'zzzz'; } >p
		[ "$(wc -c <p)" -eq "$size" ]
		t_cat -p p >got
		{ cat p; echo; } >expected
		same expected got
	done
	head -c 4096 /dev/zero | tr '\0' x >p
	t_cat -p p >got
	{ cat p; echo; } >expected
	same expected got
}

@test "input: stdin that is a file a shell has read some of is read from there on, and left at its end" {
	seq 1 5 >p
	run -0 --separate-stderr bash -c '{ read -r first; "$1" -p; echo "after: $(cat)"; } <p' - "$TRAWL_TESTBIN/t_cat"
	[ "$output" = $'2\n3\n4\n5\nafter: ' ]
	[ -z "$stderr" ]
	# From an offset that is not a page's start, across a page.
	{ head -c 5000 /dev/zero | tr '\0' a; echo; seq 1 3000; } >p
	bash -c '{ read -r first; "$1" -p; } <p' - "$TRAWL_TESTBIN/t_cat" >got
	seq 1 3000 >expected
	same expected got
}

# held ACTION ARGS...: pingdedup ARGS, its output held by a full pipe a
# little way into its input (it reads a block at a time; the input is
# 20 MB or more), and ACTION run once 64 KB of its output has been read.
# Its output goes to got, its messages to err, its status to $st.
held() {
	local action=$1
	shift
	rm -f fifo
	mkfifo fifo
	"$TRAWL_BIN/pingdedup" "$@" >fifo 2>err &
	{ read -r -N 65536 head; printf '%s' "$head"; eval "$action"; cat; } <fifo >got
	st=0
	wait $! || st=$?
}

@test "input: a file that grows while it is read is read to its new end" {
	seq -f '{"id":%.0f}' 1 1500000 >f
	cp f expected
	seq -f '{"id":%.0f}' 1500001 1500003 >>expected
	for t in 1 2; do
		cp f g
		held "seq -f '{\"id\":%.0f}' 1500001 1500003 >>g" --threads $t -k .id g
		[ "$st" -eq 0 ]
		same expected got
		[ ! -s err ]
	done
}

@test "input: a file cut short while it is read is an error naming it; lines before are used, and the next file is read" {
	# Cut at 20 MB while the tool is held near its start: the blocks in
	# flight are before the cut, the next block sees the file shrink.
	# What was written is the file's first lines.
	seq -f '{"id":%.0f}' 1 2400000 >f
	echo '{"id":"next"}' >next
	for t in 1 2; do
		cp f g
		held "truncate -s 20000000 g" --threads $t -k .id g next
		[ "$st" -eq 1 ]
		[ "$(cat err)" = "pingdedup: g: file shrank while being read" ]
		[ "$(tail -n 1 got)" = '{"id":"next"}' ]
		head -n -1 got >used
		n=$(wc -l <used)
		[ "$n" -gt 1000 ] && [ "$n" -lt 1500000 ]
		head -n "$n" f >expected
		same expected used
	done
}

@test "input: a file cut to nothing while its pages are in use ends the tool with an error naming it, not a signal" {
	# The pages the tool was reading vanish (SIGBUS): it says which file
	# shrank and exits 1 at once.  What was written is the file's first
	# lines, the last perhaps cut short (a write was under way).
	seq -f '{"id":%.0f}' 1 1500000 >f
	for t in 1 2; do
		cp f g
		held "truncate -s 0 g" --threads $t -k .id g
		[ "$st" -eq 1 ]
		[ "$(cat err)" = "pingdedup: g: file shrank while being read" ]
		n=$(wc -l <got)
		[ "$n" -gt 1000 ] && [ "$n" -lt 1500000 ]
		head -n "$n" f >expected
		head -n "$n" got >whole
		same expected whole
		tail -c +$(($(wc -c <whole) + 1)) got >rest
		head -n $((n + 1)) f | tail -n 1 | grep -qF -- "$(cat rest)"
	done
}

@test "input: TRAWL_EXACT_LINES=1 (each line in a buffer of its own length, for ASan) gives the same lines" {
	printf 'a\r\n\n  \nb\r\r\nc\n\r\nlast' >p
	t_cat p >expected
	TRAWL_EXACT_LINES=1 t_cat p >got
	same expected got
	[ "$(cat got)" = $'p:1:a\np:4:b\r\np:5:c\np:7:last' ]
	cat p | TRAWL_EXACT_LINES=1 t_cat >got
	sed 's/^p:/-:/' expected >expected.stdin
	same expected.stdin got
	seq 1 200000 >q
	TRAWL_EXACT_LINES=1 t_cat -p q p >got
	{ cat q; printf 'a\nb\r\nc\nlast\n'; } >expected
	same expected got
}

@test "input: a file cut to nothing while a line longer than the output buffer is written from it names the file, not the output" {
	# A line of 8 MB goes out a block at a time (lib/out.c); the cut comes
	# while the tool is held after its first megabytes, so later blocks are
	# copied from vanished pages.  Written from the mapping with write(2)
	# it was "write error: Bad address", blaming the output.
	[ -z "${TRAWL_EXACT_LINES:-}" ] || skip "each line is copied out of the mapping"
	{ printf '{"id":1,"x":"'; head -c 8000000 /dev/zero | tr '\0' y; printf '"}\n'; } >f
	for t in 1 2; do
		cp f g
		held "truncate -s 0 g" --threads $t -k .id g
		[ "$st" -eq 1 ]
		[ "$(cat err)" = "pingdedup: g: file shrank while being read" ]
		# What was written is the line's start (all of it when the line
		# was copied out before the cut, as TRAWL_EXACT_LINES does).
		n=$(wc -c <got)
		[ "$n" -ge 65536 ]
		head -c "$n" f >expected
		same expected got
	done
}

@test "input: a SIGBUS sent by another process, not a fault in a mapped file, ends the tool as the signal does" {
	# The handler that names a shrunken file must not swallow it.
	seq -f '{"id":%.0f}' 1 1500000 >g
	held 'kill -BUS $!' -k .id g
	! grep -q Sanitizer err || skip "a sanitizer's own SIGBUS handler reports it"
	[ "$st" -eq $((128 + $(kill -l BUS))) ]
	[ ! -s err ]
}
