#!/usr/bin/env bats
# actorsig(1): the refinery's signatures (upstream and extra test vectors,
# the Java encoding quirk), host families, the spider pattern, hourly
# metrics and labels with their reasons and numeric edges, late records,
# --apply/--drop, --shard, bad input, the man page's examples, and the
# Wikimedia domain-hopping case in miniature.

load helper

F=$FIXTURES/actorsig
UA='Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML like Gecko) Chrome/37.0.2062.120 Safari/537.36'

t_md5() { "$TRAWL_TESTBIN/t_md5" "$@"; }
t_automata() { "$TRAWL_TESTBIN/t_automata" "$@"; }

# req DT [IP [UA [HOST [EXTRA]]]]: one pageview record; EXTRA is spliced
# in as more members (with its leading comma).
req() {
	printf '{"dt":"%s","ip":"%s","user_agent":"%s","accept_language":"en","uri_host":"%s","is_pageview":true,"page_title":"P"%s}\n' \
	    "$1" "${2:-10.0.0.1}" "${3:-$UA}" "${4:-en.wikipedia.org}" "${5:-}"
}

# n_reqs N START STEP [IP [UA [HOST [EXTRA]]]]: N requests STEP seconds apart
# from START (epoch seconds).
n_reqs() {
	local n=$1 t=$2 step=$3 i
	shift 3
	for ((i = 0; i < n; i++)); do
		req "$(date -u -d "@$((t + i * step))" +%Y-%m-%dT%H:%M:%SZ)" "$@"
	done
}

T0=1733011200	# 2024-12-01T00:00:00Z

# brief: the label columns of a --metrics output, one line per row.
brief() {
	jq -r '"\(.hour) \(.pageview_count) \(.pageview_rate_per_min) \(.label) - \(.label_reason)"'
}
export -f brief

# ---- MD5 ----

@test "actorsig: MD5 gives RFC 1321's test suite, fed whole, split and byte by byte" {
	run -0 t_md5 "" a abc "message digest" abcdefghijklmnopqrstuvwxyz \
	    ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 \
	    12345678901234567890123456789012345678901234567890123456789012345678901234567890
	expect <<-EOF
	d41d8cd98f00b204e9800998ecf8427e
	0cc175b9c0f1b6a831c399e269772661
	900150983cd24fb0d6963f7d28e17f72
	f96b697d7cb7938d525a2f31aaf161d0
	c3fcd3d76192e4007dfb496cca67e13b
	d174ab98d277d9f5a5611c2c9f419d9f
	57edf4a22be3c955ac49da2e2107b67a
	EOF
	# One million 'a' (the classic long vector), fed 1 byte at a time.
	run -0 t_md5 -r 1000000 a
	assert_output 7707d6ae4e027c70eea2a935c2296f21
	# Lengths around the 55/56/64-byte padding boundaries agree with md5sum.
	for n in 55 56 57 63 64 65 119 120 128; do
		s=$(printf 'x%.0s' $(seq "$n"))
		run -0 t_md5 "$s"
		assert_output "$(printf %s "$s" | md5sum | cut -c1-32)"
	done
}

# ---- signatures ----

@test "actorsig: the refinery's test vectors, upstream and extra, verbatim" {
	# Rows 1-5: TestActorSignatureGenerator (query null, no appInstallID,
	# wmfuuid, appInstallID at the end and before &dummy); the family
	# column and row 6 are the reference note's extra vectors (row 6's
	# domain signature checked with Python's hashlib); row 7 is the
	# non-ASCII Java quirk; row 8 is row 3 with X-Analytics as an object.
	run -0 bash -c 'actorsig "$0" | jq -r "\"\(.actor_signature) \(.actor_signature_per_project_family) \(.project_family)\""' "$F/vectors.ndjson"
	expect <"$F/vectors.expected"
}

@test "actorsig: fields are spliced before the closing brace, the record's bytes kept" {
	printf '{"ip":"1.2.3.4","user_agent":"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36","accept_language":"en-SG,en;q=0.9","uri_host":"en.wikipedia.org","n":1485817596984554752,"x":79.0 }  \n' >"$BATS_TEST_TMPDIR/in"
	run -0 actorsig "$BATS_TEST_TMPDIR/in"
	assert_output '{"ip":"1.2.3.4","user_agent":"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36","accept_language":"en-SG,en;q=0.9","uri_host":"en.wikipedia.org","n":1485817596984554752,"x":79.0 ,"actor_signature":"a343d196f476cca249099deb897f828c","actor_signature_per_project_family":"6c70b924d90462b8e968eeb7c9ce415d","project_family":"wikipedia","agent_type":"user"}  '
	# An empty object gets no leading comma; a record that has an
	# agent_type keeps it and gets none added.
	run -0 actorsig <<<'{}'
	assert_output '{"actor_signature":null,"actor_signature_per_project_family":null,"project_family":"-","agent_type":"spider"}'
	run -0 actorsig <<<'{"agent_type":"user"}'
	assert_output '{"agent_type":"user","actor_signature":null,"actor_signature_per_project_family":null,"project_family":"-"}'
}

@test "actorsig: the non-ASCII quirk hashes as many UTF-8 bytes as UTF-16 units" {
	# 44 units, 47 bytes: Java hashes the first 44 bytes; the full UTF-8
	# MD5 (c3a274b0...) is not what the refinery produces.
	run -0 bash -c 'printf "%s\n" "{\"ip\":\"1.2.3.4\",\"user_agent\":\"Mozilla/5.0 é中\",\"accept_language\":\"zh-CN,zh;q=0.9\",\"uri_host\":\"wikipedia\"}" | actorsig | jq -r .actor_signature'
	assert_output 846db40059c0f8eb2c685667aacfe9c9
	refute_output c3a274b06986335f4a816174dd371cfb
	# The same text escaped in JSON is the same string.
	run -0 bash -c 'printf "%s\n" "{\"ip\":\"1.2.3.4\",\"user_agent\":\"Mozilla/5.0 \\u00e9\\u4e2d\",\"accept_language\":\"zh-CN,zh;q=0.9\",\"uri_host\":\"wikipedia\"}" | actorsig | jq -r .actor_signature'
	assert_output 846db40059c0f8eb2c685667aacfe9c9
}

@test "actorsig: the user agent is cut at 200 UTF-16 units; a cut surrogate pair is '?'" {
	long=$(printf 'a%.0s' $(seq 250))
	a200=${long:0:200}
	run -0 t_automata sig 1.1.1.1 "$long" en en.wikipedia.org
	assert_output "$(printf %s "1.1.1.1${a200}enen.wikipedia.org" | md5sum | cut -c1-32) $(printf %s "1.1.1.1${a200}enwikipedia" | md5sum | cut -c1-32) wikipedia"
	# 199 units, then U+1F600 (2 units) straddles the limit: Java keeps its
	# high surrogate alone and encodes it as '?'.
	a199=${long:0:199}
	run -0 t_automata sig 1.1.1.1 "${a199}😀tail" en en.wikipedia.org
	assert_output "$(printf %s "1.1.1.1${a199}?enen.wikipedia.org" | md5sum | cut -c1-32) $(printf %s "1.1.1.1${a199}?enwikipedia" | md5sum | cut -c1-32) wikipedia"
	# 198 units then the pair fits: all four bytes count, and the message
	# is 1 unit shorter than it has bytes... 2 units for 4 bytes: the last
	# 2 bytes of the message are not hashed.
	a198=${long:0:198}
	msg="1.1.1.1${a198}😀enwikipedia"
	run -0 t_automata sig 1.1.1.1 "${a198}😀tail" en en.wikipedia.org
	assert_output --partial " $(printf %s "$msg" | head -c $(( $(printf %s "$msg" | wc -c) - 2 )) | md5sum | cut -c1-32) wikipedia"
}

