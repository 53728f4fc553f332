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
 *   - A --time-format is compiled into steps once; reading a time with it
 *     walks the steps over the text, allocating nothing.  Its language is
 *     strptime's with the C locale's names, as glibc reads it (leading
 *     spaces before numbers, no leading zeros needed), less what depends on
 *     the locale or TZ (%Z other than UTC, %E and %O) or needs weeks of
 *     the year (%U, %W, %V, %G), plus %f for fractions as in Python.
 *   - A time without a year is in 1970: a fixed year keeps the output the
 *     same whenever it is run (the current year would not), and the
 *     distance between two such times is right within a year.  An
 *     expression can supply the year: -t '"2015 " + .time' with
 *     --time-format '%Y %b %e %T'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts.h"
#include "util.h"

#define SEC_PER_DAY INT64_C(86400)

static const char E_SYNTAX[] = "not an RFC 3339 time";
static const char E_DATE[] = "no such date";
static const char E_CLOCK[] = "no such time of day";
static const char E_RANGE[] = "time out of range (1677-09-21 to 2262-04-11)";
static const char E_TYPE[] = "time is not a number or a string";
static const char E_NUMBER[] = "not a number";
static const char E_NOYEAR[] = "no such date (the time format has no year: 1970 is taken)";

static const char *const unit_names[] = { [TS_S] = "s", [TS_MS] = "ms", [TS_US] = "us",
	[TS_NS] = "ns" };

int
ts_unit_parse(const char *s, enum ts_unit *unit)
{
	size_t i;

	for (i = 0; i < LEN(unit_names); i++)
		if (strcmp(s, unit_names[i]) == 0) {
			*unit = (enum ts_unit)i;
			return 0;
		}
	return -1;
}

