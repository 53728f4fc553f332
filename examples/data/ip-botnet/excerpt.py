#!/usr/bin/env python3
"""The cut behind this directory's tables (run: excerpt.py SHARED_DATA_DIR OUTDIR).

From ip-location-db's asn-ipv4.csv: the first four rows of each of ten
access-network ASes where P2P bots live.  From asn-country-ipv4.csv: every
row that overlaps one of those ranges.  Lines are copied byte for byte, in
the original order.
"""
import ipaddress
import sys

ASNS = ["4134", "4837", "4766", "9829", "7922", "3320", "12322", "18881", "8452", "45899"]
PER_AS = 4

src, out = sys.argv[1], sys.argv[2]
taken, ranges = {a: 0 for a in ASNS}, []
with open(f"{src}/ip-location-db-asn/asn-ipv4.csv", "rb") as f, open(f"{out}/asn-ipv4.csv", "wb") as w:
    for line in f:
        fields = line.split(b",", 3)
        asn = fields[2].decode()
        if asn in taken and taken[asn] < PER_AS:
            taken[asn] += 1
            w.write(line)
            ranges.append((int(ipaddress.ip_address(fields[0].decode())), int(ipaddress.ip_address(fields[1].decode()))))
with open(f"{src}/ip-location-db-asn-country/asn-country-ipv4.csv", "rb") as f, open(f"{out}/asn-country-ipv4.csv", "wb") as w:
    for line in f:
        fields = line.split(b",")
        lo, hi = (int(ipaddress.ip_address(x.decode())) for x in fields[:2])
        if any(lo <= b and a <= hi for a, b in ranges):
            w.write(line)
