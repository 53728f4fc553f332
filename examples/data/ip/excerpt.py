#!/usr/bin/env python3
"""Cut the committed excerpts out of the full ip-location-db files.

usage: excerpt.py SRCDIR DESTDIR   (SRCDIR holds ip-location-db-asn/ and
ip-location-db-asn-country/ as in /work/shared/data)

Keeps, in the original order and byte for byte: the first 40 rows of each
file, every row holding one of the addresses below (the sender-model
notebook's IPs and a few well-known resolvers), the one overlapping pair of
the IPv4 ASN table, and rows with doubled quotes or non-ASCII text.
"""
import bisect
import csv
import ipaddress
import os
import sys

ADDRS = """
198.2.138.130 198.2.131.34 198.2.182.209 198.2.129.201 198.2.190.234
209.17.115.114 209.17.115.39 208.70.210.247 66.231.95.69 184.94.241.96
169.54.226.68 174.37.239.162 208.87.208.8 83.140.23.85 69.63.131.201
161.253.198.11 161.253.198.23 103.28.42.112 167.89.4.19 203.55.21.17
38.105.65.115 198.37.147.137 50.31.33.53 67.216.225.44 66.35.59.40
103.245.145.220 79.170.244.144 149.169.2.72 184.72.111.30 52.90.100.134
68.232.129.206 68.232.135.60 121.33.38.170 1.1.1.1 8.8.8.8 9.9.9.9
214.95.0.1 215.0.0.1 215.1.0.1
2001:4860:4860::8888 2606:4700:4700::1111 2620:fe::fe 2001:200::1
2a00:1450:4001:800::200e
""".split()


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            start, end = next(csv.reader([line]))[:2]
            yield (line, int(ipaddress.ip_address(start)),
                   int(ipaddress.ip_address(end)))


def cut(src, dest, version):
    want = [int(a) for a in map(ipaddress.ip_address, ADDRS) if a.version == version]
    all_rows = list(rows(src))
    keep = set(range(min(40, len(all_rows))))
    quoted = nonascii = 0
    for i, (line, lo, hi) in enumerate(all_rows):
        if any(lo <= a <= hi for a in want):
            keep.add(i)
        elif '""' in line and quoted < 3:
            keep.add(i)
            quoted += 1
        elif not line.isascii() and nonascii < 3:
            keep.add(i)
            nonascii += 1
    with open(dest, "w", encoding="utf-8", newline="") as f:
        for i in sorted(keep):
            f.write(all_rows[i][0])


src, dest = sys.argv[1], sys.argv[2]
for d, names in (("ip-location-db-asn", ("asn-ipv4.csv", "asn-ipv6.csv")),
                 ("ip-location-db-asn-country", ("asn-country-ipv4.csv", "asn-country-ipv6.csv"))):
    for n in names:
        cut(os.path.join(src, d, n), os.path.join(dest, n), 6 if "ipv6" in n else 4)
