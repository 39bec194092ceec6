// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * json.c - a tiny streaming JSON writer (RFC 8259 output).
 */
#include <assert.h>
#include <math.h>

#include "lib/json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->nonempty[0] = false;
	j->after_key = false;
}

/* Before any value or key: the comma that separates it from the last. */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->nonempty[j->depth - 1])
		fputc(',', j->out);
	if (j->depth > 0)
		j->nonempty[j->depth - 1] = true;
}

static void json_open(struct json *j, char c)
{
	json_sep(j);
	assert(j->depth < JSON_MAX_DEPTH);
	fputc(c, j->out);
	j->nonempty[j->depth++] = false;
}

static void json_close(struct json *j, char c)
{
	assert(j->depth > 0 && !j->after_key);
	j->depth--;
	fputc(c, j->out);
}

void json_object_begin(struct json *j)
{
	json_open(j, '{');
}

void json_object_end(struct json *j)
{
	json_close(j, '}');
}

void json_array_begin(struct json *j)
{
	json_open(j, '[');
}

void json_array_end(struct json *j)
{
	json_close(j, ']');
}

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static unsigned int json_utf8_len(const unsigned char *p)
{
	unsigned int len, i;
	__u32 cp;

	if (p[0] < 0xc2)	/* ASCII is not asked about; 0x80-0xc1 never lead */
		return 0;
	if (p[0] < 0xe0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] < 0xf5) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	/* Stops at the terminating NUL too: it is no continuation byte. */
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Interface names are bytes, not text: the kernel takes anything but '/',
 * ':', whitespace and NUL, so a name can hold quotes, control characters
 * and bytes that are not UTF-8, which JSON text must be. Well-formed UTF-8
 * passes through; any other byte >= 0x80 is written as the code point of
 * the same number (\u00XX, as Latin-1 would read it), so the output is
 * always valid JSON.
 */
static void json_quoted(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', j->out);
	while (*p) {
		unsigned int len;

		switch (*p) {
		case '"':
			fputs("\\\"", j->out);
			break;
		case '\\':
			fputs("\\\\", j->out);
			break;
		case '\n':
			fputs("\\n", j->out);
			break;
		case '\r':
			fputs("\\r", j->out);
			break;
		case '\t':
			fputs("\\t", j->out);
			break;
		default:
			if (*p < 0x80) {
				/* Other control characters have no short escape. */
				if (*p < 0x20)
					fprintf(j->out, "\\u%04x", *p);
				else
					fputc(*p, j->out);
				break;
			}
			len = json_utf8_len(p);
			if (!len) {
				fprintf(j->out, "\\u%04x", *p);
				break;
			}
			fwrite(p, 1, len, j->out);
			p += len;
			continue;
		}
		p++;
	}
	fputc('"', j->out);
}

void json_key(struct json *j, const char *key)
{
	assert(!j->after_key);
	json_sep(j);
	json_quoted(j, key);
	fputc(':', j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	json_sep(j);
	json_quoted(j, s);
}

void json_u64(struct json *j, __u64 v)
{
	json_sep(j);
	fprintf(j->out, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, long long v)
{
	json_sep(j);
	fprintf(j->out, "%lld", v);
}

void json_double(struct json *j, double v, int decimals)
{
	json_sep(j);
	/* JSON has no NaN or infinity; 0 is the honest "no rate". */
	if (!isfinite(v))
		v = 0;
	fprintf(j->out, "%.*f", decimals, v);
}

void json_bool(struct json *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->out);
}

void json_kv_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_null(j);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, __u64 v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_double(struct json *j, const char *key, double v, int decimals)
{
	json_key(j, key);
	json_double(j, v, decimals);
}
