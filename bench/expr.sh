# bench/expr.sh: jq expressions that are not plain paths, compiled (lib/jqc*.c)
# next to a plain path, the same expression through libjq, and jq itself.
# Sourced by bench/run after bench/lib.sh; see bench/README.md.
#
# One table per expression class and ping shape, all through
# histo --counts on one thread (so rows compare the evaluation, not the
# cores): the compiled expression is the reference; "plain path" counts
# .meta.geoCountry (the scan alone), "libjq" is the same histo with
# TRAWL_NO_FASTPATH=1, and jq counts with sort | uniq -c.  The goals
# (issue 11): the plain path row at most 2.00 x trawl (compiled at least
# half its speed), the jq row at least 20.00.  Each class's expression
# yields a few distinct values, so every row's line count is small and
# the rows can be seen to agree.  A full ping may lack the histogram
# that "add over a map" reads: `[]?` skips it, where `[]` would make every
# row an error (exit 1) on full pings.

expr_classes=(
	'select|select(.meta.geoCountry == "US") | .application.version'
	'interpolation|"\(.meta.geoCountry):\(.application.version)"'
	'construction|[.meta.geoCountry, .meta.submissionDate]'
	'add over a map|[.payload.histograms.SSL_HANDSHAKE_VERSION.values[]?] | add'
	'regex test|.environment.system.os.name | test("^win"; "i")'
	'date conversion|.creationDate[0:19] + "Z" | fromdate | strftime("%Y-%m-%d")'
)

# expr_quote TEXT: TEXT as one single-quoted shell word.
expr_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

expr_rows() {
	local e=$1 h q
	q=$(expr_quote "$e")
	if h=$(bench_tool histo); then
		bench_ref "compiled: histo -f EXPR" "$h --threads 1 -f $q --counts \"\$F\""
		bench_row "plain path: histo -f .meta.geoCountry" \
		    "$h --threads 1 -f .meta.geoCountry --counts \"\$F\""
		bench_row_sample "libjq: TRAWL_NO_FASTPATH=1 histo -f EXPR" \
		    "TRAWL_NO_FASTPATH=1 $h --threads 1 -f $q --counts \"\$F\""
	else
		bench_skip "histo -f EXPR --counts" "$TRAWL_BIN/histo is not built"
	fi
	if bench_have jq; then
		bench_row_sample "jq -c EXPR | sort | uniq -c" "jq -c $q \"\$F\" | sort | uniq -c"
	else
		bench_skip "jq" "not installed"
	fi
}

for shape in projected full; do
	f=$(bench_data "$shape" "$BENCH_MB" -d 0.05)
	sample=$(bench_data "$shape" "$BENCH_SAMPLE_MB" -d 0.05)
	for c in "${expr_classes[@]}"; do
		bench_section "expressions, $shape pings: ${c%%|*}: ${c#*|}"
		bench_input "$f"
		bench_sample "$sample"
		expr_rows "${c#*|}"
		bench_note "goals: plain path <= 2.00 x trawl, jq >= 20.00 x trawl (histo, one thread)"
		bench_end
	done
done