const char *
ts_unit_name(enum ts_unit unit)
{
	return unit_names[unit];
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
		if (secs >= 0 ||
		    __builtin_mul_overflow(secs + 1, NS_PER_SEC, &t) ||
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
number_to_ns(const char *s, size_t n, enum ts_unit unit, int64_t *ns,
    const char **why)
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

/* Z, +hh, +hhmm or +hh:mm as seconds east of UTC; -1 when not an
 * offset, -2 when out of range. */
static int
utc_offset(const char **pp, const char *end, int *off)
{
	const char *p = *pp;
	int sign, oh, om = 0;

	if (p < end && (*p == 'Z' || *p == 'z')) {
		*off = 0;
		*pp = p + 1;
		return 0;
	}
	if (p >= end || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((oh = digits(&p, end, 2)) < 0)
		return -1;
	if (p < end && *p == ':') {
		p++;
		if ((om = digits(&p, end, 2)) < 0)
			return -1;
	} else if (end - p >= 2 && p[0] >= '0' && p[0] <= '9') {
		if ((om = digits(&p, end, 2)) < 0)
			return -1;
	}
	if (oh > 23 || om > 59)
		return -2;
	*off = sign * (oh * 3600 + om * 60);
	*pp = p;
	return 0;
}

/* Decimal digits after a point as nanoseconds (finer ones dropped):
 * how many digits there were, 0 for none. */
static size_t
fraction(const char **pp, const char *end, int64_t *frac)
{
	const char *p = *pp;
	size_t nd = 0, k;

	*frac = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++, nd++)
		if (nd < 9)
			*frac = *frac * 10 + (*p - '0');
	for (k = nd; k < 9; k++)
		*frac *= 10;
	*pp = p;
	return nd;
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
		if ((mon = digits(&p, end, 2)) < 0 ||
		    (day = digits(&p, end, 2)) < 0)
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
					p++;
					if (fraction(&p, end, &frac) == 0)
						goto syntax;
				}
			}
			if (p < end && utc_offset(&p, end, &off) == -2)
				goto clock;
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

/* -------------------------------------------------------- time formats */

enum fop {
	FO_LIT, FO_SPACE, FO_YEAR, FO_YEAR2, FO_MONTH, FO_MONTHNAME, FO_DAY,
	FO_YDAY, FO_HOUR, FO_HOUR12, FO_AMPM, FO_MINUTE, FO_SECOND, FO_FRAC,
	FO_OFFSET, FO_ZONENAME, FO_EPOCH, FO_WDAYNAME, FO_WDAY1, FO_WDAY0
};

/* Why a text does not match, by the step it failed at. */
static const char *const fop_why[] = {
	[FO_LIT] = "does not match the time format",	/* see ts_format.lits */
	[FO_SPACE] = "does not match the time format",
	[FO_YEAR] = "does not match the time format at %Y (a year)",
	[FO_YEAR2] = "does not match the time format at %y (a 2-digit year)",
	[FO_MONTH] = "does not match the time format at %m (a month number)",
	[FO_MONTHNAME] = "does not match the time format at %b (a month name)",
	[FO_DAY] = "does not match the time format at %d (a day of the month)",
	[FO_YDAY] = "does not match the time format at %j (a day of the year)",
	[FO_HOUR] = "does not match the time format at %H (an hour)",
	[FO_HOUR12] = "does not match the time format at %I (an hour 1-12)",
	[FO_AMPM] = "does not match the time format at %p (AM or PM)",
	[FO_MINUTE] = "does not match the time format at %M (minutes)",
	[FO_SECOND] = "does not match the time format at %S (seconds)",
	[FO_FRAC] = "does not match the time format at %f (digits of a fraction)",
	[FO_OFFSET] = "does not match the time format at %z (an offset: Z, +hh, +hhmm, +hh:mm)",
	[FO_ZONENAME] = "does not match the time format at %Z (UTC, GMT, UT or Z)",
	[FO_EPOCH] = "does not match the time format at %s (seconds since the epoch)",
	[FO_WDAYNAME] = "does not match the time format at %a (a weekday name)",
	[FO_WDAY1] = "does not match the time format at %u (a weekday 1-7)",
	[FO_WDAY0] = "does not match the time format at %w (a weekday 0-6)",
};
static const char E_TRAILING[] = "does not match the time format (text after its end)";

/* The parts of a time a format sets; each at most once. */
enum {
	FF_YEAR = 1, FF_MONTH = 2, FF_DAY = 4, FF_YDAY = 8, FF_HOUR = 16, FF_AMPM = 32,
	FF_MINUTE = 64, FF_SECOND = 128, FF_FRAC = 256, FF_ZONE = 512, FF_EPOCH = 1024,
	FF_WDAY = 2048, FF_HOUR12 = 4096
};

struct fstep {
	unsigned char op;
	char c;			/* FO_LIT */
	size_t why;		/* FO_LIT: its message in ts_format.lits */
};

struct ts_format {
	struct fstep *step;
	size_t n, cap;
	unsigned fields;
	struct buf lits;	/* "does not match the time format at \"/\"", ... */
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const wday_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static void
fmt_add(struct ts_format *f, enum fop op, char c)
{
	/* Runs of white space match as one: any white space, or none. */
	if (op == FO_SPACE && f->n > 0 && f->step[f->n - 1].op == FO_SPACE)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->step = xreallocarray(f->step, f->cap, sizeof(*f->step));
	}
	f->step[f->n].op = (unsigned char)op;
	f->step[f->n].c = c;
	if (op == FO_LIT) {
		/* Saying which literal did not match locates the mismatch. */
		f->step[f->n].why = f->lits.len;
		buf_adds(&f->lits, "does not match the time format at ");
		if ((unsigned char)c < 0x20 || c == 0x7f)
			buf_addf(&f->lits, "\\x%02x", (unsigned char)c);
		else
			buf_addf(&f->lits, "\"%c\"", c);
		buf_addc(&f->lits, '\0');
	}
	f->n++;
}

static int
fmt_compile(struct ts_format *f, const char *fmt, char *err, size_t errlen)
{
	/* The conversions, the part each sets, and the C locale's spelling
	 * of those that stand for others. */
	static const struct {
		char conv;
		unsigned char op;
		unsigned field;
		const char *expand;
	} convs[] = {
		{ 'Y', FO_YEAR, FF_YEAR, NULL }, { 'y', FO_YEAR2, FF_YEAR, NULL },
		{ 'm', FO_MONTH, FF_MONTH, NULL }, { 'b', FO_MONTHNAME, FF_MONTH, NULL },
		{ 'B', FO_MONTHNAME, FF_MONTH, NULL }, { 'h', FO_MONTHNAME, FF_MONTH, NULL },
		{ 'd', FO_DAY, FF_DAY, NULL }, { 'e', FO_DAY, FF_DAY, NULL },
		{ 'j', FO_YDAY, FF_YDAY, NULL }, { 'H', FO_HOUR, FF_HOUR, NULL },
		{ 'I', FO_HOUR12, FF_HOUR | FF_HOUR12, NULL }, { 'p', FO_AMPM, FF_AMPM, NULL },
		{ 'M', FO_MINUTE, FF_MINUTE, NULL }, { 'S', FO_SECOND, FF_SECOND, NULL },
		{ 'f', FO_FRAC, FF_FRAC, NULL }, { 'z', FO_OFFSET, FF_ZONE, NULL },
		{ 'Z', FO_ZONENAME, FF_ZONE, NULL }, { 's', FO_EPOCH, FF_EPOCH, NULL },
		{ 'a', FO_WDAYNAME, FF_WDAY, NULL }, { 'A', FO_WDAYNAME, FF_WDAY, NULL },
		{ 'u', FO_WDAY1, FF_WDAY, NULL }, { 'w', FO_WDAY0, FF_WDAY, NULL },
		{ 'T', 0, 0, "%H:%M:%S" }, { 'R', 0, 0, "%H:%M" }, { 'F', 0, 0, "%Y-%m-%d" },
		{ 'D', 0, 0, "%m/%d/%y" }, { 'c', 0, 0, "%a %b %e %H:%M:%S %Y" },
		{ 'x', 0, 0, "%m/%d/%y" }, { 'X', 0, 0, "%H:%M:%S" },
		{ 'r', 0, 0, "%I:%M:%S %p" },
	};
	const char *p;
	size_t i;

	for (p = fmt; *p != '\0'; p++) {
		if (is_space((unsigned char)*p)) {
			fmt_add(f, FO_SPACE, 0);
			continue;
		}
		if (*p != '%') {
			fmt_add(f, FO_LIT, *p);
			continue;
		}
		p++;
		if (*p == '\0') {
			snprintf(err, errlen,
			    "a time format cannot end with a lone %%");
			return -1;
		}
		if (*p == '%') {
			fmt_add(f, FO_LIT, '%');
			continue;
		}
		if (*p == 'n' || *p == 't') {
			fmt_add(f, FO_SPACE, 0);
			continue;
		}
		for (i = 0; i < LEN(convs) && convs[i].conv != *p; i++)
			;
		if (i == LEN(convs)) {
			if (strchr("UWVGgCEO", *p) != NULL)
				snprintf(err, errlen, "%%%c is not supported in a time format "
				    "(weeks of the year, centuries and locale modifiers are not)", *p);
			else
				snprintf(err, errlen,
				    "%%%c is not a time format conversion", *p);
			return -1;
		}
		if (convs[i].expand != NULL) {
			if (fmt_compile(f, convs[i].expand, err, errlen) < 0)
				return -1;
			continue;
		}
		if (f->fields & convs[i].field) {
			snprintf(err, errlen,
			    "the time format sets a part twice (at %%%c)", *p);
			return -1;
		}
		f->fields |= convs[i].field;
		fmt_add(f, (enum fop)convs[i].op, 0);
	}
	return 0;
}

struct ts_format *
ts_format_new(const char *fmt, char *err, size_t errlen)
{
	struct ts_format *f = xcalloc(1, sizeof(*f));
	unsigned date = FF_YEAR | FF_MONTH | FF_DAY | FF_YDAY | FF_HOUR | FF_AMPM |
	    FF_MINUTE | FF_SECOND | FF_ZONE;

	if (fmt_compile(f, fmt, err, errlen) < 0)
		goto fail;
	if (f->n == 0) {
		snprintf(err, errlen, "the time format is empty");
		goto fail;
	}
	if ((f->fields & FF_EPOCH) && (f->fields & date)) {
		snprintf(err, errlen,
		    "%%s is a whole time: only %%f (and weekdays) go with it");
		goto fail;
	}
	if ((f->fields & FF_YDAY) && (f->fields & (FF_MONTH | FF_DAY))) {
		snprintf(err, errlen,
		    "%%j is the day of the year: it does not go with a "
		    "month or a day of the month");
		goto fail;
	}
	if ((f->fields & FF_AMPM) && !(f->fields & FF_HOUR12)) {
		snprintf(err, errlen,
		    "%%p (AM or PM) goes with %%I, the hour 1-12");
		goto fail;
	}
	return f;
fail:
	ts_format_free(f);
	return NULL;
}

void
ts_format_free(struct ts_format *f)
{
	if (f == NULL)
		return;
	free(f->step);
	buf_free(&f->lits);
	free(f);
}

/* A number of 1 to maxd digits after optional spaces, as strptime reads
 * one; -1 when there is none. */
static int64_t
fmt_number(const char **pp, const char *end, int maxd)
{
	const char *p = *pp;
	int64_t v = 0;
	int nd = 0;

	while (p < end && *p == ' ')
		p++;
	for (; p < end && nd < maxd && *p >= '0' && *p <= '9'; p++, nd++)
		v = v * 10 + (*p - '0');
	if (nd == 0)
		return -1;
	*pp = p;
	return v;
}

/* The index of the name of names[] that the text starts with, in any
 * case: its first three letters, then the rest of it when that follows
 * too (a name is a whole name or its abbreviation); -1. */
static int
fmt_name(const char **pp, const char *end, const char *const *names, int nnames)
{
	const char *p = *pp;
	int i;
	size_t k;

	if (end - p < 3)
		return -1;
	for (i = 0; i < nnames; i++)
		if ((p[0] | 0x20) == names[i][0] &&
		    (p[1] | 0x20) == names[i][1] &&
		    (p[2] | 0x20) == names[i][2])
			break;
	if (i == nnames)
		return -1;
	for (k = 3; names[i][k] != '\0' && p + k < end && (p[k] | 0x20) == names[i][k]; k++)
		;
	*pp = p + (names[i][k] == '\0' ? k : 3);
	return i;
}

/* The numbers a format reads: at most so many digits, and the range in
 * which they exist (outside it: no such date, or no such time of day). */
static const struct {
	unsigned char digits, clock;
	short lo, hi;
} fnum[] = {
	[FO_YEAR] = { 4, 0, 0, 9999 }, [FO_YEAR2] = { 2, 0, 0, 99 },
	[FO_MONTH] = { 2, 0, 1, 12 }, [FO_DAY] = { 2, 0, 1, 31 },
	[FO_YDAY] = { 3, 0, 1, 366 }, [FO_HOUR] = { 2, 1, 0, 23 },
	[FO_HOUR12] = { 2, 1, 1, 12 }, [FO_MINUTE] = { 2, 1, 0, 59 },
	[FO_SECOND] = { 2, 1, 0, 60 }, [FO_WDAY1] = { 1, 0, 1, 7 },
	[FO_WDAY0] = { 1, 0, 0, 6 },
};

/* What a text read by a format gave, as ts_parse_format reads it. */
struct fparts {
	int64_t num[LEN(fop_why)];	/* by step; -1: not read */
	int64_t epoch, frac;		/* %s (its magnitude) and %f */
	int pm, off, neg;		/* %p, %z in seconds, %s negative */
};

/* How reading a text by a format failed. */
enum fres { FR_OK, FR_NOMATCH, FR_DATE, FR_CLOCK, FR_RANGE };

static void
skip_blanks(const char **pp, const char *end)
{
	while (*pp < end && **pp == ' ')
		(*pp)++;
}

/* %Z: UTC, GMT, UT or Z, in any case; 0 when none is there. */
static int
zone_name(const char **pp, const char *end)
{
	const char *q = *pp;
	size_t n = 0;

	if (end - q >= 3 && (q[0] | 0x20) == 'u' && (q[1] | 0x20) == 't' &&
	    (q[2] | 0x20) == 'c')
		n = 3;
	else if (end - q >= 3 && (q[0] | 0x20) == 'g' &&
	    (q[1] | 0x20) == 'm' && (q[2] | 0x20) == 't')
		n = 3;
	else if (end - q >= 2 && (q[0] | 0x20) == 'u' && (q[1] | 0x20) == 't')
		n = 2;
	else if (q < end && (q[0] | 0x20) == 'z')
		n = 1;
	*pp += n;
	return n > 0;
}

/* %s: an optional '-' and digits, into pt->neg and pt->epoch. */
static enum fres
read_epoch(const char **pp, const char *end, struct fparts *pt)
{
	const char *p, *q;
	int64_t v = 0;

	skip_blanks(pp, end);
	p = *pp;
	pt->neg = p < end && *p == '-';
	q = p + pt->neg;
	for (p = q; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (INT64_MAX - 9) / 10)
			return FR_RANGE;
		v = v * 10 + (*p - '0');
	}
	*pp = p;
	if (p == q)
		return FR_NOMATCH;
	pt->epoch = v;
	return FR_OK;
}

