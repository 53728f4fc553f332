/*
 * jqc_time.c: jq 1.6's date builtins (builtin.c: strptime, mktime,
 * gmtime, strftime) through the same glibc calls jq makes, with jq's
 * sentinels, fix-ups and messages.
 *
 * Where jq 1.6 aborts on an assertion (strftime or todate of a number
 * gmtime cannot convert, strftime with a format that is not a string
 * after a number), the compiled evaluator raises the error jq meant.
 */
#define _GNU_SOURCE	/* strptime, timegm */
#include <ctype.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jqc_int.h"

/* A string's bytes as C text (up to a NUL), in the arena. */
static const char *
ctext(struct jqc_eval *ev, const struct jqv *v)
{
	const char *p;
	size_t n;
	str_get(ev, v, &p, &n);
	return ar_copy(&ev->ar, p, strnlen(p, n));
}

static struct jqv
tm_value(struct jqc_eval *ev, const struct tm *tm)
{
	struct jqv a = arr_make(ev, 9);
	double f[8] = { tm->tm_year + 1900.0, tm->tm_mon, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, tm->tm_sec, tm->tm_wday, tm->tm_yday };
	for (int i = 0; i < 8; i++)
		a.u.a->v[i] = jqv_num(f[i]);
	a.n = a.u.a->used = 8;
	return a;
}

/* jq's set_tm_wday (Gauss's algorithm, its own rounding). */
static void
set_tm_wday(struct tm *tm)
{
	int century = (1900 + tm->tm_year) / 100;
	int year = (1900 + tm->tm_year) % 100;
	if (tm->tm_mon < 2)
		year--;
	int mon = tm->tm_mon - 1;
	if (mon < 1)
		mon += 12;
	int wday = (tm->tm_mday + (int)floor((2.6 * mon - 0.2)) + year +
	    (int)floor(year / 4.0) + (int)floor(century / 4.0) - 2 * century) % 7;
	if (wday < 0)
		wday += 7;
	tm->tm_wday = wday;
}

