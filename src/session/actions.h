/*
 * Action lines: the small command language shared by lesson steps,
 * `rnnviz render --do` and tests, parsed into plain data (running an action
 * on a session is the session's job).
 *
 *   forward N|all      backward N|all     step N        back N
 *   train N            set KEY = VALUE    reset         select LAYER|out STEP
 *   order time|layer   show PANEL         hide PANEL    update
 *   compare [N]        highlight WHAT STEPS...            highlight none
 *   row N
 *
 * highlight marks what the narration talks about: WHAT is steps (shaded
 * columns), h (the hidden nodes of every layer), y (outputs) or x
 * (inputs); STEPS are up to ACTION_MAX_MARKS integers or ranges A..B.
 *
 * Statements are separated by newlines or ';'. '#' starts a comment that
 * runs to the end of the line; blank lines and empty statements are
 * ignored. Verbs, panels and orders are lower case. Counts N are integers
 * from 1 to ACTION_MAX_COUNT; 'all' is allowed for forward and backward
 * only. LAYER ('out' for the output node) and STEP are integers from 0 to
 * ACTION_MAX_COUNT (the session
 * checks them against the network). In `set`, spaces around '=' are
 * optional and the value is the rest of the statement with surrounding
 * blanks removed (so it cannot hold ';' or '#'); the key is a name of
 * letters, digits, '_', '-' and '.', starting with a letter or '_'. Keys
 * and values are kept as strings: the settings module validates them.
 *
 * Setup blocks of lessons are `KEY = VALUE` statements with the same rules
 * (action_parse_settings_line), parsed into ACT_SET actions.
 *
 * Positions: lines and columns count from 1; a column is a byte offset in
 * its line plus one. Messages read "LINE:COL: problem" (the caller prefixes
 * the file name), e.g.
 *   3:1: unknown verb 'fowrard' (did you mean 'forward'?)
 *   2:9: expected a count or 'all' after 'forward', got 'x'
 *
 * Conventions: parsers return 0 or ACTION_ERR_SYNTAX with msg filled, and
 * never write to out on failure. They never allocate. Text need not be
 * valid UTF-8 or NUL-free when a length is given; quoted words in messages
 * are cut at 32 bytes (on a UTF-8 boundary).
 */
#ifndef RNNVIZ_ACTIONS_H
#define RNNVIZ_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define ACTION_LIST_CAP 256  /* actions in one ActionList */
#define ACTION_KEY_CAP 32    /* set: key bytes + NUL */
#define ACTION_VALUE_CAP 128 /* set: value bytes + NUL */
#define ACTION_MAX_COUNT 1000000
#define ACTION_ALL (-1)    /* count of `forward all`, `backward all` */
#define ACTION_OUTPUT (-1) /* layer of `select out STEP`: the output node */
#define ACTION_MAX_MARKS 8 /* steps or ranges in one highlight */

enum {
    ACTION_OK = 0,
    ACTION_ERR_SYNTAX = -1,
};

typedef enum {
    ACT_FORWARD,
    ACT_BACKWARD,
    ACT_STEP,
    ACT_BACK,
    ACT_TRAIN,
    ACT_SET,
    ACT_RESET,
    ACT_SELECT,
    ACT_ORDER,
    ACT_SHOW,
    ACT_HIDE,
    ACT_UPDATE,
    ACT_COMPARE,
    ACT_FOCUS, /* focus plot|inspector|diagram|none: that panel gets the window */
    ACT_FIT,   /* fit all: every step in view; fit none: back to the zoom */
    ACT_HIGHLIGHT,
    ACT_ROW,
    ACT_VERB_COUNT
} ActionVerb;

/* Same order as the engine's NetOrder, so a cast maps one to the other. */
typedef enum { ACT_ORDER_TIME, ACT_ORDER_LAYER, ACT_ORDER_COUNT } ActionOrder;

