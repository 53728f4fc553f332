#!/bin/sh
# report.sh OUT: the project-family automata report in Markdown; every
# number is read from the results in OUT.
set -eu
out=$1

requests=$(gzip -dc "$out/webrequest.ndjson.gz" | wc -l)
last=$(jq -rs 'map(.group[0]) | max' "$out/actors-domain.ndjson")
pick() { # pick FILE COUNTRY FIELD: a number of the last day
	jq -r --arg d "$last" --arg c "$2" 'select(.group == [$d, $c]) | .'"$3" "$1"
}
sg_dom=$(pick "$out/actors-domain.ndjson" SG distinct)
sg_fam=$(pick "$out/actors-project-family.ndjson" SG distinct)
sg_req_dom=$(pick "$out/actors-domain.ndjson" SG records)
sg_req_fam=$(pick "$out/actors-project-family.ndjson" SG records)
auto_dom=$(jq -s 'map(select(.label == "automated")) | length' "$out/labels-domain.ndjson")
auto_fam=$(jq -s 'map(select(.label == "automated")) | length' "$out/labels-project-family.ndjson")
others_changed=$(jq -rs --slurpfile f "$out/actors-project-family.ndjson" \
	'($f | map({(.group | tostring): .distinct}) | add) as $m
	 | map(select(.group[1] != "SG" and $m[.group | tostring] != .distinct)) | length' "$out/actors-domain.ndjson")

cat <<MD
# Automated traffic per project family

In 2024 Wikimedia saw unique devices from Singapore grow about 1800 %. Much
of it came from actors that **switch domain on every request**: each
Wikipedia language gives a new per-domain actor signature, so no signature
ever crosses the automata thresholds (800 requests in 24 hours, request
rates, page-title variety), and every one counts as a device. In December
2024 the refinery moved the labels to the **project-family** signature.
\`actorsig\` computes both exactly as the refinery does; two runs measure the
change (see \`Makefile\`). Data: $requests webrequests over three days from
\`tests/genwebreq.c\`: ordinary readers in eight countries and four domain
hoppers in Singapore, each reading about 5 pages a day on each of 300
Wikipedia languages.

## Labels

Hour-actor labels that came out \`automated\`: $auto_dom at the domain level,
$auto_fam at the project-family level.

| label - reason (domain level) | hour-actors |
|---|---|
$(jq -r '"| \(.value) | \(.count) |"' "$out/reasons-domain.ndjson")

| label - reason (project-family level) | hour-actors |
|---|---|
$(jq -r '"| \(.value) | \(.count) |"' "$out/reasons-project-family.ndjson")

## Unique devices

Distinct per-domain actor signatures per country and day, after dropping the
requests of actors labelled automated (the pageview_actor join), at each
level. On $last, once the 24-hour window has filled, Singapore counts
$sg_dom actors with domain-level labels and $sg_fam with family-level
labels; its requests go from $sg_req_dom to $sg_req_fam. Countries other than
Singapore whose count changes on any day: $others_changed.

| day | country | actors, domain labels | actors, family labels | requests, domain labels | requests, family labels |
|---|---|---|---|---|---|
$(jq -rs --slurpfile f "$out/actors-project-family.ndjson" \
	'($f | map({(.group | tostring): .}) | add) as $m
	 | .[] | $m[.group | tostring] as $g
	 | "| \(.group[0]) | \(.group[1]) | \(.distinct) | \($g.distinct // 0) | \(.records) | \($g.records // 0) |"' \
	"$out/actors-domain.ndjson")

![Requests per hour by project-family label](hourly.svg)

The hoppers' requests turn \`automated\` once their 24-hour count passes
800 requests, and stay so; ordinary readers are untouched.
MD