@test "actorsig: the suffix: wmfuuid (also without a value), appInstallID rules" {
	base="1.1.1.1${UA}en"
	m() { printf %s "$1" | md5sum | cut -c1-32; }
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org 'a=1;wmfuuid;b=2'
	assert_output "$(m "${base}x.wikipedia.orgnull") $(m "${base}wikipedianull") wikipedia"
	# The last duplicate wins; a pair is split on its first '='.
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org 'wmfuuid=u1;wmfuuid=u2=3'
	assert_output "$(m "${base}x.wikipedia.orgu2=3") $(m "${base}wikipediau2=3") wikipedia"
	# wmfuuid wins over appInstallID.
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org 'wmfuuid=u' '?appInstallID=zz'
	assert_output "$(m "${base}x.wikipedia.orgu") $(m "${base}wikipediau") wikipedia"
	# At index 0 the key is ignored; the character after it is skipped
	# unchecked; any substring match counts.
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org NULL 'appInstallID=zz'
	assert_output "$(m "${base}x.wikipedia.org") $(m "${base}wikipedia") wikipedia"
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org NULL '?xappInstallID:zz&q=1'
	assert_output "$(m "${base}x.wikipedia.orgzz") $(m "${base}wikipediazz") wikipedia"
	run -0 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org NULL '?appInstallID='
	assert_output "$(m "${base}x.wikipedia.org") $(m "${base}wikipedia") wikipedia"
	# Where Java's substring would throw, the record is bad.
	run -1 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org NULL '?appInstallID'
	assert_output "suffix error"
	run -1 t_automata sig 1.1.1.1 "$UA" en x.wikipedia.org NULL '?appInstallID&a=1'
	assert_output "suffix error"
}

@test "actorsig: X-Analytics as a header or an object; '-' and null mean none" {
	uuid='c34ba606-30ec-4b40-bdbb-dcc5aeb5e3a3'
	pt='pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7'
	for xa in "\"wmfuuid=$uuid\"" "{\"wmfuuid\":\"$uuid\"}" "{\"wmfuuid\":\"x\",\"wmfuuid\":\"$uuid\"}" \
	    "{\"wmfuuid\":\"c34ba606\\u002d30ec-4b40-bdbb-dcc5aeb5e3a3\"}"; do
		run -0 bash -c 'printf "%s\n" "$0" | actorsig | jq -r .actor_signature' \
		    "{\"ip\":\"192.168.12.2\",\"user_agent\":\"$UA\",\"accept_language\":\"$pt\",\"uri_host\":\"commons.wikimedia.org\",\"x_analytics\":$xa}"
		assert_output 01acc2a702cef266cc99d752b44e6ffe
	done
	for xa in '"-"' null '{}' '"ns=0"'; do
		run -0 bash -c 'printf "%s\n" "$0" | actorsig | jq -r .actor_signature' \
		    "{\"ip\":\"192.168.12.2\",\"user_agent\":\"$UA\",\"accept_language\":\"$pt\",\"uri_host\":\"commons.wikimedia.org\",\"x_analytics\":$xa}"
		assert_output c9f49eaeaf474a818ac43604c39dd222
	done
	# An object member with a null value is a key without a value: "null".
	run -0 bash -c 'printf "%s\n" "$0" | actorsig | jq -r .actor_signature' \
	    "{\"ip\":\"1.1.1.1\",\"user_agent\":\"$UA\",\"accept_language\":\"en\",\"uri_host\":\"x.wikipedia.org\",\"x_analytics\":{\"wmfuuid\":null}}"
	assert_output "$(printf %s "1.1.1.1${UA}enx.wikipedia.orgnull" | md5sum | cut -c1-32)"
}

@test "actorsig: null signatures where the refinery gives NULL; --lenient" {
	run -0 bash -c 'actorsig | jq -c "[.actor_signature, .actor_signature_per_project_family, .project_family]"' <<-EOF
	{"user_agent":"$UA","accept_language":"en","uri_host":"en.wikipedia.org"}
	{"ip":"1.1.1.1","accept_language":"en","uri_host":"en.wikipedia.org"}
	{"ip":"1.1.1.1","user_agent":"$UA","uri_host":"en.wikipedia.org"}
	{"ip":"1.1.1.1","user_agent":"$UA","accept_language":null,"uri_host":"en.wikipedia.org"}
	{"ip":"1.1.1.1","user_agent":"$UA","accept_language":"en"}
	EOF
	# A missing host nulls only the domain signature: the family is "-".
	expect <<-EOF
	[null,null,"wikipedia"]
	[null,null,"wikipedia"]
	[null,null,"wikipedia"]
	[null,null,"wikipedia"]
	[null,"$(printf %s "1.1.1.1${UA}en-" | md5sum | cut -c1-32)","-"]
	EOF
	run -0 bash -c 'actorsig --lenient | jq -r .actor_signature' <<<"{\"ip\":\"1.1.1.1\",\"user_agent\":\"$UA\",\"uri_host\":\"h.example.org\"}"
	assert_output "$(printf %s "1.1.1.1${UA}h.example.org" | md5sum | cut -c1-32)"
	run -0 --separate-stderr actorsig --stats <<<'{"ip":"1.1.1.1"}'
	assert_equal "$stderr" '{"tool":"actorsig","read":1,"written":1,"bad":0,"missing":1,"null_signatures":1,"derived_spiders":1'"$(sed -n 's/.*\("peak_rss_kb".*\)/,\1/p' <<<"$stderr")"
}

# ---- project family ----

@test "actorsig: project family follows normalize_host's test table and Java's split" {
	run -0 t_automata family 192.168.0.1 wikipedia Wikipedia.org Wikipedia.org:80 \
	    en.wikipedia.org EN..wikipedia.org www.wikipedia.org m.wikidata.org \
	    en.m.wikipedia.org en.Mobile.ZERO.wikipedia.org . NULL '' ' ' \
	    en.wikipedia.org. '[2001:db8::1]' commons.wikimedia.org www.mediawiki.org \
	    wikimediafoundation.org 'a//b.org' .org 'de.wikipedia.org:443'
	expect <<-EOF
	-
	-
	wikipedia
	wikipedia
	wikipedia
	wikipedia
	wikipedia
	wikidata
	wikipedia
	wikipedia
	-
	-
	-
	-
	wikipedia
	-
	wikimedia
	mediawiki
	wikimediafoundation
	b

	wikipedia
	EOF
}

# ---- agent type ----

@test "actorsig: the spider pattern, with Java's regex semantics" {
	run -0 t_automata spider - 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' \
	    'curl/7.88.1' 'Mozilla curl' 'python-requests/2.31' 'my Python' 'Python/3.11 aiohttp' \
	    'someone@example.com' 'mail me at someone@example.com' 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0' \
	    'toolsXwmflabsXorg/1' 'xtools.wmflabs.org' 'MOZILLA HTTP CLIENT' 'FACEBOOKexternalhit' \
	    $'Mozilla\nbot' $'bot\n' $'bot\r\n' 'ſpider' 'Mozilla é bot' 'Java/1.8.0' 'Mozilla Java/1.8' \
	    'WordPress.com' 'J. River' 'J! River'
	expect <<-EOF
	1
	1
	1
	0
	1
	0
	1
	1
	0
	0
	1
	0
	1
	1
	0
	1
	1
	0
	1
	1
	0
	1
	1
	0
	EOF
}

