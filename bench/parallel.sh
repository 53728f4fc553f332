# bench/parallel.sh: pingdedup and histo spread over the cores with GNU
# parallel, as trawl(7) shows, against one process on the same page-cached
# input.  Sourced by bench/run after bench/lib.sh; see bench/README.md.
#
# Two ways to split the work, and what each costs:
#   --shard k/n   each job reads the whole input and keeps the keys of its
#                 shard: the scan is repeated in every job, only the key
#                 table and the output are divided.  Works for every keyed
#                 mode (first, unique, counts, reports).
#   --pipepart    each job reads one block of the file (parallel cuts it at
#                 line ends and pipes it to the job): the scan is divided,
#                 but keys meet in several jobs, so it serves only what adds
#                 up per key or value (pingdedup --count, histo), and every
#                 byte crosses a pipe once more.
# Jobs' outputs pass through parallel's temporary files (grouped output, so
# that no line of one job is cut by another's), then the merge reads them.
# Under each table, the speedup of every row: one process's time over the
# row's.  The "lines" column shows that the rows agree.
#
# What limits it, from the processor times of the parts (1 GB of projected
# pings): pingdedup --count takes 1.8 s in one process and 1.45 s in each --shard
# job, since finding every record's key is most of the work and every job
# does it; the merge adds 0.4 s (334,000 keys).  So on one machine --shard
# buys memory (each job holds its part of the keys), not time; it is the
# form that spreads over hosts.  --pipepart halves the scan (0.95 s a job)
# but adds the merge, parallel's start (0.1-0.2 s) and a pipe per block:
# about 1.2x for pingdedup --count and 1.5x for histo --counts on two idle cores, and
# nearly 2x when the work per record is libjq's.  Records written by the
# jobs (pingdedup --keep first) are copied once more through parallel's
# temporary files.  On a machine whose cores are busy with other sessions,
# the kernel's autogroup scheduling gives this session one share whatever
# the number of jobs, and no row can beat one process.

# parallel_speedups: note the speedup of every row of the section over its
# first row, one process, from the rows bench/lib.sh has recorded.
parallel_speedups() {
	local line
	while IFS= read -r line; do
		bench_note "$line"
	done < <(awk -F'\t' -v s="$BENCH_SECTION" '
	    $1 == s { if (ref == "") { ref = $4; next }
	              printf "speedup %.2fx: %s\n", ($4 > 0 ? ref / $4 : 0), $3 }' \
	    "$BENCH_RESULTS/latest.tsv")
}

parallel_rows() {
	local pd h par
	if ! pd=$(bench_tool pingdedup) || ! h=$(bench_tool histo); then
		bench_section "parallel: pingdedup and histo on $(nproc) cores"
		bench_skip "parallel" "pingdedup or histo is not built in $TRAWL_BIN"
		return
	fi
	if ! bench_have parallel; then
		bench_section "parallel: pingdedup and histo on $(nproc) cores"
		bench_skip "parallel" "GNU parallel is not installed"
		return
	fi
	# --will-cite: GNU parallel otherwise asks for a citation once per user.
	par="parallel --will-cite -j 2"

	bench_section "parallel: pingdedup --count, one process vs 2 jobs"
	bench_input "$f"
	bench_ref "pingdedup --count (one process)" "$pd --count \"\$F\""
	bench_row "2 x pingdedup --count --shard k/2 | pingdedup --count --merge" \
	    "$par $pd --count --shard {}/2 \"\$F\" ::: 1 2 | $pd --count --merge"
	bench_row "--pipepart 2 blocks: pingdedup --count | pingdedup --count --merge" \
	    "$par --pipepart -a \"\$F\" --block -1 $pd --count | $pd --count --merge"
	# The job number goes into a comment: parallel appends it otherwise.
	bench_row "2 x wc -l (each job reads all: the --shard floor)" \
	    "$par 'wc -l <\"\$F\" # {}' ::: 1 2"
	bench_row "parallel true (start-up of parallel and 2 jobs)" "$par true ::: 1 2"
	parallel_speedups
	bench_end

	bench_section "parallel: pingdedup --keep first, one process vs 2 jobs"
	bench_input "$f"
	bench_ref "pingdedup (one process)" "$pd \"\$F\""
	bench_row "2 x pingdedup --shard k/2 (output grouped in temp files)" \
	    "$par $pd --shard {}/2 \"\$F\" ::: 1 2"
	bench_row "2 x pingdedup --shard k/2 --line-buffer" \
	    "$par --line-buffer $pd --shard {}/2 \"\$F\" ::: 1 2"
	parallel_speedups
	bench_end

	bench_section "parallel: histo --counts, one process vs 2 jobs"
	bench_input "$f"
	bench_ref "histo -f .meta.geoCountry --counts (one process)" \
	    "$h -f .meta.geoCountry --counts \"\$F\""
	bench_row "--pipepart 2 blocks: histo --counts | histo --merge" \
	    "$par --pipepart -a \"\$F\" --block -1 $h -f .meta.geoCountry --counts | $h --merge"
	bench_row "2 x wc -l over --pipepart blocks (its floor)" \
	    "$par --pipepart -a \"\$F\" --block -1 wc -l"
	parallel_speedups
	bench_end

	# An expression off the fast path: libjq's work per record dominates,
	# so dividing the records divides the time.  libjq reads about 40 MB/s:
	# the sample keeps the section short.
	bench_section "parallel: histo --counts through libjq, one process vs 2 jobs"
	bench_input "$sample"
	bench_ref "histo -f '.environment.addons.activeAddons[] | .name' --counts (one process)" \
	    "$h -f '.environment.addons.activeAddons[] | .name' --counts \"\$F\""
	bench_row "--pipepart 2 blocks: histo --counts | histo --merge" \
	    "$par -q --pipepart -a \"\$F\" --block -1 $h -f '.environment.addons.activeAddons[] | .name' --counts | $h --merge"
	parallel_speedups
	bench_end

	# trawl(7)'s recipe: documents per day, each counted once.
	bench_section "parallel: pingdedup | histo -p 1d, one pipeline vs 2 jobs"
	bench_input "$f"
	bench_ref "pingdedup | histo -p 1d (one pipeline)" \
	    "$pd \"\$F\" | $h -f .meta.submissionDate -p 1d"
	bench_row "2 x (pingdedup --shard k/2 | histo -p 1d) | histo --merge" \
	    "$par '$pd --shard {}/2 \"\$F\" | $h -f .meta.submissionDate -p 1d' ::: 1 2 | $h --merge"
	parallel_speedups
	bench_end
}

f=$(bench_data projected "$BENCH_MB" -d 0.05)
sample=$(bench_data projected "$BENCH_SAMPLE_MB" -d 0.05)
parallel_rows
