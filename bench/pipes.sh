# bench/pipes.sh: what a pipe costs a stage.  A tool reading its file
# against the same tool fed by cat, and two tools in a row, beside the
# floors a stage should keep up with: cat | wc -l and cat | cat | wc -l.
# Every tool enlarges the pipes on its stdin and stdout to 1 MB
# (F_SETPIPE_SZ) and reads and writes in blocks of a megabyte.  Sourced by
# bench/run after bench/lib.sh; see bench/README.md.

pipes_rows() {
	local pd h
	if ! pd=$(bench_tool pingdedup) || ! h=$(bench_tool histo); then
		bench_skip "pipes" "pingdedup or histo is not built in $TRAWL_BIN"
		return
	fi
	bench_ref "pingdedup -k .id FILE" "$pd -k .id \"\$F\""
	bench_row "cat FILE | pingdedup -k .id" "cat \"\$F\" | $pd -k .id"
	bench_row "cat FILE | pingdedup -k .id | cat" "cat \"\$F\" | $pd -k .id | cat"
	bench_row "pingdedup -k .id FILE | pingdedup -k .id" "$pd -k .id \"\$F\" | $pd -k .id"
	bench_row "histo -f .meta.geoCountry --counts FILE" "$h -f .meta.geoCountry --counts \"\$F\""
	bench_row "cat FILE | histo -f .meta.geoCountry --counts" "cat \"\$F\" | $h -f .meta.geoCountry --counts"
	bench_row "pingdedup -k .id FILE | histo -f .meta.geoCountry --counts" \
	    "$pd -k .id \"\$F\" | $h -f .meta.geoCountry --counts"
	bench_row "cat FILE | wc -l (floor: one pipe)" "cat \"\$F\" | wc -l"
	bench_row "cat FILE | cat | wc -l (floor: a stage between pipes)" "cat \"\$F\" | cat | wc -l"
}

f=$(bench_data projected "$BENCH_MB" -d 0.05)
bench_section "pipes: a stage fed by a pipe, and stages in a row (projected pings)"
bench_input "$f"
pipes_rows
bench_end
