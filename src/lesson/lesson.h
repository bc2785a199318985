/*
 * Lesson files (shared/spec/lessons.md), parsed with cmark into a title,
 * an introduction, a setup block and steps:
 *
 *   # Title                    first block (HTML comments may precede it)
 *   introduction...            any Markdown
 *   ```rnnviz                  optional setup block, before the first step:
 *   key = value                `KEY = VALUE` lines (keys and values are
 *   ```                        checked later, by the settings module)
 *   ## Step title              each level-2 heading starts a step
 *   narration...               any Markdown, level-3 headings included
 *   ```rnnviz                  zero or more action blocks (actions.h),
 *   forward all                run in order on entering the step
 *   ```
 *
 * A fence is an rnnviz block when the first word of its info string is
 * "rnnviz" (any case) and nothing follows it. rnnviz blocks must stand at
 * the top level (not inside a list or quote); there is one setup block at
 * most; a second level-1 heading is an error. Blocks before the title
 * other than HTML blocks are an error.
 *
 * Errors read "NAME:LINE:COL: problem" (columns are bytes + 1, counted
 * after a UTF-8 byte order mark), e.g.
 *   lessons/05.md:12:3: unknown verb 'fowrard' (did you mean 'forward'?)
 * Files over LESSON_MAX_BYTES, text with NUL bytes or invalid UTF-8, a
 * missing title, a lesson without steps, more than LESSON_MAX_STEPS steps
 * and more than ACTION_LIST_CAP actions in a step are refused too.
 *
 * The Markdown of the introduction, of each step's narration and heading
 * is converted while parsing into a Narration (narration.h), which belongs
 * to the lesson; no Markdown tree is kept.
 *
 * Conventions: lesson_load / lesson_parse return NULL on failure with msg
 * filled; lesson_destroy(NULL) is fine. Steps are numbered from 0. An index
 * out of range is a programmer error (EXPECT); a NULL lesson gives NULL,
 * -1 or 0 as stated.
 */
#ifndef RNNVIZ_LESSON_H
#define RNNVIZ_LESSON_H

#include <stddef.h>

#include "actions.h"
#include "narration.h"

#define LESSON_MAX_BYTES (1 << 20) /* 1 MiB */
#define LESSON_MAX_STEPS 100

typedef struct Lesson Lesson;

/* Reads and parses the file at path; path names the lesson in messages. */
Lesson *lesson_load(const char *path, char *msg, size_t cap);

/* Parses len bytes of text (not necessarily NUL-terminated); name (NULL:
 * "<lesson>") is used in messages. */
Lesson *lesson_parse(const char *text, size_t len, const char *name, char *msg, size_t cap);

void lesson_destroy(Lesson *lesson);

/* The name given to lesson_load / lesson_parse, for messages about the
 * lesson raised later (e.g. a setup key the settings module refuses). */
const char *lesson_name(const Lesson *lesson);

/* The title as plain text (inline markup removed), and its line. */
const char *lesson_title(const Lesson *lesson);
int lesson_title_line(const Lesson *lesson);

/* The introduction's blocks (maybe none); the setup block is not among
 * them. */
const Narration *lesson_intro(const Lesson *lesson);

/* The setup block as ACT_SET actions, in file order (line:col of each key,
 * value_col of each value); an empty list when there is no setup block. */
const ActionList *lesson_setup(const Lesson *lesson);
int lesson_setup_count(const Lesson *lesson);
/* Entry i's key, value, line and column (of the key); any out pointer may
 * be NULL. Returns 0. */
int lesson_setup_entry(const Lesson *lesson, int i, const char **key, const char **value, int *line,
                       int *col);

int lesson_step_count(const Lesson *lesson);
/* Step k's title as plain text, its heading's line, and the heading with
 * its inline markup (one NAR_HEADING block). */
const char *lesson_step_title(const Lesson *lesson, int k);
int lesson_step_line(const Lesson *lesson, int k);
const Narration *lesson_step_heading(const Lesson *lesson, int k);
/* The blocks between step k's heading and the next, rnnviz blocks
 * excluded. */
const Narration *lesson_step_narration(const Lesson *lesson, int k);
/* Step k's actions, all of its rnnviz blocks in order (possibly none). */
const ActionList *lesson_step_actions(const Lesson *lesson, int k);

/* Step k's question and goal (prompt.h); has_ask / has_goal false when
 * it has none. */
struct StepPrompt;
const struct StepPrompt *lesson_step_prompt(const Lesson *lesson, int k);

/* The Markdown library's version (for --version). */
const char *lesson_markdown_version(void);

#endif
