/*
 * XML documents written with libxml2's xmlTextWriter (Atom feeds, SVG
 * badges): the writer escapes every text and attribute value, so callers
 * pass plain strings and never build markup by hand. Calls after a failure
 * do nothing; xml_finish() reports it once.
 */
#ifndef ROLLIN_UTIL_XML_H
#define ROLLIN_UTIL_XML_H

#include <libxml/xmlwriter.h>

struct evbuffer;

struct xml {
	xmlBufferPtr     buf;
	xmlTextWriterPtr w;
	int              failed;
};

/* Starts a UTF-8 document; -1 if out of memory. */
int  xml_open(struct xml *);
void xml_start(struct xml *, const char *name);
/* An element that declares ns as its default namespace. */
void xml_start_ns(struct xml *, const char *name, const char *ns);
void xml_attr(struct xml *, const char *name, const char *value);
void xml_attr_int(struct xml *, const char *name, long value);
void xml_text(struct xml *, const char *text);
/* <name>text</name> */
void xml_element(struct xml *, const char *name, const char *text);
void xml_end(struct xml *);
/*
 * Closes every open element and the document, adds the bytes to out and
 * frees the writer. Returns -1 (adding nothing) if any call failed.
 */
int xml_finish(struct xml *, struct evbuffer *out);

#endif
