/* M: recording the window to rnnviz-NNN.mp4, and the status line saying so. */
#include <stdio.h>
#include <string.h>
#include <unistd.h> /* access: the next free name */

#include "app_internal.h"

#define MAX_RECORDINGS 999

/* The first rnnviz-NNN.mp4 after the last one that is not there yet. */
static int next_name(App *app, char *path, size_t cap)
{
    for (int n = app->recs + 1; n <= MAX_RECORDINGS; n++) {
        snprintf(path, cap, "rnnviz-%03d.mp4", n);
        if (access(path, F_OK) != 0) {
            app->recs = n;
            return 0;
        }
    }
    return -1;
}

static void record_start(App *app)
{
    char path[sizeof app->rec_path], msg[600];
    if (next_name(app, path, sizeof path)) {
        app_say(app, "cannot record: rnnviz-001.mp4 to rnnviz-999.mp4 all exist here");
        return;
    }
    if (app->hooks.record(app->hooks.ctx, path, msg, sizeof msg)) {
        app_say(app, msg);
        return;
    }
    snprintf(app->rec_path, sizeof app->rec_path, "%s", path);
    app->recording = true;
    app->rec_since = app_now(app);
    snprintf(msg, sizeof msg, "recording to %s (M stops)", path);
    app_say(app, msg);
}

void app_record_toggle(App *app)
{
    char msg[600];
    if (!app->hooks.record) {
        app_say(app, "recording needs the window");
        return;
    }
    if (!app->recording) {
        record_start(app);
        return;
    }
    app->recording = false;
    if (app->hooks.record(app->hooks.ctx, NULL, msg, sizeof msg) == 0 && !msg[0])
        snprintf(msg, sizeof msg, "saved %s", app->rec_path);
    app_say(app, msg);
}

void app_record_failed(App *app, const char *msg)
{
    if (!app->recording)
        return;
    app->recording = false;
    app_say(app, msg);
}

bool app_recording(const App *app)
{
    return app->recording;
}

/* The status line while recording: a red dot's worth of words, the time,
 * the file, and whatever notice is showing. */
const char *app_record_status(App *app, const char *notice)
{
    if (!app->recording)
        return notice;
    int s = (int)(app_now(app) - app->rec_since);
    if (notice && notice[0] && !strstr(notice, app->rec_path))
        snprintf(app->rec_status, sizeof app->rec_status, "● REC %d:%02d · %.700s", s / 60, s % 60,
                 notice);
    else
        snprintf(app->rec_status, sizeof app->rec_status, "● REC %d:%02d · %s · M stops", s / 60,
                 s % 60, app->rec_path);
    return app->rec_status;
}
