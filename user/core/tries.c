// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tries.c - read and change a program's --respond prefixes (tries.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/tries.h"
#include "lib/clock.h"

bool tries_present(const struct vnet_tries *t)
{
	return t->prefix4_fd >= 0 && t->prefix6_fd >= 0 && t->state_fd >= 0;
}

void tries_close(struct vnet_tries *t)
{
	if (t->prefix4_fd >= 0)
		close(t->prefix4_fd);
	if (t->prefix6_fd >= 0)
		close(t->prefix6_fd);
	if (t->state_fd >= 0)
		close(t->state_fd);
	if (t->claims_fd >= 0)
		close(t->claims_fd);
	*t = VNET_TRIES_NONE;
}

/*
 * Walks one trie's keys. An LPM trie's get_next_key visits every key once
 * (more specific before less specific), and nothing deletes meanwhile:
 * every writer holds the lock, and we only read under it.
 */
static int tries_read_family(int fd, int family, struct prefix_list *out)
{
	union {
		struct vnet_prefix4_key k4;
		struct vnet_prefix6_key k6;
	} key, next;
	struct prefix p;
	void *prev = NULL;
	unsigned int guard = 0;
	int err;

	for (;;) {
		err = bpf_map_get_next_key(fd, prev, &next);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		if (family == 4)
			prefix_from_key4(&next.k4, &p);
		else
			prefix_from_key6(&next.k6, &p);
		/* More keys than the trie can hold means we are going round. */
		if (++guard > VNET_MAX_PREFIXES)
			return -EOVERFLOW;
		/* Its attributes (hops, ...): the value. */
		err = bpf_map_lookup_elem(fd, &next, &p.attr);
		if (!err)
			err = prefix_list_add(out, &p);
		if (err)
			return err;
		key = next;
		prev = &key;
	}
}

int tries_read(const struct vnet_tries *t, struct prefix_list *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = tries_read_family(t->prefix4_fd, 4, out);
	if (!err)
		err = tries_read_family(t->prefix6_fd, 6, out);
	if (err) {
		prefix_list_free(out);
		return err;
	}
	prefix_list_sort(out);
	return 0;
}

int tries_get_count(const struct vnet_tries *t, __u32 *count)
{
	struct vnet_state st = {};
	__u32 key = 0;
	int err;

	err = bpf_map_lookup_elem(t->state_fd, &key, &st);
	if (err)
		return err;
	*count = st.nr_prefixes;
	return 0;
}

static int tries_set_count(const struct vnet_tries *t, __u32 count)
{
	struct vnet_state st = { .nr_prefixes = count };
	__u32 key = 0;

	return bpf_map_update_elem(t->state_fd, &key, &st, BPF_ANY);
}

static int tries_update(const struct vnet_tries *t, const struct prefix *p, bool insert)
{
	struct vnet_prefix4_key k4;
	struct vnet_prefix6_key k6;
	int fd = p->family == 4 ? t->prefix4_fd : t->prefix6_fd;
	void *key;

	if (p->family == 4) {
		prefix_to_key4(p, &k4);
		key = &k4;
	} else {
		prefix_to_key6(p, &k6);
		key = &k6;
	}
	if (insert)
		return bpf_map_update_elem(fd, key, &p->attr, BPF_ANY);
	return bpf_map_delete_elem(fd, key);
}

int tries_sync_count(const struct vnet_tries *t)
{
	struct prefix_list have;
	int err;

	err = tries_read(t, &have);
	if (err)
		return err;
	err = tries_set_count(t, (__u32)have.n);
	prefix_list_free(&have);
	return err;
}

