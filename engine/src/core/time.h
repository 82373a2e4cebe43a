/* core/time.h — civil dates and instants. Storage is UTC seconds since the epoch; what a
 * person sees is Vietnam time, a fixed +07:00 (no daylight saving since 1975), so local time
 * is arithmetic and needs no time-zone database. */
#ifndef MC_TIME_H
#define MC_TIME_H

#include <stddef.h>
#include <stdint.h>

#define MC_VN_OFFSET (7 * 3600)

typedef struct {
	int year, month, day;     /* month 1-12, day 1-31 */
	int hour, minute, second;
	int wday;                 /* 0 Sunday .. 6 Saturday */
} mc_civil;

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t mc_days_from_civil(int y, int m, int d);
void mc_civil_from_days(int64_t days, int *y, int *m, int *d);
int mc_weekday(int64_t days);  /* 0 Sunday */
int mc_date_valid(int y, int m, int d);

/* UTC instant <-> Vietnam local civil time. */
void mc_time_local(mc_civil *out, int64_t t);
int64_t mc_time_from_local(int y, int mo, int d, int h, int mi, int s);

/* "2026-02-12T16:00:00+07:00"; buf needs 26 bytes. */
char *mc_time_format(char *buf, size_t size, int64_t t);
/* "2026-02-12"; buf needs 11 bytes. */
char *mc_time_format_date(char *buf, size_t size, int64_t t);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" with an optional "Z" or "+hh:mm"; without an
 * offset the time is Vietnam time. Returns 0 or MOTCUA_EINVALID naming the text. */
int mc_time_parse(int64_t *out, const char *text);

/* Now, UTC seconds. */
int64_t mc_time_now(void);

#endif
