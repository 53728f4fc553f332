#!/usr/bin/env bats
# Runs beyond one machine (trawl(7), "Scale beyond one machine"): N shards
# run under GNU parallel, then merged (--merge where the tool has one; the
# union put in the order the man page documents for per-record tools), give
# byte for byte what one process gives.  Inputs are real pings
# (examples/data/pings) and small seeded data from the repository's
# generators, built by make check into the build directory next to
# $TRAWL_TESTBIN (bench/, gen/, tests/).  Every command runs in the test's
# own directory, where the inputs are linked under the names the man pages'
# recipes use, so that those recipes run here as they are written.

load helper

setup_file() {
	local build d=$BATS_FILE_TMPDIR
	build=$(cd "$TRAWL_TESTBIN/.." && pwd)
	for g in bench/genpings bench/gensightings tests/genwebreq gen/genbotnet gen/gensender gen/gentelemetry; do
		[ -x "$build/$g" ] || {
			echo "missing $build/$g: make O=$(basename "$build") $build/$g" >&3
			return 1
		}
	done
	# GNU parallel asks for a citation once per user, on the terminal.
	export HOME=$d/home
	mkdir -p "$HOME/.parallel"
	touch "$HOME/.parallel/will-cite"

	cat "$DATA"/pings/*.ndjson >"$d/real.ndjson"
	# 600 projected pings over 6 days, a quarter of them resent copies.
	"$build/bench/genpings" -s projected -n 600 -d 0.25 -D 6 -S 7 >"$d/pings.ndjson"
	gzip -n -c "$d/pings.ndjson" >"$d/pings.ndjson.gz"
	(cd "$d" && split -n l/3 -d pings.ndjson part.)
	"$build/gen/gentelemetry" aurora 3 | head -n 3000 >"$d/aurora.ndjson"
	"$build/gen/gentelemetry" ssl 3 | head -n 3000 >"$d/ssl.ndjson"
	"$build/gen/gensender" feedback 5 >"$d/feedback.ndjson"
	"$build/gen/gensender" model 5 >"$d/model.ndjson"
	# Bots that come and go, a quarter of the sightings up to 5 minutes late.
	"$build/bench/gensightings" -n 4000 -a 40 -p 150 -r 0.1 -c 0.01 -l 300 -S 3 >"$d/sightings.ndjson"
	"$build/bench/gensightings" -i -n 3000 -S 3 >"$d/intervals.ndjson"
	"$build/gen/genbotnet" "$DATA/ip-botnet/asn-ipv4.csv" 5 | head -n 15000 >"$d/botnet.ndjson"
	cidrscore -T "$DATA/ip-botnet/asn-ipv4.csv" "$d/botnet.ndjson" |
	    sessionize -k '"\(.ip):\(.port)"' -t .time_seen -c .asn >"$d/sessions.ndjson"
	"$build/tests/genwebreq" -u 30 -w 1 -d 2 >"$d/webrequest.ndjson"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	ln -s "$BATS_FILE_TMPDIR"/*.ndjson "$BATS_FILE_TMPDIR"/*.ndjson.gz "$BATS_FILE_TMPDIR"/part.* .
}

# sh0 LINE: run the bash command line LINE with pipefail, so that a failed
# shard or merge fails the line; it must exit 0.
sh0() {
	run -0 bash -c "set -o pipefail; $1"
}

# atleast FILE N: FILE has at least N lines, so that no comparison is
# between two empty or trivial answers.
atleast() {
	local n
	n=$(wc -l <"$1")
	[ "$n" -ge "$2" ] || {
		echo "$1: $n lines, expected at least $2" >&2
		return 1
	}
}

# --- pingdedup ---------------------------------------------------------

@test "shards: pingdedup --shard splits the keys: every shard has some, no key is in two" {
	sh0 'parallel pingdedup --count --shard {}/3 pings.ndjson ">" shard.{} ::: 1 2 3'
	for k in 1 2 3; do atleast shard.$k 100; done
	sh0 'cat shard.* | jq -r .key | sort | uniq -d >dups'
	[ ! -s dups ]
	sh0 'pingdedup --count pings.ndjson >single'
	sh0 'pingdedup --count --shard 1/1 pings.ndjson >one'
	same single one
}

@test "shards: more shards than keys: the empty shards merge to nothing, the rest to the single run" {
	# 27 real pings, 11 ids, 16 shards: several shards have no key.
	sh0 'parallel pingdedup --count --shard {}/16 real.ndjson ">" shard.{} ::: $(seq 16)'
	sh0 'for k in $(seq 16); do [ -s shard.$k ] || echo $k; done | wc -l >empty'
	[ "$(cat empty)" -ge 3 ]
	sh0 'pingdedup --count real.ndjson >single'
	sh0 'cat shard.* | pingdedup --count --merge >merged'
	same single merged
	sh0 'pingdedup real.ndjson | histo -f .environment.system.cpu.speedMHz -w 100 >single'
	atleast single 10
	sh0 "parallel 'pingdedup --shard {}/16 real.ndjson | histo -f .environment.system.cpu.speedMHz -w 100' ::: \$(seq 16) | histo --merge -w 100 >merged"
	same single merged
}

@test "shards: pingdedup --keep first, unique, repeats, last: the shards' records are the single run's" {
	# One parallel run for every mode, input and shard.
	sh0 'parallel -j 2 pingdedup --keep {1} --shard {3}/3 {2} ">" out.{1}.{2}.{3} ::: first unique repeats last ::: pings.ndjson real.ndjson ::: 1 2 3'
	for in in pings.ndjson real.ndjson; do
		for mode in first unique repeats last; do
			echo "$mode $in"
			sh0 "pingdedup --keep $mode $in | sort >single"
			# unique on the real pings: 9 records (2 keyless dropped).
			atleast single 9
			sh0 "sort out.$mode.$in.* >union"
			same single union
		done
	done
}

@test "shards: pingdedup --keep first with --order-by, by document id: the single run's records" {
	sh0 'pingdedup -k .meta.documentId --order-by .meta.Timestamp pings.ndjson | sort >single'
	atleast single 400
	sh0 'parallel pingdedup -k .meta.documentId --order-by .meta.Timestamp --shard {}/4 pings.ndjson ::: 1 2 3 4 | sort >union'
	same single union
}

@test "shards: pingdedup --count from --shard parts, merged: the single run's bytes" {
	sh0 'parallel pingdedup --count --shard {2}/3 {1} ">" out.{2}.{1} ::: pings.ndjson real.ndjson pings.ndjson.gz ::: 1 2 3'
	for in in pings.ndjson real.ndjson pings.ndjson.gz; do
		echo "$in"
		sh0 "pingdedup --count $in >single"
		atleast single 10
		sh0 "cat out.*.$in | pingdedup --count --merge >merged"
		same single merged
		# The threshold is the merge's; --shard parts may take it too.
		sh0 "pingdedup --count --min-count 2 $in >single"
		atleast single 2
		sh0 "cat out.*.$in | pingdedup --count --merge --min-count 2 >merged"
		same single merged
	done
	sh0 "parallel pingdedup --count --min-count 2 --shard {}/3 pings.ndjson ::: 1 2 3 | pingdedup --count --merge --min-count 2 >merged"
	sh0 "pingdedup --count --min-count 2 pings.ndjson >single"
	same single merged
}

@test "shards: pingdedup --count of --pipepart blocks, merged: the single run's bytes" {
	# Blocks share keys: counts still add up, as long as --min-count is
	# left to the merge.
	sh0 'pingdedup --count --min-count 2 pings.ndjson >single'
	atleast single 50
	sh0 'parallel --pipepart -a pings.ndjson --block -3 -j 2 pingdedup --count | pingdedup --count --merge --min-count 2 >merged'
	same single merged
}

@test "shards: pingdedup --report-by from --shard parts, merged: the single run's bytes" {
	for in in pings.ndjson real.ndjson; do
		echo "$in"
		sh0 "pingdedup --report-by .meta.submissionDate $in >single"
		atleast single 3
		sh0 "parallel pingdedup --report-by .meta.submissionDate --shard {}/3 $in ::: 1 2 3 | pingdedup --report-by .meta.submissionDate --merge >merged"
		same single merged
	done
	sh0 'pingdedup -k .meta.documentId --order-by .meta.Timestamp --report-by .meta.submissionDate pings.ndjson >single'
	atleast single 6
	sh0 'parallel pingdedup -k .meta.documentId --order-by .meta.Timestamp --report-by .meta.submissionDate --shard {}/4 pings.ndjson ::: 1 2 3 4 | pingdedup --report-by .x --merge >merged'
	same single merged
}

# --- histo -------------------------------------------------------------

# histo_shards OPTS MERGE-OPTS MIN [files|blocks]: histo OPTS over the
# pings in one run (at least MIN lines), and over the three part files (one
# job each) and over --pipepart blocks, each merged with --merge MERGE-OPTS: all
# give the same bytes.
histo_shards() {
	sh0 "histo $1 pings.ndjson >single"
	atleast single "$3"
	# -q: the expressions reach histo as they are, not through a shell.
	if [ "${4:-files}" = files ]; then
		sh0 "parallel -q histo $1 {} ::: part.* | histo --merge $2 >by-file"
		same single by-file
	fi
	if [ "${4:-blocks}" = blocks ]; then
		sh0 "parallel -q --pipepart -a pings.ndjson --block -2 -j 2 histo $1 | histo --merge $2 >by-block"
		same single by-block
	fi
}

@test "shards: histo --counts of files and of blocks, merged: the single run's bytes" {
	histo_shards '-f .environment.system.os.name --counts' '' 3
	histo_shards '-f .meta.geoCountry --counts' '' 8 files
	# Several values per record, through libjq.
	histo_shards "-f '.environment.addons.activeAddons[] | select(.isSystem|not) | .name' --counts" '' 5 blocks
	# Summed weights per value.
	histo_shards '-f .clientId --counts --weight .payload.histograms.SSL_HANDSHAKE_VERSION.sum' '' 20 files
}

@test "shards: histo --counts --top is given to the merge, not to the shards" {
	sh0 'histo -f .meta.geoCountry --counts --top 5 pings.ndjson >single'
	atleast single 5
	sh0 'parallel histo -f .meta.geoCountry --counts {} ::: part.* | histo --merge --top 5 >merged'
	same single merged
}

@test "shards: histo numeric bins with --width, and with --bins over a fixed range, merged" {
	histo_shards '-f .payload.info.sessionLength -w 5000' '-w 5000' 20
	histo_shards '-f .payload.info.sessionLength --min 0 --max 100000 -w 2500 --clip' '' 40 blocks
	histo_shards '-f .environment.system.cpu.speedMHz -n 7 --min 1000 --max 4500' '' 7 files
}

@test "shards: histo --bins over each shard's own range cannot be merged, and says so" {
	sh0 'parallel histo -f .payload.info.sessionLength -n 5 {} ::: part.* >parts'
	run -1 --separate-stderr histo --merge parts
	[ -z "$output" ]
	# Which two bins it names depends on the order the parts arrive in.
	[[ $stderr == "histo: --merge: bins do not match: "*" overlaps "*"; run the shards with the same --min, --max and --bins, or with --width" ]]
}

@test "shards: histo --per series of files and of blocks, merged: the single run's bytes" {
	histo_shards '-f .meta.submissionDate -p 1d' '' 6
	histo_shards '-f .meta.Timestamp -u ns --per 6h --epoch' '' 20 blocks
	histo_shards '-f .meta.submissionDate -p 1d -b .environment.system.os.name' '' 12 files
}

@test "shards: histo --maps of files and of blocks, merged: the single run's bytes" {
	histo_shards '--maps -f .payload.histograms.SSL_HANDSHAKE_VERSION.values' '' 3
	histo_shards '--maps -f .payload.histograms.SSL_HANDSHAKE_VERSION.values -b .meta.geoCountry' '' 30 files
	sh0 'histo --maps -f .payload.histograms.SSL_HANDSHAKE_VERSION.values -b .clientId ssl.ndjson >single'
	atleast single 100
	sh0 'parallel --pipepart -a ssl.ndjson --block -4 -j 2 histo --maps -f .payload.histograms.SSL_HANDSHAKE_VERSION.values -b .clientId | histo --merge >merged'
	same single merged
}

@test "shards: histo --summary from --counts shards merged with --merge --summary is exact, quantiles included" {
	sh0 'histo -f .payload.info.sessionLength --summary pings.ndjson >single'
	atleast single 1
	sh0 'parallel histo -f .payload.info.sessionLength --counts {} ::: part.* | histo --merge --summary >merged'
	same single merged
	sh0 'parallel --pipepart -a pings.ndjson --block -2 histo -f .payload.info.sessionLength --counts | histo --merge --summary >merged'
	same single merged
	# Summaries merged as summaries keep count, sum, min, max and mean
	# exactly; their quantiles cannot be merged and are null.
	sh0 'histo -f .payload.info.sessionLength --summary pings.ndjson | jq -c ".p50 = null | .p90 = null | .p99 = null" >expected'
	sh0 'parallel histo -f .payload.info.sessionLength --summary {} ::: part.* | histo --merge >merged'
	same expected merged
}

@test "shards: histo over pingdedup --shard jobs, merged: the deduplicated single run's answer" {
	sh0 'pingdedup pings.ndjson | histo -f .meta.submissionDate -p 1d >single'
	atleast single 6
	sh0 "parallel 'pingdedup --shard {}/3 pings.ndjson | histo -f .meta.submissionDate -p 1d' ::: 1 2 3 | histo --merge >merged"
	same single merged
	sh0 'pingdedup --keep unique pings.ndjson | histo -f .environment.system.os.name --counts >single'
	sh0 "parallel 'pingdedup --keep unique --shard {}/3 pings.ndjson | histo -f .environment.system.os.name --counts' ::: 1 2 3 | histo --merge >merged"
	same single merged
}

# --- cidrscore ---------------------------------------------------------

@test "shards: cidrscore --score per table row from --shard parts, merged: the single run's bytes" {
	for opts in '-T feedback.ndjson --scope .domain --score .score' '-T feedback.ndjson --scope .domain --score .score --ips'; do
		echo "$opts"
		sh0 "cidrscore $opts model.ndjson >single"
		atleast single 300
		sh0 "parallel -j 2 cidrscore $opts --shard {}/3 model.ndjson ::: 1 2 3 | cidrscore --merge ${opts##*.score} >merged"
		same single merged
	done
}

@test "shards: cidrscore --misses parts keep the rows no part matched through the merge" {
	sh0 'cidrscore -T feedback.ndjson --scope .domain --score .score --misses model.ndjson >single'
	# Rows no model IP falls in are there, or the test proves nothing.
	run -0 grep -c '"count":0,' single
	[ "$output" -gt 0 ]
	sh0 'parallel cidrscore -T feedback.ndjson --scope .domain --score .score --misses --shard {}/3 model.ndjson ::: 1 2 3 | cidrscore --merge >merged'
	same single merged
}

@test "shards: cidrscore --cutoff applied to the merge: the single run's bytes" {
	sh0 'cidrscore -T feedback.ndjson --scope .domain --score .score --cutoff 0.3 model.ndjson >single'
	atleast single 50
	sh0 'parallel cidrscore -T feedback.ndjson --scope .domain --score .score --shard {}/4 model.ndjson ::: 1 2 3 4 | cidrscore --merge --cutoff 0.3 >merged'
	same single merged
}

@test "shards: cidrscore --prefix-len neighbourhoods from --shard parts, merged: the single run's bytes" {
	for opts in '--prefix-len 24 --scope .domain --score .score' '--prefix-len 16 --scope .domain' '--prefix-len 24,48 --ips --score .score'; do
		echo "$opts"
		sh0 "cidrscore $opts model.ndjson >single"
		atleast single 300
		sh0 "parallel -j 2 cidrscore $opts --shard {}/3 model.ndjson ::: 1 2 3 | cidrscore --merge $([[ $opts == *--ips* ]] && echo --ips) >merged"
		same single merged
	done
}

@test "shards: cidrscore annotating --shard parts: the single run's records" {
	sh0 "cidrscore -T '$DATA/ip-botnet/asn-ipv4.csv' botnet.ndjson | sort >single"
	atleast single 10000
	sh0 "parallel cidrscore -T '$DATA/ip-botnet/asn-ipv4.csv' --shard {}/3 botnet.ndjson ::: 1 2 3 | sort >union"
	same single union
}

# --- sessionize --------------------------------------------------------

@test "shards: sessionize --shard by key: the union of the shards, sorted, is the single run's" {
	for in in sightings.ndjson botnet.ndjson; do
		echo "$in"
		sh0 "sessionize -k .bot_id -t .time_seen $in >single"
		atleast single 150
		sh0 "parallel -j 2 'sessionize --shard {}/3 -k .bot_id -t .time_seen $in' ::: 1 2 3 | sort >union"
		sh0 'sort single >sorted'
		same sorted union
	done
}

@test "shards: sessionize per IP and port with carries, distinct and collected bot ids: the single run's, in its order" {
	export KEY='"\(.ip):\(.port)"'
	for in in sightings.ndjson botnet.ndjson; do
		echo "$in"
		sh0 "sessionize -k \"\$KEY\" -t .time_seen -c .asn -d .bot_id --collect .bot_id $in >single"
		atleast single 150
		# The documented order: by end, then key (jq's order), then start.
		sh0 "parallel -j 2 -q sessionize --shard {}/3 -k \"\$KEY\" -t .time_seen -c .asn -d .bot_id --collect .bot_id $in ::: 1 2 3 |
		    jq -sc 'sort_by(.end, .key, .start)[]' >union"
		same single union
	done
}

@test "shards: sessionize --bucket 0 shards: the single run's sessions" {
	sh0 'sessionize -k .ip -t .time_seen --bucket 0 --gap 10m --epoch sightings.ndjson | sort >single'
	atleast single 150
	sh0 "parallel 'sessionize -k .ip -t .time_seen --bucket 0 --gap 10m --epoch --shard {}/4 sightings.ndjson' ::: 1 2 3 4 | sort >union"
	same single union
}

# --- maxcount ----------------------------------------------------------

@test "shards: maxcount --shard by group: the single run's lines, and its order once sorted by group and period" {
	for opts in '-g .asn --per day' '-g .asn -p 6h' '-g .asn --timeline'; do
		echo "$opts"
		sh0 "maxcount $opts sessions.ndjson >single"
		atleast single 10
		sh0 "parallel -j 2 'maxcount --shard {}/3 $opts sessions.ndjson' ::: 1 2 3 >union"
		sh0 'sort union >u.sorted && sort single >s.sorted'
		same s.sorted u.sorted
		# Groups are numbers of several widths, so sort(1) alone is not
		# the single run's order; jq's order of group then period is.
		sh0 "jq -sc 'sort_by(.group, .period, .from)[]' union >ordered"
		same single ordered
	done
}

@test "shards: maxcount --shard by a composite group over generated intervals" {
	sh0 'maxcount -g .asn -g .country -p 6h intervals.ndjson | sort >single'
	atleast single 1000
	sh0 "parallel 'maxcount -g .asn -g .country -p 6h --shard {}/4 intervals.ndjson' ::: 1 2 3 4 | sort >union"
	same single union
}

# --- actorsig ----------------------------------------------------------

@test "shards: actorsig --metrics --shard per actor: the single run's lines, at both levels" {
	for opts in '--metrics' '--metrics --epoch --level domain' '--metrics --active'; do
		echo "$opts"
		sh0 "actorsig $opts webrequest.ndjson | sort >single"
		atleast single 100
		sh0 "parallel -j 2 actorsig $opts --shard {}/3 webrequest.ndjson ::: 1 2 3 | sort >union"
		same single union
	done
}

@test "shards: actorsig --shard keeps the actors pingdedup --shard -k on the signature puts there" {
	sh0 'actorsig webrequest.ndjson >annotated'
	atleast annotated 1000
	for k in 1 2 3; do
		sh0 "actorsig --shard $k/3 webrequest.ndjson | jq -r .actor_signature_per_project_family | sort -u >a.$k"
		atleast a.$k 2
		sh0 "pingdedup --count --shard $k/3 -k .actor_signature_per_project_family annotated | jq -r .key | sort >p.$k"
		same a.$k p.$k
	done
	# The annotating shards together are the single run's records.
	sh0 'sort annotated >single'
	sh0 'parallel actorsig --shard {}/3 webrequest.ndjson ::: 1 2 3 | sort >union'
	same single union
}

# --- grouped input, as a reducer receives it ---------------------------

# shuffle EXPR IN OUT: IN's records grouped by EXPR as Hadoop's shuffle
# delivers them to a reducer: the mapper's key, a tab and the record,
# sorted by key (stably), with the key cut off again.
shuffle() {
	sh0 "paste <(jq -r '$1' $2) $2 | sort -s -t\$'\\t' -k1,1 | cut -f2- >$3"
}

@test "shards: pingdedup --sorted on input grouped by key: the single run's answer" {
	shuffle .id pings.ndjson grouped
	sh0 'pingdedup --count --sort value pings.ndjson >single'
	atleast single 400
	# Grouped by the key's text, the groups end in jq's order of strings.
	sh0 'pingdedup --sorted --count grouped >sorted'
	same single sorted
	sh0 'pingdedup --report-by .meta.submissionDate pings.ndjson >single'
	sh0 'pingdedup --sorted --report-by .meta.submissionDate grouped >sorted'
	same single sorted
	sh0 'pingdedup --keep unique pings.ndjson | sort >single'
	sh0 'pingdedup --sorted --keep unique grouped | sort >sorted'
	same single sorted
}

@test "shards: sessionize --sorted with --until the input's end, and maxcount --sorted: the single run's lines" {
	shuffle .bot_id sightings.ndjson grouped
	sh0 'sessionize -k .bot_id -t .time_seen sightings.ndjson | sort >single'
	atleast single 150
	# Without -u, "open" is judged at each group's end, not the input's.
	end=$(jq -s 'map(.time_seen) | max | todate' sightings.ndjson)
	sh0 "sessionize --sorted --until $end -k .bot_id -t .time_seen grouped | sort >sorted"
	same single sorted
	shuffle .asn sessions.ndjson grouped
	sh0 'maxcount -g .asn --per day sessions.ndjson | sort >single'
	atleast single 10
	sh0 'maxcount --sorted -g .asn --per day grouped | sort >sorted'
	same single sorted
}

# --- the recipes of the man pages, as written --------------------------

@test "shards: trawl(7): pingdedup --shard jobs under parallel, then histo --merge" {
	sh0 'pingdedup -k .id pings.ndjson.gz | histo -f .meta.submissionDate --per 1d >single'
	atleast single 6
	sh0 "parallel -j 4 'pingdedup --shard {}/4 pings.ndjson.gz |
	      histo -f .meta.submissionDate --per 1d' ::: 1 2 3 4 |
	    histo --merge >merged"
	same single merged
}

@test "shards: trawl(7): the Hadoop Streaming mapper and reducer, run as a sorted shuffle" {
	# Mappers on input splits; Hadoop sorts their lines for the reducer.
	sh0 'histo -f .meta.submissionDate --counts pings.ndjson >single'
	atleast single 6
	sh0 "parallel --pipepart -a pings.ndjson --block -3 'histo -f .meta.submissionDate --counts' | sort | histo --merge >merged"
	same single merged
}

@test "shards: trawl(7): the Spark RDD.pipe of a count per partition, coalesced and merged" {
	sh0 'histo -f .environment.system.os.name --counts pings.ndjson >single'
	atleast single 3
	sh0 "parallel --pipepart -a pings.ndjson --block -2 'histo -f .environment.system.os.name --counts' | histo --merge >merged"
	same single merged
}

@test "shards: pingdedup(1): four shards on local cores, merged" {
	sh0 'pingdedup --count aurora.ndjson >single'
	atleast single 100
	sh0 'parallel -j 4 pingdedup --count --shard {}/4 aurora.ndjson ::: 1 2 3 4 |
	    pingdedup --count --merge >merged'
	same single merged
}

@test "shards: histo(1): session length quantiles from four shards, exactly" {
	sh0 'pingdedup aurora.ndjson | histo -f .payload.info.sessionLength --summary >single'
	atleast single 1
	sh0 "parallel -j 4 'pingdedup --shard {}/4 aurora.ndjson |
	      histo -f .payload.info.sessionLength --counts' ::: 1 2 3 4 |
	    histo --merge --summary >merged"
	same single merged
}

@test "shards: cidrscore(1): the aggregate in four shards, merged with a cutoff" {
	sh0 'cidrscore -T feedback.ndjson --scope .domain --score .score --ips --cutoff 0.3 model.ndjson >single'
	atleast single 50
	sh0 'parallel -k cidrscore -T feedback.ndjson --scope .domain --score .score --ips \
	    --shard {}/4 model.ndjson ::: 1 2 3 4 | cidrscore --merge --ips --cutoff 0.3 >merged'
	same single merged
}

@test "shards: sessionize(1): four shards on the local cores, sorted" {
	ln -s botnet.ndjson sightings-botnet.ndjson
	for in in sightings.ndjson sightings-botnet.ndjson; do
		sh0 "sessionize -k .bot_id -t .time_seen $in | sort >single"
		atleast single 150
		sh0 "parallel -j 4 'sessionize --shard {}/4 -k .bot_id -t .time_seen \\
		    $in' ::: 1 2 3 4 | sort >union"
		same single union
	done
}

@test "shards: maxcount(1): groups spread over four processes, sorted" {
	sh0 'maxcount -g .asn --per day sessions.ndjson | sort >single'
	atleast single 10
	sh0 "parallel -j 4 'maxcount --shard {}/4 -g .asn --per day sessions.ndjson' \\
	    ::: 1 2 3 4 | sort >union"
	same single union
}

@test "shards: actorsig(1): four shards of the labels on four cores, sorted" {
	sh0 'actorsig --metrics webrequest.ndjson | sort >single'
	atleast single 100
	sh0 'parallel actorsig --metrics --shard {}/4 webrequest.ndjson ::: 1 2 3 4 | sort > labels.ndjson'
	same single labels.ndjson
}