static void
set_tm_yday(struct tm *tm)
{
	static const int d[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int mon = tm->tm_mon;
	int year = 1900 + tm->tm_year;
	int leap_day = 0;
	if (tm->tm_mon > 1 && ((year % 4 == 0 && year % 100 != 0) || (year % 400 == 0)))
		leap_day = 1;
	if (mon < 0)
		mon = -mon;
	if (mon > 11)
		mon %= 12;
	tm->tm_yday = d[mon] + leap_day + tm->tm_mday - 1;
}

int
jqc_strptime(struct jqc_eval *ev, const struct jqv *in, const struct jqv *fmtv,
    struct jqv *out)
{
	if (in->t != J_STRING || fmtv->t != J_STRING)
		return raise_fmt(ev, "strptime/1 requires string inputs and arguments");
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_wday = 8;
	tm.tm_yday = 367;
	const char *s = ctext(ev, in), *fmt = ctext(ev, fmtv);
	const char *end = strptime(s, fmt, &tm);
	if (end == NULL || (*end != '\0' && !isspace((unsigned char)*end)))
		return raise_fmt(ev, "date \"%s\" does not match format \"%s\"", s, fmt);
	if (tm.tm_wday == 8 && tm.tm_mday != 0 && tm.tm_mon >= 0 && tm.tm_mon <= 11)
		set_tm_wday(&tm);
	if (tm.tm_yday == 367 && tm.tm_mday != 0 && tm.tm_mon >= 0 && tm.tm_mon <= 11)
		set_tm_yday(&tm);
	struct jqv r = tm_value(ev, &tm);
	if (*end != '\0') {
		struct jqv rest = str_make(ev, end, strlen(end));
		r = arr_push(ev, &r, &rest);
	}
	*out = r;
	return R_OK;
}

/* jv2tm: eight numbers (C's double to int conversion as on x86-64). */
static int
to_tm(const struct jqv *a, struct tm *tm)
{
	int f[8];
	memset(tm, 0, sizeof *tm);
	for (int i = 0; i < 8; i++) {
		struct jqv x = arr_len(a) > (size_t)i ? arr_get(a, (size_t)i) : jqv_null_v;
		if (x.t != J_NUMBER)
			return 0;
		f[i] = jq_int(x.num);
	}
	tm->tm_year = f[0] - 1900;
	tm->tm_mon = f[1];
	tm->tm_mday = f[2];
	tm->tm_hour = f[3];
	tm->tm_min = f[4];
	tm->tm_sec = f[5];
	tm->tm_wday = f[6];
	tm->tm_yday = f[7];
	return 1;
}

/* Decided once, before any worker thread's mktime can rewrite tzset's
 * globals under us. */
static pthread_once_t zone_once = PTHREAD_ONCE_INIT;
static int zone_utc;

static void
zone_check(void)
{
	tzset();
	zone_utc = timezone == 0 && daylight == 0 && (strcmp(tzname[0], "UTC") == 0 ||
	    strcmp(tzname[0], "GMT") == 0 || strcmp(tzname[0], "UCT") == 0);
}

int
jqc_zone_is_utc(void)
{
	pthread_once(&zone_once, zone_check);
	return zone_utc;
}

int
jqc_mktime(struct jqc_eval *ev, const struct jqv *in, struct jqv *out)
{
	if (in->t != J_ARRAY)
		return raise_fmt(ev, "mktime requires array inputs");
	if (arr_len(in) < 6)
		return raise_fmt(ev, "mktime requires parsed datetime inputs");
	struct tm tm;
	if (!to_tm(in, &tm))
		return raise_fmt(ev, "mktime requires parsed datetime inputs");
	/* jq's my_mktime: local mktime corrected by the zone's offset
	 * (an hour off in summer time); in UTC that is timegm, which does
	 * not look at the zone files on every call as mktime does. */
	time_t t = ev->utc ? timegm(&tm) : mktime(&tm);
	if (t != (time_t)-1 && !ev->utc)
		t += tm.tm_gmtoff;
	/* jq's sentinels, even where they are real times */
	if (t == (time_t)-1)
		return raise_fmt(ev, "invalid gmtime representation");
	if (t == (time_t)-2)
		return raise_fmt(ev, "mktime not supported on this platform");
	*out = jqv_num((double)t);
	return R_OK;
}

static int
gmtime_value(struct jqc_eval *ev, double fsecs, struct jqv *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	/* (time_t)fsecs as x86-64 converts it */
	time_t secs = (time_t)jq_intmax(fsecs);
	if (gmtime_r(&secs, &tm) == NULL)
		return raise_fmt(ev, "errror converting number of seconds since epoch to datetime");
	struct jqv a = tm_value(ev, &tm);
	a.u.a->v[5] = jqv_num(tm.tm_sec + (fsecs - floor(fsecs)));
	*out = a;
	return R_OK;
}

int
jqc_gmtime(struct jqc_eval *ev, const struct jqv *in, struct jqv *out)
{
	if (in->t != J_NUMBER)
		return raise_fmt(ev, "gmtime() requires numeric inputs");
	return gmtime_value(ev, in->num, out);
}

int
jqc_strftime(struct jqc_eval *ev, const struct jqv *in, const struct jqv *fmtv,
    struct jqv *out)
{
	struct jqv a;
	if (in->t == J_NUMBER) {
		int r = gmtime_value(ev, in->num, &a);
		if (r != R_OK)
			return r;
		if (fmtv->t != J_STRING)
			return raise_fmt(ev, "strftime/1 requires a string format");
	} else if (in->t != J_ARRAY) {
		return raise_fmt(ev, "strftime/1 requires parsed datetime inputs");
	} else if (fmtv->t != J_STRING) {
		return raise_fmt(ev, "strftime/1 requires a string format");
	} else {
		a = *in;
	}
	struct tm tm;
	if (!to_tm(&a, &tm))
		return raise_fmt(ev, "strftime/1 requires parsed datetime inputs");
	const char *fmt = ctext(ev, fmtv);
	size_t alloced = strlen(fmt) + 100;
	char *b = ar_alloc(&ev->ar, alloced);
	size_t n = strftime(b, alloced, fmt, &tm);
	if (n == 0 || n > alloced)
		return raise_fmt(ev, "strftime/1: unknown system failure");
	*out = str_make(ev, b, strlen(b));
	return R_OK;
}
