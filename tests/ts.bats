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

# Expected values below from python3: datetime.fromisoformat(...).timestamp().

@test "format: Apache's %d/%b/%Y:%H:%M:%S %z, offsets applied" {
	run -0 t_ts format '%d/%b/%Y:%H:%M:%S %z' '17/May/2015:10:05:03 +0000' \
	    '17/may/2015:10:05:03 -0700' '7/MAY/2015:10:05:03 +05:30' '17/May/2015:10:05:03 Z'
	assert_output - <<-'EOF'
	"2015-05-17T10:05:03Z" 1431857103
	"2015-05-17T17:05:03Z" 1431882303
	"2015-05-07T04:35:03Z" 1430973303
	"2015-05-17T10:05:03Z" 1431857103
	EOF
}

@test "format: syslog's %b %e %H:%M:%S has no year and is in 1970" {
	run -0 t_ts format '%b %e %H:%M:%S' 'May 17 10:05:03' 'May  5 10:05:03' 'Dec 31 23:59:59'
	assert_output - <<-'EOF'
	"1970-05-17T10:05:03Z" 11786703
	"1970-05-05T10:05:03Z" 10749903
	"1970-12-31T23:59:59Z" 31535999
	EOF
	run -1 t_ts format '%b %e %H:%M:%S' 'Feb 29 00:00:00'
	assert_output 'error: no such date (the time format has no year: 1970 is taken)'
	# The year can come from the expression: "2016 " + .time.
	run -0 t_ts format '%Y %b %e %H:%M:%S' '2016 Feb 29 00:00:00'
	assert_output '"2016-02-29T00:00:00Z" 1456704000'
}

@test "format: fractions with %f to the nanosecond, finer digits dropped" {
	run -0 t_ts format '%Y-%m-%dT%H:%M:%S.%f%z' '2017-03-12T10:00:00.123456789123Z' \
	    '2017-03-12T10:00:00.5+01:00' '2017-03-12T10:00:00.000001-0000'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00.123456789Z" 1489312800.123456789
	"2017-03-12T09:00:00.5Z" 1489309200.5
	"2017-03-12T10:00:00.000001Z" 1489312800.000001
	EOF
}

@test "format: %s epoch seconds, with %f, before 1970 too" {
	run -0 t_ts format '%s' 1489312800 -86400
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"1969-12-31T00:00:00Z" -86400
	EOF
	run -0 t_ts format '%s.%f' 1489312800.5 -1.5 -0.25
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00.5Z" 1489312800.5
	"1969-12-31T23:59:58.5Z" -1.5
	"1969-12-31T23:59:59.75Z" -0.25
	EOF
	run -1 t_ts format '%s' 99999999999999999999 9223372037
	assert_output - <<-'EOF'
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	EOF
}

@test "format: %I and %p, %j, %y, names of months and weekdays, %Z, %T %F %D %c" {
	run -0 t_ts format '%I:%M %p %F' '12:30 AM 2017-03-12' '12:30 pm 2017-03-12' '1:00 PM 2017-03-12'
	assert_output - <<-'EOF'
	"2017-03-12T00:30:00Z" 1489278600
	"2017-03-12T12:30:00Z" 1489321800
	"2017-03-12T13:00:00Z" 1489323600
	EOF
	run -0 t_ts format '%Y %j' '2016 366' '2017 60' '2017 001'
	assert_output - <<-'EOF'
	"2016-12-31T00:00:00Z" 1483142400
	"2017-03-01T00:00:00Z" 1488326400
	"2017-01-01T00:00:00Z" 1483228800
	EOF
	run -0 t_ts format '%D %T' '03/12/17 10:00:00' '03/12/69 10:00:00' '03/12/68 10:00:00'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"1969-03-12T10:00:00Z" -25452000
	"2068-03-12T10:00:00Z" 3098772000
	EOF
	run -0 t_ts format '%a, %d %B %Y %T %Z' 'Sun, 12 March 2017 10:00:00 GMT' \
	    'sunday, 12 mar 2017 10:00:00 UTC' 'Mon, 12 Mar 2017 10:00:00 z'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	EOF
	run -0 t_ts format '%c' 'Sun Mar 12 10:00:00 2017'
	assert_output '"2017-03-12T10:00:00Z" 1489312800'
}

