#!/bin/sh
# report.sh OUT PINGS...: what pingdedup found in the bundled real pings,
# in Markdown; every number comes from the results in OUT.
set -eu
out=$1
shift
records=$(cat "$@" | grep -c .)
files=$#
ids=$(wc -l < "$out/ids.ndjson")
missing=$(jq -r .missing "$out/stats.json")
first=$(wc -l < "$out/first.ndjson")
unique=$(wc -l < "$out/unique.ndjson")
repeats=$(wc -l < "$out/repeats.ndjson")
docids=$(wc -l < "$out/docids.ndjson")
same=$(jq -s 'map(select(.key == true) | .count) | add // 0' "$out/docid-match.ndjson")

cat <<MD
# Duplicates in the real Mozilla pings

The $records records of the $files files in \`examples/data/pings\` are real
telemetry documents from Mozilla's public repositories (MPL-2.0): two
Nightly 54 main pings as the 2017 pipeline delivered them, full and cut-down
main pings of the pipeline's schema tests, and other document types.

- $ids distinct ids (\`pingdedup --count\`); $missing records have no \`.id\`
  and are passed through by every rule, and counted.
- \`--keep first\` writes $first records, \`--keep unique\` $unique,
  \`--keep repeats\` $repeats.
- $docids records carry a server-side \`meta.documentId\` (the Heka-era
  envelope); in $same of them it equals the ping's own \`id\`.

## Ids sent more than once

| id | records |
|---|---|
$(jq -r '"| \(.key) | \(.count) |"' "$out/repeated-ids.ndjson")

## Per document type

| type | records | distinct ids | first seen |
|---|---|---|---|
$(jq -r '"| \(.group) | \(.records) | \(.distinct) | \(.first_seen) |"' "$out/by-type.ndjson")
MD
