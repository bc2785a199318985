#include "render_file.h"

#include <stdio.h>
#include <string.h>

#include "png_out.h"
#include "svg_out.h"

bool render_path_is_svg(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && (!strcmp(path + n - 4, ".svg") || !strcmp(path + n - 4, ".SVG"));
}

int render_session_file(const Session *s, const ViewParams *vp, Fonts *fonts, const char *path,
                        char *msg, size_t cap)
{
    DrawList *dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    static HitList hits;
    if (!dl) {
        snprintf(msg, cap, "out of memory for the draw list");
        return -1;
    }
    view_draw(sess_view_model(s), vp, dl, &hits);
    DlColor bg = theme_get(view_state(vp)->high_contrast)->bg;
    int rc;
    if (render_path_is_svg(path)) {
        SvgError err = {{0}};
        rc = svg_out_write(dl, vp->win_w, vp->win_h, bg, fonts, path, &err);
        if (rc)
            snprintf(msg, cap, "%s", err.msg);
    } else {
        PngError err = {{0}};
        rc = png_out_write(dl, vp->win_w, vp->win_h, bg, fonts, path, &err);
        if (rc)
            snprintf(msg, cap, "%s", err.msg);
    }
    dl_destroy(dl);
    return rc;
}
