#include "csv_num.h"

#include <math.h>
#include <stdio.h>

const char *csv_num(double v, char *buf)
{
    if (isnan(v))
        snprintf(buf, CSV_NUM_CAP, "nan");
    else if (isinf(v))
        snprintf(buf, CSV_NUM_CAP, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, CSV_NUM_CAP, "%.17g", v);
    return buf;
}