@test "actorsig: the ASCII fast path and the Oniguruma pattern agree" {
	# Real user agents (the bundled access log's) and edge cases of each
	# alternative: case, position, the e-mail form, the dots of
	# tools.wmflabs.org, near misses.
	{
		zcat "$DATA/access-log-excerpt/apache_logs_head.log.gz" | sed -n 's/.*"\([^"]*\)"$/\1/p' | sort -u
		cat <<-'EOF'
		a@b.cd
		a@b.c
		@b.cd
		a@.cd
		a@bb.cd rest
		a @b.cd
		ab@c.d.ef
		x@y.z1
		x@y.Zz
		mail x@y.zz
		toolsXwmflabsYorg
		tools.wmflabs.or
		tools wmflabs org/1
		TOOLS.WMFLABS.ORG
		goo wikipedia
		goo  wikipedia
		Goo Wikipedia/1
		J. River
		J.. River
		.NET CLR
		xNET
		com.eusoft
		comXeusoft
		HTTPC/1
		curl
		Curl
		 curl
		MediaWiki/1.40
		mediawikicrawler-google
		User:Foo
		User_talk:Foo
		Mozilla RoBoT
		MOZILLA YAHOO
		PhantomJS
		python-requests
		Python-urllib
		appledictionaryservice
		Google-HTTP-Java-Client
		Mozilla/5.0 (Windows NT 10.0; Win64; x64)
		Mozilla/5.0 weblight
		Mozilla/5.0 WordPress.com
		b
		bo
		bot
		EOF
	} >"$BATS_TEST_TMPDIR/uas"
	run -0 t_automata spidercheck <"$BATS_TEST_TMPDIR/uas"
	# ("-", the log's missing user agent, is isSpider's own case.)
	assert_output "$(grep -cvx -- - "$BATS_TEST_TMPDIR/uas") agree"
}