@test "format: white space matches any white space or none; the whole text must match" {
	run -0 t_ts format '%Y-%m-%d %H:%M' '2017-03-12 10:00' '2017-03-1210:00' $'2017-03-12\t 10:00'
	assert_output - <<-'EOF'
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	"2017-03-12T10:00:00Z" 1489312800
	EOF
	run -1 t_ts format '%Y-%m-%d' '2017-03-12x' '2017/03/12' ' 2017-03-12x' ''
	assert_output - <<-'EOF'
	error: does not match the time format (text after its end)
	error: does not match the time format at "-"
	error: does not match the time format (text after its end)
	error: does not match the time format at %Y (a year)
	EOF
}

@test "format: texts that do not match say where; dates and times that do not exist" {
	run -1 t_ts format '%d/%b/%Y:%H:%M:%S %z' '17/Mai/2015:10:05:03 +0000' \
	    '17/May/2015:10:05:03' '17/May/2015:10:05:03 +05:60' '31/Apr/2015:10:05:03 +0000' \
	    '17/May/2015:24:05:03 +0000' '17/May/2015:10:05:61 +0000' 'xx/May/2015:10:05:03 +0000'
	assert_output - <<-'EOF'
	error: does not match the time format at %b (a month name)
	error: does not match the time format at %z (an offset: Z, +hh, +hhmm, +hh:mm)
	error: no such time of day
	error: no such date
	error: no such time of day
	error: no such time of day
	error: does not match the time format at %d (a day of the month)
	EOF
	run -1 t_ts format '%Y %m %d %Z %p %I' '2017 13 01 UTC AM 1' '2017 02 29 UTC AM 1' \
	    '2017 01 01 PST AM 1' '2017 01 01 UTC XM 1' '2017 01 01 UTC AM 13' '2017 01 01 UTC AM 0'
	assert_output - <<-'EOF'
	error: no such date
	error: no such date
	error: does not match the time format at %Z (UTC, GMT, UT or Z)
	error: does not match the time format at %p (AM or PM)
	error: no such time of day
	error: no such time of day
	EOF
	run -1 t_ts format '%Y' '1600' '2263'
	assert_output - <<-'EOF'
	error: time out of range (1677-09-21 to 2262-04-11)
	error: time out of range (1677-09-21 to 2262-04-11)
	EOF
}

@test "format: formats that are not formats are refused, exit 2" {
	for f in '%Q' '%U' '%Y %Y' '%s %Y' '%p %H' '' '%' '%j %m' '%Ey'; do
		run -2 t_ts format "$f" x
		echo "$f: $output"
	done
	run -2 t_ts format '%Q' x
	assert_output 'error: %Q is not a time format conversion'
	run -2 t_ts format '%U' x
	assert_output 'error: %U is not supported in a time format (weeks of the year, centuries and locale modifiers are not)'
	run -2 t_ts format '%Y-%m-%d %Y' x
	assert_output 'error: the time format sets a part twice (at %Y)'
	run -2 t_ts format '%s %H' x
	assert_output 'error: %s is a whole time: only %f (and weekdays) go with it'
	run -2 t_ts format '%H %p' x
	assert_output 'error: %p (AM or PM) goes with %I, the hour 1-12'
	run -2 t_ts format '' x
	assert_output 'error: the time format is empty'
	run -2 t_ts format '%Y%' x
	assert_output 'error: a time format cannot end with a lone %'
	run -2 t_ts format '%Y %j %d' x
	assert_output 'error: %j is the day of the year: it does not go with a month or a day of the month'
}

@test "format: a field value: strings in the format, numbers still epoch numbers, escapes decoded" {
	run -1 t_ts time --unit ms --format '%d/%b/%Y:%T %z' '"17/May/2015:10:05:03 +0000"' \
	    1431857103000 '"17\/May\/2015:10:05:03 +0000"' '"2015-05-17T10:05:03Z"' null
	assert_output - <<-'EOF'
	"2015-05-17T10:05:03Z" 1431857103
	"2015-05-17T10:05:03Z" 1431857103
	"2015-05-17T10:05:03Z" 1431857103
	error: does not match the time format at "/"
	error: time is not a number or a string
	EOF
}

