// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keyword matching for mgmctl's grammar: a word names a keyword when it
 * equals it, or when it is a prefix of it at least as long as the keyword's
 * shortest abbreviation and of no other keyword of the same place in the
 * grammar. Never by a first letter alone: "sh" is show, "s" is refused
 * where both "show" and "source" could follow.
 */
#include <string.h>
#include "mgmctl.h"

int kw_match(const char *word, const struct mgmctl_kw *kw, size_t n)
{
	size_t len = strlen(word), i;
	int found = -1;

	if (!len)
		return -1;
	for (i = 0; i < n; i++)
		if (!strcmp(word, kw[i].name))
			return (int)i;
	for (i = 0; i < n; i++) {
		if (len < (kw[i].min ? kw[i].min : 1) ||
		    strncmp(word, kw[i].name, len))
			continue;
		if (found >= 0)
			return -2;
		found = (int)i;
	}
	return found;
}

int kw_lookup(const char *word, const struct mgmctl_kw *kw, size_t n,
	      const char *ctx, const char *noun, int *idx)
{
	char list[256] = "";
	size_t i, len = strlen(word), used = 0;

	*idx = kw_match(word, kw, n);
	if (*idx >= 0)
		return EXIT_OK;
	if (*idx == -1)
		return usage_error("%s%sunknown %s \"%s\"", ctx ? ctx : "",
				   ctx ? ": " : "", noun, word);
	for (i = 0; i < n; i++) {
		if (len < (kw[i].min ? kw[i].min : 1) ||
		    strncmp(word, kw[i].name, len))
			continue;
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "", kw[i].name);
		if (used >= sizeof(list))
			break;
	}
	return usage_error("%s%sambiguous %s \"%s\": %s", ctx ? ctx : "",
			   ctx ? ": " : "", noun, word, list);
}

bool show_verb(int *argc, char ***argv)
{
	static const struct mgmctl_kw verbs[] = {
		{ "show", 0 }, { "list", 0 }, { "ls", 0 }, { "help", 0 },
	};
	int idx;

	if (!*argc)
		return 0;
	idx = kw_match((*argv)[0], verbs, sizeof(verbs) / sizeof(verbs[0]));
	if (idx < 0)
		return 0;	/* "mgmctl group group G": show is implied */
	(*argc)--;
	(*argv)++;
	return idx == 3;
}
