# bench/churn.sh: sessionize and maxcount on generated bot sightings, next
# to the sort+awk and Miller pipelines an analyst would write instead.
# Sourced by bench/run after bench/lib.sh; see bench/README.md.
#
# The data come from bench/gensightings.c (seeded): sightings of a pool of
# 20000 online bots out of a million, about 105 bytes a record, a quarter
# of them up to 5 minutes late; and intervals of 400 ASes, like
# sessionize's output.  BENCH_MB sizes the sightings (1024 MB: about 10 M
# events) and the intervals (about 64 bytes each).
#
# What each peer computes:
#   - sort+awk: sessions of .bot_id by the same rules (bench/sessions.awk
#     after a late-event filter and sort(1)); it does not write "open",
#     which needs the newest time before the first session is written (a
#     second pass), and it is no JSON parser: it cuts the fixed record
#     shape by its quotes.
#   - Miller: sort by time, then a DSL program that keeps each bot's
#     current session; it holds the whole input (sort) and writes the
#     sessions still open at the end unsorted.
#   - maxcount, sort+awk: the most concurrent intervals per AS over the
#     whole input (ends before starts at one instant, length-0 intervals
#     as an instant).  Per day it is not a one-liner: the count carried
#     into a day with no start or end in it needs its own pass, which is
#     the bug the botnet-churn case's first analysis had; so only the whole-input row is compared.
#   - Miller has no sweep; a DSL program would have to sort each group's
#     events itself.  Not run.

churn_gen=$O/bench/gensightings

# churn_data NAME GENSIGHTINGS-OPTION...: a cached generated input.
churn_data() { bench_gen "$churn_gen" "$@"; }

churn_events=$((BENCH_MB * 1000000 / 105))
churn_intervals=$((BENCH_MB * 1000000 / 64 / 2))
churn_sample=$((BENCH_SLOW_MB * 1000000 / 105))

# shellcheck disable=SC2016 # the $ are awk's and Miller's
churn_awk='mawk -F'\''"'\'' '\''{ print $4 "\t" substr($NF, 2, length($NF) - 2) }'\'' "$F" |
  mawk -F'\''\t'\'' '\''NR == 1 || $2 >= newest - 900 { if (NR == 1 || $2 > newest) newest = $2; print }'\'' |
  sort -t "$(printf '\''\t'\'')" -k1,1 -k2,2n -S 40% |
  mawk -v bucket=300 -v gap=900 -f '"$BENCH_ROOT/bench/sessions.awk"
# shellcheck disable=SC2016
churn_mlr='mlr --ijsonl --ojsonl sort -nf time_seen then put -q '\''b = $time_seen - $time_seen % 300; k = $bot_id;
  if (is_present(@end[k]) && b - @end[k] <= 900) { if (b != @end[k] - 300) { @nb[k] += 1 } @end[k] = b + 300; @n[k] += 1 }
  else { if (is_present(@end[k])) { emit1 {"key": k, "start": @start[k], "end": @end[k], "buckets": @nb[k], "events": @n[k]} }
    @start[k] = b; @end[k] = b + 300; @n[k] = 1; @nb[k] = 1 }
  end { for (k, e in @end) { emit1 {"key": k, "start": @start[k], "end": e, "buckets": @nb[k], "events": @n[k]} } }'\'' "$F"'
# shellcheck disable=SC2016
churn_maxawk='mawk -F'\''[:,}]'\'' '\''$6 == $8 { print $2 "\t" $6 "\t1"; print $2 "\t" $6 "\t3"; next }
    { print $2 "\t" $6 "\t1"; print $2 "\t" $8 "\t0" }'\'' "$F" |
  sort -t "$(printf '\''\t'\'')" -k1,1n -k2,2n -k3,3n -S 40% |
  mawk -F'\''\t'\'' '\''$1 != g { if (g != "") print g, max; g = $1; c = 0; max = 0 }
    { if ($3 == 1) { if (++c > max) max = c } else c-- } END { if (g != "") print g, max }'\'''

# DuckDB: the same sessions in SQL, as an analyst would write them with
# window functions: 5-minute buckets, a new session when a bucket starts
# more than the gap (900 s) after the previous one ends.  Like sort+awk it
# neither drops late events nor writes "open".
churn_duck="WITH e AS (SELECT bot_id AS key, time_seen - time_seen % 300 AS b FROM read_ndjson('\\\$F', columns={bot_id: 'VARCHAR', time_seen: 'DOUBLE'})), f AS (SELECT key, b, CASE WHEN b - lag(b) OVER w - 300 <= 900 THEN 0 ELSE 1 END AS starts FROM e WINDOW w AS (PARTITION BY key ORDER BY b)), s AS (SELECT key, b, sum(starts) OVER (PARTITION BY key ORDER BY b ROWS UNBOUNDED PRECEDING) AS n FROM f) SELECT key, min(b) AS start, max(b) + 300 AS end_, count(DISTINCT b) AS buckets, count(*) AS events FROM s GROUP BY key, n"