/* Read one step of a format at *pp, advancing it. */
static enum fres
read_step(const struct fstep *st, const char **pp, const char *end,
    struct fparts *pt)
{
	const char *p;
	int64_t v;
	int r;

	switch ((enum fop)st->op) {
	case FO_LIT:
		if (*pp >= end || **pp != st->c)
			return FR_NOMATCH;
		(*pp)++;
		return FR_OK;
	case FO_SPACE:
		while (*pp < end && is_space((unsigned char)**pp))
			(*pp)++;
		return FR_OK;
	case FO_MONTHNAME:
		if ((r = fmt_name(pp, end, month_names, 12)) < 0)
			return FR_NOMATCH;
		pt->num[FO_MONTH] = r + 1;
		return FR_OK;
	case FO_AMPM:
		skip_blanks(pp, end);
		p = *pp;
		if (end - p < 2 || (p[1] | 0x20) != 'm' ||
		    ((p[0] | 0x20) != 'a' && (p[0] | 0x20) != 'p'))
			return FR_NOMATCH;
		pt->pm = (p[0] | 0x20) == 'p';
		*pp += 2;
		return FR_OK;
	case FO_FRAC:
		return fraction(pp, end, &pt->frac) == 0 ? FR_NOMATCH : FR_OK;
	case FO_OFFSET:
		skip_blanks(pp, end);
		if ((r = utc_offset(pp, end, &pt->off)) == -2)
			return FR_CLOCK;
		return r < 0 ? FR_NOMATCH : FR_OK;
	case FO_ZONENAME:
		return zone_name(pp, end) ? FR_OK : FR_NOMATCH;
	case FO_EPOCH:
		return read_epoch(pp, end, pt);
	case FO_WDAYNAME:
		if (fmt_name(pp, end, wday_names, 7) < 0)
			return FR_NOMATCH;
		return FR_OK;
	default:
		if ((v = fmt_number(pp, end, fnum[st->op].digits)) < 0)
			return FR_NOMATCH;
		if (v < fnum[st->op].lo || v > fnum[st->op].hi)
			return fnum[st->op].clock ? FR_CLOCK : FR_DATE;
		pt->num[st->op] = v;
		return FR_OK;
	}
}