@test "format: results do not depend on TZ or the locale" {
	run -0 env TZ=Pacific/Chatham LC_ALL=C.UTF-8 "$TRAWL_TESTBIN/t_ts" format '%b %e %H:%M:%S' 'May 17 10:05:03'
	assert_output '"1970-05-17T10:05:03Z" 11786703'
}

@test "ts: an epoch number out of range names the --time-unit that reads it" {
	run -0 t_ts bad 1489312800123 1489312800123456 1489312800123456789 1e300 -1489312800123 '"x"'
	assert_output - <<-'EOF'
	bad time 1489312800123: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 2017-03-12T10:00:00.123Z
	bad time 1489312800123456: time out of range (1677-09-21 to 2262-04-11); --time-unit us reads it as 2017-03-12T10:00:00.123456Z
	bad time 1489312800123456789: time out of range (1677-09-21 to 2262-04-11); --time-unit ns reads it as 2017-03-12T10:00:00.123456789Z
	bad time 1e300: time out of range (1677-09-21 to 2262-04-11)
	bad time -1489312800123: time out of range (1677-09-21 to 2262-04-11); --time-unit ms reads it as 1922-10-22T13:59:59.877Z
	bad time "x": not an RFC 3339 time
	EOF
	run -0 t_ts bad --unit ms 1489312800123456 1489312800123
	assert_output - <<-'EOF'
	bad time 1489312800123456: time out of range (1677-09-21 to 2262-04-11); --time-unit us reads it as 2017-03-12T10:00:00.123456Z
	ok
	EOF
	long=$(printf '"%0100d"' 0)
	run -0 t_ts bad "$long"
	assert_output "bad time \"$(printf '%079d' 0)...: not an RFC 3339 time"
}

# Period starts from python3: datetime(...).timestamp(); indexes count
# periods from 1970-01-01 (ISO weeks from Monday 1970-01-05).

@test "period: calendar months and years in UTC, leap days included" {
	run -0 t_ts period month '"2017-03-12T10:00:00Z"' '"2016-02-29T23:59:59.999Z"' \
	    '"1969-12-31T23:59:59Z"' '"2017-12-31T23:59:59Z"'
	assert_output - <<-'EOF'
	month
	"2017-03-01T00:00:00Z" "2017-04-01T00:00:00Z" 566
	"2016-02-01T00:00:00Z" "2016-03-01T00:00:00Z" 553
	"1969-12-01T00:00:00Z" "1970-01-01T00:00:00Z" -1
	"2017-12-01T00:00:00Z" "2018-01-01T00:00:00Z" 575
	EOF
	run -0 t_ts period year '"2017-03-12T10:00:00Z"' '"1969-12-31T23:59:59Z"' '"2016-12-31T23:59:59Z"'
	assert_output - <<-'EOF'
	year
	"2017-01-01T00:00:00Z" "2018-01-01T00:00:00Z" 47
	"1969-01-01T00:00:00Z" "1970-01-01T00:00:00Z" -1
	"2016-01-01T00:00:00Z" "2017-01-01T00:00:00Z" 46
	EOF
}

@test "period: week is the ISO week from Monday; 1w counts from the origin" {
	run -0 t_ts period week '"2017-03-12T10:00:00Z"' '"2017-03-13T00:00:00Z"' '"1970-01-01T00:00:00Z"'
	assert_output - <<-'EOF'
	week
	"2017-03-06T00:00:00Z" "2017-03-13T00:00:00Z" 2461
	"2017-03-13T00:00:00Z" "2017-03-20T00:00:00Z" 2462
	"1969-12-29T00:00:00Z" "1970-01-05T00:00:00Z" -1
	EOF
	# 1970-01-01 was a Thursday.
	run -0 t_ts period 1w '"2017-03-12T10:00:00Z"'
	assert_output - <<-'EOF'
	604800s
	"2017-03-09T00:00:00Z" "2017-03-16T00:00:00Z" 2462
	EOF
	run -0 t_ts period 1w --origin '"2017-03-06T00:00:00Z"' '"2017-03-12T10:00:00Z"'
	assert_output - <<-'EOF'
	604800s
	"2017-03-06T00:00:00Z" "2017-03-13T00:00:00Z" 2461
	EOF
}

