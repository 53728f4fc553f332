#!/usr/bin/env bats
# lib/ts.c through its driver tests/t_ts.c.  Expected values were computed
# independently (python3 datetime and Decimal, date -u -d @...), not copied
# from the driver's output.

load helper

t_ts() { "$TRAWL_TESTBIN/t_ts" "$@"; }

@test "ts: epoch seconds, integers and fractions" {
	run -0 t_ts time 0 1489312800 1489312800.5 0.1 1.5e9 1.25E+3
	assert_output - <<-'EOF'
	"1970-01-01T00:00:00Z" 0
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00.5Z" 1489312800.5
	"1970-01-01T00:00:00.1Z" 0.1
	"2017-07-14T02:40:00Z" 1500000000
	"1970-01-01T00:20:50Z" 1250
	EOF
}

@test "ts: times before 1970" {
	run -0 t_ts time -1 -1.5 -86400 -2208988800
	assert_output - <<-'EOF'
	"1969-12-31T23:59:59Z" -1
	"1969-12-31T23:59:58.5Z" -1.5
	"1969-12-31T00:00:00Z" -86400
	"1900-01-01T00:00:00Z" -2208988800
	EOF
}

@test "ts: digits finer than a nanosecond are dropped toward the past" {
	run -0 t_ts time 1e-10 -1e-10 0.9999999999
	assert_output - <<-'EOF'
	"1970-01-01T00:00:00Z" 0
	"1969-12-31T23:59:59.999999999Z" -0.000000001
	"1970-01-01T00:00:00.999999999Z" 0.999999999
	EOF
}

@test "ts: --time-unit ms, us, ns" {
	run -0 t_ts time --unit ms 1489312800123 -1.5
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00.123Z" 1489312800.123
	"1969-12-31T23:59:59.9985Z" -0.0015
	EOF
	run -0 t_ts time --unit us 1489312800123456
	assert_output '"2017-03-12T10:00:00.123456Z" 1489312800.123456'
	run -0 t_ts time --unit s 1
	assert_output '"1970-01-01T00:00:01Z" 1'
}

@test "ts: Mozilla's nanosecond Timestamp above 2^53 is exact" {
	run -0 t_ts time --unit ns 1485817596984554752 1.5
	assert_output - <<-'EOF'
	"2017-01-30T23:06:36.984554752Z" 1485817596.984554752
	"1970-01-01T00:00:00.000000001Z" 0.000000001
	EOF
}

@test "ts: unit names" {
	run -2 t_ts time --unit sec 1
	run -2 t_ts time --unit MS 1
}

@test "ts: numbers at the ends of the range and beyond" {
	run -0 t_ts time 9223372036 -9223372036.854775808 9223372036.854775807
	assert_output - <<-'EOF'
	"2262-04-11T23:47:16Z" 9223372036
	"1677-09-21T00:12:43.145224192Z" -9223372036.854775808
	"2262-04-11T23:47:16.854775807Z" 9223372036.854775807
	EOF
	run -1 t_ts time 9223372037 9223372036.854775808 -9223372036.8547758081 1e300 -1e300 1485817596984554752
	assert_output - <<-'EOF'
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	EOF
	run -0 t_ts time 1e-300 0e999999999999
	assert_output - <<-'EOF'
	"1970-01-01T00:00:00Z" 0
	"1970-01-01T00:00:00Z" 0
	EOF
}

@test "ts: values that are not numbers or strings are errors" {
	run -1 t_ts time null true false '[1]' '{"t":1}'
	assert_output - <<-'EOF'
	error: time is not a number or a string
	error: time is not a number or a string
	error: time is not a number or a string
	error: time is not a number or a string
	error: time is not a number or a string
	EOF
}

@test "ts: RFC 3339 with Z, z, lower-case t, a space, no offset" {
	run -0 t_ts time '"2017-03-12T10:00:00Z"' '"2017-03-12t10:00:00z"' \
	    '"2017-03-12 10:00:00Z"' '"2017-03-12T10:00:00"' '"2017-03-12T10:00Z"'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	EOF
}

