#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "util/xml.h"

#define X(s) ((const xmlChar *)(s))

int
xml_open(struct xml *x)
{
	memset(x, 0, sizeof(*x));
	if ((x->buf = xmlBufferCreate()) == NULL)
		return -1;
	if ((x->w = xmlNewTextWriterMemory(x->buf, 0)) == NULL) {
		xmlBufferFree(x->buf);
		x->buf = NULL;
		return -1;
	}
	if (xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0)
		x->failed = 1;
	return 0;
}

static void
check(struct xml *x, int rc)
{
	if (rc < 0)
		x->failed = 1;
}

void
xml_start(struct xml *x, const char *name)
{
	if (!x->failed)
		check(x, xmlTextWriterStartElement(x->w, X(name)));
}

void
xml_start_ns(struct xml *x, const char *name, const char *ns)
{
	if (!x->failed)
		check(x,
		    xmlTextWriterStartElementNS(x->w, NULL, X(name), X(ns)));
}

void
xml_attr(struct xml *x, const char *name, const char *value)
{
	if (!x->failed)
		check(x, xmlTextWriterWriteAttribute(x->w, X(name), X(value)));
}

void
xml_attr_int(struct xml *x, const char *name, long value)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", value);
	xml_attr(x, name, s);
}

void
xml_text(struct xml *x, const char *text)
{
	if (!x->failed)
		check(x, xmlTextWriterWriteString(x->w, X(text)));
}

void
xml_element(struct xml *x, const char *name, const char *text)
{
	if (!x->failed)
		check(x, xmlTextWriterWriteElement(x->w, X(name), X(text)));
}

void
xml_end(struct xml *x)
{
	if (!x->failed)
		check(x, xmlTextWriterEndElement(x->w));
}

int
xml_finish(struct xml *x, struct evbuffer *out)
{
	int rc;

	if (!x->failed)
		check(x, xmlTextWriterEndDocument(x->w));
	/* Freeing the writer flushes what it still holds into the buffer. */
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	rc = x->failed ? -1 : 0;
	if (rc == 0 &&
	    evbuffer_add(out, xmlBufferContent(x->buf),
	        (size_t)xmlBufferLength(x->buf)) == -1)
		rc = -1;
	xmlBufferFree(x->buf);
	x->buf = NULL;
	return rc;
}
