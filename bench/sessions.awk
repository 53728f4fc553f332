# The sessions sessionize computes, by sort and awk, for checking and
# benchmarking: input is "key<TAB>epoch-seconds" lines, late events already
# dropped, sorted by key then time (sort -t "$(printf '\t')" -k1,1 -k2,2n).
# -v bucket=300 -v gap=900 -v newest=T (for "open").  Writes key, start,
# end, duration, buckets, events, open as TSV, one line per session.
function emit() {
	if (key != "")
		printf "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", key, start, end, end - start,
		    nb, ne, (nbk - end <= gap ? "true" : "false")
}
BEGIN {
	FS = "\t"
	nbk = bucket ? newest - (newest % bucket) : newest
}
{
	b = bucket ? $2 - ($2 % bucket) : $2
	if ($1 != key || b - end > gap) {
		emit()
		key = $1; start = b; nb = 0; ne = 0; last = ""
	}
	end = b + bucket
	if (b != last)
		nb++
	last = b
	ne++
}
END { emit() }