/* The time the parts stand for; the parts a format lacks are those of
 * 1970-01-01T00:00:00Z. */
static enum fres
compose(const struct ts_format *f, const struct fparts *pt, int64_t *ns)
{
	const int64_t *num = pt->num;
	int64_t year, days, secs;
	int mon, day, hour;

	if (f->fields & FF_EPOCH) {
		/* -1.5 is 1.5 s before the epoch, not -1 s plus 0.5. */
		if (secs_to_ns(pt->neg ? -pt->epoch : pt->epoch, 0, ns) < 0)
			return FR_RANGE;
		if (pt->neg ? __builtin_sub_overflow(*ns, pt->frac, ns) :
		    __builtin_add_overflow(*ns, pt->frac, ns))
			return FR_RANGE;
		return FR_OK;
	}
	year = num[FO_YEAR] >= 0 ? num[FO_YEAR] : num[FO_YEAR2] < 0 ? 1970 :
	    num[FO_YEAR2] < 69 ? 2000 + num[FO_YEAR2] : 1900 + num[FO_YEAR2];
	mon = num[FO_MONTH] >= 0 ? (int)num[FO_MONTH] : 1;
	day = num[FO_DAY] >= 0 ? (int)num[FO_DAY] : 1;
	hour = num[FO_HOUR] >= 0 ? (int)num[FO_HOUR] :
	    num[FO_HOUR12] >= 0 ? (int)num[FO_HOUR12] % 12 + (pt->pm ? 12 : 0) :
	    0;
	if (num[FO_YDAY] >= 0) {
		if (num[FO_YDAY] > 365 + is_leap(year))
			return FR_DATE;
		days = days_from_civil(year, 1, 1) + num[FO_YDAY] - 1;
	} else {
		if (day > days_in_month(year, mon))
			return FR_DATE;
		days = days_from_civil(year, mon, day);
	}
	secs = days * SEC_PER_DAY + hour * 3600 +
	    (num[FO_MINUTE] >= 0 ? num[FO_MINUTE] : 0) * 60 +
	    (num[FO_SECOND] >= 0 ? num[FO_SECOND] : 0) - pt->off;
	if (secs_to_ns(secs, pt->frac, ns) < 0)
		return FR_RANGE;
	return FR_OK;
}

