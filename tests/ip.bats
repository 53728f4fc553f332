#!/usr/bin/env bats
# lib/ip.c through its driver tests/t_ip.c.  Expected forms follow RFC 4291
# (text accepted) and RFC 5952 (text written: lower case, no leading zeros,
# the longest run of two or more zero groups as "::", the first of equal
# runs); they were checked against Python's ipaddress, not the driver,
# except where trawl differs on purpose: an IPv4-mapped address is written
# as the IPv4 address it is, and zone indexes are refused.

load helper

t_ip() { "$TRAWL_TESTBIN/t_ip" "$@"; }

@test "ip: IPv4 dotted quads, and what is refused" {
	run -0 t_ip addr 0.0.0.0 255.255.255.255 1.2.3.4 10.0.0.1 \
	    256.0.0.1 1.2.3 1.2.3.4.5 01.2.3.4 1.2.3.04 1..2.3 '' ' 1.2.3.4' 1.2.3.4/8 1e2.0.0.0
	assert_output - <<-'EOF'
	0.0.0.0
	255.255.255.255
	1.2.3.4
	10.0.0.1
	invalid
	invalid
	invalid
	invalid
	invalid
	invalid
	invalid
	invalid
	invalid
	invalid
	EOF
}

@test "ip: IPv6 text forms are read and written in RFC 5952 form" {
	run -0 t_ip addr :: ::1 1:: 2001:DB8:0:0:0:0:0:1 2001:db8::1 \
	    2001:0db8:0000:0000:0001:0000:0000:0001 2001:db8:0:1:1:1:1:1 \
	    1:0:0:2:0:0:0:3 fe80::1:2:3:4 1:2:3:4:5:6:7:: ::2:3:4:5:6:7:8 \
	    ::ffff:1.2.3.4 ::FFFF:0102:0304 ::1.2.3.4 64:ff9b::192.0.2.33
	assert_output - <<-'EOF'
	::
	::1
	1::
	2001:db8::1
	2001:db8::1
	2001:db8::1:0:0:1
	2001:db8:0:1:1:1:1:1
	1:0:0:2::3
	fe80::1:2:3:4
	1:2:3:4:5:6:7:0
	0:2:3:4:5:6:7:8
	1.2.3.4
	1.2.3.4
	::102:304
	64:ff9b::c000:221
	EOF
}

@test "ip: malformed IPv6 is refused, zones included" {
	run -0 t_ip addr ::: 1:::2 1::2::3 :1::2 1::2: 1:2:3:4:5:6:7:8:9 12345:: \
	    1:2:3:4:5:6:7 fe80::1%eth0 '[::1]' g:: ::1.2.3 1:2:3:4:5:6:7:1.2.3.4 ::1.2.3.4:5
	[ "$(printf '%s\n' "$output" | sort -u)" = invalid ]
	[ "${#lines[@]}" -eq 14 ]
}

@test "ip: prefixes are masked and their ends computed, lengths per family" {
	run -0 t_ip prefix 10.1.2.3/8 1.2.3.4 0.0.0.0/0 192.168.1.255/31 2001:db8::1/32 \
	    ::ffff:10.1.2.3/104 ::/0 ::1/128 1.2.3.4/33 ::/129 1.2.3.4/ 1.2.3.4/08 1.2.3.4/-1
	assert_output - <<-'EOF'
	10.0.0.0/8 10.0.0.0-10.255.255.255
	1.2.3.4/32 1.2.3.4-1.2.3.4
	0.0.0.0/0 0.0.0.0-255.255.255.255
	192.168.1.254/31 192.168.1.254-192.168.1.255
	2001:db8::/32 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
	10.0.0.0/8 10.0.0.0-10.255.255.255
	::/0 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
	::1/128 ::1-::1
	invalid
	invalid
	invalid
	invalid
	invalid
	EOF
}

@test "ip: a range is one prefix only when it is aligned and a power of two long" {
	run -0 t_ip range 1.0.0.0 1.0.0.255 1.0.4.0 1.0.7.255 1.0.0.1 1.0.1.0 \
	    2001:200:: 2001:200:1b9:ffff:ffff:ffff:ffff:ffff :: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
	assert_output - <<-'EOF'
	1.0.0.0/24
	1.0.4.0/22
	none
	none
	::/0
	EOF
}
