/*
 * ts.c: times and durations as int64 nanoseconds (see ts.h).
 *
 * The calendar arithmetic is done here (days from civil and back, proleptic
 * Gregorian, UTC) so that no answer depends on TZ, the C library's mktime
 * or timegm, or the range of time_t.  Decimal texts (JSON numbers, fraction
 * digits, durations) are converted digit by digit, never through a double,
 * so that Mozilla's nanosecond meta.Timestamp (above 2^53) and "1.1s" are
 * exact.
 *
 * Decisions where ts.h is silent:
 *   - Digits finer than a nanosecond (numbers, fractions of more than nine
 *     digits, durations) are dropped toward the past: the time is the
 *     nanosecond that contains the instant, so -0.0000000001 s is -1 ns.
 *   - Seconds may be 60 (an RFC 3339 leap second); it is counted as the
 *     first second of the next minute, as timegm(3) does.
 *   - The seconds of a time of day may be left out ("2017-03-12 10:00").
 *   - A time string is exactly the time: no surrounding spaces, no comma
 *     for the decimal point, the year has four digits.
 *   - A duration is one or more NUMBER UNIT terms with no spaces between
 *     them ("1h30m", not "1h 30m"), or a bare number of seconds alone.
 *     NUMBER is digits with an optional fraction ("1.5"); units are ns, us,
 *     ms, s, m, h, d (86400 s) and w (7 d).
 */
#include <stdint.h>
#include <string.h>

#include "ts.h"

#define SEC_PER_DAY INT64_C(86400)

static const char E_SYNTAX[] = "not an RFC 3339 time";
static const char E_DATE[] = "no such date";
static const char E_CLOCK[] = "no such time of day";
static const char E_RANGE[] = "time out of range (1677-09-21 to 2262-04-11)";
static const char E_TYPE[] = "time is not a number or a string";
static const char E_NUMBER[] = "not a number";

int
ts_unit_parse(const char *s, enum ts_unit *unit)
{
	static const struct {
		const char *name;
		enum ts_unit unit;
	} units[] = { { "s", TS_S }, { "ms", TS_MS }, { "us", TS_US }, { "ns", TS_NS } };
	size_t i;

	for (i = 0; i < LEN(units); i++)
		if (strcmp(s, units[i].name) == 0) {
			*unit = units[i].unit;
			return 0;
		}
	return -1;
}

/* ------------------------------------------------------------ calendar */

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): years are counted from March so the leap day is last,
 * and 400-year eras make the division exact for years before 0 too.
 */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* secs * 10^9 + frac (0 <= frac < 10^9) without leaving int64. */
static int
secs_to_ns(int64_t secs, int64_t frac, int64_t *ns)
{
	int64_t t;

	if (__builtin_mul_overflow(secs, NS_PER_SEC, &t)) {
		/* The most negative times have secs * 10^9 below INT64_MIN
		 * while the sum is still in range. */
		if (secs >= 0 || __builtin_mul_overflow(secs + 1, NS_PER_SEC, &t) ||
		    __builtin_add_overflow(t, frac - NS_PER_SEC, &t))
			return -1;
		*ns = t;
		return 0;
	}
	if (__builtin_add_overflow(t, frac, &t))
		return -1;
	*ns = t;
	return 0;
}

/* ------------------------------------------------------ decimal texts */

/*
 * A decimal number whose digits are int[0..ni) then frac[0..nf), scaled by
 * 10^exp10, as an integer, with the digits below 1 dropped.  Sets *rest
 * when a dropped digit was not zero (the caller floors negatives).
 * Returns 0, or -1 when the integer exceeds limit.
 */
static int
dec_scale(const char *ip, size_t ni, const char *fp, size_t nf, int64_t exp10,
    uint64_t limit, uint64_t *mag, int *rest)
{
	size_t nd = ni + nf, i, first;
	int64_t keep;
	uint64_t v = 0;

	*rest = 0;
	*mag = 0;
#define DIGIT(k) ((k) < ni ? ip[(k)] : fp[(k) - ni])
	for (first = 0; first < nd && DIGIT(first) == '0'; first++)
		;
	if (first == nd)
		return 0;
	/* The digits from first on are the significand D; the value is
	 * D * 10^(exp10 - nf); its integer part has keep digits. */
	keep = (int64_t)(nd - first) + exp10 - (int64_t)nf;
	if (keep > 20)
		return -1;	/* at least 10^20 > 2^64 */
	for (i = first; i < nd; i++) {
		if ((int64_t)(i - first) < keep) {
			v = v * 10 + (uint64_t)(DIGIT(i) - '0');
			if (v > limit)
				return -1;
		} else if (DIGIT(i) != '0') {
			*rest = 1;
			break;
		}
	}
	for (i = nd - first; (int64_t)i < keep; i++) {
		if (v > limit / 10)
			return -1;
		v *= 10;
		if (v > limit)
			return -1;
	}
#undef DIGIT
	*mag = v;
	return 0;
}

