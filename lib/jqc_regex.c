/*
 * jqc_regex.c: jq 1.6's _match_impl (builtin.c f_match) over Oniguruma,
 * called exactly as jq calls it (Perl_NG syntax, UTF-8, capture groups,
 * the same flags), so that matches, offsets in code points, the shape of
 * the match objects and the error texts are jq's.
 *
 * Patterns are compiled once per evaluation state and kept (a small cache
 * per fieldset, so that threads never share a regex_t).
 *
 * Where jq 1.6 crashes (a global zero-width match in a string with
 * multi-byte characters steps into the middle of one), the compiled
 * evaluator raises an error instead.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <oniguruma.h>

#include "jqc_int.h"

#define RX_CACHE 64

struct rx_entry {
	char *pat;
	size_t len;
	OnigOptionType opts;
	regex_t *re;
};

struct regex_cache {
	struct rx_entry e[RX_CACHE];
	int n;
	OnigRegion *region;
};

static pthread_once_t onig_once = PTHREAD_ONCE_INIT;

static void
onig_start(void)
{
	OnigEncoding enc[] = { ONIG_ENCODING_UTF8 };
	onig_initialize(enc, 1);
}

void
regex_cache_free(struct regex_cache *rc)
{
	if (rc == NULL)
		return;
	for (int i = 0; i < rc->n; i++) {
		onig_free(rc->e[i].re);
		free(rc->e[i].pat);
	}
	if (rc->region)
		onig_region_free(rc->region, 1);
	free(rc);
}

/* The compiled pattern, or NULL with the error raised. */
static regex_t *
compile(struct jqc_eval *ev, const char *p, size_t n, OnigOptionType opts)
{
	struct regex_cache *rc = ev->rx;
	if (rc == NULL) {
		pthread_once(&onig_once, onig_start);
		rc = ev->rx = xcalloc(1, sizeof *rc);
		rc->region = onig_region_new();
	}
	for (int i = 0; i < rc->n; i++)
		if (rc->e[i].len == n && rc->e[i].opts == opts &&
		    memcmp(rc->e[i].pat, p, n) == 0)
			return rc->e[i].re;
	regex_t *re;
	OnigErrorInfo einfo;
	int r = onig_new(&re, (const UChar *)p, (const UChar *)p + n, opts,
	    ONIG_ENCODING_UTF8, ONIG_SYNTAX_PERL_NG, &einfo);
	if (r != ONIG_NORMAL) {
		UChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
		onig_error_code_to_str(msg, r, &einfo);
		raise_fmt(ev, "Regex failure: %s", (char *)msg);
		return NULL;
	}
	if (rc->n == RX_CACHE) {
		/* Patterns computed from the data: start the cache over
		 * rather than grow it without bound. */
		for (int i = 0; i < rc->n; i++) {
			onig_free(rc->e[i].re);
			free(rc->e[i].pat);
		}
		rc->n = 0;
	}
	struct rx_entry *e = &rc->e[rc->n++];
	e->pat = xmalloc(n + 1);
	memcpy(e->pat, p, n);
	e->len = n;
	e->opts = opts;
	e->re = re;
	return re;
}

/* jvp_utf8_decode_length: the length a lead byte announces. */
static int
lead_len(unsigned char c)
{
	if ((c & 0x80) == 0)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	return 4;
}

/* Code points from s to at (a character boundary). */
static double
cp_offset(const char *s, const char *at)
{
	double n = 0;
	while (s < at) {
		s += lead_len((unsigned char)*s);
		n++;
	}
	return n;
}

static struct jqv
set(struct jqc_eval *ev, struct jqv o, const char *k, struct jqv v)
{
	return obj_set(ev, &o, k, strlen(k), &v);
}

struct names {
	struct jqc_eval *ev;
	struct jqv *caps;
};

static int
name_cb(const UChar *name, const UChar *end, int ngroups, int *groups,
    regex_t *re, void *arg)
{
	(void)re;
	struct names *nm = arg;
	for (int i = 0; i < ngroups; i++) {
		struct jqv *cap = &nm->caps->u.a->v[groups[i] - 1];
		if (cap->t == J_OBJECT) {
			struct jqv s = str_make(nm->ev, (const char *)name, (size_t)(end - name));
			*cap = set(nm->ev, *cap, "name", s);
		}
	}
	return 0;
}