@test "actorsig: agent_type is derived only where the record has none" {
	run -0 bash -c 'actorsig | jq -c "[.agent_type]"' <<-EOF
	{"user_agent":"curl/8"}
	{"user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}
	{"user_agent":"-"}
	{}
	{"user_agent":"curl/8","agent_type":"user"}
	{"user_agent":"Mozilla/5.0","agent_type":"automated"}
	{"user_agent":"Mozilla/5.0","agent_type":null}
	EOF
	expect <<-EOF
	["spider"]
	["user"]
	["spider"]
	["spider"]
	["user"]
	["automated"]
	["user"]
	EOF
	# Without --apply, --drop removes what the records already are (or
	# what the spider test derives), and counts it.
	run -0 --separate-stderr bash -c 'actorsig --stats --drop automated --drop spider | jq -c "[.user_agent, .agent_type]"' <<-EOF
	{"user_agent":"curl/8"}
	{"user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}
	{"user_agent":"Mozilla/5.0","agent_type":"automated"}
	{"user_agent":"curl/8","agent_type":"user"}
	EOF
	expect <<-EOF
	["Mozilla/5.0 (X11; Linux x86_64)","user"]
	["curl/8","user"]
	EOF
	[[ $stderr == *'"written":2,'*'"dropped":2,'* ]]
}

# ---- page titles ----

@test "actorsig: page titles from path and query: the refinery's pageview test vectors" {
	# pageview_test_data.csv (refinery-core), its pageview rows.
	mapfile -t rows <<-'EOF'
	 /wiki/Horseshoe%20crab#anchor|-|Horseshoe_crab
	/wiki/Horseshoe/crab|-|Horseshoe/crab
	/w/api.php|action=mobileview&format=json&page=Hachiko_–_Eine_wunderbare_Freundschaft&prop=text&sections=0|Hachiko_–_Eine_wunderbare_Freundschaft
	 /w/api.php|?action=mobileview&format=json&page=Hachiko_–_Eine_wunderbare_Freundschaft&prop=text&sections=all|Hachiko_–_Eine_wunderbare_Freundschaft
	/wiki/Bernard_Manning|-|Bernard_Manning
	/sr-ec/Историја_Срба_пре_Немањића|-|Историја_Срба_пре_Немањића
	/zh-cn/Wikipedia:首页|-|Wikipedia:首页
	/zh-hk/Wikipedia:foo|-|Wikipedia:foo
	/zh/Wikipedia:首页|-|Wikipedia:首页
	/wiki/Q5651758|-|Q5651758
	/wiki/Gerrit/git-review|-|Gerrit/git-review
	/|?search=afdfsdfsd|-
	/api/rest_v1/page/mobile-sections-lead/Horseshoe%20crab|-|Horseshoe_crab
	/api/rest_v1/page/mobile-sections-lead/Special%3ACentralLogin%2Fcomplete|-|Special:CentralLogin/complete
	 /wiki/Donaties|-|Donaties
	EOF
	for row in "${rows[@]}"; do
		IFS="|" read -r t_path t_query t_want <<<"$row"
		run -0 t_automata title "$t_path" "$t_query"
		assert_equal "$output" "$t_want"
	done
	# The rules around them: title= first ('+' is '_', an empty value is
	# skipped), page= after a /wiki/ path, escapes that are not escapes
	# kept, bad UTF-8 as U+FFFD, illegal characters and code points above
	# U+FFFF give "-", a full URL's path is used.
	mapfile -t rows <<-'EOF'
	/w/index.php|?title=A+b%2Bc&page=x|A_b+c
	/w/index.php|?title=&title=Z|Z
	/wiki/index.php|?page=P|P
	/wiki/A%ZZ%4|-|A%ZZ%4
	/wiki/A%C3|-|A�
	/wiki/a<b|-|-
	/wiki/%F0%9F%98%80|-|-
	https://en.wikipedia.org//wiki//X?y=1|NULL|X
	NULL|NULL|-
	EOF
	for row in "${rows[@]}"; do
		IFS="|" read -r t_path t_query t_want <<<"$row"
		run -0 t_automata title "$t_path" "$t_query"
		assert_equal "$output" "$t_want"
	done
}

@test "actorsig: --metrics derives titles from uri_path where page_title is missing" {
	{
		req 2024-12-01T00:00:01Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":"A_b"'
		echo '{"dt":"2024-12-01T00:00:02Z","ip":"10.0.0.1","user_agent":"'"$UA"'","accept_language":"en","uri_host":"en.wikipedia.org","is_pageview":true,"uri_path":"/wiki/A%20b"}'
		echo '{"dt":"2024-12-01T00:00:03Z","ip":"10.0.0.1","user_agent":"'"$UA"'","accept_language":"en","uri_host":"en.wikipedia.org","is_pageview":true,"uri_path":"/w/index.php","uri_query":"?title=C"}'
		echo '{"dt":"2024-12-01T00:00:04Z","ip":"10.0.0.1","user_agent":"'"$UA"'","accept_language":"en","uri_host":"en.wikipedia.org","is_pageview":true}'
	} >"$BATS_TEST_TMPDIR/in"
	# "A_b" given and "A b" derived are one title; C is another; the last
	# record has neither.
	run -0 bash -c 'actorsig --metrics "$0" | jq -c "[.pageview_count, .avg_distinct_pages_visited_count]"' "$BATS_TEST_TMPDIR/in"
	assert_output '[4,2]'
	run -0 bash -c 'actorsig --metrics --page-title .none --uri-path .none "$0" | jq -c "[.pageview_count, .avg_distinct_pages_visited_count, .rolled_up_hours]"' "$BATS_TEST_TMPDIR/in"
	assert_output '[4,0,0]'
}

# ---- labels ----

@test "actorsig: label rules, reasons and numeric edges (rollup arithmetic)" {
	# count first last nocookies ualen sum_distinct hours rolled
	run -0 t_automata label 9 0 0 0 5 9 1 1
	assert_output 'null user|less than 10 req'
	run -0 t_automata label 801 0 86000 0 100 801 24 24
	assert_output '0 automated|more than 800 req'
	run -0 t_automata label 800 0 86000 0 100 800 24 24
	assert_output '0 user|low request ratio'
	run -0 t_automata label 30 0 60 0 100 30 1 1
	assert_output '30 automated|high request ratio'
	# 30 / 61 * 60 = 29.5: truncated to 29, not rounded.
	run -0 t_automata label 30 0 61 0 100 30 1 1
	assert_output '29 unclassified|unclassified'
	# 41 / 20 * 60 is 122.99999999999999 in double: 122, as Spark gives.
	run -0 t_automata label 41 0 20 0 100 41 1 1
	assert_output '122 automated|high request ratio'
	# All in one second: the rate is null and no rate rule fires.
	run -0 t_automata label 500 7 7 0 100 500 1 1
	assert_output 'null unclassified|unclassified'
	run -0 t_automata label 500 7 7 0 10 500 1 1
	assert_output 'null automated|suspicious UA'
	# Rule 4: 20 distinct over 1 hour / 101 = 0.198 < 0.2; 21 gives 0.208.
	run -0 t_automata label 101 0 86000 11 100 20 1 1
	assert_output '0 automated|too many requests w/o cookies and small page_title variability'
	run -0 t_automata label 101 0 86000 11 100 21 1 1
	assert_output '0 user|low request ratio'
	run -0 t_automata label 101 0 86000 10 100 20 1 1
	assert_output '0 user|low request ratio'
	# avg * rolled_up_hours: 30 titles over 3 rows of which 2 have titles:
	# 10 * 2 / 101 = 0.198.
	run -0 t_automata label 101 0 86000 11 100 30 3 2
	assert_output '0 automated|too many requests w/o cookies and small page_title variability'
	run -0 t_automata label 50 0 86000 0 24 50 1 1
	assert_output '0 automated|suspicious UA'
	run -0 t_automata label 50 0 86000 0 401 50 1 1
	assert_output '0 automated|suspicious UA'
	run -0 t_automata label 50 0 86000 0 25 50 1 1
	assert_output '0 user|low request ratio'
	run -0 t_automata label 50 0 3000 0 400 50 1 1
	assert_output '1 unclassified|unclassified'
}

# ---- --metrics ----

@test "actorsig: --metrics writes the refinery's columns, one line per hour, actor and kind" {
	n_reqs 12 $((T0 + 600)) 1 10.0.0.1 >"$BATS_TEST_TMPDIR/in"
	run -0 actorsig --metrics "$BATS_TEST_TMPDIR/in"
	sig=$(printf %s "10.0.0.1${UA}enwikipedia" | md5sum | cut -c1-32)
	assert_output "{\"hour\":\"2024-12-01T00:00:00Z\",\"actor_signature_per_project_family\":\"$sig\",\"is_pageview\":true,\"is_redirect_to_pageview\":false,\"first_interaction_dt\":\"2024-12-01T00:10:00Z\",\"last_interaction_dt\":\"2024-12-01T00:10:11Z\",\"pageview_count\":12,\"pageview_rate_per_min\":65,\"nocookies\":0,\"user_agent_length\":101,\"avg_distinct_pages_visited_count\":1,\"rolled_up_hours\":1,\"label\":\"automated\",\"label_reason\":\"high request ratio\"}"
	run -0 actorsig --metrics --epoch --level domain "$BATS_TEST_TMPDIR/in"
	sig=$(printf %s "10.0.0.1${UA}enen.wikipedia.org" | md5sum | cut -c1-32)
	assert_output "{\"hour\":1733011200,\"actor_signature\":\"$sig\",\"is_pageview\":true,\"is_redirect_to_pageview\":false,\"first_interaction_dt\":1733011800,\"last_interaction_dt\":1733011811,\"pageview_count\":12,\"pageview_rate_per_min\":65,\"nocookies\":0,\"user_agent_length\":101,\"avg_distinct_pages_visited_count\":1,\"rolled_up_hours\":1,\"label\":\"automated\",\"label_reason\":\"high request ratio\"}"
}

@test "actorsig: --metrics rolls 24 hours up and keeps an actor for the 23 hours after" {
	# 6 requests at 00:00 and 6 at 01:30: 12 in the window from hour 1 to
	# hour 23, then only the second 6 at hour 24 (the hours 01 .. 00 of the
	# next day), then nothing; a second actor keeps the clock going to
	# 2024-12-02T02:00.
	{
		n_reqs 6 "$T0" 60
		n_reqs 6 $((T0 + 5400)) 60
		for h in $(seq 2 26); do n_reqs 1 $((T0 + h * 3600)) 1 10.9.9.9; done
	} >"$BATS_TEST_TMPDIR/in"
	sig=$(printf %s "10.0.0.1${UA}enwikipedia" | md5sum | cut -c1-32)
	actorsig --metrics "$BATS_TEST_TMPDIR/in" | jq -r "select(.actor_signature_per_project_family == \"$sig\") | \"\(.hour) \(.pageview_count) \(.pageview_rate_per_min) \(.avg_distinct_pages_visited_count) \(.rolled_up_hours) \(.label) - \(.label_reason)\"" >"$BATS_TEST_TMPDIR/out"
	run -0 sed -n '1,3p;23,$p' "$BATS_TEST_TMPDIR/out"
	expect <<-EOF
	2024-12-01T00:00:00Z 6 1 1 1 user - less than 10 req
	2024-12-01T01:00:00Z 12 0 1 2 user - low request ratio
	2024-12-01T02:00:00Z 12 0 1 2 user - low request ratio
	2024-12-01T22:00:00Z 12 0 1 2 user - low request ratio
	2024-12-01T23:00:00Z 12 0 1 2 user - low request ratio
	2024-12-02T00:00:00Z 6 1 1 1 user - less than 10 req
	EOF
	run -0 wc -l <"$BATS_TEST_TMPDIR/out"
	assert_output 25
}

@test "actorsig: --metrics counts only the refinery's rows; kinds are separate" {
	{
		n_reqs 3 "$T0" 10
		n_reqs 2 $((T0 + 100)) 10 10.0.0.1 "$UA" en.wikipedia.org ',"is_pageview":false,"is_redirect_to_pageview":true'
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "$UA" en.wikipedia.org ',"is_pageview":false'
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "$UA" en.wikipedia.org ',"agent_type":"spider"'
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "$UA" en.wikipedia.org ',"agent_type":"automated"'
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "Mozilla/5.0 weblight"
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "curl/8.0"
		n_reqs 1 $((T0 + 200)) 10 10.0.0.1 "$UA" en.wikipedia.org ',"is_pageview":1'
	} >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr bash -c 'actorsig --metrics --stats "$0" | jq -c "[.is_pageview, .is_redirect_to_pageview, .pageview_count]"' "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	[true,false,4]
	[false,true,2]
	EOF
	[[ $stderr == *'"filtered":5,'* ]]
	# "Weblight" in another case is not Web Light (LIKE is case-sensitive).
	n_reqs 2 "$T0" 10 10.0.0.1 "Mozilla/5.0 WebLight" >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig --metrics "$0" | jq .pageview_count' "$BATS_TEST_TMPDIR/in"
	assert_output 2
}

@test "actorsig: --metrics counts distinct titles per hour, not per day; nocookies sums" {
	{
		req 2024-12-01T00:00:01Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":"A","x_analytics":"nocookies=1"'
		req 2024-12-01T00:00:02Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":"A","x_analytics":{"nocookies":"1"}'
		req 2024-12-01T00:00:03Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":"B","x_analytics":"nocookies=x"'
		req 2024-12-01T00:00:04Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":null'
		req 2024-12-01T01:00:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":"A","x_analytics":"nocookies=2"'
		req 2024-12-01T02:00:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"page_title":null'
	} >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig --metrics "$0" | jq -c "[.hour[11:13], .pageview_count, .nocookies, .avg_distinct_pages_visited_count, .rolled_up_hours]"' "$BATS_TEST_TMPDIR/in"
	# Hour 00: titles A, B (null ignored); hour 01: A again counts; hour
	# 02: no title, a row with 0 distinct (in the mean, not in rolled).
	expect <<-EOF
	["00",4,2,2,1]
	["01",5,4,1.5,2]
	["02",6,4,1,2]
	EOF
}

@test "actorsig: --metrics accepts the previous hour out of order; older records are late" {
	{
		req 2024-12-01T01:00:05Z
		req 2024-12-01T00:59:59Z
		req 2024-12-01T02:00:00Z
		req 2024-12-01T01:30:00Z
		req 2024-12-01T00:10:00Z
		req 2024-12-01T03:00:00Z
	} >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr bash -o pipefail -c 'actorsig --metrics --stats "$0" | brief' "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	2024-12-01T00:00:00Z 1 null user - less than 10 req
	2024-12-01T01:00:00Z 3 0 user - less than 10 req
	2024-12-01T02:00:00Z 4 0 user - less than 10 req
	2024-12-01T03:00:00Z 5 0 user - less than 10 req
	EOF
	assert_equal "$(sed -n 1p <<<"$stderr")" "actorsig: $BATS_TEST_TMPDIR/in:5: late record: its hour's labels were already written"
	[[ $stderr == *'"late":1,'* ]]
	run -0 --separate-stderr actorsig --metrics --bad="$BATS_TEST_TMPDIR/late" "$BATS_TEST_TMPDIR/in"
	run -0 cat "$BATS_TEST_TMPDIR/late"
	assert_output "$(sed -n 5p "$BATS_TEST_TMPDIR/in")"
}

@test "actorsig: --metrics skips hours with nothing in the window and resumes" {
	{
		req 2024-12-01T00:00:00Z
		req 2024-12-09T05:00:00Z
	} >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig --metrics "$0" | jq -r .hour | sed -n "1p;24p;25p;\$p"; actorsig --metrics "$0" | wc -l' "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	2024-12-01T00:00:00Z
	2024-12-01T23:00:00Z
	2024-12-09T05:00:00Z
	2024-12-09T05:00:00Z
	25
	EOF
}

@test "actorsig: --metrics: missing time or signature is counted; bad time is bad" {
	{
		req 2024-12-01T00:00:00Z
		echo '{"ip":"1.1.1.1","user_agent":"x","accept_language":"en","is_pageview":true}'
		echo '{"dt":"2024-12-01T00:00:01Z","is_pageview":true}'
		echo '{"dt":"yesterday","ip":"1.1.1.1","user_agent":"x","accept_language":"en","is_pageview":true}'
		echo '{"dt":1733011202.5,"ip":"10.0.0.1","user_agent":"'"$UA"'","accept_language":"en","uri_host":"en.wikipedia.org","is_pageview":true}'
	} >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr bash -o pipefail -c 'actorsig --metrics --stats "$0" | brief' "$BATS_TEST_TMPDIR/in"
	# 00:00:00 and 00:00:02.5 (cut to 00:00:02): 2 requests in 2 s.
	assert_output '2024-12-01T00:00:00Z 2 60 user - less than 10 req'
	assert_equal "$(sed -n 1p <<<"$stderr")" "actorsig: $BATS_TEST_TMPDIR/in:4: bad dt \"yesterday\": not an RFC 3339 time"
	[[ $stderr == *'"bad":1,"missing":2,'* ]]
	# Milliseconds: out of range as seconds, and the message says which
	# unit reads them; then with -u ms.
	echo '{"dt":1733011202500,"ip":"10.0.0.1","user_agent":"x","accept_language":"en","is_pageview":true}' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr actorsig --metrics "$BATS_TEST_TMPDIR/in"
	assert_equal "${stderr_lines[0]}" "actorsig: $BATS_TEST_TMPDIR/in:1: bad dt 1733011202500: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 2024-12-01T00:00:02.5Z"
	run -0 bash -c 'actorsig --metrics -u ms "$0" | jq -r .first_interaction_dt' "$BATS_TEST_TMPDIR/in"
	assert_output 2024-12-01T00:00:02Z
}

# ---- --apply and --drop ----

@test "actorsig: --apply relabels a user's pageviews in the labelled hour only" {
	{
		n_reqs 40 "$T0" 1 10.0.0.1
		req 2024-12-01T00:59:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"agent_type":"user","is_pageview":false,"is_redirect_to_pageview":true'
		req 2024-12-01T00:59:01Z 10.0.0.1 "$UA" de.wikipedia.org ',"agent_type":"spider"'
		req 2024-12-01T00:59:02Z 10.0.0.1 "$UA" de.wikipedia.org ',"agent_type":"user","is_pageview":false'
		req 2024-12-01T00:59:03Z 10.0.0.2 "$UA" en.wikipedia.org
		req 2024-12-01T01:00:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"agent_type":"user"'
	} >"$BATS_TEST_TMPDIR/in"
	actorsig --metrics "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/labels"
	# Hour 00: 40 pageviews in 39 s (rate 61) are automated; the redirect
	# is its own kind.  Hour 01: the window holds 41 pageviews over an hour
	# (rate 0): user again.
	run -0 bash -c 'jq -c "[.hour[11:13], .is_pageview, .pageview_count, .label]" "$0"' "$BATS_TEST_TMPDIR/labels"
	expect <<-EOF
	["00",true,40,"automated"]
	["00",false,1,"user"]
	["00",true,1,"user"]
	["01",true,41,"user"]
	["01",false,1,"user"]
	["01",true,1,"user"]
	EOF
	run -0 --separate-stderr bash -c 'actorsig --stats --apply "$0" "$1" | jq -r ".agent_type" | uniq -c | sed "s/^ *//"' "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	# 40 derived user pageviews and the redirect (the family is automated
	# in either kind) in hour 00; the spider stays, the non-pageview stays,
	# the other actor stays, and hour 01's pageview stays user.
	expect <<-EOF
	41 automated
	1 spider
	3 user
	EOF
	[[ $stderr == *'"automated_labels":1,"relabelled":41'* ]]
	# The redirect's own agent_type is replaced where it stands.
	run -0 bash -c 'actorsig --apply "$0" "$1" | sed -n 41p' "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	assert_output --regexp '^\{"dt":"2024-12-01T00:59:00Z",.*,"page_title":"P","agent_type":"automated","is_pageview":false,"is_redirect_to_pageview":true,"actor_signature":"[0-9a-f]{32}","actor_signature_per_project_family":"[0-9a-f]{32}","project_family":"wikipedia"\}$'
	# --drop automated removes them; --drop spider the spider.
	run -0 bash -c 'actorsig --apply "$0" --drop automated --drop spider "$1" | jq -r ".ip + \" \" + .agent_type"' "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	10.0.0.1 user
	10.0.0.2 user
	10.0.0.1 user
	EOF
	# Labels written with --epoch and gzip-compressed join the same way.
	actorsig --metrics --epoch "$BATS_TEST_TMPDIR/in" | gzip >"$BATS_TEST_TMPDIR/labels.gz"
	run -0 bash -c 'actorsig --apply "$0" --drop automated "$1" | wc -l' "$BATS_TEST_TMPDIR/labels.gz" "$BATS_TEST_TMPDIR/in"
	assert_output 4
	# Records timed in milliseconds (-u ms) join labels in epoch seconds.
	jq -c '.dt |= (fromdateiso8601 * 1000)' "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/in.ms"
	run -0 bash -c 'actorsig -u ms --apply "$0" --drop automated "$1" | wc -l' "$BATS_TEST_TMPDIR/labels.gz" "$BATS_TEST_TMPDIR/in.ms"
	assert_output 4
}

@test "actorsig: --apply at the domain level joins on actor_signature" {
	{
		n_reqs 20 "$T0" 1 10.0.0.1 "$UA" en.wikipedia.org
		n_reqs 20 "$T0" 1 10.0.0.1 "$UA" de.wikipedia.org ',"agent_type":"user"'
	} >"$BATS_TEST_TMPDIR/in"
	actorsig --metrics --level domain "$BATS_TEST_TMPDIR/in" | jq -c 'if .actor_signature == null then . else (select(.label=="automated")) end' >"$BATS_TEST_TMPDIR/labels"
	run -0 bash -c 'actorsig --apply "$0" "$1" | jq -r ".uri_host + \" \" + .agent_type" | sort | uniq -c | sed "s/^ *//"' "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	20 de.wikipedia.org automated
	20 en.wikipedia.org automated
	EOF
	# A domain label does not match the family signature of another host.
	jq -c 'select(.label == "automated") | select(.actor_signature == "'"$(printf %s "10.0.0.1${UA}enen.wikipedia.org" | md5sum | cut -c1-32)"'")' "$BATS_TEST_TMPDIR/labels" >"$BATS_TEST_TMPDIR/en"
	run -0 bash -c 'actorsig --apply "$0" "$1" | jq -r ".uri_host + \" \" + .agent_type" | sort | uniq -c | sed "s/^ *//"' "$BATS_TEST_TMPDIR/en" "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	20 de.wikipedia.org user
	20 en.wikipedia.org automated
	EOF
}

@test "actorsig: a bad labels file is an error before any record" {
	req 2024-12-01T00:00:00Z >"$BATS_TEST_TMPDIR/in"
	printf '{"hour":"2024-12-01T00:00:00Z","label":"automated"}\n' >"$BATS_TEST_TMPDIR/labels"
	run -1 --separate-stderr actorsig --apply "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	assert_equal "$output" ""
	assert_equal "$stderr" "actorsig: $BATS_TEST_TMPDIR/labels:1: not an actorsig --metrics record"
	printf 'nope\n' >"$BATS_TEST_TMPDIR/labels"
	run -1 --separate-stderr actorsig --apply "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "actorsig: $BATS_TEST_TMPDIR/labels:1: not JSON: invalid literal at column 1"
	{
		printf '{"hour":"2024-12-01T00:00:00Z","actor_signature":"%s","label":"automated"}\n' 0123456789abcdef0123456789abcdef
		printf '{"hour":"2024-12-01T00:00:00Z","actor_signature_per_project_family":"%s","label":"user"}\n' 0123456789abcdef0123456789abcdef
	} >"$BATS_TEST_TMPDIR/labels"
	run -1 --separate-stderr actorsig --apply "$BATS_TEST_TMPDIR/labels" "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "actorsig: $BATS_TEST_TMPDIR/labels:2: labels of both levels in one file"
	run -1 --separate-stderr actorsig --apply "$BATS_TEST_TMPDIR/nope" "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "actorsig: $BATS_TEST_TMPDIR/nope: No such file or directory"
}

# ---- --shard ----

@test "actorsig: N shards of --metrics give the single run's lines; annotate shards partition" {
	"$TRAWL_TESTBIN/genwebreq" -u 60 -d 1 -w 2 >"$BATS_TEST_TMPDIR/in"
	actorsig --metrics "$BATS_TEST_TMPDIR/in" | sort >"$BATS_TEST_TMPDIR/one"
	for k in 1 2 3; do actorsig --metrics --shard $k/3 "$BATS_TEST_TMPDIR/in"; done | sort >"$BATS_TEST_TMPDIR/three"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/three"
	run -0 bash -c 'for k in 1 2 3; do actorsig --shard $k/3 "$0" | jq -r .actor_signature_per_project_family | sort -u | wc -l; done' "$BATS_TEST_TMPDIR/in"
	[ "$(paste -sd+ <<<"$output" | bc)" -eq "$(actorsig "$BATS_TEST_TMPDIR/in" | jq -r .actor_signature_per_project_family | sort -u | wc -l)" ]
	# Annotated shards hold every record once, null signatures included.
	{ echo '{"ip":"1.1.1.1"}'; cat "$BATS_TEST_TMPDIR/in"; } >"$BATS_TEST_TMPDIR/in2"
	for k in 1 2 3; do actorsig --shard $k/3 "$BATS_TEST_TMPDIR/in2"; done | sort >"$BATS_TEST_TMPDIR/three"
	actorsig "$BATS_TEST_TMPDIR/in2" | sort >"$BATS_TEST_TMPDIR/one"
	same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/three"
	# The shard is pingdedup's shard of the signature field.
	if command -v pingdedup >/dev/null; then
		actorsig "$BATS_TEST_TMPDIR/in" | pingdedup -k .actor_signature_per_project_family --shard 2/3 --keep first | jq -r .actor_signature_per_project_family >"$BATS_TEST_TMPDIR/p"
		actorsig --shard 2/3 "$BATS_TEST_TMPDIR/in" | pingdedup -k .actor_signature_per_project_family | jq -r .actor_signature_per_project_family >"$BATS_TEST_TMPDIR/a"
		same "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/a"
	fi
}

# ---- the case in miniature ----

@test "actorsig: the domain hopper is user per domain, automated per family; readers are unaffected" {
	"$TRAWL_TESTBIN/genwebreq" >"$BATS_TEST_TMPDIR/web"
	cd "$BATS_TEST_TMPDIR"
	actorsig --metrics --level domain web >dom
	actorsig --metrics web >fam
	hop=$(printf %s "203.0.113.10Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36en-SG,en;q=0.9wikipedia" | md5sum | cut -c1-32)
	# Per domain: 300 signatures, each with 5 requests in any 24 hours;
	# nothing is automated anywhere.
	run -0 jq -r .label dom
	refute_output --partial automated
	actorsig web | jq -r 'select(.ip == "203.0.113.10") | .actor_signature' | sort -u >hopsigs
	run -0 wc -l <hopsigs
	assert_output 300
	run -0 bash -c 'grep -F -f hopsigs dom | jq -r "\"\(.label) - \(.label_reason)\"" | sort | uniq -c | sed "s/^ *//"'
	assert_output --regexp '^[0-9]+ user - less than 10 req$'
	run -0 bash -c 'grep -F -f hopsigs dom | jq -s "map(.pageview_count) | max"'
	assert_output 5
	# Per family: the hopper alone is automated, from the hour its 24-hour
	# count passes 800 (hour 12: 813 requests, 57.6 s apart) to the end.
	run -0 bash -c 'jq -r "select(.label == \"automated\") | .actor_signature_per_project_family" fam | sort | uniq -c | sed "s/^ *//"'
	assert_output "36 $hop"
	run -0 bash -c 'jq -r "select(.actor_signature_per_project_family == \"$0\") | \"\(.hour) \(.pageview_count) \(.pageview_rate_per_min) \(.label) - \(.label_reason)\"" fam | sed -n "12,14p;\$p"' "$hop"
	expect <<-EOF
	2024-12-01T11:00:00Z 750 1 unclassified - unclassified
	2024-12-01T12:00:00Z 813 1 automated - more than 800 req
	2024-12-01T13:00:00Z 875 1 automated - more than 800 req
	2024-12-02T23:00:00Z 1500 1 automated - more than 800 req
	EOF
	# --active keeps the lines of actors with requests in the hour itself
	# (their last request is in it), and --apply gives the same answer
	# with them.
	actorsig --metrics --active web >active
	run -0 bash -c 'jq -c "select(.last_interaction_dt >= .hour)" fam | cmp - active'
	run -0 bash -c 'cmp <(actorsig --apply fam web) <(actorsig --apply active web)'
	# Readers are never automated, at either level.
	run -0 bash -c 'jq -r "select(.actor_signature_per_project_family != \"$0\") | .label" fam | sort -u' "$hop"
	assert_output user
}

@test "actorsig: distinct actors per country before and after the change (pingdedup --report-by)" {
	if ! command -v pingdedup >/dev/null; then
		skip "pingdedup is not in \$TRAWL_BIN ($TRAWL_BIN): the report half of the case needs it"
	fi
	"$TRAWL_TESTBIN/genwebreq" >"$BATS_TEST_TMPDIR/web"
	cd "$BATS_TEST_TMPDIR"
	actorsig --metrics --level domain web >dom
	actorsig --metrics web >fam
	for labels in dom fam; do
		actorsig --apply $labels --drop automated web |
		    pingdedup -k .actor_signature --report-by '"\(.dt[:10]) \(.country_code)"' |
		    jq -r '"\(.group) \(.distinct)"' >$labels.report
	done
	# Before (domain labels): the hopper's 300 domain signatures count as
	# 300 Singapore actors every day.  After (family labels): from its 13th
	# hour on it is automated, and on day 2 Singapore has its 10 readers.
	run -0 paste -d' ' dom.report fam.report
	expect <<-EOF
	2024-12-01 BR 34 2024-12-01 BR 34
	2024-12-01 DE 33 2024-12-01 DE 33
	2024-12-01 FR 33 2024-12-01 FR 33
	2024-12-01 GB 25 2024-12-01 GB 25
	2024-12-01 IN 32 2024-12-01 IN 32
	2024-12-01 JP 33 2024-12-01 JP 33
	2024-12-01 SG 325 2024-12-01 SG 325
	2024-12-01 US 25 2024-12-01 US 25
	2024-12-02 BR 15 2024-12-02 BR 15
	2024-12-02 DE 15 2024-12-02 DE 15
	2024-12-02 FR 11 2024-12-02 FR 11
	2024-12-02 GB 11 2024-12-02 GB 11
	2024-12-02 IN 22 2024-12-02 IN 22
	2024-12-02 JP 19 2024-12-02 JP 19
	2024-12-02 SG 310 2024-12-02 SG 10
	2024-12-02 US 10 2024-12-02 US 10
	EOF
}

# ---- bad input and usage ----

@test "actorsig: bad lines are warned with FILE:LINE and skipped, exit 1" {
	cat >"$BATS_TEST_TMPDIR/in" <<-EOF
	{"ip":1234,"user_agent":"x","accept_language":"en"}
	[1,2]
	null
	not json
	{"x_analytics":5}
	{"agent_type":true}
	{"ip":"1.1.1.1","user_agent":"x","accept_language":"en","uri_query":"?appInstallID"}
	{"ip":"1.1.1.1"}
	EOF
	run -1 --separate-stderr actorsig "$BATS_TEST_TMPDIR/in"
	assert_output '{"ip":"1.1.1.1","actor_signature":null,"actor_signature_per_project_family":null,"project_family":"-","agent_type":"spider"}'
	assert_equal "$stderr" "actorsig: $BATS_TEST_TMPDIR/in:1: ip is not a string
actorsig: $BATS_TEST_TMPDIR/in:2: Cannot index array with string \"ip\"
actorsig: $BATS_TEST_TMPDIR/in:3: not a JSON object
actorsig: $BATS_TEST_TMPDIR/in:4: not JSON: invalid numeric literal at column 1
actorsig: $BATS_TEST_TMPDIR/in:5: x_analytics is neither a string nor an object
actorsig: $BATS_TEST_TMPDIR/in:6: agent_type is not a string
actorsig: $BATS_TEST_TMPDIR/in:7: uri_query: appInstallID without a value (the refinery's signature fails here)
actorsig: 7 bad lines skipped"
	run -0 actorsig --bad=skip "$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr actorsig --bad=fail "$BATS_TEST_TMPDIR/in"
	assert_output ""
}

@test "actorsig: --missing drop leaves out records without a signature; pass (the default) writes them" {
	printf '%s\n' "{\"ip\":\"1.1.1.1\",\"user_agent\":\"$UA\",\"accept_language\":\"en\",\"uri_host\":\"en.wikipedia.org\"}" \
	    '{"ip":"1.1.1.1"}' >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig "$1" | jq -c .actor_signature_per_project_family' sh "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	"$(printf %s "1.1.1.1${UA}enwikipedia" | md5sum | cut -c1-32)"
	null
	EOF
	run -0 --separate-stderr actorsig --missing drop --stats "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == '{"ip":"1.1.1.1","user_agent":'* ]]
	[[ $stderr == '{"tool":"actorsig","read":2,"written":1,"bad":0,"missing":1,'* ]]
	run -2 --separate-stderr actorsig --metrics --missing drop "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: --missing chooses records to write; --metrics writes labels" ]
	run -2 --separate-stderr actorsig --missing keep "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: --missing: expected pass or drop: keep" ]
}

@test "actorsig: --metrics --output csv writes the labels as a table, --carry columns included" {
	n_reqs 12 $((T0 + 600)) 1 10.0.0.1 >"$BATS_TEST_TMPDIR/in"
	sig=$(printf %s "10.0.0.1${UA}enwikipedia" | md5sum | cut -c1-32)
	run -0 actorsig --metrics --epoch --carry .ip -o csv "$BATS_TEST_TMPDIR/in"
	expect <<-EOF
	"hour","actor_signature_per_project_family","is_pageview","is_redirect_to_pageview","first_interaction_dt","last_interaction_dt","pageview_count","pageview_rate_per_min","nocookies","user_agent_length","avg_distinct_pages_visited_count","rolled_up_hours","label","label_reason","ip"
	1733011200,"$sig",true,false,1733011800,1733011811,12,65,0,101,1,1,"automated","high request ratio","10.0.0.1"
	EOF
	run -2 --separate-stderr actorsig --output tsv "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: --output is for --metrics: annotated records are written as they are read, with members added" ]
}

