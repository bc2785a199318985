/*
 * Private to the lesson layer: building a Narration from a cmark tree, for
 * lesson.c (which owns the parse). Only these two .c files see cmark.
 */
#ifndef RNNVIZ_NARRATION_BUILD_H
#define RNNVIZ_NARRATION_BUILD_H

#include "narration.h"

struct cmark_node; /* cmark.h's node, kept out of every header */

/* Converts the blocks of a document (or one heading, as a NAR_HEADING);
 * NULL when out of memory. The tree is only read. */
Narration *narration_from_cmark(struct cmark_node *node);

#endif
