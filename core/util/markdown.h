/*
 * Markdown fields rendered to HTML with cmark. Raw HTML and dangerous URLs
 * (javascript:, data: other than images) are dropped: cmark's safe default,
 * so text that adopters type can be shown on a page as it is.
 */
#ifndef ROLLIN_UTIL_MARKDOWN_H
#define ROLLIN_UTIL_MARKDOWN_H

#include <stddef.h>

/* Returns a malloc'ed HTML fragment, or NULL if out of memory. */
char *markdown_html(const char *text, size_t len);

#endif