@test "actorsig: --time-format reads dt in Apache's format; only where dt is read" {
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
		req "01/Dec/2024:01:10:$(printf %02d "$i") +0100"
	done >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig --metrics --time-format "%d/%b/%Y:%H:%M:%S %z" "$1" | jq -r "[.hour, .first_interaction_dt, .last_interaction_dt, .pageview_count] | @tsv"' sh "$BATS_TEST_TMPDIR/in"
	assert_output "$(printf '2024-12-01T00:00:00Z\t2024-12-01T00:10:00Z\t2024-12-01T00:10:11Z\t12')"
	run -1 --separate-stderr actorsig --metrics "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: $BATS_TEST_TMPDIR/in:1: bad dt \"01/Dec/2024:01:10:00 +0100\": not an RFC 3339 time" ]
	run -2 --separate-stderr actorsig --time-format '%s' "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: --time-unit and --time-format read --dt: they go with --metrics and --apply" ]
}

@test "actorsig: --time-format %f: the fraction places a request in its hour and is then dropped" {
	# actorsig keeps whole seconds, as the refinery does, so a fraction
	# can only change the answer at a second's edge: 01:59:59.9999999999
	# +0100 is still hour 00 (digits past the ninth are dropped, not
	# rounded up to 01:00), and its last interaction 00:59:59.
	for dt in '01/Dec/2024:01:59:59.9999999999 +0100' '01/Dec/2024:00:10:00.25 +0000' \
	    '01/Dec/2024:02:00:00.5 +0100'; do
		req "$dt"
	done >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c 'actorsig --metrics --time-format "%d/%b/%Y:%H:%M:%S.%f %z" "$1" | jq -r "[.hour, .first_interaction_dt, .last_interaction_dt, .pageview_count] | @tsv"' sh "$BATS_TEST_TMPDIR/in"
	expect <<'EOF'
2024-12-01T00:00:00Z	2024-12-01T00:10:00Z	2024-12-01T00:59:59Z	2
2024-12-01T01:00:00Z	2024-12-01T00:10:00Z	2024-12-01T01:00:00Z	3
EOF
}