typedef enum {
    ACT_PANEL_LESSON,
    ACT_PANEL_INSPECTOR,
    ACT_PANEL_PLOTS,
    ACT_PANEL_CONTROLS,
    ACT_PANEL_HELP,
    ACT_PANEL_EIGEN,
    ACT_PANEL_LOSS,
    ACT_PANEL_HEATMAP,
    ACT_PANEL_CONTRIB,
    ACT_PANEL_SIGMA,  /* plot elements: the σ_max bound */
    ACT_PANEL_RHO,    /* the ρ guide */
    ACT_PANEL_GUIDES, /* both */
    ACT_PANEL_BANDS,  /* the vanishing / exploding bands */
    ACT_PANEL_COUNT
} ActionPanel;

/* What a highlight marks; same order as SessMarkKind. */
typedef enum {
    ACT_MARK_NONE,
    ACT_MARK_STEPS,
    ACT_MARK_H,
    ACT_MARK_Y,
    ACT_MARK_X,
    ACT_MARK_COUNT
} ActionMark;

/* highlight: what, and n steps or ranges [t0, t1]. */
typedef struct {
    ActionMark what;
    int n;
    int t0[ACTION_MAX_MARKS], t1[ACTION_MAX_MARKS];
} ActionMarks;

/* Same order as VmFocus. */
typedef enum {
    ACT_FOCUS_NONE,
    ACT_FOCUS_PLOT,
    ACT_FOCUS_INSPECTOR,
    ACT_FOCUS_DIAGRAM,
    ACT_FOCUS_COUNT
} ActionFocus;

typedef struct {
    ActionVerb verb;
    /* forward, backward: 1..ACTION_MAX_COUNT or ACTION_ALL; step, back,
     * train: 1..ACTION_MAX_COUNT; compare: 0 when no N was given. */
    int count;
    int layer, step;              /* select; layer ACTION_OUTPUT for `select out T`;
                                     row: step is the batch row */
    ActionOrder order;            /* order */
    ActionPanel panel;            /* show, hide */
    ActionFocus focus;            /* focus */
    bool fit_all;                 /* fit */
    ActionMarks marks;            /* highlight */
    char key[ACTION_KEY_CAP];     /* set */
    char value[ACTION_VALUE_CAP]; /* set */
    int line, col;                /* the verb (setup blocks: the key) */
    int key_col, value_col;       /* set: where key and value start */
} Action;

typedef struct {
    int count;
    Action items[ACTION_LIST_CAP];
} ActionList;

/* Parses a NUL-terminated block whose first line is line first_line and
 * whose every line starts at column first_col. On success out holds
 * exactly the block's actions (previous contents replaced). */
int action_parse_block(const char *text, ActionList *out, int first_line, int first_col, char *msg,
                       size_t cap);

/* Parses len bytes of one line (statements separated by ';'; a line break
 * or a NUL byte inside ends the line) starting at line:col and appends
 * its actions to out. */
int action_parse_line(const char *text, size_t len, ActionList *out, int line, int col, char *msg,
                      size_t cap);

/* As action_parse_line for a setup-block line: `KEY = VALUE` statements,
 * each appended as an ACT_SET action whose line:col is the key's. */
int action_parse_settings_line(const char *text, size_t len, ActionList *out, int line, int col,
                               char *msg, size_t cap);

/* "forward", ... ; "?" for a value out of range. */
const char *action_verb_name(ActionVerb verb);
const char *action_order_name(ActionOrder order); /* "time", "layer" */
const char *action_panel_name(ActionPanel panel); /* "lesson", ... */

/* Writes the action as a line that parses back to the same action
 * (positions aside), e.g. "forward all", "set hidden = 16", "select 0 39".
 * Returns 0, or ACTION_ERR_SYNTAX when the action is malformed or out does
 * not hold it (out then holds a truncated, NUL-terminated prefix). */
int action_format(const Action *a, char *out, size_t cap);

#endif
