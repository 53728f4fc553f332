#!/bin/sh
# report.sh OUT: the botnet churn report in Markdown; every number is read
# from the results in OUT.
set -eu
out=$1

sightings=$(gzip -dc "$out/annotated.ndjson.gz" | wc -l)
bots=$(jq -s 'map(.key) | unique | length' "$out/sessions-bot.ndjson")
addrs=$(jq -s 'map(.key) | unique | length' "$out/sessions-ip.ndjson")
ip_sessions=$(wc -l < "$out/sessions-ip.ndjson")
bot_sessions=$(wc -l < "$out/sessions-bot.ndjson")
nat=$(jq -s 'map(select(.bots > 1)) | length' "$out/sessions-addr.ndjson")
nat_ips=$(jq -s 'map(select(.bots > 1) | .key) | unique | length' "$out/sessions-addr.ndjson")
rotating=$(jq -s 'map(select(.addresses > 1)) | length' "$out/sessions-bot.ndjson")
rot_as=$(jq -rs 'map(select(.addresses > 1) | .asn) | group_by(.) | map("AS\(.[0]) (\(length))") | join(", ")' "$out/sessions-bot.ndjson")
cn_med=$(jq -r 'select(.by == "CN") | .p50' "$out/length-summary.ndjson")
de_med=$(jq -r 'select(.by == "DE") | .p50' "$out/length-summary.ndjson")

cat <<MD
# Churn in a P2P botnet

A crawler polls every known peer of a botnet each 5 minutes. A **session**
is a run of 5-minute buckets in which a peer answered; more than 15 minutes
of silence closes it. Sessions are kept per IP:port and per bot id; where the
two disagree, several peers share an address (NAT) or one peer moves between
addresses. The original scheduler queried a database once per time frame
and lost or duplicated sessions when it restarted; here the whole capture
is one streaming pass (\`sessionize\`, resumable with \`--state\`), annotated
with AS and country by \`cidrscore\` and reduced by \`maxcount\` (see
\`Makefile\`). Data: $sightings sightings of $bots bots at $addrs IP:port
addresses over 5 days, from \`examples/gen/genbotnet.c\`, in real address
ranges of ten access networks.

## Sessions

$ip_sessions sessions per IP:port, $bot_sessions per bot id.

- **NAT:** $nat address sessions saw more than one bot id, at $nat_ips
  addresses.
- **Address rotation:** $rotating bot sessions used more than one IP:port:
  $rot_as.

## China: many short sessions

The median IP:port session lasts $cn_med minutes in China against $de_med in
Germany: between 10:00 and 16:00 UTC, peers in Chinese networks drop off
for 20 to 40 minutes again and again, which turns one long session into many
short ones.

![Session length in China and elsewhere](length.svg)

![Session starts by hour of day](starts.svg)

| country | sessions | median min | p90 min | max min |
|---|---|---|---|---|
$(jq -r '"| \(.by) | \(.count) | \(.p50) | \(.p90 | . * 10 | round / 10) | \(.max) |"' "$out/length-summary.ndjson")

## Where the botnet lives: most concurrent sessions

The max-count aggregation: the largest number of IP:port sessions active at
one instant, per autonomous system and day (month-day columns).

![Most concurrent sessions per AS and day](max-asn-day.svg)

$(jq -rs '
	(map(.period[5:10]) | unique) as $days
	| "| AS | organisation | " + ($days | join(" | ")) + " |",
	  "|---|---|" + ($days | map("---|") | join("")),
	  (group_by(.group)[] | (map({(.period[5:10]): .max}) | add) as $m
	   | "| \(.[0].group) | \(.[0].org // "") | " + ($days | map($m[.] // 0 | tostring) | join(" | ")) + " |")
	' "$out/max-asn-day-org.ndjson")

Over the whole capture, per country, counting IP:port sessions and bot id
sessions:

| country | max IP:port sessions | at | max bot sessions |
|---|---|---|---|
$(jq -rs --slurpfile b "$out/max-bot-country.ndjson" '($b | map({(.group): .max}) | add) as $m | .[] | "| \(.group) | \(.max) | \(.at) | \($m[.group]) |"' "$out/max-country.ndjson")
MD
