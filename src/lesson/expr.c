#include "expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { TOK_END, TOK_NUM, TOK_NAME, TOK_OP } TokKind;

typedef struct {
    TokKind kind;
    size_t at, len; /* bytes of the token in the text */
    double num;
} Tok;

/* The parse: the text, the current token, the tree being built. */
typedef struct {
    const char *s;
    size_t len, pos;
    int line, col;
    Tok tok;
    int depth;
    Expr e;
    char *msg;
    size_t cap;
    bool failed;
} Parser;

#ifdef __GNUC__
__attribute__((format(printf, 3, 4)))
#endif
static int
fail_at(Parser *p, size_t at, const char *fmt, ...)
{
    if (p->failed)
        return EXPR_ERR;
    p->failed = true;
    if (!p->msg || !p->cap)
        return EXPR_ERR;
    int n = snprintf(p->msg, p->cap, "%d:%d: ", p->line, p->col + (int)at);
    if (n >= 0 && (size_t)n < p->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->msg + n, p->cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return EXPR_ERR;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int lex_number(Parser *p, size_t i)
{
    size_t j = i;
    while (j < p->len && is_digit(p->s[j]))
        j++;
    if (j < p->len && p->s[j] == '.')
        for (j++; j < p->len && is_digit(p->s[j]);)
            j++;
    if (j < p->len && (p->s[j] == 'e' || p->s[j] == 'E')) {
        size_t k = j + 1;
        if (k < p->len && (p->s[k] == '+' || p->s[k] == '-'))
            k++;
        if (k < p->len && is_digit(p->s[k])) {
            while (k < p->len && is_digit(p->s[k]))
                k++;
            j = k;
        }
    }
    char buf[64];
    if (j - i >= sizeof buf)
        return fail_at(p, i, "number too long");
    memcpy(buf, p->s + i, j - i);
    buf[j - i] = '\0';
    p->tok = (Tok){TOK_NUM, i, j - i, strtod(buf, NULL)};
    return 0;
}

/* Reads the next token into p->tok. */
static int next(Parser *p)
{
    size_t i = p->pos;
    while (i < p->len && (p->s[i] == ' ' || p->s[i] == '\t'))
        i++;
    if (i >= p->len) {
        p->tok = (Tok){TOK_END, i, 0, 0};
    } else if (is_digit(p->s[i]) || (p->s[i] == '.' && i + 1 < p->len && is_digit(p->s[i + 1]))) {
        if (lex_number(p, i))
            return EXPR_ERR;
    } else if (is_alpha(p->s[i])) {
        size_t j = i;
        while (j < p->len && (is_alpha(p->s[j]) || is_digit(p->s[j])))
            j++;
        p->tok = (Tok){TOK_NAME, i, j - i, 0};
    } else {
        static const char *const two[] = {"<=", ">=", "==", "!=", "&&", "||"};
        size_t n = 1;
        for (size_t k = 0; k < sizeof two / sizeof two[0]; k++)
            if (i + 1 < p->len && !memcmp(p->s + i, two[k], 2))
                n = 2;
        if (n == 1 && !strchr("+-*/^()[],<>=!", p->s[i]))
            return fail_at(p, i, "unexpected '%c' in an expression", p->s[i]);
        p->tok = (Tok){TOK_OP, i, n, 0};
    }
    p->pos = p->tok.at + p->tok.len;
    return 0;
}

/* The current token is the operator or word w. */
static bool is(const Parser *p, const char *w)
{
    size_t n = strlen(w);
    return p->tok.kind != TOK_END && p->tok.kind != TOK_NUM && p->tok.len == n &&
           !memcmp(p->s + p->tok.at, w, n);
}

static int add_node(Parser *p, ExprKind kind, int a, int b, size_t at)
{
    if (p->e.count == EXPR_MAX_NODES)
        return fail_at(p, at, "expression too long (at most %d terms)", EXPR_MAX_NODES);
    ExprNode *n = &p->e.node[p->e.count];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->arg[0] = a;
    n->arg[1] = b;
    n->nargs = b >= 0 ? 2 : a >= 0 ? 1 : 0;
    n->line = p->line;
    n->col = p->col + (int)at;
    return p->e.count++;
}

static int parse_or(Parser *p);

static int enter(Parser *p)
{
    if (++p->depth > EXPR_MAX_DEPTH)
        return fail_at(p, p->tok.at, "expression nested too deep (at most %d levels)",
                       EXPR_MAX_DEPTH);
    return 0;
}

/* NAME, NAME(args) or NAME[args], the name token current. */
static int parse_call(Parser *p)
{
    Tok name = p->tok;
    if (name.len >= EXPR_NAME_CAP)
        return fail_at(p, name.at, "name too long (at most %d bytes)", EXPR_NAME_CAP - 1);
    int id = add_node(p, EXPR_NAME, -1, -1, name.at);
    if (id < 0 || next(p))
        return EXPR_ERR;
    memcpy(p->e.node[id].name, p->s + name.at, name.len);
    if (!is(p, "(") && !is(p, "["))
        return id;
    const char *close = is(p, "(") ? ")" : "]";
    do {
        if (next(p))
            return EXPR_ERR;
        if (p->e.node[id].nargs == EXPR_MAX_ARGS)
            return fail_at(p, p->tok.at, "too many arguments (at most %d)", EXPR_MAX_ARGS);
        int a = parse_or(p);
        if (a < 0)
            return EXPR_ERR;
        p->e.node[id].arg[p->e.node[id].nargs++] = a;
    } while (is(p, ","));
    if (!is(p, close))
        return fail_at(p, p->tok.at, "expected '%s' after the arguments of '%s'", close,
                       p->e.node[id].name);
    return next(p) ? EXPR_ERR : id;
}

static int parse_atom(Parser *p)
{
    if (p->tok.kind == TOK_NUM) {
        int id = add_node(p, EXPR_NUM, -1, -1, p->tok.at);
        if (id < 0)
            return EXPR_ERR;
        p->e.node[id].num = p->tok.num;
        return next(p) ? EXPR_ERR : id;
    }
    if (p->tok.kind == TOK_NAME && !is(p, "and") && !is(p, "or") && !is(p, "not"))
        return parse_call(p);
    if (is(p, "(")) {
        if (next(p))
            return EXPR_ERR;
        int id = parse_or(p);
        if (id < 0)
            return EXPR_ERR;
        if (!is(p, ")"))
            return fail_at(p, p->tok.at, "expected ')'");
        return next(p) ? EXPR_ERR : id;
    }
    if (p->tok.kind == TOK_END)
        return fail_at(p, p->tok.at, "expression ends early: expected a number or a name");
    return fail_at(p, p->tok.at, "expected a number or a name, got '%.*s'", (int)p->tok.len,
                   p->s + p->tok.at);
}

static int parse_unary(Parser *p)
{
    if (enter(p))
        return EXPR_ERR;
    int id;
    if (is(p, "-") || is(p, "not") || is(p, "!")) {
        ExprKind k = is(p, "-") ? EXPR_NEG : EXPR_NOT;
        size_t at = p->tok.at;
        if (next(p))
            return EXPR_ERR;
        int a = parse_unary(p);
        id = a < 0 ? EXPR_ERR : add_node(p, k, a, -1, at);
    } else {
        id = parse_atom(p);
        if (id >= 0 && is(p, "^")) {
            size_t at = p->tok.at;
            int b = next(p) ? EXPR_ERR : parse_unary(p);
            id = b < 0 ? EXPR_ERR : add_node(p, EXPR_POW, id, b, at);
        }
    }
    p->depth--;
    return id;
}

/* A left-associative level: operand (op operand)*, ops[i] -> kinds[i]. */
static int parse_level(Parser *p, int (*operand)(Parser *), const char *const *ops,
                       const ExprKind *kinds, int n_ops, bool chain)
{
    int a = operand(p);
    while (a >= 0) {
        int k = -1;
        for (int i = 0; i < n_ops && k < 0; i++)
            if (is(p, ops[i]))
                k = i;
        if (k < 0)
            break;
        size_t at = p->tok.at;
        int b = next(p) ? EXPR_ERR : operand(p);
        a = b < 0 ? EXPR_ERR : add_node(p, kinds[k], a, b, at);
        if (!chain && a >= 0)
            break;
    }
    return a;
}

static int parse_product(Parser *p)
{
    static const char *const ops[] = {"*", "/"};
    static const ExprKind kinds[] = {EXPR_MUL, EXPR_DIV};
    return parse_level(p, parse_unary, ops, kinds, 2, true);
}

static int parse_sum(Parser *p)
{
    static const char *const ops[] = {"+", "-"};
    static const ExprKind kinds[] = {EXPR_ADD, EXPR_SUB};
    return parse_level(p, parse_product, ops, kinds, 2, true);
}

static int parse_cmp(Parser *p)
{
    static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">", "="};
    static const ExprKind kinds[] = {EXPR_LE, EXPR_GE, EXPR_EQ, EXPR_NE, EXPR_LT, EXPR_GT, EXPR_EQ};
    return parse_level(p, parse_sum, ops, kinds, 7, false);
}

static int parse_and(Parser *p)
{
    static const char *const ops[] = {"&&", "and"};
    static const ExprKind kinds[] = {EXPR_AND, EXPR_AND};
    return parse_level(p, parse_cmp, ops, kinds, 2, true);
}

static int parse_or(Parser *p)
{
    static const char *const ops[] = {"||", "or"};
    static const ExprKind kinds[] = {EXPR_OR, EXPR_OR};
    return parse_level(p, parse_and, ops, kinds, 2, true);
}

int expr_parse(const char *text, size_t len, Expr *out, int line, int col, char *msg, size_t cap)
{
    Parser p;
    memset(&p, 0, sizeof p);
    p.s = text;
    p.len = len;
    p.line = line;
    p.col = col;
    p.msg = msg;
    p.cap = cap;
    if (next(&p))
        return EXPR_ERR;
    int root = parse_or(&p);
    if (root < 0)
        return EXPR_ERR;
    if (p.tok.kind != TOK_END)
        return fail_at(&p, p.tok.at, "unexpected '%.*s' after the expression", (int)p.tok.len,
                       p.s + p.tok.at);
    p.e.root = root;
    *out = p.e;
    return EXPR_OK;
}

/* ---- evaluation ---- */

typedef struct {
    const Expr *e;
    ExprLookup lookup;
    void *ctx;
    char *msg;
    size_t cap;
} Eval;

static int eval_fail(const Eval *ev, const ExprNode *n, const char *why)
{
    if (ev->msg && ev->cap)
        snprintf(ev->msg, ev->cap, "%d:%d: %s", n->line, n->col, why);
    return EXPR_ERR;
}

static bool builtin(const char *name, const double *a, int n, double *out)
{
    if (n == 1 && !strcmp(name, "abs"))
        *out = fabs(a[0]);
    else if (n == 1 && !strcmp(name, "log10"))
        *out = log10(a[0]);
    else if (n == 1 && !strcmp(name, "sqrt"))
        *out = sqrt(a[0]);
    else if (n == 2 && !strcmp(name, "min"))
        *out = a[0] < a[1] ? a[0] : a[1];
    else if (n == 2 && !strcmp(name, "max"))
        *out = a[0] > a[1] ? a[0] : a[1];
    else
        return false;
    return true;
}

static int eval_node(const Eval *ev, int id, double *out);

static int eval_name(const Eval *ev, const ExprNode *n, double *out)
{
    double a[EXPR_MAX_ARGS];
    for (int i = 0; i < n->nargs; i++)
        if (eval_node(ev, n->arg[i], &a[i]))
            return EXPR_ERR;
    if (builtin(n->name, a, n->nargs, out))
        return EXPR_OK;
    char why[200];
    why[0] = '\0';
    if (ev->lookup(ev->ctx, n->name, a, n->nargs, out, why, sizeof why))
        return eval_fail(ev, n, why[0] ? why : "unknown name");
    return EXPR_OK;
}

static bool near_equal(double a, double b)
{
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return a == b || fabs(a - b) <= 1e-9 * m;
}

/* An operator node's value from its operands; false for a kind that is
 * not an operator. */
static bool apply_op(ExprKind kind, double a, double b, double *out)
{
    switch (kind) {
    case EXPR_NEG:
        *out = -a;
        break;
    case EXPR_NOT:
        *out = a == 0;
        break;
    case EXPR_ADD:
        *out = a + b;
        break;
    case EXPR_SUB:
        *out = a - b;
        break;
    case EXPR_MUL:
        *out = a * b;
        break;
    case EXPR_DIV:
        *out = a / b;
        break;
    case EXPR_POW:
        *out = pow(a, b);
        break;
    case EXPR_LT:
        *out = a < b;
        break;
    case EXPR_LE:
        *out = a <= b;
        break;
    case EXPR_GT:
        *out = a > b;
        break;
    case EXPR_GE:
        *out = a >= b;
        break;
    case EXPR_EQ:
        *out = near_equal(a, b);
        break;
    case EXPR_NE:
        *out = !near_equal(a, b);
        break;
    case EXPR_AND:
        *out = a != 0 && b != 0;
        break;
    case EXPR_OR:
        *out = a != 0 || b != 0;
        break;
    default:
        return false;
    }
    return true;
}

static int eval_node(const Eval *ev, int id, double *out)
{
    const ExprNode *n = &ev->e->node[id];
    if (n->kind == EXPR_NUM) {
        *out = n->num;
        return EXPR_OK;
    }
    if (n->kind == EXPR_NAME)
        return eval_name(ev, n, out);
    double a = 0, b = 0;
    if (eval_node(ev, n->arg[0], &a) || (n->nargs == 2 && eval_node(ev, n->arg[1], &b)))
        return EXPR_ERR;
    if (!apply_op(n->kind, a, b, out))
        return eval_fail(ev, n, "internal error: bad node");
    return EXPR_OK;
}

int expr_eval(const Expr *e, ExprLookup lookup, void *ctx, double *out, char *msg, size_t cap)
{
    Eval ev = {e, lookup, ctx, msg, cap};
    double v;
    if (e->count == 0) {
        if (msg && cap)
            snprintf(msg, cap, "an empty expression");
        return EXPR_ERR;
    }
    if (eval_node(&ev, e->root, &v))
        return EXPR_ERR;
    *out = v;
    return EXPR_OK;
}

bool expr_is_condition(const Expr *e)
{
    if (e->count == 0)
        return false;
    ExprKind k = e->node[e->root].kind;
    return k == EXPR_NOT || (k >= EXPR_LT && k <= EXPR_OR);
}
