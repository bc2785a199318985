/*
 * The goal and question expression language (expr.h): values and
 * precedence, every built-in function, names through the lookup, and
 * parse errors that name LINE:COL, including the depth and size limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"

/* The lookup: T = 40, rho = 0.7, grad_h(t) = t + 1, ratio(a, b) = a / b;
 * "nan" is not a number yet; anything else is unknown. */
static int lookup(void *ctx, const char *name, const double *args, int nargs, double *out,
                  char *msg, size_t cap)
{
    int *calls = ctx;
    ++*calls;
    if (!strcmp(name, "T") && nargs == 0)
        *out = 40;
    else if (!strcmp(name, "rho") && nargs == 0)
        *out = 0.7;
    else if (!strcmp(name, "grad_h") && nargs == 1)
        *out = args[0] + 1;
    else if (!strcmp(name, "ratio") && nargs == 2)
        *out = args[0] / args[1];
    else if (!strcmp(name, "later") && nargs == 0) {
        snprintf(msg, cap, "'later' cannot be read before the backward pass");
        return EXPR_ERR;
    } else
        return EXPR_ERR;
    return EXPR_OK;
}

/* a within tol of b (cmocka here has no double assertion) */
#define assert_double_equal(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static double value(const char *text)
{
    Expr e;
    char msg[200] = "";
    int calls = 0;
    double v = NAN;
    if (expr_parse(text, strlen(text), &e, 1, 1, msg, sizeof msg))
        fail_msg("'%s' did not parse: %s", text, msg);
    if (expr_eval(&e, lookup, &calls, &v, msg, sizeof msg))
        fail_msg("'%s' did not evaluate: %s", text, msg);
    return v;
}

/* The message of a text that must not parse, at line 7 from column 3. */
static const char *parse_error(const char *text)
{
    static char msg[200];
    Expr e;
    e.count = -99;
    msg[0] = '\0';
    if (expr_parse(text, strlen(text), &e, 7, 3, msg, sizeof msg) == EXPR_OK)
        fail_msg("'%s' parsed", text);
    assert_int_equal(e.count, -99); /* out untouched */
    return msg;
}

static void test_precedence(void **state)
{
    (void)state;
    assert_double_equal(value("1 + 2 * 3"), 7, 0);
    assert_double_equal(value("(1 + 2) * 3"), 9, 0);
    assert_double_equal(value("10 - 4 - 3"), 3, 0); /* left to right */
    assert_double_equal(value("24 / 4 / 3"), 2, 0);
    assert_double_equal(value("2 ^ 3 ^ 2"), 512, 0); /* right to left */
    assert_double_equal(value("-2 ^ 2"), -4, 0);     /* ^ before unary minus */
    assert_double_equal(value("2 ^ -1"), 0.5, 0);
    assert_double_equal(value("--3"), 3, 0);
    assert_double_equal(value("1 + 2 < 4"), 1, 0);            /* sums before comparisons */
    assert_double_equal(value("1 < 2 and 3 < 2 or 1"), 1, 0); /* and before or */
    assert_double_equal(value("1 or 0 and 0"), 1, 0);
    assert_double_equal(value("not 0 && 1"), 1, 0);
    assert_double_equal(value("!1 || 0"), 0, 0);
    assert_double_equal(value("1e-2"), 0.01, 0);
    assert_double_equal(value("2.5E3"), 2500, 0);
    assert_double_equal(value("0.7"), 0.7, 0);
}

static void test_comparisons(void **state)
{
    (void)state;
    assert_double_equal(value("3 < 3"), 0, 0);
    assert_double_equal(value("3 <= 3"), 1, 0);
    assert_double_equal(value("3 > 2.999"), 1, 0);
    assert_double_equal(value("3 >= 4"), 0, 0);
    assert_double_equal(value("100 = 99.99999999999"), 1, 0); /* relative 1e-9 */
    assert_double_equal(value("100 == 99.9999"), 0, 0);
    assert_double_equal(value("1 != 1.5"), 1, 0);
    assert_double_equal(value("0 = 0"), 1, 0);
}

static void test_functions(void **state)
{
    (void)state;
    assert_double_equal(value("abs(-3)"), 3, 0);
    assert_double_equal(value("min(2, -1)"), -1, 0);
    assert_double_equal(value("max(2, -1)"), 2, 0);
    assert_double_equal(value("log10(1e-3)"), -3, 1e-12);
    assert_double_equal(value("sqrt(16)"), 4, 0);
    assert_true(isnan(value("sqrt(-1)")));
    /* a built-in name with another arity goes to the lookup, which knows none */
    Expr e;
    char msg[200];
    int calls = 0;
    double v;
    assert_int_equal(expr_parse("abs(1, 2)", 9, &e, 2, 5, msg, sizeof msg), EXPR_OK);
    assert_int_equal(expr_eval(&e, lookup, &calls, &v, msg, sizeof msg), EXPR_ERR);
    assert_string_equal(msg, "2:5: unknown name");
    assert_int_equal(calls, 1);
}

