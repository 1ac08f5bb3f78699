#include <cmark.h>

#include "util/markdown.h"

char *
markdown_html(const char *text, size_t len)
{
	/* No CMARK_OPT_UNSAFE: raw HTML becomes a comment, bad links empty. */
	return cmark_markdown_to_html(text, len,
	    CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
}