int tries_add(const struct vnet_tries *t, const struct prefix_list *have,
	      const struct prefix_list *add, int *full_family)
{
	size_t n_new[2] = {}, n_have[2] = {};
	int err = 0;

	/*
	 * New attributes for a prefix that is there: its value is replaced
	 * in one update, which the program sees whole or not at all.
	 */
	for (size_t i = 0; i < add->n && !err; i++)
		for (size_t j = 0; j < have->n; j++)
			if (prefix_equal(&have->p[j], &add->p[i]) &&
			    !prefix_attr_equal(&have->p[j], &add->p[i]))
				err = tries_update(t, &add->p[i], true);
	if (err)
		return err;

	for (size_t i = 0; i < add->n; i++)
		if (!prefix_list_has(have, &add->p[i]))
			n_new[add->p[i].family == 6]++;
	for (size_t i = 0; i < have->n; i++)
		n_have[have->p[i].family == 6]++;
	for (int f = 0; f < 2; f++) {
		if (n_have[f] + n_new[f] > VNET_MAX_PREFIXES) {
			*full_family = f ? 6 : 4;
			return -ENOSPC;
		}
	}
	if (!n_new[0] && !n_new[1])
		return 0;

	/*
	 * Filtering on before the first prefix goes in: from then on the
	 * program answers exactly inside what the tries hold, which is what
	 * `respond list` shows, whenever this process dies. The other way
	 * round, a death between the inserts and the count would leave the
	 * tries listing prefixes while the program answers everywhere.
	 */
	if (!have->n)
		err = tries_set_count(t, (__u32)(n_new[0] + n_new[1]));
	for (size_t i = 0; i < add->n && !err; i++)
		if (!prefix_list_has(have, &add->p[i]))
			err = tries_update(t, &add->p[i], true);
	if (!err)
		return tries_set_count(t, (__u32)(have->n + n_new[0] + n_new[1]));
	/* Count what did go in; the insert's error is the one to report. */
	tries_sync_count(t);
	return err;
}

int tries_del(const struct vnet_tries *t, const struct prefix_list *have,
	      const struct prefix_list *del)
{
	int err = 0;

	if (!del->n)
		return 0;
	/*
	 * The prefixes first, the count last: filtering stays on until the
	 * last prefix is gone, so at no instant does the program answer a
	 * destination outside what the tries hold. (Between the last delete
	 * and the count it answers no echo request at all: refusing for a
	 * moment is the safe side, and a death there is repaired by the next
	 * command, tries_check().)
	 */
	for (size_t i = 0; i < del->n && !err; i++)
		err = tries_update(t, &del->p[i], false);
	if (!err)
		return tries_set_count(t, (__u32)(have->n - del->n));
	tries_sync_count(t);
	return err;
}

int tries_check(const struct vnet_tries *t, __u32 *was, __u32 *n)
{
	struct prefix_list have;
	int err;

	err = tries_get_count(t, was);
	if (err)
		return err;
	err = tries_read(t, &have);
	if (err)
		return err;
	*n = (__u32)have.n;
	prefix_list_free(&have);
	if (*was == *n)
		return 0;
	err = tries_set_count(t, *n);
	return err ? err : 1;
}

static int tries_claim_cmp(const void *a, const void *b)
{
	const struct tries_claim *x = a, *y = b;

	return (x->age_ms > y->age_ms) - (x->age_ms < y->age_ms);
}

int tries_read_claims(const struct vnet_tries *t, __u32 max_age_s, struct tries_claim **out,
		      size_t *n)
{
	struct vnet_claim_key key, next;
	struct tries_claim *c;
	struct vnet_claim val;
	void *prev = NULL;
	__u64 now;
	int err;

	*out = NULL;
	*n = 0;
	if (t->claims_fd < 0 || !max_age_s)
		return 0;
	now = mono_now_ns();	/* the program's clock */
	c = calloc(VNET_MAX_CLAIMS, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* An LRU hash may drop a key under the walk; the bound ends any restart. */
	for (unsigned int guard = 0; guard < 2 * VNET_MAX_CLAIMS && *n < VNET_MAX_CLAIMS;
	     guard++) {
		err = bpf_map_get_next_key(t->claims_fd, prev, &next);
		if (err == -ENOENT)
			break;
		if (err) {
			free(c);
			*n = 0;
			return err;
		}
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(t->claims_fd, &key, &val) || val.seen_ns > now ||
		    now - val.seen_ns >= (__u64)max_age_s * 1000000000ull)
			continue;	/* gone since, or aged out: vnet answers again */
		c[*n].family = (int)key.family;
		memcpy(c[*n].addr, key.addr, sizeof(key.addr));
		memcpy(c[*n].mac, val.mac, sizeof(val.mac));
		c[*n].age_ms = (now - val.seen_ns) / 1000000;
		(*n)++;
	}
	qsort(c, *n, sizeof(*c), tries_claim_cmp);
	*out = c;
	return 0;
}