@test "ts: offsets +hh:mm, -hhmm, +hh, and across midnight" {
	run -0 t_ts time '"2017-03-12T10:00:00+05:30"' '"2017-03-12T10:00:00-0800"' \
	    '"2017-03-12T10:00:00+02"' '"2017-03-12T01:00:00+05:30"' '"2017-03-12T10:00:00-00:00"'
	assert_output - <<-'EOF'
	"2017-03-12T04:30:00Z" 1489293000
	"2017-03-12T18:00:00Z" 1489341600
	"2017-03-12T08:00:00Z" 1489305600
	"2017-03-11T19:30:00Z" 1489260600
	"2017-03-12T10:00:00Z" 1489312800
	EOF
	run -1 t_ts time '"2017-03-12T10:00:00+24:00"' '"2017-03-12T10:00:00+05:60"' \
	    '"2017-03-12T10:00:00+5"' '"2017-03-12T10:00:00+05:3"' '"2017-03-12T10:00:00+05:30:00"'
	assert_output - <<-'EOF'
	error: no such time of day
	error: no such time of day
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	EOF
}

@test "ts: fractions of 1 to 9 digits, more digits dropped" {
	run -0 t_ts time '"2017-03-12T10:00:00.1Z"' '"2017-03-12T10:00:00.120Z"' \
	    '"2017-03-12T10:00:00.123456789Z"' '"2017-03-12T10:00:00.000000001Z"' \
	    '"2017-03-12T10:00:00.9999999999Z"' '"2017-01-30T23:06:36.984554752123+00:00"' \
	    '"1969-12-31T23:59:59.5Z"' '"2017-03-12T10:00:00.000Z"'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00.1Z" 1489312800.1
	"2017-03-12T10:00:00.12Z" 1489312800.12
	"2017-03-12T10:00:00.123456789Z" 1489312800.123456789
	"2017-03-12T10:00:00.000000001Z" 1489312800.000000001
	"2017-03-12T10:00:00.999999999Z" 1489312800.999999999
	"2017-01-30T23:06:36.984554752Z" 1485817596.984554752
	"1969-12-31T23:59:59.5Z" -0.5
	"2017-03-12T10:00:00Z" 1489312800
	EOF
}

@test "ts: a date alone and YYYYMMDD are midnight UTC" {
	run -0 t_ts time '"2017-03-12"' '"20170130"' '"1900-03-01"'
	assert_output - <<-'EOF'
	"2017-03-12T00:00:00Z" 1489276800
	"2017-01-30T00:00:00Z" 1485734400
	"1900-03-01T00:00:00Z" -2203891200
	EOF
}

@test "ts: leap years and dates that do not exist" {
	run -0 t_ts time '"2016-02-29"' '"2000-02-29"' '"20160229"'
	assert_output - <<-'EOF'
	"2016-02-29T00:00:00Z" 1456704000
	"2000-02-29T00:00:00Z" 951782400
	"2016-02-29T00:00:00Z" 1456704000
	EOF
	run -1 t_ts time '"2017-02-29"' '"1900-02-29"' '"2017-13-01"' '"2017-00-10"' \
	    '"2017-04-31"' '"2017-03-00"' '"20171301"' '"20170229"'
	assert_output - <<-'EOF'
	error: no such date
	error: no such date
	error: no such date
	error: no such date
	error: no such date
	error: no such date
	error: no such date
	error: no such date
	EOF
}

@test "ts: times of day that do not exist; a leap second is the next second" {
	run -1 t_ts time '"2017-03-12T24:00:00Z"' '"2017-03-12T10:60:00Z"' '"2017-03-12T10:00:61Z"'
	assert_output - <<-'EOF'
	error: no such time of day
	error: no such time of day
	error: no such time of day
	EOF
	run -0 t_ts time '"2016-12-31T23:59:60Z"'
	assert_output '"2017-01-01T00:00:00Z" 1483228800'
}

@test "ts: years outside the range are errors" {
	run -0 t_ts time '"1677-09-21T00:12:43.145224192Z"' '"2262-04-11T23:47:16.854775807Z"'
	assert_output - <<-'EOF'
	"1677-09-21T00:12:43.145224192Z" -9223372036.854775808
	"2262-04-11T23:47:16.854775807Z" 9223372036.854775807
	EOF
	run -1 t_ts time '"1677-09-21T00:12:43.145224191Z"' '"2262-04-11T23:47:16.854775808Z"' \
	    '"0001-01-01"' '"9999-12-31T23:59:59Z"' '"1600-01-01"' '"2300-01-01"'
	assert_output - <<-'EOF'
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	EOF
}

