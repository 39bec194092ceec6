/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * json.h - a tiny streaming JSON writer: compact output, commas and
 * string escaping handled, nesting checked. Enough for vnetctl's objects
 * and arrays of numbers and strings.
 */
#ifndef VNET_JSON_H
#define VNET_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *out;
	int depth;
	/* Per open container: something was written, so the next needs a comma. */
	bool nonempty[JSON_MAX_DEPTH];
	bool after_key;		/* a key was written; its value comes next */
};

void json_init(struct json *j, FILE *out);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Inside an object: the key of the next value. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_u64(struct json *j, __u64 v);
void json_int(struct json *j, long long v);
/* A finite number with @decimals digits after the point. */
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key + value in one call, for the common case. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, __u64 v);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_double(struct json *j, const char *key, double v, int decimals);
void json_kv_null(struct json *j, const char *key);

#endif /* VNET_JSON_H */
