# bench/pingdedup.sh: dropping duplicate ping ids, the worked example of a
# section (see bench/README.md).  Sourced by bench/run after bench/lib.sh.

# mawk splits on the key's text, so it is not a JSON parser: on these pings
# meta.documentId equals id and occurs once per line, so splitting on it
# gives the right answer; splitting on "id" takes the first "id" key in the
# line, which is the add-on theme's when the ping's own id comes later.
# shellcheck disable=SC2016 # mawk's $2 is mawk's, not the shell's
mawk_doc='mawk -F'\''"documentId":"'\'' '\''!seen[substr($2,1,36)]++'\'
# shellcheck disable=SC2016
mawk_id='mawk -F'\''"id":"'\'' '\''!seen[substr($2,1,36)]++'\'
py_dedup='python3 -c '\''import json, sys
seen = set()
out = sys.stdout.buffer
for line in open(sys.argv[1], "rb"):
    k = json.loads(line)["id"]
    if k not in seen:
        seen.add(k)
        out.write(line)'\'

pingdedup_rows() {
	local pd
	if pd=$(bench_tool pingdedup); then
		bench_ref "pingdedup --keep first -k .id" "$pd --keep first -k .id \"\$F\""
		# One thread, with the SIMD scan and with the scalar one.
		bench_row "pingdedup --threads 1 --keep first -k .id" \
		    "$pd --threads 1 --keep first -k .id \"\$F\""
		bench_row "TRAWL_SIMD=0 pingdedup --threads 1 --keep first -k .id" \
		    "TRAWL_SIMD=0 $pd --threads 1 --keep first -k .id \"\$F\""
	else
		bench_skip "pingdedup --keep first -k .id" "$TRAWL_BIN/pingdedup is not built"
	fi
	bench_row "$mawk_doc" "$mawk_doc \"\$F\""
	bench_row "$mawk_id (wrong key)" "$mawk_id \"\$F\""
	if bench_have jq; then
		# jq cannot stream-dedup cheaply (foreach over a growing object is
		# quadratic), so it counts ids, the way an analyst would.
		bench_row_sample "jq -r .id | sort | uniq -c" "jq -r .id \"\$F\" | sort | uniq -c"
	else
		bench_skip "jq" "not installed"
	fi
	bench_row_sample "python3 json.loads + set" "$py_dedup \"\$F\""
	if bench_have mlr; then
		bench_row_sample "mlr --ijsonl --ojsonl head -n 1 -g id" \
		    "mlr --ijsonl --ojsonl head -n 1 -g id \"\$F\"" "$slow"
	else
		bench_skip "mlr" "not installed"
	fi
	bench_row "wc -l (floor)" "wc -l \"\$F\""
}

pingdedup_gz_rows() {
	local pd
	if pd=$(bench_tool pingdedup); then
		bench_ref "pingdedup --keep first -k .id FILE.gz" "$pd --keep first -k .id \"\$F\""
	else
		bench_skip "pingdedup --keep first -k .id FILE.gz" "$TRAWL_BIN/pingdedup is not built"
	fi
	# zcat is in the floor section; at a quarter of pigz's speed it would
	# only lengthen the run here.
	if bench_have pigz; then
		bench_row "pigz -dc | $mawk_doc" "pigz -dc \"\$F\" | $mawk_doc"
		bench_row "pigz -dc (floor)" "pigz -dc \"\$F\""
	else
		bench_row "zcat | $mawk_doc" "zcat \"\$F\" | $mawk_doc"
		bench_row "zcat (floor)" "zcat \"\$F\""
	fi
}

# The same records as zstd: pingdedup reading the .zst against zstd -dc
# feeding the mawk one-liner, and zstd -dc alone.
pingdedup_zst_rows() {
	local pd
	if pd=$(bench_tool pingdedup); then
		bench_ref "pingdedup --keep first -k .id FILE.zst" "$pd --keep first -k .id \"\$F\""
	else
		bench_skip "pingdedup --keep first -k .id FILE.zst" "$TRAWL_BIN/pingdedup is not built"
	fi
	bench_row "zstd -dc | $mawk_doc" "zstd -dc \"\$F\" | $mawk_doc"
	bench_row "zstd -dc (floor)" "zstd -dc \"\$F\""
	if [ -n "$gzref" ]; then
		bench_note "the same records as gzip: pingdedup took $gzref s (gzip $(_bench_size "$z") bytes, zstd $(_bench_size "$F") bytes)"
	fi
}

# Records against distinct ids per day, as an analyst counts duplicates:
# pingdedup --report-by against DuckDB's count(DISTINCT) (reading only the
# named members), on projected pings.
pingdedup_report_rows() {
	local pd duck
	if pd=$(bench_tool pingdedup); then
		bench_ref "pingdedup -k .id --report-by .meta.submissionDate" \
		    "$pd -k .id --report-by .meta.submissionDate \"\$F\""
	else
		bench_skip "pingdedup --report-by" "$TRAWL_BIN/pingdedup is not built"
	fi
	if duck=$(bench_duckdb); then
		bench_row "duckdb: count(*), count(DISTINCT id) GROUP BY day" \
		    "$duck \"SELECT meta.submissionDate AS day, count(*) AS records, count(DISTINCT id) AS distinct_ids FROM read_ndjson('\\\$F', columns={id: 'VARCHAR', meta: 'STRUCT(submissionDate VARCHAR)'}) GROUP BY ALL\""
	else
		bench_skip "duckdb" "$(bench_duckdb 2>&1 >/dev/null | tail -n 1)"
	fi
	if bench_have jq; then
		bench_row_sample "jq -r '[.meta.submissionDate, .id] | @tsv' | sort -u | cut -f1 | uniq -c" \
		    "jq -r '[.meta.submissionDate, .id] | @tsv' \"\$F\" | sort -u | cut -f1 | uniq -c"
	fi
}

for shape in projected full; do
	# Generate (or find) every input before the tables start.
	f=$(bench_data "$shape" "$BENCH_MB" -d 0.05)
	z=$(bench_gz "$f")
	sample=$(bench_data "$shape" "$BENCH_SAMPLE_MB" -d 0.05)
	slow=$(bench_data "$shape" "$BENCH_SLOW_MB" -d 0.05)
	bench_section "pingdedup: $shape pings, 5% repeated ids"
	bench_input "$f"
	bench_sample "$sample"
	pingdedup_rows
	bench_end
	bench_section "pingdedup: $shape pings, gzip input"
	bench_input "$z" "$(stat -c %s "$f")"
	pingdedup_gz_rows
	gzref=$BENCH_REF
	bench_note "MB/s counts the uncompressed bytes"
	bench_end
	bench_section "pingdedup: $shape pings, zstd input"
	if zs=$(bench_zst "$f"); then
		bench_input "$zs" "$(stat -c %s "$f")"
		pingdedup_zst_rows
		bench_note "MB/s counts the uncompressed bytes"
		bench_end
	else
		bench_skip "pingdedup FILE.zst" "zstd is not installed"
	fi
done

f=$(bench_data projected "$BENCH_MB" -d 0.05)
sample=$(bench_data projected "$BENCH_SAMPLE_MB" -d 0.05)
bench_section "pingdedup --report-by: records and distinct ids per day, projected pings"
bench_input "$f"
bench_sample "$sample"
pingdedup_report_rows
bench_end