/* The message for a failure r at step st (NULL: after the last). */
static const char *
fres_why(const struct ts_format *f, const struct fstep *st, enum fres r,
    const struct fparts *pt)
{
	switch (r) {
	case FR_NOMATCH:
		return st->op == FO_LIT ? f->lits.p + st->why : fop_why[st->op];
	case FR_DATE:
		return !(f->fields & FF_YEAR) && pt->num[FO_MONTH] == 2 &&
		    pt->num[FO_DAY] == 29 ? E_NOYEAR : E_DATE;
	case FR_CLOCK:
		return E_CLOCK;
	case FR_RANGE:
	case FR_OK:
		break;
	}
	return E_RANGE;
}

int
ts_parse_format(const struct ts_format *f, const char *s, size_t n,
    int64_t *ns, const char **why)
{
	const char *p = s, *end = s + n;
	struct fparts pt = { .epoch = 0 };
	enum fres r;

	memset(pt.num, 0xff, sizeof(pt.num));	/* every part -1: not read */
	for (size_t i = 0; i < f->n; i++)
		if ((r = read_step(&f->step[i], &p, end, &pt)) != FR_OK) {
			*why = fres_why(f, &f->step[i], r, &pt);
			return -1;
		}
	if (p != end) {
		*why = E_TRAILING;
		return -1;
	}
	if ((r = compose(f, &pt, ns)) != FR_OK) {
		*why = fres_why(f, NULL, r, &pt);
		return -1;
	}
	return 0;
}

