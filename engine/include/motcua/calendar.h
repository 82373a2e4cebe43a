/* motcua/calendar.h — the working-day calendar: Monday to Friday, minus the holidays in a file
 * the admin keeps, plus make-up working days, office hours, and the after-hours cut-off.
 * Legal deadlines are counted here and nowhere else.
 *
 * Working time is the time inside office hours on working days. A limit in working days runs
 * from the start of the clock-start day (day 1) to the end of office hours on day N; a limit in
 * working hours runs from the clock-start instant. The clock starts at reception, or at the
 * start of the next working day when the dossier arrives on a non-working day, outside office
 * hours or after the cut-off. All instants are UTC seconds; the calendar reasons in Vietnam
 * time (+07:00). */
#ifndef MOTCUA_CALENDAR_H
#define MOTCUA_CALENDAR_H

#include "motcua/common.h"

typedef struct motcua_calendar motcua_calendar;

typedef enum {
	MOTCUA_LIMIT_WORKING_DAYS = 0,
	MOTCUA_LIMIT_WORKING_HOURS = 1
} motcua_limit_unit;

/* A calendar with no holidays: Monday-Friday, 08:00-17:00, cut-off 15:00. */
int motcua_calendar_new(motcua_calendar **out);

/* Reads a calendar file (format in samples/calendar/README.md). Errors name file and line. */
int motcua_calendar_load(motcua_calendar **out, const char *path);

/* The same from memory; `name` is used in error messages in place of a file name. */
int motcua_calendar_parse(motcua_calendar **out, const char *text, size_t len, const char *name);

void motcua_calendar_free(motcua_calendar *cal);

/* Whether the local civil date is a working day. */
bool motcua_calendar_is_working_day(const motcua_calendar *cal, int year, int month, int day);

/* Length of one working day's office hours, in seconds (9 h by default). */
int64_t motcua_calendar_day_seconds(const motcua_calendar *cal);

/* When the legal clock starts for something received at `received_at` (see above). For
 * MOTCUA_LIMIT_WORKING_DAYS the result is the start of office hours of the clock-start day. */
int64_t motcua_calendar_clock_start(const motcua_calendar *cal, int64_t received_at,
	motcua_limit_unit unit);

/* The instant reached after `seconds` of working time from `from` (from itself may lie outside
 * office hours: counting starts at the next office hour). seconds == 0 returns `from` moved to
 * the next office time, or `from` unchanged if it is inside office hours. For seconds > 0 it is
 * the earliest such instant, so whole days end at the close of office hours, never at the
 * next opening. Negative seconds count as 0. Returns INT64_MAX when `from` or `seconds` is
 * 2^50 or more (beyond any real deadline). The cost does not grow with the span. */
int64_t motcua_calendar_add_working(const motcua_calendar *cal, int64_t from, int64_t seconds);

/* The reverse of add_working: the earliest instant from which `seconds` of working time run
 * until `to`, e.g. for a reminder one working day before the due (a 17:00 due gives 17:00 the
 * working day before). seconds <= 0 returns `to`. Returns INT64_MAX when `to` is 2^50 or more
 * (no deadline, no reminder) and INT64_MIN when `seconds` is. */
int64_t motcua_calendar_sub_working(const motcua_calendar *cal, int64_t to, int64_t seconds);

/* Working time, in seconds, between a and b (0 if b <= a). */
int64_t motcua_calendar_working_between(const motcua_calendar *cal, int64_t a, int64_t b);

/* The legal due instant: clock start for received_at, plus `amount` days or hours of working
 * time. amount 0 means no deadline and returns 0. */
int64_t motcua_calendar_due(const motcua_calendar *cal, int64_t received_at,
	unsigned int amount, motcua_limit_unit unit);

#endif
