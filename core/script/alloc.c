/*
 * The memory cap: every byte a plugin's state holds goes through
 * script_alloc, which counts it and refuses growth past the cap (after
 * HAProxy's hlua_alloc). Lua turns the refusal into LUA_ERRMEM.
 */
#include <stdlib.h>

#include "script/state.h"

/*
 * Lua's allocator contract: nsize 0 frees, otherwise realloc. With ptr
 * NULL, osize carries the type of the new object, not a size, so it counts
 * as 0. A free or a shrink is never refused.
 *
 * When growth is refused, Lua collects garbage in an emergency and asks
 * once more for the same block. Only a second refusal of that same request
 * means the script really holds too much: then the running call is marked,
 * so that it fails even if the script's pcall catches "not enough memory"
 * (the hook and the pcall wrapper see the mark).
 */
void *
script_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct script *s = ud;
	void          *grown;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		s->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize) {
		if (s->mem_used + (nsize - osize) > s->mem_cap) {
			if (s->refused && s->refused_ptr == ptr &&
			    s->refused_size == nsize) {
				s->refused = 0;
				if (s->current != NULL)
					script_stop(s->current,
					    SCRIPT_OUT_OF_MEMORY);
			} else {
				s->refused = 1;
				s->refused_ptr = ptr;
				s->refused_size = nsize;
			}
			return NULL;
		}
		s->refused = 0;
	}
	if ((grown = realloc(ptr, nsize)) == NULL) {
		/* The machine itself is out of memory: same outcome. */
		if (s->current != NULL)
			script_stop(s->current, SCRIPT_OUT_OF_MEMORY);
		return NULL;
	}
	s->mem_used = s->mem_used - osize + nsize;
	return grown;
}
