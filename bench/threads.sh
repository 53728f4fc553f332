# bench/threads.sh: every tool with one thread against the default (the
# online CPUs), on the three paths an expression can take: the plain-path
# scan, the compiled evaluator and libjq.  TRAWL_EXPLAIN=1 says which path each
# expression took; the note under a table gives it, and the speedup.
# Sourced by bench/run after bench/lib.sh; see bench/README.md.
#
# The goal (issue #15): two threads at least 1.7 times one thread, with
# the same output (the lines column).  Two things cap it on this machine:
# the work one thread does alone (reading the input, handing records to
# the tool in order, the tool's own tables and output), and the other
# sessions' builds sharing the two cores: quote medians from a quiet time.

# threads_pair LABEL TOOL ARGS: the tool's row at --threads=1 (the table's
# reference) and at the default, then notes: the speedup and the paths.
threads_pair() {
	local label=$1 tool=$2 args=$3 file=${4:-} t1 tn path
	bench_ref "$label --threads=1" "$tool --threads=1 $args \"\$F\""
	bench_row "$label (default: $(nproc) threads)" "$tool $args \"\$F\""
	t1=$(awk -F'\t' -v l="$label --threads=1" '$3 == l { v = $4 } END { print v }' "$BENCH_RESULTS/latest.tsv")
	tn=$(awk -F'\t' -v l="$label (default: $(nproc) threads)" '$3 == l { v = $4 } END { print v }' "$BENCH_RESULTS/latest.tsv")
	path=$(cd /tmp && eval "TRAWL_EXPLAIN=1 $tool --threads=1 $args /dev/null" 2>&1 >/dev/null |
	    sed -n 's/.*explain: //p' | paste -sd';' -)
	bench_note "$label: speedup $(awk -v a="$t1" -v b="$tn" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')x${path:+ ($path)}"
}

threads_rows_pings() {
	local pd h
	pd=$(bench_tool pingdedup) || { bench_skip pingdedup "not built"; return; }
	h=$(bench_tool histo) || { bench_skip histo "not built"; return; }
	bench_section "threads: pingdedup and histo, plain path, projected pings"
	bench_input "$f"
	threads_pair "pingdedup -k .id" "$pd" "-k .id"
	threads_pair "histo -f .meta.geoCountry --counts" "$h" "-f .meta.geoCountry --counts"
	bench_end

	bench_section "threads: compiled path, projected pings"
	bench_input "$f"
	threads_pair "pingdedup -k '.meta.documentId // .id'" "$pd" "-k '.meta.documentId // .id'"
	threads_pair "histo -f '.environment.system.os.name | select(. != null)' --counts" "$h" \
	    "-f '.environment.system.os.name | select(. != null)' --counts"
	bench_end

	# getpath is outside the compiled subset (TRAWL_EXPLAIN says so in
	# the notes): these run through libjq.
	bench_section "threads: libjq path, projected pings (sample)"
	bench_input "$sample"
	threads_pair "pingdedup -k 'getpath([\"id\"])'" "$pd" "-k 'getpath([\"id\"])'"
	threads_pair "histo -f 'getpath([\"meta\", \"geoCountry\"])' --counts" "$h" \
	    "-f 'getpath([\"meta\", \"geoCountry\"])' --counts"
	bench_end
}

threads_rows_sightings() {
	local s m c sf ivf
	sf=$(bench_gen "$O/bench/gensightings" sightings -n "$((BENCH_MB * 1000000 / 105))" -S "$BENCH_SEED")
	ivf=$(bench_gen "$O/bench/gensightings" intervals -i -n "$((BENCH_MB * 1000000 / 64 / 2))" -S "$BENCH_SEED")
	bench_section "threads: sessionize and cidrscore (bot sightings)"
	bench_input "$sf"
	if s=$(bench_tool sessionize); then
		threads_pair "sessionize -k .bot_id -t .time_seen" "$s" "-k .bot_id -t .time_seen"
		threads_pair "sessionize -k 'getpath([\"bot_id\"])' (libjq)" "$s" "-k 'getpath([\"bot_id\"])' -t .time_seen"
	fi
	if c=$(bench_tool cidrscore); then
		threads_pair "cidrscore --prefix-len 24" "$c" "--prefix-len 24"
	fi
	bench_end
	bench_section "threads: maxcount (intervals)"
	bench_input "$ivf"
	if m=$(bench_tool maxcount); then
		threads_pair "maxcount -g .asn" "$m" "-g .asn"
	fi
	bench_end
}

threads_rows_actorsig() {
	local a w
	a=$(bench_tool actorsig) || return 0
	# about 450 bytes a request
	w=$(bench_gen "$O/tests/genwebreq" webreq -S "$BENCH_SEED" -n "$((BENCH_MB * 1000000 / 450))" -u 100000)
	bench_section "threads: actorsig annotate (generated web requests)"
	bench_input "$w"
	threads_pair "actorsig" "$a" ""
	bench_end
}

f=$(bench_data projected "$BENCH_MB" -d 0.05)
sample=$(bench_data projected "$BENCH_SAMPLE_MB" -d 0.05)
threads_rows_pings
threads_rows_sightings
threads_rows_actorsig
