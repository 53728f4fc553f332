# bench/histo.sh: value counts of a fast-path field (histo --counts) next to
# what an analyst would type instead.  Sourced by bench/run after
# bench/lib.sh; see bench/README.md.
#
# The field is meta.geoCountry: a plain path (histo's fast path), a handful
# of distinct values, and in these pings "geoCountry" occurs once per line,
# so the mawk one-liner that splits on the key's text gives the right
# answer (it is not a JSON parser).  Every row's output has one line per
# country, so the lines column shows the rows agree.

# shellcheck disable=SC2016 # mawk's $2 is mawk's, not the shell's
histo_mawk='mawk -F'\''"geoCountry":"'\'' '\''{ c[substr($2, 1, index($2, "\"") - 1)]++ } END { for (k in c) print c[k], k }'\'

histo_rows() {
	local h duck
	if h=$(bench_tool histo); then
		bench_ref "histo -f .meta.geoCountry --counts" "$h -f .meta.geoCountry --counts \"\$F\""
		# One thread, with the SIMD scan and with the scalar one.
		bench_row "histo --threads 1 -f .meta.geoCountry --counts" \
		    "$h --threads 1 -f .meta.geoCountry --counts \"\$F\""
		bench_row "TRAWL_SIMD=0 histo --threads 1 -f .meta.geoCountry --counts" \
		    "TRAWL_SIMD=0 $h --threads 1 -f .meta.geoCountry --counts \"\$F\""
	else
		bench_skip "histo -f .meta.geoCountry --counts" "$TRAWL_BIN/histo is not built"
	fi
	bench_row "$histo_mawk" "$histo_mawk \"\$F\""
	if bench_have jq; then
		bench_row_sample "jq -r .meta.geoCountry | sort | uniq -c" \
		    "jq -r .meta.geoCountry \"\$F\" | sort | uniq -c"
	else
		bench_skip "jq" "not installed"
	fi
	if bench_have mlr; then
		# count-distinct sees nested maps: meta must be flattened first.
		bench_row_sample "mlr --ijsonl --ojsonl flatten -f meta then count-distinct -f meta.geoCountry" \
		    "mlr --ijsonl --ojsonl flatten -f meta then count-distinct -f meta.geoCountry \"\$F\"" "$slow"
	else
		bench_skip "mlr" "not installed"
	fi
	if duck=$(bench_duckdb); then
		# DuckDB reads only the named member when told the columns.
		bench_row "duckdb: GROUP BY meta.geoCountry (columns named)" \
		    "$duck \"SELECT meta.geoCountry AS value, count(*) AS count FROM read_ndjson('\\\$F', columns={meta: 'STRUCT(geoCountry VARCHAR)'}) GROUP BY ALL\""
	else
		bench_skip "duckdb" "$(bench_duckdb 2>&1 >/dev/null | tail -n 1)"
	fi
	bench_row "wc -l (floor)" "wc -l \"\$F\""
}

for shape in projected full; do
	f=$(bench_data "$shape" "$BENCH_MB" -d 0.05)
	sample=$(bench_data "$shape" "$BENCH_SAMPLE_MB" -d 0.05)
	slow=$(bench_data "$shape" "$BENCH_SLOW_MB" -d 0.05)
	bench_section "histo --counts: $shape pings"
	bench_input "$f"
	bench_sample "$sample"
	histo_rows
	bench_end
done