/*
 * A JSON number text in the given unit as nanoseconds, exactly for every
 * integer and every fraction down to the nanosecond.
 */
static int
number_to_ns(const char *s, size_t n, enum ts_unit unit, int64_t *ns, const char **why)
{
	static const int64_t shift[] = { [TS_S] = 9, [TS_MS] = 6, [TS_US] = 3, [TS_NS] = 0 };
	const char *p = s, *end = s + n, *ip, *fp = "";
	size_t ni, nf = 0;
	int neg = 0, eneg = 0, rest;
	int64_t e = 0;
	uint64_t mag;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (ip = p; p < end && *p >= '0' && *p <= '9'; p++)
		;
	ni = (size_t)(p - ip);
	if (ni == 0)
		goto bad;
	if (p < end && *p == '.') {
		for (fp = ++p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		nf = (size_t)(p - fp);
		if (nf == 0)
			goto bad;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *ep;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (ep = p; p < end && *p >= '0' && *p <= '9'; p++)
			if (e < 100000)	/* saturate: beyond this it is 0 or out of range */
				e = e * 10 + (*p - '0');
		if (p == ep)
			goto bad;
		if (eneg)
			e = -e;
	}
	if (p != end)
		goto bad;
	/* A negative time may reach 2^63 ns; one more is taken off below
	 * when dropped digits floor it. */
	if (dec_scale(ip, ni, fp, nf, e + shift[unit],
	    neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &mag, &rest) < 0)
		goto range;
	if (!neg) {
		*ns = (int64_t)mag;
		return 0;
	}
	if (rest && mag == (uint64_t)INT64_MAX + 1)
		goto range;
	mag += (uint64_t)rest;
	*ns = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	return 0;
bad:
	*why = E_NUMBER;
	return -1;
range:
	*why = E_RANGE;
	return -1;
}

/* ---------------------------------------------------------- time texts */

/* n digits at *pp as a number; advances *pp.  -1 when not all digits. */
static int
digits(const char **pp, const char *end, int n)
{
	const char *p = *pp;
	int v = 0;

	if (end - p < n)
		return -1;
	for (; n > 0; n--, p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	*pp = p;
	return v;
}

int
ts_parse(const char *s, size_t n, int64_t *ns, const char **why)
{
	const char *p = s, *end = s + n;
	int year, mon, day, hour = 0, min = 0, sec = 0, off = 0;
	int64_t frac = 0, secs;

	if ((year = digits(&p, end, 4)) < 0)
		goto syntax;
	if (n == 8) {
		/* YYYYMMDD, as in Mozilla's submissionDate. */
		if ((mon = digits(&p, end, 2)) < 0 || (day = digits(&p, end, 2)) < 0)
			goto syntax;
	} else {
		if (p >= end || *p++ != '-' || (mon = digits(&p, end, 2)) < 0 ||
		    p >= end || *p++ != '-' || (day = digits(&p, end, 2)) < 0)
			goto syntax;
		if (p < end) {
			if (*p != 'T' && *p != 't' && *p != ' ')
				goto syntax;
			p++;
			if ((hour = digits(&p, end, 2)) < 0 || p >= end ||
			    *p++ != ':' || (min = digits(&p, end, 2)) < 0)
				goto syntax;
			if (p < end && *p == ':') {
				p++;
				if ((sec = digits(&p, end, 2)) < 0)
					goto syntax;
				if (p < end && *p == '.') {
					size_t nd = 0;

					for (p++; p < end && *p >= '0' && *p <= '9'; p++, nd++)
						if (nd < 9)
							frac = frac * 10 + (*p - '0');
					if (nd == 0)
						goto syntax;
					for (; nd < 9; nd++)
						frac *= 10;
				}
			}
			if (p < end && (*p == 'Z' || *p == 'z')) {
				p++;
			} else if (p < end && (*p == '+' || *p == '-')) {
				int sign = *p++ == '-' ? -1 : 1, oh, om = 0;

				if ((oh = digits(&p, end, 2)) < 0)
					goto syntax;
				if (p < end && *p == ':') {
					p++;
					if ((om = digits(&p, end, 2)) < 0)
						goto syntax;
				} else if (p < end && (om = digits(&p, end, 2)) < 0) {
					goto syntax;
				}
				if (oh > 23 || om > 59)
					goto clock;
				off = sign * (oh * 3600 + om * 60);
			}
			if (p != end)
				goto syntax;
		}
	}
	if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
		goto date;
	if (hour > 23 || min > 59 || sec > 60)
		goto clock;
	secs = days_from_civil(year, mon, day) * SEC_PER_DAY + hour * 3600 +
	    min * 60 + sec - off;
	if (secs_to_ns(secs, frac, ns) < 0) {
		*why = E_RANGE;
		return -1;
	}
	return 0;
syntax:
	*why = E_SYNTAX;
	return -1;
date:
	*why = E_DATE;
	return -1;
clock:
	*why = E_CLOCK;
	return -1;
}

/*
 * The content of a JSON string literal, for ts_parse.  A time is short and
 * ASCII, so an escaped one is decoded into tmp; an escape that stands for
 * anything but ASCII cannot be part of a time, and leaves the text as it is
 * for ts_parse to refuse.
 */
static size_t
string_content(const char *text, size_t len, char *tmp, size_t tmpsize, const char **out)
{
	const char *p = text + 1, *end = text + len - 1;
	size_t n = 0;

	if (memchr(p, '\\', (size_t)(end - p)) == NULL) {
		*out = p;
		return (size_t)(end - p);
	}
	while (p < end && n < tmpsize) {
		if (*p != '\\') {
			tmp[n++] = *p++;
			continue;
		}
		if (end - p >= 6 && p[1] == 'u' && p[2] == '0' && p[3] == '0' &&
		    p[4] >= '0' && p[4] <= '7') {
			int lo = p[5];

			lo = lo >= '0' && lo <= '9' ? lo - '0' :
			    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 :
			    lo >= 'A' && lo <= 'F' ? lo - 'A' + 10 : -1;
			if (lo < 0)
				break;
			tmp[n++] = (char)((p[4] - '0') * 16 + lo);
			p += 6;
		} else if (end - p >= 2 && strchr("\"\\/", p[1]) != NULL && p[1] != '\0') {
			tmp[n++] = p[1];
			p += 2;
		} else {
			break;
		}
	}
	if (p < end) {
		*out = text;	/* quotes included: never a time */
		return len;
	}
	*out = tmp;
	return n;
}

int
ts_from_jval(const struct jval *v, enum ts_unit unit, int64_t *ns, const char **why)
{
	char tmp[64];
	const char *s;
	size_t n;

	switch (v->type) {
	case J_NUMBER:
		return number_to_ns(v->text, v->len, unit, ns, why);
	case J_STRING:
		if (v->len < 2) {
			*why = E_SYNTAX;
			return -1;
		}
		n = string_content(v->text, v->len, tmp, sizeof(tmp), &s);
		return ts_parse(s, n, ns, why);
	default:
		*why = E_TYPE;
		return -1;
	}
}

/* ----------------------------------------------------------- durations */

int
dur_parse(const char *s, int64_t *ns, const char **why)
{
	/* Longest names first so that "ms" is not read as "m". */
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", UINT64_C(60000000000) }, { "h", UINT64_C(3600000000000) },
		{ "d", UINT64_C(86400000000000) }, { "w", UINT64_C(604800000000000) },
	};
	const char *p = s, *ip, *fp, *q;
	size_t ni, nf, i, ul = 0;
	uint64_t total = 0, whole, part;

	if (*p == '-') {
		*why = "negative duration";
		return -1;
	}
	if (*p == '\0') {
		*why = "empty duration";
		return -1;
	}
	if (strpbrk(p, " \t") != NULL) {
		*why = "a duration has no spaces (1h30m, not 1h 30m)";
		return -1;
	}
	while (*p != '\0') {
		for (ip = p; *p >= '0' && *p <= '9'; p++)
			;
		ni = (size_t)(p - ip);
		fp = p;
		nf = 0;
		if (ni > 0 && *p == '.') {
			for (fp = ++p; *p >= '0' && *p <= '9'; p++)
				;
			if ((nf = (size_t)(p - fp)) == 0)
				ni = 0;
		}
		if (ni == 0) {
			*why = "not a duration (e.g. 300, 90s, 5m, 1h30m, 1d)";
			return -1;
		}
		if (*p == '\0' && ip == s) {
			i = 3;	/* a bare number alone is seconds */
			ul = 0;
		} else {
			for (i = 0; i < LEN(units); i++) {
				ul = strlen(units[i].name);
				if (strncmp(p, units[i].name, ul) == 0 &&
				    (p[ul] == '\0' || (p[ul] >= '0' && p[ul] <= '9')))
					break;
			}
			if (i == LEN(units)) {
				*why = *p == '\0' ?
				    "duration term without a unit (ns, us, ms, s, m, h, d, w)" :
				    "unknown duration unit (ns, us, ms, s, m, h, d, w)";
				return -1;
			}
		}
		whole = 0;
		for (q = ip; q < ip + ni; q++) {
			if (whole > ((uint64_t)INT64_MAX - 9) / 10)
				goto range;
			whole = whole * 10 + (uint64_t)(*q - '0');
		}
		if (whole > (uint64_t)INT64_MAX / units[i].ns)
			goto range;
		/*
		 * floor(0.F * unit) exactly, from the last digit to the first:
		 * floor((d * unit + floor(x)) / 10) == floor((d * unit + x) / 10).
		 * d * unit stays below 10^16, so nothing overflows.
		 */
		part = 0;
		for (q = fp + nf; q > fp; q--)
			part = ((uint64_t)(q[-1] - '0') * units[i].ns + part) / 10;
		total += whole * units[i].ns + part;
		if (total > (uint64_t)INT64_MAX)
			goto range;
		p += ul;
	}
	*ns = (int64_t)total;
	return 0;
range:
	*why = "duration too long";
	return -1;
}

/* ------------------------------------------------------------- writing */

/* Seconds as a decimal number, fraction digits only when not zero. */
static void
put_seconds(struct buf *out, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t frac = mag % (uint64_t)NS_PER_SEC;
	int nd = 9;

	buf_addf(out, "%s%llu", ns < 0 ? "-" : "",
	    (unsigned long long)(mag / (uint64_t)NS_PER_SEC));
	if (frac == 0)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		nd--;
	}
	buf_addf(out, ".%0*llu", nd, (unsigned long long)frac);
}