/*
 * The content of a JSON string literal, for ts_parse and
 * ts_parse_format.  A time is short and
 * ASCII, so an escaped one is decoded into tmp; an escape that stands for
 * anything but ASCII cannot be part of a time, and leaves the text as it is
 * for ts_parse to refuse.
 */
static size_t
string_content(const char *text, size_t len, char *tmp, size_t tmpsize,
    const char **out)
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
		} else if (end - p >= 2 && strchr("\"\\/", p[1]) != NULL &&
		    p[1] != '\0') {
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
ts_from_jval(const struct jval *v, enum ts_unit unit, const struct ts_format *fmt,
    int64_t *ns, const char **why)
{
	char tmp[128];
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
		if (fmt != NULL)
			return ts_parse_format(fmt, s, n, ns, why);
		return ts_parse(s, n, ns, why);
	default:
		*why = E_TYPE;
		return -1;
	}
}

int
ts_unit_fitting(const char *num, size_t n, enum ts_unit unit, enum ts_unit *fit)
{
	const char *why;
	int64_t ns;
	int u;

	if (number_to_ns(num, n, unit, &ns, &why) == 0)
		return -1;
	for (u = (int)unit + 1; u <= TS_NS; u++)
		if (number_to_ns(num, n, (enum ts_unit)u, &ns, &why) == 0) {
			*fit = (enum ts_unit)u;
			return 0;
		}
	return -1;
}