@test "actorsig: usage errors exit 2" {
	run -2 --separate-stderr actorsig --metrics --apply x
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --apply and --drop work on records; --metrics writes labels: choose one"
	run -2 --separate-stderr actorsig --level domain
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --level goes with --metrics (--apply takes the level of its labels)"
	run -2 --separate-stderr actorsig --metrics --level country
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --level: expected domain or project-family: country"
	run -2 --separate-stderr actorsig --drop bots
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --drop: expected automated or spider: bots"
	run -2 --separate-stderr actorsig --active
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --active goes with --metrics"
	run -2 --separate-stderr actorsig --epoch
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --epoch goes with --metrics (the times it writes)"
	run -2 --separate-stderr actorsig --shard 4/3
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --shard: expected k/n with 1 <= k <= n: 4/3"
	run -2 --separate-stderr actorsig --ip '.['
	[[ $(head -n 1 <<<"$stderr") == "actorsig: --ip .[: "* ]]
	run -2 --separate-stderr actorsig -u hours
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --time-unit: expected s, ms, us or ns: hours"
	run -2 --separate-stderr actorsig --apply
	assert_equal "$(head -n 1 <<<"$stderr")" "actorsig: --apply: missing argument (LABELS)"
}

# ---- the man page's EXAMPLES ----