churn_rows_sessionize() {
	local s=$1 duck
	bench_ref "sessionize -k .bot_id -t .time_seen" "$s -k .bot_id -t .time_seen \"\$F\""
	bench_row "  ... -c .asn -d .ip (carry, distinct)" "$s -k .bot_id -t .time_seen -c .asn -d .ip \"\$F\""
	bench_row "  ... --shard 1/2 (half the keys, all the times)" "$s --shard 1/2 -k .bot_id -t .time_seen \"\$F\""
	bench_row_sample "  ... -k '\"\\(.ip):\\(.port)\"' (libjq key)" \
	    "$s -k '\"\\(.ip):\\(.port)\"' -t .time_seen \"\$F\"" "$churn_small"
	bench_row "sort + awk (bench/sessions.awk)" "$churn_awk"
	if bench_have mlr; then
		bench_row_sample "mlr sort -nf time_seen then put (sessions)" "$churn_mlr" "$churn_small"
	else
		bench_skip "mlr" "not installed"
	fi
	if duck=$(bench_duckdb); then
		bench_row "duckdb: sessions by window functions (lag, running sum)" "$duck \"$churn_duck\""
	else
		bench_skip "duckdb" "$(bench_duckdb 2>&1 >/dev/null | tail -n 1)"
	fi
	bench_row "wc -l (floor)" "wc -l \"\$F\""
}

churn_section() {
	local s m f quarter iso ivf
	f=$(churn_data sightings -n "$churn_events" -S "$BENCH_SEED")
	quarter=$(churn_data sightings -n "$((churn_events / 4))" -S "$BENCH_SEED")
	churn_small=$(churn_data sightings -n "$churn_sample" -S "$BENCH_SEED")
	iso=$(churn_data sightings -n "$churn_events" -S "$BENCH_SEED" -T iso)
	ivf=$(churn_data intervals -i -n "$churn_intervals" -S "$BENCH_SEED")

	bench_section "sessionize: $churn_events bot sightings, epoch times"
	bench_input "$f"
	if s=$(bench_tool sessionize); then
		churn_rows_sessionize "$s"
	else
		bench_skip sessionize "$TRAWL_BIN/sessionize is not built"
	fi
	bench_note "events/s = $churn_events / median s; sort+awk and Miller do not write \"open\""
	bench_end

	if s=$(bench_tool sessionize); then
		bench_section "sessionize: memory in input length (RSS: a quarter of the input, then all of it)"
		bench_input "$quarter"
		bench_ref "sessionize, $((churn_events / 4)) events" "$s -k .bot_id -t .time_seen \"\$F\""
		bench_input "$f"
		bench_row "sessionize, $churn_events events" "$s -k .bot_id -t .time_seen \"\$F\""
		bench_row "sort + awk, $churn_events events" "$churn_awk"
		bench_end

		bench_section "sessionize: RFC 3339 time strings"
		bench_input "$iso"
		bench_ref "sessionize -k .bot_id -t .time_seen" "$s -k .bot_id -t .time_seen \"\$F\""
		bench_row "wc -l (floor)" "wc -l \"\$F\""
		bench_end
	fi

	bench_section "maxcount: $churn_intervals intervals in 400 ASes"
	bench_input "$ivf"
	if m=$(bench_tool maxcount); then
		bench_ref "maxcount -g .asn" "$m -g .asn \"\$F\""
		bench_row "maxcount -g .asn --per day" "$m -g .asn --per day \"\$F\""
		bench_row "maxcount -g .asn -g .country --per 1h" "$m -g .asn -g .country --per 1h \"\$F\""
	else
		bench_skip maxcount "$TRAWL_BIN/maxcount is not built"
	fi
	bench_row "sort + awk sweep (whole input only)" "$churn_maxawk"
	bench_skip "sort + awk sweep --per day" "the count carried into a day needs its own pass"
	bench_skip "mlr" "no sweep in Miller's verbs; not written as DSL"
	bench_row "wc -l (floor)" "wc -l \"\$F\""
	bench_note "intervals/s = $churn_intervals / median s"
	bench_end
}

churn_section