static void test_names(void **state)
{
    (void)state;
    assert_double_equal(value("T - 9"), 31, 0);
    assert_double_equal(value("rho^39"), pow(0.7, 39), 1e-18);
    assert_double_equal(value("grad_h[3]"), 4, 0);
    assert_double_equal(value("grad_h(3)"), 4, 0); /* [] and () are the same call */
    assert_double_equal(value("ratio(grad_h[T-1], 8)"), 5, 0);
    assert_double_equal(value("ratio(0, T-1) > 1e-2"), 0, 0);
    /* the lookup's reason, placed at the name */
    Expr e;
    char msg[200];
    int calls = 0;
    double v = 123;
    assert_int_equal(expr_parse("1 + later", 9, &e, 4, 10, msg, sizeof msg), EXPR_OK);
    assert_int_equal(expr_eval(&e, lookup, &calls, &v, msg, sizeof msg), EXPR_ERR);
    assert_string_equal(msg, "4:14: 'later' cannot be read before the backward pass");
    assert_double_equal(v, 123, 0); /* out untouched */
    assert_int_equal(expr_parse("nosuch(1)", 9, &e, 1, 1, msg, sizeof msg), EXPR_OK);
    assert_int_equal(expr_eval(&e, lookup, &calls, &v, msg, sizeof msg), EXPR_ERR);
    assert_string_equal(msg, "1:1: unknown name");
}

static void test_conditions(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool condition;
    } cases[] = {{"loss < 0.02", true}, {"accuracy = 100", true}, {"not x", true},
                 {"a or b", true},      {"a and b", true},        {"x + 1", false},
                 {"-x", false},         {"(x)", false},           {"f(x < 1)", false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Expr e;
        char msg[200];
        const char *t = cases[i].text;
        assert_int_equal(expr_parse(t, strlen(t), &e, 1, 1, msg, sizeof msg), EXPR_OK);
        if (expr_is_condition(&e) != cases[i].condition)
            fail_msg("'%s': condition %d expected", t, cases[i].condition);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    /* columns count from the text's first byte at column 3 */
    assert_string_equal(parse_error("1 +"),
                        "7:6: expression ends early: expected a number or a name");
    assert_string_equal(parse_error("(1 + 2"), "7:9: expected ')'");
    assert_string_equal(parse_error("1 2"), "7:5: unexpected '2' after the expression");
    assert_string_equal(parse_error("1 $ 2"), "7:5: unexpected '$' in an expression");
    assert_string_equal(parse_error("* 2"), "7:3: expected a number or a name, got '*'");
    assert_string_equal(parse_error("f(1, 2"), "7:9: expected ')' after the arguments of 'f'");
    assert_string_equal(parse_error("g[1)"), "7:6: expected ']' after the arguments of 'g'");
    assert_string_equal(parse_error("f(1, 2, 3, 4, 5)"), "7:17: too many arguments (at most 4)");
    assert_string_equal(parse_error("a_name_that_is_far_too_long"),
                        "7:3: name too long (at most 23 bytes)");
    assert_string_equal(parse_error(""), "7:3: expression ends early: expected a number or a name");
    assert_string_equal(parse_error("1 < 2 < 3"), "7:9: unexpected '<' after the expression");
}

/* n opening parentheses around 1. */
static void nested(char *buf, int n)
{
    int i = 0;
    for (int k = 0; k < n; k++)
        buf[i++] = '(';
    buf[i++] = '1';
    for (int k = 0; k < n; k++)
        buf[i++] = ')';
    buf[i] = '\0';
}

static void test_limits(void **state)
{
    (void)state;
    char buf[512];
    /* each parenthesis is one level, the outermost operand one more */
    nested(buf, EXPR_MAX_DEPTH - 1);
    assert_double_equal(value(buf), 1, 0);
    nested(buf, EXPR_MAX_DEPTH);
    char want[100];
    snprintf(want, sizeof want, "7:%d: expression nested too deep (at most %d levels)",
             3 + EXPR_MAX_DEPTH, EXPR_MAX_DEPTH);
    assert_string_equal(parse_error(buf), want);
    /* a deep chain of unary minus is refused the same way */
    memset(buf, '-', 200);
    strcpy(buf + 200, "1");
    assert_non_null(strstr(parse_error(buf), "nested too deep"));
    /* 32 numbers and 31 operators fit; 33 numbers do not */
    int n = 0;
    for (int k = 0; k < 32; k++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, k ? "+1" : "1");
    assert_double_equal(value(buf), 32, 0);
    n += snprintf(buf + n, sizeof buf - (size_t)n, "+1");
    snprintf(want, sizeof want, "expression too long (at most %d terms)", EXPR_MAX_NODES);
    assert_non_null(strstr(parse_error(buf), want));
    /* a number too long to read */
    memset(buf, '1', 100);
    buf[100] = '\0';
    assert_string_equal(parse_error(buf), "7:3: number too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence), cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_functions),  cmocka_unit_test(test_names),
        cmocka_unit_test(test_conditions), cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