@test "actorsig: EXAMPLES: annotate, label, compare levels, drop and report" {
	"$TRAWL_TESTBIN/genwebreq" -u 40 -d 2 >"$BATS_TEST_TMPDIR/webrequest.ndjson"
	cd "$BATS_TEST_TMPDIR"
	run -0 bash -c "actorsig webrequest.ndjson | jq -c '{actor_signature_per_project_family, project_family, agent_type}' | sort | uniq -c | sort -rn | head -n 1 | sed 's/^ *//'"
	assert_output "3000 {\"actor_signature_per_project_family\":\"$(printf %s "203.0.113.10Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36en-SG,en;q=0.9wikipedia" | md5sum | cut -c1-32)\",\"project_family\":\"wikipedia\",\"agent_type\":\"user\"}"
	actorsig --metrics webrequest.ndjson >labels.ndjson
	run -0 bash -c 'jq -r .label_reason labels.ndjson | sort | uniq -c | sed "s/^ *//"'
	# (Cross-checked with an independent transcription of the refinery's
	# SQL in Python when this test was written.)
	expect <<-EOF
	295 less than 10 req
	988 low request ratio
	36 more than 800 req
	12 unclassified
	EOF
	run -0 bash -c 'for level in domain project-family; do
		actorsig --metrics --level $level webrequest.ndjson | jq -c '\''select(.label == "automated")'\'' | wc -l
	done'
	expect <<-EOF
	0
	36
	EOF
	if command -v pingdedup >/dev/null; then
		run -0 bash -c 'actorsig --apply labels.ndjson --drop automated webrequest.ndjson |
		    pingdedup -k .actor_signature --report-by .country_code | jq -c "[.group, .distinct]"'
		# 5 readers a country, some with English beside their own
		# language (two domain signatures); Singapore keeps the hopper's
		# 300 domain signatures of its first 12 hours.
		expect <<-EOF
		["BR",7]
		["DE",7]
		["FR",6]
		["GB",5]
		["IN",6]
		["JP",6]
		["SG",305]
		["US",5]
		EOF
	fi
	run -0 bash -c 'parallel actorsig --metrics --shard {}/4 webrequest.ndjson ::: 1 2 3 4 | sort > sharded.ndjson; sort labels.ndjson | cmp - sharded.ndjson'
}