@test "ts: malformed, truncated and garbage-trailed strings are errors" {
	run -1 t_ts time '""' '"yesterday"' '"2017-03-12T10:00:00Zx"' '"2017-03-12x"' \
	    '" 2017-03-12"' '"2017-03-12 "' '"2017-03-12T"' '"2017-03-12T10"' \
	    '"2017-03-12T10:00:00.Z"' '"2017-03-12T10:00:00,5Z"' '"2017-3-12"' \
	    '"17-03-12"' '"1485817596"' '"201701300"' '"2017013"' '"2017-03-12Z"' \
	    '"2017-03-12T10:00:00\n"'
	assert_output - <<-'EOF'
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	EOF
}

@test "ts: a JSON string with escapes is read by its content" {
	run -1 t_ts time '"2017\u002d03-12T10:00:00Z"' '"2017\u002D03-12"' \
	    '"2017-03-12T10:00:00\/"' '"2017-03-12\u00e9"' '"2017-03-12\t"'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T00:00:00Z" 1489276800
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	error: not an RFC 3339 time
	EOF
}

@test "ts: results do not depend on TZ" {
	run -0 env TZ=Pacific/Chatham "$TRAWL_TESTBIN/t_ts" time '"2017-03-12T10:00:00"' 1489312800
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	EOF
}

@test "dur: seconds, units and sums" {
	run -0 t_ts dur 300 300s 5m 1h30m 1d 1w 250ms 1.5s 0 0s 1h1h 100us 5ns 1.5h 0.0000000001m 90m 2562047h
	assert_output - <<-'EOF'
	300
	300
	300
	5400
	86400
	604800
	0.25
	1.5
	0
	0
	7200
	0.0001
	0.000000005
	5400
	0.000000006
	5400
	9223369200
	EOF
}

@test "dur: negative, unknown units, spaces, empty and overflow are errors" {
	run -1 t_ts dur -5m 5x 5M '' '1h 30m' 1h30 1. .5s s 1hr 2562048h 99999999999999999999s
	assert_output - <<-'EOF'
	error: negative duration
	error: unknown duration unit (ns, us, ms, s, m, h, d, w)
	error: unknown duration unit (ns, us, ms, s, m, h, d, w)
	error: empty duration
	error: a duration has no spaces (1h30m, not 1h 30m)
	error: duration term without a unit (ns, us, ms, s, m, h, d, w)
	error: not a duration (e.g. 300, 90s, 5m, 1h30m, 1d)
	error: not a duration (e.g. 300, 90s, 5m, 1h30m, 1d)
	error: not a duration (e.g. 300, 90s, 5m, 1h30m, 1d)
	error: unknown duration unit (ns, us, ms, s, m, h, d, w)
	error: duration too long
	error: duration too long
	EOF
}

@test "floor: buckets before the epoch and before the origin" {
	run -0 t_ts floor -1.5 1s 0
	assert_output '"1969-12-31T23:59:58Z"'
	run -0 t_ts floor -1 1d 0
	assert_output '"1969-12-31T00:00:00Z"'
	run -0 t_ts floor -3600 1h 0
	assert_output '"1969-12-31T23:00:00Z"'
	run -0 t_ts floor 0 1h '"1970-01-01T00:30:00Z"'
	assert_output '"1969-12-31T23:30:00Z"'
	run -0 t_ts floor '"2017-03-12T10:07:00Z"' 5m '"1970-01-01T00:01:00Z"'
	assert_output '"2017-03-12T10:06:00Z"'
	run -0 t_ts floor '"2017-03-12T10:05:00Z"' 5m 0
	assert_output '"2017-03-12T10:05:00Z"'
	run -0 t_ts floor '"2017-03-12T23:59:59.999Z"' 1d '"2017-03-12T06:00:00Z"'
	assert_output '"2017-03-12T06:00:00Z"'
}

@test "floor: width 0 is the time itself; the earliest bucket is clamped" {
	run -0 t_ts floor 1.25 0 0
	assert_output '"1970-01-01T00:00:01.25Z"'
	run -0 t_ts floor -9223372036.854775808 1d 0
	assert_output '"1677-09-21T00:12:43.145224192Z"'
	run -0 t_ts floor 9223372036.854775807 1d 0
	assert_output '"2262-04-11T00:00:00Z"'
}
