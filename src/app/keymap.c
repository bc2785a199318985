#include "keymap.h"

#include <stddef.h>

#include "net.h"
#include "session.h"

#define SHIFT APP_MOD_SHIFT
#define CTRL APP_MOD_CTRL

/* Most specific first: a row with modifiers before the same key without. */
static const KeyBinding table[] = {
    /* a lesson question waiting for its answer: 1-4 choose; a number
     * question takes digits and Enter; X reveals (the presenter skips) */
    {MODE_ASK, '1', 0, -1, APP_ACT_ASK_KEY, '1', NULL, NULL},
    {MODE_ASK, '2', 0, -1, APP_ACT_ASK_KEY, '2', NULL, NULL},
    {MODE_ASK, '3', 0, -1, APP_ACT_ASK_KEY, '3', NULL, NULL},
    {MODE_ASK, '4', 0, -1, APP_ACT_ASK_KEY, '4', NULL, NULL},
    {MODE_ASK, '5', 0, -1, APP_ACT_ASK_KEY, '5', NULL, NULL},
    {MODE_ASK, '6', 0, -1, APP_ACT_ASK_KEY, '6', NULL, NULL},
    {MODE_ASK, '7', 0, -1, APP_ACT_ASK_KEY, '7', NULL, NULL},
    {MODE_ASK, '8', 0, -1, APP_ACT_ASK_KEY, '8', NULL, NULL},
    {MODE_ASK, '9', 0, -1, APP_ACT_ASK_KEY, '9', NULL, NULL},
    {MODE_ASK, '0', 0, -1, APP_ACT_ASK_KEY, '0', NULL, NULL},
    {MODE_ASK, '.', 0, -1, APP_ACT_ASK_KEY, '.', NULL, NULL},
    {MODE_ASK, '-', 0, -1, APP_ACT_ASK_KEY, '-', NULL, NULL},
    {MODE_ASK, 'e', 0, -1, APP_ACT_ASK_KEY, 'e', NULL, NULL},
    {MODE_ASK, '\b', 0, -1, APP_ACT_ASK_KEY, '\b', NULL, NULL},
    {MODE_ASK, '\r', 0, -1, APP_ACT_ASK_KEY, '\r', NULL, NULL},
    {MODE_ASK, 0, 0, BTN_ASK_CHOICE, APP_ACT_ASK_CHOOSE, 0, NULL, NULL},
    /* the quit confirmation answers before anything else */
    {MODE_CONFIRM, 'q', 0, BTN_QUIT_YES, APP_ACT_QUIT_YES, 0, NULL, NULL},
    {MODE_CONFIRM, 'y', 0, -1, APP_ACT_QUIT_YES, 0, NULL, NULL},
    {MODE_CONFIRM, APP_KEY_ESCAPE, 0, BTN_QUIT_NO, APP_ACT_QUIT_NO, 0, NULL, NULL},
    {MODE_CONFIRM, 'n', 0, -1, APP_ACT_QUIT_NO, 0, NULL, NULL},
    /* the lesson picker */
    {MODE_PICKER, 0, 0, BTN_PICK, APP_ACT_PICK, 0, NULL, NULL},
    {MODE_PICKER, '1', 0, -1, APP_ACT_PICK, 0, NULL, NULL},
    {MODE_PICKER, '2', 0, -1, APP_ACT_PICK, 1, NULL, NULL},
    {MODE_PICKER, '3', 0, -1, APP_ACT_PICK, 2, NULL, NULL},
    {MODE_PICKER, '4', 0, -1, APP_ACT_PICK, 3, NULL, NULL},
    {MODE_PICKER, '5', 0, -1, APP_ACT_PICK, 4, NULL, NULL},
    {MODE_PICKER, '6', 0, -1, APP_ACT_PICK, 5, NULL, NULL},
    {MODE_PICKER, '7', 0, -1, APP_ACT_PICK, 6, NULL, NULL},
    {MODE_PICKER, '8', 0, -1, APP_ACT_PICK, 7, NULL, NULL},
    {MODE_PICKER, '9', 0, -1, APP_ACT_PICK, 8, NULL, NULL},
    {MODE_PICKER, APP_KEY_ESCAPE, 0, -1, APP_ACT_PICK_CLOSE, 0, NULL, NULL},
    {MODE_PICKER, 'l', 0, -1, APP_ACT_PICK_CLOSE, 0, NULL, NULL},
    /* everywhere */
    {MODE_ANY, '=', CTRL, -1, APP_ACT_SCALE_UP, 0, NULL, NULL},
    {MODE_ANY, '+', CTRL, -1, APP_ACT_SCALE_UP, 0, NULL, NULL},
    {MODE_ANY, '-', CTRL, -1, APP_ACT_SCALE_DOWN, 0, NULL, NULL},
    {MODE_ANY, 'q', CTRL, -1, APP_ACT_QUIT, 0, NULL, NULL},
    /* the settings drawer's arrows */
    {MODE_DRAWER, APP_KEY_UP, 0, -1, APP_ACT_DRAWER_UP, 0, NULL, NULL},
    {MODE_DRAWER, APP_KEY_DOWN, 0, -1, APP_ACT_DRAWER_DOWN, 0, NULL, NULL},
    {MODE_DRAWER, APP_KEY_LEFT, 0, -1, APP_ACT_DRAWER_DEC, 0, NULL, NULL},
    {MODE_DRAWER, APP_KEY_RIGHT, 0, -1, APP_ACT_DRAWER_INC, 0, NULL, NULL},
    {MODE_DRAWER, 0, 0, BTN_CTL_DEC, APP_ACT_CTL_DEC, 0, NULL, NULL},
    {MODE_DRAWER, 0, 0, BTN_CTL_INC, APP_ACT_CTL_INC, 0, NULL, NULL},
    {MODE_DRAWER, 0, 0, BTN_RHO_SLIDER, APP_ACT_SLIDE, 0, NULL, NULL},
    /* the main window: these rows make the help overlay and README's table */
    {MODE_MAIN, APP_KEY_RIGHT, 0, BTN_STEP, APP_ACT_STEP, 0, "→ / ←", "one node forward / back"},
    {MODE_MAIN, APP_KEY_LEFT, 0, BTN_BACK, APP_ACT_BACK, 0, NULL, NULL},
    {MODE_MAIN, APP_KEY_SPACE, 0, BTN_PLAY, APP_ACT_PLAY, 0, "Space", "play / pause"},
    {MODE_MAIN, 0, 0, BTN_SPEED, APP_ACT_SPEED, 0, NULL, NULL},
    {MODE_MAIN, APP_KEY_PAGE_DOWN, 0, -1, APP_ACT_PAGE_NEXT, 0, "Page Down / Up",
     "next / previous lesson step (without a lesson: one node)"},
    {MODE_MAIN, APP_KEY_PAGE_UP, 0, -1, APP_ACT_PAGE_PREV, 0, NULL, NULL},
    {MODE_ASK, 'x', 0, BTN_ASK_REVEAL, APP_ACT_ASK_REVEAL, 0, "1–4 / X",
     "answer the question (or type a number, Enter) / reveal"},
    {MODE_MAIN, 0, 0, BTN_LESSON_NEXT, APP_ACT_LESSON_NEXT, 0, NULL, NULL},
    {MODE_MAIN, 0, 0, BTN_LESSON_PREV, APP_ACT_LESSON_PREV, 0, NULL, NULL},
    {MODE_MAIN, 'f', 0, BTN_FORWARD_ALL, APP_ACT_FORWARD_ALL, 0, "F / B",
     "whole forward / backward pass"},
    {MODE_MAIN, 'b', 0, BTN_BACKWARD_ALL, APP_ACT_BACKWARD_ALL, 0, NULL, NULL},
    {MODE_MAIN, 'u', 0, BTN_UPDATE, APP_ACT_UPDATE, 0, "U", "apply the update (end the iteration)"},
    {MODE_MAIN, 't', 0, BTN_TRAIN, APP_ACT_TRAIN, 0, "T", "train (toggle)"},
    {MODE_MAIN, 'r', 0, BTN_RESET, APP_ACT_RESET, 0, "R", "reset the weights from the seed"},
    {MODE_MAIN, '1', 0, BTN_RNN, APP_ACT_CELL, NET_CELL_RNN, "1 / 2 / 3", "RNN / GRU / LSTM"},
    {MODE_MAIN, '2', 0, BTN_GRU, APP_ACT_CELL, NET_CELL_GRU, NULL, NULL},
    {MODE_MAIN, '3', 0, BTN_LSTM, APP_ACT_CELL, NET_CELL_LSTM, NULL, NULL},
    {MODE_MAIN, '+', 0, -1, APP_ACT_RHO_UP, 0, "+ / −", "spectral radius up / down (×1.1)"},
    {MODE_MAIN, '=', SHIFT, -1, APP_ACT_RHO_UP, 0, NULL, NULL},
    {MODE_MAIN, '-', 0, -1, APP_ACT_RHO_DOWN, 0, NULL, NULL},
    {MODE_ANY, 0, 0, -1, APP_ACT_SCALE_UP, 0, "Ctrl + = / Ctrl + −", "scale the whole UI"},
    {MODE_MAIN, APP_KEY_F11, 0, -1, APP_ACT_FULLSCREEN, 0, "F11", "full screen"},
    {MODE_MAIN, 's', SHIFT, -1, APP_ACT_SAVE_SVG, 0, NULL, NULL},
    {MODE_MAIN, 's', 0, -1, APP_ACT_SAVE_PNG, 0, "S / Shift+S", "save PNG / SVG of this view"},
    {MODE_MAIN, 'e', 0, -1, APP_ACT_EXPORT_CSV, 0, "E", "save the gradient norms as CSV"},
    {MODE_MAIN, 'm', 0, -1, APP_ACT_RECORD, 0, "M",
     "record the window to rnnviz-NNN.mp4 (start / stop)"},
    {MODE_MAIN, 'o', 0, BTN_SETTINGS, APP_ACT_SETTINGS, 0, "O",
     "settings drawer: cell, task, sizes, ρ slider, optimizer…"},
    {MODE_DRAWER, 0, 0, -1, APP_ACT_NONE, 0, "↑ ↓ then ← →",
     "in the drawer: choose a setting, change it"},
    {MODE_MAIN, 'l', 0, BTN_LESSONS, APP_ACT_LESSONS, 0, "L / N",
     "lesson picker / hide the lesson panel"},
    {MODE_MAIN, 'n', 0, -1, APP_ACT_LESSON_PANEL, 0, NULL, NULL},
    {MODE_MAIN, APP_KEY_TAB, 0, -1, APP_ACT_CONTROLS_BAR, 0, "Tab",
     "hide the control bar (presenting)"},
    {MODE_MAIN, 'c', 0, -1, APP_ACT_CONTRAST, 0, "C", "high-contrast theme"},
    {MODE_MAIN, 'z', 0, -1, APP_ACT_FOCUS, 0, "Z",
     "focus: plot, inspector, diagram, then the usual layout"},
    {MODE_MAIN, 'a', 0, -1, APP_ACT_FIT, 0, "A", "fit all: every step in view (toggle)"},
    {MODE_MAIN, '[', 0, -1, APP_ACT_ROW_PREV, 0, "[ / ]",
     "previous / next batch row (every per-row number follows it)"},
    {MODE_MAIN, ']', 0, -1, APP_ACT_ROW_NEXT, 0, NULL, NULL},
    {MODE_MAIN, 'p', 0, -1, APP_ACT_PLOT_NEXT, 0, "P",
     "next plot: gradients, loss, eigenvalues, heatmap"},
    {MODE_MAIN, 0, 0, BTN_PLOT_GRAD, APP_ACT_PLOT, PLOT_GRAD, NULL, NULL},
    {MODE_MAIN, 0, 0, BTN_PLOT_LOSS, APP_ACT_PLOT, PLOT_LOSS, NULL, NULL},
    {MODE_MAIN, 0, 0, BTN_PLOT_EIGEN, APP_ACT_PLOT, PLOT_EIGEN, NULL, NULL},
    {MODE_MAIN, 0, 0, BTN_PLOT_HEATMAP, APP_ACT_PLOT, PLOT_HEATMAP, NULL, NULL},
    {MODE_MAIN, 'v', SHIFT, -1, APP_ACT_COMPARE_TRAIN, 0, NULL, NULL},
    {MODE_MAIN, 'v', 0, BTN_COMPARE, APP_ACT_COMPARE, 0, "V / Shift+V",
     "compare RNN, GRU, LSTM gradients / train all three"},
    {MODE_MAIN, APP_KEY_MOUSE, 0, -1, APP_ACT_NONE, 0, "Wheel / drag", "zoom / pan the network"},
    {MODE_MAIN, APP_KEY_MOUSE, 0, -1, APP_ACT_NONE, 0, "Click", "inspect a node"},
    {MODE_MAIN, '/', SHIFT, BTN_HELP, APP_ACT_HELP, 0, "? or H", "this help"},
    {MODE_MAIN, 'h', 0, -1, APP_ACT_HELP, 0, NULL, NULL},
    {MODE_ANY, APP_KEY_ESCAPE, 0, -1, APP_ACT_ESCAPE, 0, "Esc",
     "close an overlay / leave full screen (never quits)"},
    {MODE_ANY, 'q', 0, -1, APP_ACT_QUIT, 0, "Q / Ctrl+Q",
     "quit (asks first when a lesson is open or training has run)"},
};

