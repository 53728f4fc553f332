# bench/actorsig.sh: actorsig annotating webrequests (two MD5 signatures,
# the project family and, without agent_type, the spider test per record)
# and --metrics over days of them, next to Python doing the same
# signatures.  Sourced by bench/run after bench/lib.sh; see bench/README.md.
#
# The records come from tests/genwebreq (seeded): about 450-byte
# webrequests of -u users drawn at random.  --metrics runs on two inputs of
# the same traffic, one twice as long as the other and both longer than
# the 24-hour window: its memory should be the same for both (bounded by
# the actors of a window, not by the input).

aw_gen=$O/tests/genwebreq

# aw_data NAME GENWEBREQ-OPTION...: print the path of a generated input,
# made once; the name carries the options and the generator's checksum.
aw_data() {
	local name=$1 f
	shift
	name="webreq-$name-s$BENCH_SEED$(printf '%s' "$*" | tr -c 'A-Za-z0-9' '_')"
	name="$name-g$(cksum <"$BENCH_ROOT/tests/genwebreq.c" | cut -d' ' -f1)"
	f=$BENCH_DATA/$name.ndjson
	if [ ! -s "$f" ]; then
		echo "generating $f" >&2
		if ! "$aw_gen" -S "$BENCH_SEED" "$@" >"$f.tmp"; then
			rm -f "$f.tmp"
			bench_die "genwebreq failed"
		fi
		mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}

# The same two signatures in Python (hashlib's MD5 over the plain UTF-8
# concatenation: right for ASCII, without the refinery's Java quirk),
# splicing by re-serialising: what an analyst would write first.
# shellcheck disable=SC2016
aw_py='python3 -c '\''import hashlib, json, sys
out = sys.stdout
for line in open(sys.argv[1]):
    r = json.loads(line)
    h = r.get("uri_host")
    p = h.lower().split(":")[0].split(".") if h else []
    fam = p[-2] if len(p) > 1 else "-"
    base = r["ip"] + r["user_agent"][:200] + r["accept_language"]
    r["actor_signature"] = hashlib.md5((base + h).encode()).hexdigest()
    r["actor_signature_per_project_family"] = hashlib.md5((base + fam).encode()).hexdigest()
    r["project_family"] = fam
    out.write(json.dumps(r, separators=(",", ":")) + "\n")'\'

# aw_rate RECORDS: a note with the records per second of the reference row.
aw_rate() {
	[ -n "$BENCH_REF" ] || return 0
	bench_note "$(awk -v n="$1" -v s="$BENCH_REF" 'BEGIN { printf "actorsig: %d records in %.3f s = %.2f M records/s", n, s, n / s / 1e6 }')"
}

aw_section() {
	local a n f fa fs m1 m2 rate
	if ! a=$(bench_tool actorsig); then
		bench_section "actorsig"
		bench_skip "actorsig" "$TRAWL_BIN/actorsig is not built"
		return
	fi
	if [ ! -x "$aw_gen" ]; then
		make -s -C "$BENCH_ROOT" O="$O" "$aw_gen" >&2 || bench_die "cannot build $aw_gen"
	fi
	# About 447 bytes a record.
	n=$((BENCH_MB * 1000000 / 447))
	f=$(aw_data "${n}" -n "$n" -u 100000)
	fs=$(aw_data "$((n * BENCH_SAMPLE_MB / BENCH_MB))" -n "$((n * BENCH_SAMPLE_MB / BENCH_MB))" -u 100000)

	bench_section "actorsig: annotating webrequests that carry agent_type"
	bench_input "$f"
	bench_sample "$fs"
	bench_ref "actorsig" "$a \"\$F\""
	aw_rate "$n"
	bench_row_sample "python3 json + hashlib.md5 (both signatures)" "$aw_py \"\$F\""
	bench_row "cat | wc -l (floor)" "cat \"\$F\" | wc -l"
	bench_end

	fa=$(aw_data "${n}A" -A -n "$n" -u 100000)
	bench_section "actorsig: annotating webrequests without agent_type (spider test each)"
	bench_input "$fa"
	bench_ref "actorsig" "$a \"\$F\""
	aw_rate "$n"
	bench_end

	# Two days of traffic, and four: the window is full in both.
	rate=$((n / 172800))
	[ "$rate" -ge 1 ] || rate=1
	m1=$(aw_data "${n}r$rate" -n "$n" -r "$rate" -u 100000)
	m2=$(aw_data "$((2 * n))r$rate" -n "$((2 * n))" -r "$rate" -u 100000)
	bench_section "actorsig --metrics: $n records, $rate a second ($((n / rate / 3600)) hours)"
	bench_input "$m1"
	bench_ref "actorsig --metrics" "$a --metrics \"\$F\""
	aw_rate "$n"
	bench_row "actorsig --metrics --level domain" "$a --metrics --level domain \"\$F\""
	bench_row "actorsig --metrics --active (the lines --apply needs)" "$a --metrics --active \"\$F\""
	bench_note "$($a --metrics --stats "$m1" 2>&1 >/dev/null | tail -n 1)"
	bench_end
	bench_section "actorsig --metrics: twice the records over twice the time"
	bench_input "$m2"
	bench_ref "actorsig --metrics" "$a --metrics \"\$F\""
	aw_rate "$((2 * n))"
	bench_note "$($a --metrics --stats "$m2" 2>&1 >/dev/null | tail -n 1)"
	bench_note "memory is bounded by the actors of a 24-hour window: compare RSS MB with the table above"
	bench_end
}

aw_section