void
ts_bad_message(struct buf *out, const char *what, const struct jval *v,
    enum ts_unit unit, const char *why)
{
	enum ts_unit fit;
	const char *why2;
	int64_t ns;

	buf_addf(out, "bad %s ", what);
	buf_add(out, v->text, v->len > 80 ? 80 : v->len);
	if (v->len > 80)
		buf_adds(out, "...");
	buf_adds(out, ": ");
	buf_adds(out, why);
	/* Epoch milliseconds read as seconds are the usual cause: name the
	 * unit that reads the number, and what it then is. */
	if (v->type == J_NUMBER && why == E_RANGE &&
	    ts_unit_fitting(v->text, v->len, unit, &fit) == 0 &&
	    number_to_ns(v->text, v->len, fit, &ns, &why2) == 0) {
		buf_addf(out, "; --time-unit %s reads it as ", unit_names[fit]);
		ts_put_rfc3339(out, ns);
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

/* ------------------------------------------------------------- periods */

#define DAY_NS (SEC_PER_DAY * NS_PER_SEC)
#define MONDAY_NS (4 * DAY_NS)	/* 1970-01-05, the first Monday */

static int period_start_exact(const struct period *p, int64_t k,
    int64_t *start);

static const char E_CALENDAR_ORIGIN[] =
    "hour, day, week, month and year start where the UTC calendar does; "
    "an origin is for durations (1h, 1d, 1w)";

int
period_parse(const char *s, struct period *p, const char **why)
{
	static const struct {
		const char *name;
		enum period_kind kind;
		int64_t width, origin;
	} names[] = {
		{ "hour", PERIOD_FIXED, 3600 * NS_PER_SEC, 0 },
		{ "day", PERIOD_FIXED, DAY_NS, 0 },
		{ "week", PERIOD_FIXED, 7 * DAY_NS, MONDAY_NS },
		{ "month", PERIOD_MONTH, 0, 0 },
		{ "year", PERIOD_YEAR, 0, 0 },
	};
	size_t i;

	for (i = 0; i < LEN(names); i++)
		if (strcmp(s, names[i].name) == 0) {
			p->kind = names[i].kind;
			p->width = names[i].width;
			p->origin = names[i].origin;
			p->calendar = 1;
			return 0;
		}
	if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
		*why = "not a period: a duration (90s, 5m, 1h30m, 1d, 1w) or hour, day, "
		    "week, month, year";
		return -1;
	}
	if (dur_parse(s, &p->width, why) < 0)
		return -1;
	p->kind = PERIOD_FIXED;
	p->origin = 0;
	p->calendar = 0;
	return 0;
}

int
period_set_origin(struct period *p, int64_t origin, const char **why)
{
	if (p->calendar) {
		*why = E_CALENDAR_ORIGIN;
		return -1;
	}
	p->origin = origin;
	return 0;
}

/* The UTC date of t. */
static void
civil_of(int64_t t, int64_t *y, int *m, int *d)
{
	int64_t days = t / DAY_NS;

	if (t % DAY_NS < 0)
		days--;
	civil_from_days(days, y, m, d);
}

/* Midnight UTC starting y-m-01 (m may run past 12): 0, or -1 out of range. */
static int
month_start(int64_t y, int64_t m, int64_t *t)
{
	y += (m - 1) / 12 - ((m - 1) % 12 < 0);
	m = ((m - 1) % 12 + 12) % 12 + 1;
	/* Well outside 1677 to 2262, the day count itself would overflow. */
	if (y < 1600 || y > 2300)
		return -1;
	return secs_to_ns(days_from_civil(y, (int)m, 1) * SEC_PER_DAY, 0, t);
}

int64_t
period_floor(const struct period *p, int64_t t)
{
	int64_t y, start;
	int m, d;

	if (p->kind == PERIOD_FIXED)
		return ts_floor(t, p->width, p->origin);
	civil_of(t, &y, &m, &d);
	if (month_start(y, p->kind == PERIOD_YEAR ? 1 : m, &start) < 0)
		return INT64_MIN;	/* the month or year began before 1677-09-21 */
	return start;
}

int
period_next(const struct period *p, int64_t start, int64_t *next)
{
	int64_t y, k;
	int m, d;

	if (p->kind == PERIOD_FIXED) {
		if (p->width <= 0) {
			*next = start;
			return 0;
		}
		/* From the index: a start clamped to the earliest time is not
		 * a width before the next start. */
		k = period_index(p, start);
		return k == INT64_MAX ? -1 : period_start_exact(p, k + 1, next);
	}
	civil_of(start, &y, &m, &d);
	if (p->kind == PERIOD_YEAR)
		return month_start(y + 1, 1, next);
	return month_start(y, m + 1, next);
}

int64_t
period_index(const struct period *p, int64_t t)
{
	int64_t y, q, r, o;
	int m, d;

	switch (p->kind) {
	case PERIOD_FIXED:
		if (p->width <= 0)
			return t;
		/* floor((t - origin) / width) without computing t - origin. */
		q = t / p->width;
		r = t % p->width;
		if (r < 0) {
			r += p->width;
			q--;
		}
		o = p->origin % p->width;
		if (o < 0)
			o += p->width;
		return r < o ? q - 1 : q;
	case PERIOD_MONTH:
		civil_of(t, &y, &m, &d);
		return (y - 1970) * 12 + m - 1;
	case PERIOD_YEAR:
		civil_of(t, &y, &m, &d);
		return y - 1970;
	}
	return 0;
}

int
period_start(const struct period *p, int64_t k, int64_t *start)
{
	int64_t next;

	if (period_start_exact(p, k, start) == 0)
		return 0;
	/* The first period may begin before the earliest time: clamped, as
	 * period_floor clamps it. */
	if (k < INT64_MAX && period_start_exact(p, k + 1, &next) == 0 && next < 0 &&
	    next > INT64_MIN) {
		*start = INT64_MIN;
		return 0;
	}
	return -1;
}

static int
period_start_exact(const struct period *p, int64_t k, int64_t *start)
{
	int64_t o, t;

	switch (p->kind) {
	case PERIOD_FIXED:
		if (p->width <= 0) {
			*start = k;
			return 0;
		}
		o = p->origin % p->width;
		if (o < 0)
			o += p->width;
		/* Before the epoch k * width may pass the earliest time while
		 * the start, o later, does not: there multiply k + 1 and add
		 * o - width, which stays within range whenever the start does. */
		if (k < 0) {
			if (__builtin_mul_overflow(k + 1, p->width, &t) ||
			    __builtin_add_overflow(t, o - p->width, &t))
				return -1;
		} else if (__builtin_mul_overflow(k, p->width, &t) ||
		    __builtin_add_overflow(t, o, &t)) {
			return -1;
		}
		*start = t;
		return 0;
	case PERIOD_MONTH:
		if (k < -4000 || k > 4000)
			return -1;
		return month_start(1970, k + 1, start);
	case PERIOD_YEAR:
		if (k < -400 || k > 400)
			return -1;
		return month_start(1970 + k, 1, start);
	}
	return -1;
}

void
period_put(struct buf *out, const struct period *p)
{
	if (p->kind == PERIOD_MONTH) {
		buf_adds(out, "month");
	} else if (p->kind == PERIOD_YEAR) {
		buf_adds(out, "year");
	} else if (p->calendar) {
		buf_adds(out, p->width == DAY_NS ? "day" : p->width == 7 * DAY_NS ? "week" : "hour");
	} else {
		put_seconds(out, p->width);
		buf_addc(out, 's');
	}
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
