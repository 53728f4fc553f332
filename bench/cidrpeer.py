#!/usr/bin/env python3
"""cidrscore's Python peer: annotate NDJSON records with the attributes of
the narrowest range holding their .ip, as an analyst would write it with
the standard library (csv, ipaddress, bisect, json).

usage: cidrpeer.py TABLE.csv [FILE]   (headerless ip-location-db ASN layout)

One headerless start,end,asn,org CSV; an overlap is resolved as cidrscore
does (the narrowest row) by looking at the few rows that start before the
address.  ipaddress reads ::ffff:a.b.c.d as IPv6, unlike cidrscore.
"""
import bisect
import csv
import ipaddress
import json
import sys

rows = []
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for start, end, asn, org in csv.reader(f):
        rows.append((int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end)),
                     int(asn), org))
rows.sort()
starts = [r[0] for r in rows]
out = sys.stdout
src = open(sys.argv[2], encoding="utf-8") if len(sys.argv) > 2 else sys.stdin
for line in src:
    rec = json.loads(line)
    ip = rec.get("ip")
    if ip is not None:
        a = int(ipaddress.ip_address(ip))
        i = bisect.bisect_right(starts, a) - 1
        best = None
        # Nesting is rare: look at a few rows back for a narrower holder.
        for j in range(i, max(i - 4, -1), -1):
            lo, hi, asn, org = rows[j]
            if lo <= a <= hi and (best is None or hi - lo < best[1] - best[0]):
                best = rows[j]
        if best is not None:
            rec["asn"] = best[2]
            rec["org"] = best[3]
    out.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))
    out.write("\n")