void
ts_put_rfc3339(struct buf *out, int64_t ns)
{
	int64_t secs = ns / NS_PER_SEC, frac = ns % NS_PER_SEC, days, sod, y;
	int m, d;

	if (frac < 0) {
		frac += NS_PER_SEC;
		secs--;
	}
	days = secs / SEC_PER_DAY;
	sod = secs % SEC_PER_DAY;
	if (sod < 0) {
		sod += SEC_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	buf_addf(out, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	if (frac != 0) {
		int nd = 9;

		while (frac % 10 == 0) {
			frac /= 10;
			nd--;
		}
		buf_addf(out, ".%0*lld", nd, (long long)frac);
	}
	buf_addc(out, 'Z');
}

void
ts_put(struct buf *out, int64_t ns, int epoch)
{
	if (epoch) {
		put_seconds(out, ns);
		return;
	}
	buf_addc(out, '"');
	ts_put_rfc3339(out, ns);
	buf_addc(out, '"');
}

void
dur_put_seconds(struct buf *out, int64_t ns)
{
	put_seconds(out, ns);
}

/* ------------------------------------------------------------ buckets */

/*
 * Computed from remainders so that t - origin never overflows.  A width of
 * 0 or less means no bucketing (sessionize --bucket 0): t itself.  A bucket
 * start before the earliest representable time is clamped to it.
 */
int64_t
ts_floor(int64_t t, int64_t width, int64_t origin)
{
	int64_t r, o;

	if (width <= 0)
		return t;
	r = t % width;
	if (r < 0)
		r += width;
	o = origin % width;
	if (o < 0)
		o += width;
	r -= o;
	if (r < 0)
		r += width;
	if (t < INT64_MIN + r)
		return INT64_MIN;
	return t - r;
}