#define N_ROWS ((int)(sizeof table / sizeof table[0]))

const KeyBinding *keymap_table(int *count)
{
    *count = N_ROWS;
    return table;
}

/* exact: the modifiers are the row's; else the row's are among them. */
static const KeyBinding *find(AppMode mode, int key, unsigned mods, bool exact)
{
    for (int i = 0; i < N_ROWS; i++) {
        const KeyBinding *b = &table[i];
        if (b->mode == mode && b->key == key &&
            (exact ? mods == b->mods : (mods & b->mods) == b->mods))
            return b;
    }
    return NULL;
}

const KeyBinding *keymap_key(AppMode mode, int key, unsigned mods)
{
    if (key == 0 || key == APP_KEY_MOUSE)
        return NULL;
    /* Ctrl+= scales before = alone means anything; then rows that ignore
     * the other modifiers (Shift+R resets as R does) */
    for (int exact = 1; exact >= 0; exact--) {
        const KeyBinding *b = find(mode, key, mods, exact);
        if (!b)
            b = find(MODE_ANY, key, mods, exact);
        /* the drawer only claims its arrows; the other keys still work */
        if (!b && (mode == MODE_DRAWER || mode == MODE_ASK))
            b = find(MODE_MAIN, key, mods, exact);
        if (b)
            return b;
    }
    return NULL;
}

const KeyBinding *keymap_button(int button)
{
    for (int i = 0; i < N_ROWS; i++)
        if (table[i].button == button)
            return &table[i];
    return NULL;
}

int keymap_help(ViewKeyHelp *out, int cap)
{
    int n = 0;
    for (int i = 0; i < N_ROWS && n < cap; i++)
        if (table[i].keys)
            out[n++] = (ViewKeyHelp){table[i].keys, table[i].help};
    return n;
}
