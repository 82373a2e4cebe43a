/* core/time.c — civil-date arithmetic (Howard Hinnant's days_from_civil) and the ISO 8601
 * forms motcua reads and writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/time.h"

int64_t mc_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void mc_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int mc_weekday(int64_t days)
{
	return (int)(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

int mc_date_valid(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void mc_time_local(mc_civil *out, int64_t t)
{
	int64_t local = t + MC_VN_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;

	mc_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->wday = mc_weekday(days);
}

int64_t mc_time_from_local(int y, int mo, int d, int h, int mi, int s)
{
	return mc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - MC_VN_OFFSET;
}

char *mc_time_format(char *buf, size_t size, int64_t t)
{
	mc_civil c;

	mc_time_local(&c, t);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d+07:00",
		c.year, c.month, c.day, c.hour, c.minute, c.second);
	return buf;
}

char *mc_time_format_date(char *buf, size_t size, int64_t t)
{
	mc_civil c;

	mc_time_local(&c, t);
	snprintf(buf, size, "%04d-%02d-%02d", c.year, c.month, c.day);
	return buf;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int mc_time_parse(int64_t *out, const char *text)
{
	const char *p = text;
	int y, mo, d, h = 0, mi = 0, s = 0, oh = 7, om = 0, sign = 1;

	if (!p || digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || digits(&p, 2, &d) < 0)
		goto bad;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			goto bad;
		if (*p == ':' && (p++, digits(&p, 2, &s) < 0))
			goto bad;
		if (*p == 'Z') {
			oh = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0)
				goto bad;
		}
	}
	if (*p || !mc_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59)
		goto bad;
	*out = mc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
		sign * (oh * 3600 + om * 60);
	return 0;
bad:
	return mc_error(MOTCUA_EINVALID,
		"bad time '%s': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm]",
		text ? text : "");
}

int64_t mc_time_now(void)
{
	return (int64_t)time(NULL);
}
