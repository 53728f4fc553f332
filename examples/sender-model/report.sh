#!/bin/sh
# report.sh OUT CUTOFF: the sender-model report in Markdown; every number
# is read from the results in OUT.
set -eu
out=$1
cutoff=$2

domains=$(jq -s 'map(.domain) | unique | length' "$out/feedback.ndjson")
cidrs=$(wc -l < "$out/feedback.ndjson")
modelips=$(wc -l < "$out/model.ndjson")
covered=$(jq -s 'map(select(.count > 0)) | length' "$out/cidrs.ndjson")
empty=$(jq -s 'map(select(.count == 0)) | length' "$out/cidrs.ndjson")
pairs=$(jq -s 'map(.count) | add' "$out/ip-scores.ndjson")
low=$(wc -l < "$out/investigate.ndjson")
orgs=$(wc -l < "$out/per-org.ndjson")
hoods=$(wc -l < "$out/neighbourhoods-asn.ndjson")

cat <<MD
# Sender-model authenticity against feedback CIDRs

Customers tell which networks send mail for their domains (feedback CIDRs);
the sender model scores each IP that sends for a domain. Where the two
disagree, either the feedback or the model is wrong. The notebook compared
them with a loop over every domain, feedback CIDR and model IP (netaddr);
here each step is one \`cidrscore\` run over a table built once (see
\`Makefile\`), on data from \`examples/gen/gensender.c\`.

$domains domains gave $cidrs feedback CIDRs; the model scores $modelips
domain-IP pairs. $covered CIDRs hold at least one of their domain's model
IPs ($pairs pairs in all); $empty hold none.

## Individual and CIDR-averaged scores

![Individual domain-IP auth scores](ip-scores.svg)

![CIDR-averaged auth scores](cidr-means.svg)

## Feedback CIDRs to investigate

$low CIDRs, of $orgs organisations, have a mean model score at or under
$cutoff.

| organisation | CIDRs |
|---|---|
$(jq -r '"| \(.value) | \(.count) |"' "$out/per-org.ndjson" | head -n 10)

The lowest ten:

| domain | CIDR | IPs | min | mean | max |
|---|---|---|---|---|---|
$(jq -s -r 'sort_by(.mean, .cidr) | .[:10][] | "| \(.domain) | \(.cidr) | \(.count) | \(.min) | \(.mean * 1000 | round / 1000) | \(.max) |"' "$out/investigate.ndjson")

## How much feedback

| CIDRs per domain | domains |
|---|---|
$(jq -s -r 'sort_by(.value)[] | "| \(.value) | \(.count) |"' "$out/cidrs-per-domain.ndjson")

| model IPs per CIDR | CIDRs |
|---|---|
$(jq -s -r 'sort_by(.value)[] | "| \(.value) | \(.count) |"' "$out/scores-per-cidr.ndjson")

## PTR neighbourhoods

Outside the networks a domain's owner declared, $hoods /24s have three or
more distinct addresses sending for that domain
(\`cidrscore --prefix-len 24 --scope .domain\`): candidates to add to the
feedback, or to look at (AS from the bundled ip-location-db excerpt; ? where no row of the excerpt covers the /24).

| domain | /24 | addresses | mean score | AS | organisation |
|---|---|---|---|---|---|
$(jq -r '"| \(.scope) | \(.cidr) | \(.distinct) | \(.mean * 1000 | round / 1000) | \(.asn // "?") | \(.org // "?") |"' "$out/neighbourhoods-asn.ndjson")
MD
