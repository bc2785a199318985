/*
 * Goal and question expressions: a small language over named quantities,
 * parsed once (when the lesson is parsed) into a fixed-size tree and
 * evaluated against a lookup callback (quantity.h supplies the session's).
 *
 *   expr    := or
 *   or      := and ( ("||" | "or") and )*
 *   and     := cmp ( ("&&" | "and") cmp )*
 *   cmp     := sum ( ("<" | "<=" | ">" | ">=" | "=" | "==" | "!=") sum )?
 *   sum     := product ( ("+" | "-") product )*
 *   product := unary ( ("*" | "/") unary )*
 *   unary   := ("-" | "not") unary | power
 *   power   := atom ( "^" unary )?
 *   atom    := NUMBER | NAME | NAME "(" args ")" | NAME "[" args "]" | "(" expr ")"
 *   args    := expr ( "," expr )*            at most EXPR_MAX_ARGS
 *
 * NUMBER is decimal with an optional fraction and exponent (1e-2, 0.7, 40).
 * NAME is letters, digits and '_', starting with a letter or '_'.
 * Values are doubles; comparisons and logic give 1 or 0, and a value is
 * true when it is not 0. "=" and "==" compare with a relative tolerance of
 * 1e-9 (so `accuracy = 100` holds for 99.99999999999). Built in: abs(x),
 * min(a, b), max(a, b), log10(x), sqrt(x); every other name, with or
 * without arguments, goes to the lookup ("grad_h[3]" and "grad_h(3)" are
 * the same call).
 *
 * Nesting deeper than EXPR_MAX_DEPTH levels (the whole expression is the
 * first; each parenthesis, argument list and unary operator adds one) and
 * trees over EXPR_MAX_NODES nodes are refused. Messages read "LINE:COL: problem" (the caller prefixes the
 * file name); columns count bytes from the col given for the text's
 * first byte.
 *
 * Conventions: expr_parse and expr_eval return 0, or EXPR_ERR with msg
 * filled; they never allocate. On failure out is untouched.
 */
#ifndef RNNVIZ_EXPR_H
#define RNNVIZ_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#define EXPR_MAX_NODES 64
#define EXPR_MAX_DEPTH 24
#define EXPR_MAX_ARGS 4
#define EXPR_NAME_CAP 24

enum { EXPR_OK = 0, EXPR_ERR = -1 };

typedef enum {
    EXPR_NUM,  /* num */
    EXPR_NAME, /* name(args...) or a bare name (nargs 0) */
    EXPR_NEG,
    EXPR_NOT,
    EXPR_ADD,
    EXPR_SUB,
    EXPR_MUL,
    EXPR_DIV,
    EXPR_POW,
    EXPR_LT,
    EXPR_LE,
    EXPR_GT,
    EXPR_GE,
    EXPR_EQ,
    EXPR_NE,
    EXPR_AND,
    EXPR_OR,
} ExprKind;

typedef struct {
    ExprKind kind;
    double num;
    char name[EXPR_NAME_CAP];
    int nargs;
    int arg[EXPR_MAX_ARGS]; /* operands (node indices): a, b for binary ops */
    int line, col;
} ExprNode;

typedef struct {
    int count, root;
    ExprNode node[EXPR_MAX_NODES];
} Expr;

/* Looks up name with nargs evaluated arguments; 0 with *out set, or
 * EXPR_ERR with a message (without position: the evaluator adds it). */
typedef int (*ExprLookup)(void *ctx, const char *name, const double *args, int nargs, double *out,
                          char *msg, size_t cap);

/* Parses len bytes (the whole text must be one expression). */
int expr_parse(const char *text, size_t len, Expr *out, int line, int col, char *msg, size_t cap);
int expr_eval(const Expr *e, ExprLookup lookup, void *ctx, double *out, char *msg, size_t cap);
/* True when the top operator is a comparison or logic (a condition). */
bool expr_is_condition(const Expr *e);

#endif
