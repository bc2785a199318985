/* WCAG 2.1 AA from the theme's own colours, for both themes: text at least
 * 4.5:1 against the panel and the background it is drawn on, plotted lines,
 * node edges and highlights at least 3:1 against the background. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "theme.h"

static double channel(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(DlColor c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

static double ratio(DlColor a, DlColor b)
{
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

static int failures;

static void need(const char *theme, const char *what, DlColor fg, DlColor bg, double min)
{
    double r = ratio(fg, bg);
    printf("%-13s %-22s %5.2f:1 (needs %.1f)\n", theme, what, r, min);
    if (r < min - 1e-9)
        failures++;
}

static void check_theme(const char *name, const Theme *t)
{
    const struct {
        const char *what;
        DlColor c;
    } texts[] = {{"text", t->text},
                 {"text_dim", t->text_dim},
                 {"forward (links)", t->forward},
                 {"good (✓ ink)", t->good},
                 {"bad (✗ ink)", t->bad}},
      lines[] = {{"forward line", t->forward},
                 {"backward line", t->backward},
                 {"cell rail", t->cell},
                 {"accent highlight", t->accent}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        need(name, texts[i].what, texts[i].c, t->panel, 4.5);
        need(name, texts[i].what, texts[i].c, t->bg, 4.5);
    }
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        need(name, lines[i].what, lines[i].c, t->bg, 3.0);
    need(name, "button text", t->button_text, t->button, 4.5);
    need(name, "button_on label", t->panel, t->button_on, 4.5);
}

static void test_both_themes(void **state)
{
    (void)state;
    failures = 0;
    check_theme("light", theme_get(false));
    check_theme("high contrast", theme_get(true));
    assert_int_equal(failures, 0);
}

/* The measure itself: black on white is 21:1, a colour on itself 1:1. */
static void test_ratio_bounds(void **state)
{
    (void)state;
    assert_true(fabs(ratio(dl_rgba(0, 0, 0, 255), dl_rgba(255, 255, 255, 255)) - 21) < 1e-9);
    assert_true(fabs(ratio(dl_rgba(90, 90, 90, 255), dl_rgba(90, 90, 90, 255)) - 1) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ratio_bounds),
                                       cmocka_unit_test(test_both_themes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
