# bench/scan.sh: the validating JSON scan alone, with each kernel this
# machine runs (lib/simd.c), on both ping shapes: one thread, every line
# validated once as json_validate does it (the kernel first, the scalar
# scanner for the lines it leaves), read with getline: the reading is the
# same in every row.  Sourced by bench/run after bench/lib.sh; see
# bench/README.md.

scan_rows() {
	local t=$1 best=$2 k
	bench_ref "validate, $best kernel (t_scan -V $best)" "$t -V $best <\"\$F\""
	for k in $("$t" -k | grep -v -x -e "$best" -e 'chosen .*'); do
		bench_row "validate, $k kernel (t_scan -V $k)" "$t -V $k <\"\$F\""
	done
}

scan_section() {
	local t=$O/tests/t_scan best shape f
	if [ ! -x "$t" ] && ! make -s -C "$BENCH_ROOT" O="$O" "$t" >&2; then
		bench_skip "validate" "cannot build $t"
		return
	fi
	best=$("$t" -k | sed -n 's/^chosen //p')
	for shape in projected full; do
		f=$(bench_data "$shape" "$BENCH_MB" -d 0.05)
		bench_section "scan: validating $shape pings, one thread, $best the fastest kernel here"
		bench_input "$f"
		scan_rows "$t" "$best"
		bench_note "a row per kernel this CPU runs; each prints one line, the count of valid lines"
		bench_end
	done
}

scan_section