int
jqc_match(struct jqc_eval *ev, const struct jqv *in, const struct jqv *rev,
    const struct jqv *mods, int test, struct jqv *out)
{
	if (in->t != J_STRING)
		return type_error(ev, in, "cannot be matched, as it is not a string");
	if (rev->t != J_STRING)
		return type_error(ev, rev, "is not a string");

	OnigOptionType opts = ONIG_OPTION_CAPTURE_GROUP;
	int global = 0;
	if (mods->t == J_STRING) {
		const char *m;
		size_t mn;
		str_get(ev, mods, &m, &mn);
		for (size_t i = 0; i < mn; i++) {
			switch (m[i]) {
			case 'g': global = 1; break;
			case 'i': opts |= ONIG_OPTION_IGNORECASE; break;
			case 'x': opts |= ONIG_OPTION_EXTEND; break;
			case 'm': opts |= ONIG_OPTION_MULTILINE; break;
			case 's': opts |= ONIG_OPTION_SINGLELINE; break;
			case 'p': opts |= ONIG_OPTION_MULTILINE | ONIG_OPTION_SINGLELINE; break;
			case 'l': opts |= ONIG_OPTION_FIND_LONGEST; break;
			case 'n': opts |= ONIG_OPTION_FIND_NOT_EMPTY; break;
			default:
				buf_reset(&ev->msg);
				buf_add(&ev->msg, m, strnlen(m, mn));
				buf_adds(&ev->msg, " is not a valid modifier string");
				return raise_msg(ev);
			}
		}
	} else if (mods->t != J_NULL) {
		return type_error(ev, mods, "is not a string");
	}

	const char *pat, *s;
	size_t pn, n;
	str_get(ev, rev, &pat, &pn);
	regex_t *re = compile(ev, pat, pn, opts);
	if (re == NULL)
		return R_ERR;
	str_get(ev, in, &s, &n);

	OnigRegion *rg = ev->rx->region;
	const UChar *us = (const UChar *)s, *end = us + n, *start = us;
	struct jqv result = test ? jqv_false_v : arr_make(ev, 4);

	do {
		int r = onig_search(re, us, end, start, end, rg, ONIG_OPTION_NONE);
		if (r == ONIG_MISMATCH)
			break;
		if (r < 0) {
			UChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
			onig_error_code_to_str(msg, r);
			return raise_fmt(ev, "Regex failure: %s", (char *)msg);
		}
		if (test) {
			result = jqv_true_v;
			break;
		}
		if (rg->end[0] == rg->beg[0]) {
			struct jqv m = obj_make(ev, 4);
			m = set(ev, m, "offset", jqv_num(cp_offset(s, s + rg->beg[0])));
			m = set(ev, m, "length", jqv_num(0));
			m = set(ev, m, "string", jqv_str("", 0));
			m = set(ev, m, "captures", arr_make(ev, 1));
			result = arr_push(ev, &result, &m);
			/* jq steps one byte, into a multi-byte character if
			 * there is one, and then crashes */
			start += 1;
			if (global && start < end && (*start & 0xC0) == 0x80)
				return raise_fmt(ev, "a global zero-width match inside a "
				    "multi-byte character (jq 1.6 crashes here)");
			continue;
		}
		struct jqv m = obj_make(ev, 4);
		const char *mb = s + rg->beg[0], *me = s + rg->end[0];
		double off = cp_offset(s, mb);
		m = set(ev, m, "offset", jqv_num(off));
		m = set(ev, m, "length", jqv_num(cp_offset(mb, me)));
		m = set(ev, m, "string", jqv_str(mb, (size_t)(me - mb)));
		struct jqv caps = arr_make(ev, (size_t)rg->num_regs);
		for (int i = 1; i < rg->num_regs; i++) {
			struct jqv cap = obj_make(ev, 4);
			if (rg->beg[i] == rg->end[i]) {
				if (rg->beg[i] == -1) {
					cap = set(ev, cap, "offset", jqv_num(-1));
					cap = set(ev, cap, "string", jqv_null_v);
				} else {
					cap = set(ev, cap, "offset",
					    jqv_num(cp_offset(s, s + rg->beg[i])));
					cap = set(ev, cap, "string", jqv_str("", 0));
				}
				cap = set(ev, cap, "length", jqv_num(0));
				cap = set(ev, cap, "name", jqv_null_v);
			} else {
				const char *cb = s + rg->beg[i], *ce = s + rg->end[i];
				cap = set(ev, cap, "offset", jqv_num(cp_offset(s, cb)));
				cap = set(ev, cap, "length", jqv_num(cp_offset(cb, ce)));
				cap = set(ev, cap, "string", jqv_str(cb, (size_t)(ce - cb)));
				cap = set(ev, cap, "name", jqv_null_v);
			}
			caps = arr_push(ev, &caps, &cap);
		}
		struct names nm = { ev, &caps };
		onig_foreach_name(re, name_cb, &nm);
		m = set(ev, m, "captures", caps);
		result = arr_push(ev, &result, &m);
		start = us + rg->end[0];
	} while (global && start != end);
	*out = result;
	return R_OK;
}
