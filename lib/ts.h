/*
 * ts.h: times and durations.
 *
 * Times are int64 nanoseconds since the Unix epoch (UTC), which covers the
 * years 1678 to 2261; a time outside that is an error, never a wrap.
 * Durations are int64 nanoseconds too.
 */
#ifndef TRAWL_TS_H
#define TRAWL_TS_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define NS_PER_SEC INT64_C(1000000000)

enum ts_unit { TS_S, TS_MS, TS_US, TS_NS };

/* "s", "ms", "us", "ns" for --time-unit; 0 or -1. */
int ts_unit_parse(const char *s, enum ts_unit *unit);

/*
 * A time format in strptime's language (--time-format), compiled once:
 *   %Y year (1 to 4 digits)   %y year 69-99 = 19xx, 00-68 = 20xx
 *   %m month   %b %B %h month name (English, any case, full or 3 letters)
 *   %d %e day of the month   %j day of the year
 *   %H hour 0-23   %I hour 1-12 with %p AM or PM   %M minute
 *   %S second 0-60 (60: the next second)   %f fraction of a second
 *   (1 or more digits after the point, to the nanosecond; finer dropped)
 *   %z offset Z, +hh, +hhmm or +hh:mm   %Z UTC, GMT, UT or Z
 *   %s seconds since the epoch (with %f; no other date or time)
 *   %a %A weekday name, %u 1-7, %w 0-6: read and not checked
 *   %T %H:%M:%S  %R %H:%M  %F %Y-%m-%d  %D %m/%d/%y  %c %a %b %e %H:%M:%S %Y
 *   %x %m/%d/%y  %X %H:%M:%S  %r %I:%M:%S %p  %n %t white space  %% a %
 * White space in the format matches any white space, none included;
 * numbers may have leading spaces and need no leading zeros; any other
 * character matches itself.  The whole text must match.  Without %z or %Z
 * a time is UTC; without a year it is in 1970; without a day, the 1st;
 * without a time of day, midnight.  Nothing depends on TZ or the locale.
 */
struct ts_format;

/* Compile fmt; NULL with a message in err when it is not a format. */
struct ts_format *ts_format_new(const char *fmt, char *err, size_t errlen);
void ts_format_free(struct ts_format *f);
/* The time s[0..n) stands for in format f: 0, or -1 with *why. */
int ts_parse_format(const struct ts_format *f, const char *s, size_t n,
    int64_t *ns, const char **why);

/*
 * The time a field value stands for:
 *   - a number: that many units since the epoch; fractions allowed; an
 *     integer text is converted exactly, even above 2^53 (Mozilla's
 *     nanosecond meta.Timestamp);
 *   - a string in format fmt, when fmt is not NULL; else
 *   - a string: RFC 3339 / ISO 8601 ("2017-03-12T10:00:00Z", a space for
 *     T, offsets +hh:mm, +hhmm or +hh, Z, fractional seconds to ns, no
 *     offset meaning UTC), a date alone ("2017-03-12", midnight UTC), or
 *     8 digits YYYYMMDD ("20170130");
 * Returns 0, or -1 with *why, static text without the value ("not an RFC
 * 3339 time", "time is not a number or a string"); ts_bad_message makes
 * the whole message with the value.
 */
int ts_from_jval(const struct jval *v, enum ts_unit unit,
    const struct ts_format *fmt, int64_t *ns, const char **why);
int ts_parse(const char *s, size_t n, int64_t *ns, const char **why);

/*
 * "bad WHAT TEXT: WHY" for a value ts_from_jval refused (a long text is
 * cut), and for an epoch number out of range in unit, the --time-unit
 * that would read it and the time it would then be.
 */
void ts_bad_message(struct buf *out, const char *what, const struct jval *v,
    enum ts_unit unit, const char *why);
/* The coarsest unit finer than unit in which the number text is a time in
 * range: 0 with *fit, or -1 when there is none. */
int ts_unit_fitting(const char *num, size_t n, enum ts_unit unit,
    enum ts_unit *fit);
/* "s", "ms", "us" or "ns". */
const char *ts_unit_name(enum ts_unit unit);

/*
 * Durations: "300" (seconds), "300s", "5m", "1h", "1d", "1w", "250ms",
 * "1.5s", and sums such as "1h30m".  Negative is an error; "0" is allowed.
 */
int dur_parse(const char *s, int64_t *ns, const char **why);

/* Append the time as a JSON value: an RFC 3339 UTC string
 * ("2017-03-12T10:05:00Z", fraction digits only when not zero, trailing
 * zeros trimmed), or with epoch set, a number of seconds. */
void ts_put(struct buf *out, int64_t ns, int epoch);
/* The RFC 3339 text alone, no quotes. */
void ts_put_rfc3339(struct buf *out, int64_t ns);
/* A duration as a JSON number of seconds (fraction only when present). */
void dur_put_seconds(struct buf *out, int64_t ns);

/*
 * Periods: how tools bin or group time (histo --time, maxcount --per,
 * sessionize --bucket).  A duration ("90s", "5m", "1h30m", "1d", "1w")
 * makes fixed-width periods that start at the origin (the epoch unless
 * period_set_origin moves it) and every width from it; the calendar
 * periods "hour", "day", "week" (ISO: from Monday), "month" and "year"
 * start where the UTC calendar does.  A width of 0 ("0", "0s") is a
 * period of one instant: no binning.
 */
enum period_kind { PERIOD_FIXED, PERIOD_MONTH, PERIOD_YEAR };
struct period {
	enum period_kind kind;
	int64_t width;		/* PERIOD_FIXED: ns */
	int64_t origin;		/* PERIOD_FIXED: a period starts here */
	int calendar;		/* named: hour, day, week, month or year */
};

/* A duration or a calendar period's name; 0, or -1 with *why. */
int period_parse(const char *s, struct period *p, const char **why);
/* Periods of a duration start at origin; -1 with *why for a calendar
 * period, which starts where the calendar says. */
int period_set_origin(struct period *p, int64_t origin, const char **why);
/* The start of the period that holds t (clamped to the earliest time). */
int64_t period_floor(const struct period *p, int64_t t);
/* The start of the period after the one that starts at start: 0, or -1
 * when it is later than the latest time. */
int period_next(const struct period *p, int64_t start, int64_t *next);
/* Consecutive period numbers: period_index of t, and the start of period
 * k (0, or -1 when outside the range of times). */
int64_t period_index(const struct period *p, int64_t t);
int period_start(const struct period *p, int64_t k, int64_t *start);
/* The period as period_parse reads it back: "300s", "month", ...; a
 * fixed origin other than the epoch is not part of it. */
void period_put(struct buf *out, const struct period *p);

/* Floor division for bucket and period starts: floor((t - origin) / width)
 * * width + origin, correct for times before the origin. */
int64_t ts_floor(int64_t t, int64_t width, int64_t origin);

#endif
