#!/usr/bin/env bats
# make install / uninstall honour DESTDIR, PREFIX and MANPREFIX.

load helper

ROOT=$BATS_TEST_DIRNAME/..

@test "install: tools and man pages land under DESTDIR/PREFIX and MANPREFIX, and uninstall removes them" {
	dest=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/trawl MANPREFIX=/opt/man
	for src in "$ROOT"/bin/*.c; do
		tool=$(basename "$src" .c)
		[ -x "$dest/opt/trawl/bin/$tool" ]
		[ -f "$dest/opt/man/man1/$tool.1" ]
	done
	[ -f "$dest/opt/man/man7/trawl.7" ]
	run -0 make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/trawl MANPREFIX=/opt/man
	run -0 find "$dest" -type f
	assert_output ""
}