# access_ndjson LOG.gz: the man page's conversion of an Apache combined
# log to the records actorsig wants (Input records).
access_ndjson() {
	zcat "$1" | jq -R -c 'capture("^(?<ip>[^ ]+) [^ ]+ [^ ]+ \\[(?<t>[^]]+)\\] \"(?<method>[A-Z]+) (?<uri_path>[^ ?\"]*)(?<uri_query>\\?[^ \"]*)?[^\"]*\" (?<status>[0-9]+) [^ ]+ \"(?<referer>[^\"]*)\" \"(?<user_agent>[^\"]*)\"$")
  | {ip, user_agent, dt: (.t | strptime("%d/%b/%Y:%H:%M:%S +0000") | todate),
     uri_host: "semicomplete.com", uri_path, uri_query: (.uri_query // ""),
     method, status: (.status | tonumber), referer}'
}

PAGEVIEW='.method == "GET" and .status == 200 and
      (.uri_path | test("(/|\\.html?|/[^./]*)$")) and
      (.uri_query | contains("flav=") | not)'

@test "actorsig: EXAMPLES: a plain access log: HTML pages are pageviews, images and feeds are not" {
	access_ndjson "$DATA/access-log-excerpt/apache_logs_head.log.gz" >"$BATS_TEST_TMPDIR/access.ndjson"
	cd "$BATS_TEST_TMPDIR"
	run -0 wc -l access.ndjson
	assert_output "300 access.ndjson"
	run -0 head -n 1 access.ndjson
	assert_output '{"ip":"83.149.9.216","user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36","dt":"2015-05-17T10:05:03Z","uri_host":"semicomplete.com","uri_path":"/presentations/logstash-monitorama-2013/images/kibana-search.png","uri_query":"","method":"GET","status":200,"referer":"http://semicomplete.com/presentations/logstash-monitorama-2013/"}'
	# The example as the man page runs it: no automated actor in these
	# 300 requests (two hours of one morning).
	run -0 bash -c "actorsig --metrics --lenient --carry .ip --carry .user_agent \
	    --is-pageview '$PAGEVIEW' access.ndjson |
	  jq -c 'select(.label == \"automated\") | {ip, label_reason, user_agent}' | sort -u"
	assert_output ''
	# A Chrome visitor reading one presentation: every image and script
	# was a "pageview" with .status == 200 (23 of them, over 10 a minute);
	# counting HTML pages, none (the page itself came before the excerpt),
	# so the visitor is not an actor of these hours at all.
	run -0 bash -c "actorsig --metrics --active --lenient --carry .ip --is-pageview '.status == 200' access.ndjson |
	    jq -r 'select(.ip == \"83.149.9.216\") | \"\(.pageview_count) \(.label) - \(.label_reason)\"'"
	assert_output '23 unclassified - unclassified'
	run -0 bash -c "actorsig --metrics --active --lenient --carry .ip --is-pageview '$PAGEVIEW' access.ndjson |
	    jq -r 'select(.ip == \"83.149.9.216\") | \"\(.pageview_count) \(.label) - \(.label_reason)\"'"
	assert_output ''
}

@test "actorsig: EXAMPLES: the whole Apache log (the shared copy; skipped where absent): 26 actors automated by .status == 200, one by HTML pages" {
	local log=$BATS_TEST_DIRNAME/../../shared/data/access-log-elastic-apache/apache_logs.gz
	[ -f "$log" ] || skip "no shared Apache log"
	access_ndjson "$log" >"$BATS_TEST_TMPDIR/access.ndjson"
	cd "$BATS_TEST_TMPDIR"
	run -0 bash -c "actorsig --metrics --lenient --is-pageview '.status == 200' access.ndjson |
	    jq -r 'select(.label == \"automated\") | .actor_signature_per_project_family' | sort -u | wc -l"
	assert_output 26
	run -0 bash -c "actorsig --metrics --lenient --carry .ip --carry .user_agent \
	    --is-pageview '$PAGEVIEW' access.ndjson |
	  jq -c 'select(.label == \"automated\") | {ip, label_reason, user_agent}' | sort -u"
	assert_output '{"ip":"208.115.113.88","label_reason":"high request ratio","user_agent":"Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)"}'
}

@test "actorsig: --metrics --carry writes the values of the actor's first request in the window" {
	{
		# One actor: its first request of the window is at 10:10 (not
		# the one read first), and of the two at 10:10 the one read
		# first; in the next hour the window still starts there.
		req 2024-01-01T10:20:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"v":"b","w":1'
		req 2024-01-01T10:10:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"v":"a","w":2.50'
		req 2024-01-01T10:10:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"v":"tie","w":3'
		req 2024-01-01T11:05:00Z 10.0.0.1 "$UA" en.wikipedia.org ',"v":"c"'
		# Another actor without the member: null.
		req 2024-01-01T11:06:00Z 10.0.0.2
	} >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c "actorsig --metrics --carry .v --carry weight=.w '$BATS_TEST_TMPDIR/in' | sed 's/.*\"label_reason\"//'"
	expect <<-'EOF'
	:"less than 10 req","v":"a","weight":2.50}
	:"less than 10 req","v":"a","weight":2.50}
	:"less than 10 req","v":null,"weight":null}
	EOF
	run -0 actorsig --metrics --carry .v "$BATS_TEST_TMPDIR/in"
	assert_line -n 0 --regexp '"label_reason":"less than 10 req","v":"a"}$'
	run -2 --separate-stderr actorsig --carry .v "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: --carry goes with --metrics (records pass through whole)" ]
	run -2 --separate-stderr actorsig --metrics --carry .label "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = 'actorsig: .label: the column name "label" is taken; use NAME=EXPR' ]
	run -2 --separate-stderr actorsig --metrics --carry '.a | length' "$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "actorsig: .a | length: name the column: NAME=EXPR" ]
}
