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
 * The time a field value stands for:
 *   - a number: that many units since the epoch; fractions allowed; an
 *     integer text is converted exactly, even above 2^53 (Mozilla's
 *     nanosecond meta.Timestamp);
 *   - a string: RFC 3339 / ISO 8601 ("2017-03-12T10:00:00Z", a space for
 *     T, offsets +hh:mm, +hhmm or +hh, Z, fractional seconds to ns, no
 *     offset meaning UTC), a date alone ("2017-03-12", midnight UTC), or
 *     8 digits YYYYMMDD ("20170130");
 * Returns 0, or -1 with *why (static text, e.g. "time is not a date:
 * \"yesterday\"" is the caller's job; why is "not an RFC 3339 time").
 */
int ts_from_jval(const struct jval *v, enum ts_unit unit, int64_t *ns, const char **why);
int ts_parse(const char *s, size_t n, int64_t *ns, const char **why);

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

/* Floor division for bucket and period starts: floor((t - origin) / width)
 * * width + origin, correct for times before the origin. */
int64_t ts_floor(int64_t t, int64_t width, int64_t origin);

#endif