@test "period: hour, day and durations from an origin" {
	run -0 t_ts period day '"2017-03-12T10:00:00Z"' -1
	assert_output - <<-'EOF'
	day
	"2017-03-12T00:00:00Z" "2017-03-13T00:00:00Z" 17237
	"1969-12-31T00:00:00Z" "1970-01-01T00:00:00Z" -1
	EOF
	run -0 t_ts period hour '"2017-03-12T10:59:59Z"'
	assert_output - <<-'EOF'
	hour
	"2017-03-12T10:00:00Z" "2017-03-12T11:00:00Z" 413698
	EOF
	run -0 t_ts period 1h30m --origin '"2017-03-12T00:10:00Z"' '"2017-03-12T10:00:00Z"' '"1969-12-31T23:59:59Z"'
	assert_output - <<-'EOF'
	5400s
	"2017-03-12T09:10:00Z" "2017-03-12T10:40:00Z" 275798
	"1969-12-31T22:40:00Z" "1970-01-01T00:10:00Z" -1
	EOF
	run -0 t_ts period 0 1.5
	assert_output - <<-'EOF'
	0s
	"1970-01-01T00:00:01.5Z" "1970-01-01T00:00:01.5Z" 1500000000
	EOF
}

@test "period: at the ends of the range the first period is clamped, the last has no next" {
	run -0 t_ts period month '"1677-09-21T00:12:43.145224192Z"' '"2262-04-11T23:47:16.854775807Z"'
	assert_output - <<-'EOF'
	month
	"1677-09-21T00:12:43.145224192Z" "1677-10-01T00:00:00Z" -3508
	"2262-04-01T00:00:00Z" beyond 3507
	EOF
	run -0 t_ts period 1d -9223372036.854775808 9223372036.854775807
	assert_output - <<-'EOF'
	86400s
	"1677-09-21T00:12:43.145224192Z" "1677-09-22T00:00:00Z" -106752
	"2262-04-11T00:00:00Z" beyond 106751
	EOF
	# The first period's start lies before the earliest time and k * 7ms
	# further still: its index must still lead back to the clamped start
	# (fuzz/ts found it).
	run -0 t_ts period 7ms --origin -3074457345.618258619 -9223372036.854775808 -9223372036.85 0
	assert_output - <<-'EOF'
	0.007s
	"1677-09-21T00:12:43.145224192Z" "1677-09-21T00:12:43.147741381Z" -1317624576695
	"1677-09-21T00:12:43.147741381Z" "1677-09-21T00:12:43.154741381Z" -1317624576694
	"1969-12-31T23:59:59.998741381Z" "1970-01-01T00:00:00.005741381Z" -1
	EOF
}

@test "period: what is not a period, and an origin for a calendar period" {
	run -2 t_ts period days 1
	assert_output 'error: not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, week, month, year'
	run -2 t_ts period Month 1
	assert_output 'error: not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, week, month, year'
	run -2 t_ts period 5x 1
	assert_output 'error: unknown duration unit (ns, us, ms, s, m, h, d, w)'
	run -2 t_ts period -5m 1
	assert_output 'error: negative duration'
	run -2 t_ts period day --origin 5 1
	assert_output 'error: hour, day, week, month and year start where the UTC calendar does; an origin is for durations (1h, 1d, 1w)'
}

@test "format: reading a time in a format allocates nothing per record" {
	run -0 "$TRAWL_TESTBIN/t_noalloc" time '%d/%b/%Y:%H:%M:%S.%f %z' '17/May/2015:10:05:03.5 +0000' \
	    '17/Mai/2015:10:05:03.5 +0000' '31/Feb/2015:10:05:03.5 +0000'
	[ "$output" != sanitizer ] || skip "a sanitizer owns malloc"
	assert_output - <<-'EOF'
	17/May/2015:10:05:03.5 +0000 0
	17/Mai/2015:10:05:03.5 +0000 0
	31/Feb/2015:10:05:03.5 +0000 0
	EOF
}
