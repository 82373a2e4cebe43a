/* tests/core/calendar.c — working days and legal deadlines: Tết 2026, make-up Saturdays, the
 * 15:00 cut-off, working-hour limits, pauses, the calendar file's errors, and a property test
 * that checks the arithmetic against a day-by-day count. */
#include <stdint.h>

#include "core/time.h"
#include "motcua/calendar.h"
#include "test.h"

#define HOUR 3600
#define WDAY (9 * HOUR)

/* Vietnam local time, to the minute. */
static int64_t vn(int y, int mo, int d, int h, int mi)
{
	return mc_time_from_local(y, mo, d, h, mi, 0);
}

static const char *fmt(int64_t t)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	return mc_time_format(buf[i], sizeof(buf[i]), t);
}

static motcua_calendar *parse(const char *text)
{
	motcua_calendar *cal = NULL;

	CHECK_OK(motcua_calendar_parse(&cal, text, strlen(text), "test.cal"));
	return cal;
}

static const char tet_2026[] = "holiday 2026-02-16..2026-02-20  Tết Nguyên đán\n";

static void test_default_calendar_is_monday_to_friday_8_to_17(void)
{
	motcua_calendar *cal;

	CHECK_OK(motcua_calendar_new(&cal));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 2, 9));      /* Monday */
	CHECK(motcua_calendar_is_working_day(cal, 2026, 2, 13));     /* Friday */
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 2, 14));    /* Saturday */
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 2, 15));    /* Sunday */
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 2, 30));    /* no such date */
	CHECK_INT(motcua_calendar_day_seconds(cal), WDAY);
	motcua_calendar_free(cal);
}

static void test_tet_2026_days_are_not_working(void)
{
	motcua_calendar *cal = parse(tet_2026);

	for (int d = 16; d <= 20; d++)
		CHECK(!motcua_calendar_is_working_day(cal, 2026, 2, d));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 2, 13));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 2, 23));
	/* a dossier received on Friday before Tết with one working day is due that Friday... */
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 2, 13, 9, 0), 1,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-02-13T17:00:00+07:00");
	/* ...and with two, the Monday after the break */
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 2, 13, 9, 0), 2,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-02-23T17:00:00+07:00");
	motcua_calendar_free(cal);
}

static void test_makeup_saturday_is_working(void)
{
	motcua_calendar *cal = parse("workday 2026-01-10  Làm bù\n");

	CHECK(motcua_calendar_is_working_day(cal, 2026, 1, 10));
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 1, 17));    /* the next Saturday */
	/* two hours from Friday 16:00: one on Friday, one on the make-up Saturday */
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 1, 9, 16, 0), 2 * HOUR)),
		"2026-01-10T09:00:00+07:00");
	/* received on that Saturday morning, the clock starts that Saturday */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 1, 10, 10, 0),
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-01-10T08:00:00+07:00");
	motcua_calendar_free(cal);
}

/* Thursday 12 Feb 16:00 is after the cut-off; Friday 13 is day 1, then 23-27 Feb are days
 * 2-6, 2-6 Mar days 7-11, 9-12 Mar days 12-15. */
static void test_received_after_cutoff_counts_from_next_working_day(void)
{
	motcua_calendar *cal = parse(tet_2026);
	int64_t received = vn(2026, 2, 12, 16, 0);

	CHECK_STR(fmt(motcua_calendar_clock_start(cal, received, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-02-13T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, received, MOTCUA_LIMIT_WORKING_HOURS)),
		"2026-02-13T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, received, 15, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-03-12T17:00:00+07:00");
	/* one second past the cut-off is already too late */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, received - 1 * HOUR + 1,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-02-13T08:00:00+07:00");
	/* Friday 13 after the cut-off skips the whole Tết break */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 2, 13, 15, 30),
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-02-23T08:00:00+07:00");
	motcua_calendar_free(cal);
}

static void test_received_before_cutoff_counts_that_day(void)
{
	motcua_calendar *cal;
	int64_t received = vn(2026, 2, 12, 14, 59);

	CHECK_OK(motcua_calendar_new(&cal));
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, received, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-02-12T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, received, MOTCUA_LIMIT_WORKING_HOURS)),
		"2026-02-12T14:59:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, received, 1, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-02-12T17:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, received, 3, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-02-16T17:00:00+07:00");
	/* 15:00:00 itself is not "later than the cut-off" */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 2, 12, 15, 0),
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-02-12T08:00:00+07:00");
	/* before opening, the clock starts at opening that day */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 2, 12, 6, 30),
		MOTCUA_LIMIT_WORKING_HOURS)), "2026-02-12T08:00:00+07:00");
	motcua_calendar_free(cal);
}

static void test_weekend_reception(void)
{
	motcua_calendar *cal;
	int64_t saturday = vn(2026, 3, 7, 10, 0);

	CHECK_OK(motcua_calendar_new(&cal));
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, saturday, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-03-09T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, saturday, 1, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-03-09T17:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, saturday, 5, MOTCUA_LIMIT_WORKING_DAYS)),
		"2026-03-13T17:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, saturday, 4, MOTCUA_LIMIT_WORKING_HOURS)),
		"2026-03-09T12:00:00+07:00");
	/* Friday evening online: Monday too */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 3, 6, 18, 0),
		MOTCUA_LIMIT_WORKING_HOURS)), "2026-03-09T08:00:00+07:00");
	CHECK_INT(motcua_calendar_due(cal, saturday, 0, MOTCUA_LIMIT_WORKING_DAYS), 0);
	motcua_calendar_free(cal);
}

static void test_working_hours_limit_crosses_night_and_weekend(void)
{
	motcua_calendar *cal;

	CHECK_OK(motcua_calendar_new(&cal));
	/* Friday 14:00 + 8 h: 3 h on Friday, 5 h on Monday */
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 3, 6, 14, 0), 8,
		MOTCUA_LIMIT_WORKING_HOURS)), "2026-03-09T13:00:00+07:00");
	/* Wednesday 09:30 + 12 h: 7.5 h Wednesday, 4.5 h Thursday */
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 3, 4, 9, 30), 12,
		MOTCUA_LIMIT_WORKING_HOURS)), "2026-03-05T12:30:00+07:00");
	/* a whole day's hours end at 17:00 that day, not 08:00 the next */
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 4, 8, 0), WDAY)),
		"2026-03-04T17:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 6, 8, 0), WDAY)),
		"2026-03-06T17:00:00+07:00");
	/* from the evening, counting starts at the next opening */
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 6, 20, 0), HOUR)),
		"2026-03-09T09:00:00+07:00");
	motcua_calendar_free(cal);
}

static void test_add_working_zero_moves_to_office_time(void)
{
	motcua_calendar *cal;
	int64_t inside = vn(2026, 3, 4, 10, 17);

	CHECK_OK(motcua_calendar_new(&cal));
	CHECK_INT(motcua_calendar_add_working(cal, inside, 0), inside);
	CHECK_INT(motcua_calendar_add_working(cal, inside, -5), inside);
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 4, 17, 0), 0)),
		"2026-03-05T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 7, 11, 0), 0)),
		"2026-03-09T08:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_add_working(cal, vn(2026, 3, 4, 7, 0), 0)),
		"2026-03-04T08:00:00+07:00");
	motcua_calendar_free(cal);
}

static void test_working_between_pause_of_three_days(void)
{
	motcua_calendar *cal = parse(tet_2026);
	int64_t paused = vn(2026, 3, 2, 10, 0), resumed = vn(2026, 3, 5, 10, 0);
	int64_t pause = motcua_calendar_working_between(cal, paused, resumed);
	int64_t due = vn(2026, 3, 12, 17, 0);

	CHECK_INT(pause, 3 * WDAY);
	CHECK_INT(pause, 27 * HOUR);
	/* the due date moves by the pause: Thursday 12 Mar → Tuesday 17 Mar */
	CHECK_STR(fmt(motcua_calendar_add_working(cal, due, pause)), "2026-03-17T17:00:00+07:00");
	CHECK_INT(motcua_calendar_working_between(cal, resumed, paused), 0);
	/* a reminder one working day before the due: the close of the working day before */
	CHECK_STR(fmt(motcua_calendar_sub_working(cal, due, WDAY)), "2026-03-11T17:00:00+07:00");
	CHECK_STR(fmt(motcua_calendar_sub_working(cal, vn(2026, 2, 23, 10, 0), 3 * HOUR)),
		"2026-02-13T16:00:00+07:00");
	/* evenings and weekends do not count; neither does Tết */
	CHECK_INT(motcua_calendar_working_between(cal, vn(2026, 3, 6, 16, 0),
		vn(2026, 3, 9, 9, 0)), 2 * HOUR);
	CHECK_INT(motcua_calendar_working_between(cal, vn(2026, 2, 13, 10, 0),
		vn(2026, 2, 23, 10, 0)), WDAY);
	motcua_calendar_free(cal);
}

static void test_sample_vn_2026_loads(void)
{
	motcua_calendar *cal = NULL;
	char path[1024];
	static const int off[][2] = { { 1, 1 }, { 2, 16 }, { 2, 17 }, { 2, 18 }, { 2, 19 },
		{ 2, 20 }, { 4, 27 }, { 4, 30 }, { 5, 1 }, { 9, 1 }, { 9, 2 } };

	snprintf(path, sizeof(path), "%s/samples/calendar/vn-2026.cal", test_source_dir());
	CHECK_OK(motcua_calendar_load(&cal, path));
	if (!cal)
		return;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		CHECK(!motcua_calendar_is_working_day(cal, 2026, off[i][0], off[i][1]));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 1, 2));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 2, 23));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 4, 28));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 9, 3));
	/* 261 weekdays in 2026, 11 of them holidays */
	CHECK_INT(motcua_calendar_working_between(cal, vn(2026, 1, 1, 0, 0), vn(2027, 1, 1, 0, 0)),
		250 * WDAY);
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 2, 12, 16, 0), 15,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-03-12T17:00:00+07:00");
	motcua_calendar_free(cal);
}

static void check_parse_error(const char *text, const char *where, const char *reason)
{
	motcua_calendar *cal = (motcua_calendar *)1;

	CHECK_ERR(motcua_calendar_parse(&cal, text, strlen(text), "bad.cal"), MOTCUA_EINVALID);
	CHECK(cal == NULL);
	CHECK_CONTAINS(motcua_error_last(), where);
	CHECK_CONTAINS(motcua_error_last(), reason);
}

static void test_parse_errors_name_file_and_line(void)
{
	char *dir, *path;
	motcua_calendar *cal;

	check_parse_error("# ok\nholiday 2026-01-01\nvacation 2026-01-02\n", "bad.cal:3:",
		"unknown keyword 'vacation'");
	check_parse_error("holiday 2026-02-30 Tết\n", "bad.cal:1:", "bad date '2026-02-30'");
	check_parse_error("\n\nholiday 26-02-01\n", "bad.cal:3:", "bad date");
	check_parse_error("holiday 2026-02-20..2026-02-16\n", "bad.cal:1:", "ends before");
	check_parse_error("holiday 2026-01-01..2027-06-01\n", "bad.cal:1:", "longer than a year");
	check_parse_error("holiday\n", "bad.cal:1:", "bad date ''");
	check_parse_error("hours 17:00-08:00\n", "bad.cal:1:", "end at or before");
	check_parse_error("hours 08:00-08:00\n", "bad.cal:1:", "end at or before");
	check_parse_error("hours 08:00-17:00x\n", "bad.cal:1:", "bad office hours");
	check_parse_error("hours 8:00-17:00\n", "bad.cal:1:", "bad office hours");
	check_parse_error("hours 08:00-17:00 lunch\n", "bad.cal:1:", "unexpected text 'lunch'");
	check_parse_error("cutoff 15:00junk\n", "bad.cal:1:", "bad cut-off '15:00junk'");
	check_parse_error("cutoff 25:00\n", "bad.cal:1:", "bad cut-off");
	check_parse_error("hours 08:00-17:00\ncutoff 17:30\n", "bad.cal:2:",
		"outside office hours");
	check_parse_error("cutoff 07:00\nhours 08:00-17:00\n", "bad.cal:1:",
		"outside office hours");
	check_parse_error("hours 06:00-14:00\n", "bad.cal:1:", "default cut-off");
	check_parse_error("hours 08:00-17:00\nhours 07:00-16:00\n", "bad.cal:2:", "line 1");
	check_parse_error("holiday 2026-01-10\n\nworkday 2026-01-05..2026-01-12\n", "bad.cal:3:",
		"2026-01-10 is both a holiday and a workday (see line 1)");

	/* from a file, the message names the path */
	dir = test_tmpdir();
	path = test_write_file(dir, "x.cal", "holiday 2026-01-01\nholiday 2026-13-01\n");
	CHECK_ERR(motcua_calendar_load(&cal, path), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "x.cal:2: bad date '2026-13-01'");
	free(path);
	path = test_write_file(dir, "missing", "");
	test_rmdir(dir);
	CHECK_ERR(motcua_calendar_load(&cal, path), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "missing");
	free(path);
	free(dir);
}

static void test_parse_accepts_comments_crlf_bom_and_labels(void)
{
	static const char text[] = "\xEF\xBB\xBF# lịch\r\n"
		"  hours\t07:30-16:30   # giờ hành chính\r\n"
		"cutoff 16:30\r\n"
		"holiday 2026-05-01 Ngày Quốc tế Lao động # 1/5\r\n"
		"holiday 2026-05-01 (listed twice)\r\n"
		"holiday 2026-05-02 a Saturday holiday changes nothing\r\n"
		"workday 2026-05-04 a Monday make-up day changes nothing";
	motcua_calendar *cal = parse(text);

	if (!cal)
		return;
	CHECK_INT(motcua_calendar_day_seconds(cal), 9 * HOUR);
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 5, 1));
	CHECK(!motcua_calendar_is_working_day(cal, 2026, 5, 2));
	CHECK(motcua_calendar_is_working_day(cal, 2026, 5, 4));
	/* a cut-off at closing time: 16:29 still counts that day, 16:30 is closed */
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 5, 4, 16, 29),
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-05-04T07:30:00+07:00");
	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2026, 5, 4, 16, 30),
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-05-05T07:30:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 4, 30, 16, 0), 1,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-04-30T16:30:00+07:00");
	CHECK_STR(fmt(motcua_calendar_due(cal, vn(2026, 4, 30, 16, 0), 2,
		MOTCUA_LIMIT_WORKING_DAYS)), "2026-05-04T16:30:00+07:00");
	motcua_calendar_free(cal);
}

/* Two years of holidays in a row: the next working day is in 2028, found without looping. */
static void test_long_holiday_spans_and_long_limits(void)
{
	motcua_calendar *cal = parse("holiday 2026-01-01..2026-12-31\n"
		"holiday 2027-01-01..2027-12-31\n");
	int64_t far;

	CHECK_STR(fmt(motcua_calendar_clock_start(cal, vn(2025, 12, 31, 16, 0),
		MOTCUA_LIMIT_WORKING_DAYS)), "2028-01-03T08:00:00+07:00");
	CHECK_INT(motcua_calendar_working_between(cal, vn(2026, 1, 1, 0, 0),
		vn(2028, 1, 1, 0, 0)), 0);
	/* 2600 working days (ten years of weekdays) and back */
	far = motcua_calendar_add_working(cal, vn(2030, 1, 1, 8, 0), 2600LL * WDAY);
	CHECK_INT(motcua_calendar_working_between(cal, vn(2030, 1, 1, 8, 0), far), 2600LL * WDAY);
	CHECK_STR(fmt(far), "2039-12-19T17:00:00+07:00");
	CHECK_INT(motcua_calendar_add_working(cal, vn(2030, 1, 1, 8, 0), INT64_MAX), INT64_MAX);
	CHECK_INT(motcua_calendar_add_working(cal, INT64_MAX, 1), INT64_MAX);
	motcua_calendar_free(cal);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

/* Working seconds between a and b, counted day by day from the public predicates only. */
static int64_t naive_between(const motcua_calendar *cal, int64_t a, int64_t b, int open,
	int close)
{
	int64_t total = 0;
	int64_t day = (a + MC_VN_OFFSET) / 86400 - 1;

	for (; day * 86400 - MC_VN_OFFSET < b; day++) {
		int y, m, d;
		int64_t s, e;

		mc_civil_from_days(day, &y, &m, &d);
		if (!motcua_calendar_is_working_day(cal, y, m, d))
			continue;
		s = day * 86400 + open - MC_VN_OFFSET;
		e = day * 86400 + close - MC_VN_OFFSET;
		s = s < a ? a : s;
		e = e > b ? b : e;
		if (e > s)
			total += e - s;
	}
	return total;
}

static void test_add_working_inverts_working_between(void)
{
	motcua_calendar *cal = NULL;
	char text[8192];
	size_t len = 0;
	int64_t base = mc_days_from_civil(2025, 6, 1);

	/* a random calendar over 2025-2027: holidays, make-up days, odd office hours */
	len += (size_t)snprintf(text + len, sizeof(text) - len, "hours 07:15-16:45\n"
		"cutoff 11:00\n");
	for (int i = 0; i < 120; i++) {
		int64_t d = base + rng_range(0, 700);
		int y, m, dd;

		mc_civil_from_days(d, &y, &m, &dd);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %04d-%02d-%02d\n",
			i % 4 == 3 ? "workday" : "holiday", y, m, dd);
	}
	if (motcua_calendar_parse(&cal, text, len, "random.cal") < 0) {
		/* a date drawn both ways: drop the make-up days and try again */
		for (char *w; (w = strstr(text, "workday")); )
			memcpy(w, "holiday", 7);
		CHECK_OK(motcua_calendar_parse(&cal, text, len, "random.cal"));
	}
	if (!cal)
		return;
	for (int i = 0; i < 3000; i++) {
		int64_t a = vn(2025, 6, 1, 0, 0) + rng_range(0, 600LL * 86400);
		/* whole days now and then: they must end at closing time */
		int64_t s = rng_range(0, 5) == 0 ? rng_range(0, 3) * 34200 :
			rng_range(0, 40LL * 34200);
		int64_t s2 = s + rng_range(0, 34200);
		int64_t b = motcua_calendar_add_working(cal, a, s);

		CHECK(b >= a);
		CHECK_INT(motcua_calendar_working_between(cal, a, b), s);
		CHECK_INT(naive_between(cal, a, b, 7 * 3600 + 900, 16 * 3600 + 2700), s);
		CHECK(motcua_calendar_add_working(cal, a, s2) >= b);
		CHECK(motcua_calendar_add_working(cal, a + rng_range(0, 86400), s) >= b);
		if (s > 0)    /* the earliest such instant: a second less falls short */
			CHECK_INT(motcua_calendar_working_between(cal, a, b - 1), s - 1);
		/* and back: from b, s of working time earlier is a itself, moved to office time */
		if (s > 0) {
			int64_t back = motcua_calendar_sub_working(cal, b, s);

			CHECK(back <= motcua_calendar_add_working(cal, a, 0));
			CHECK_INT(motcua_calendar_working_between(cal, back, b), s);
			CHECK_INT(motcua_calendar_working_between(cal, back, a), 0);
		}
	}
	for (int i = 0; i < 500; i++) {
		int64_t a = vn(2025, 6, 1, 0, 0) + rng_range(0, 600LL * 86400);
		int64_t b = a + rng_range(-86400, 30LL * 86400);

		CHECK_INT(motcua_calendar_working_between(cal, a, b),
			naive_between(cal, a, b, 7 * 3600 + 900, 16 * 3600 + 2700));
	}
	motcua_calendar_free(cal);
}

TEST_MAIN(TEST_CASE(test_default_calendar_is_monday_to_friday_8_to_17),
	TEST_CASE(test_tet_2026_days_are_not_working),
	TEST_CASE(test_makeup_saturday_is_working),
	TEST_CASE(test_received_after_cutoff_counts_from_next_working_day),
	TEST_CASE(test_received_before_cutoff_counts_that_day),
	TEST_CASE(test_weekend_reception),
	TEST_CASE(test_working_hours_limit_crosses_night_and_weekend),
	TEST_CASE(test_add_working_zero_moves_to_office_time),
	TEST_CASE(test_working_between_pause_of_three_days),
	TEST_CASE(test_sample_vn_2026_loads),
	TEST_CASE(test_parse_errors_name_file_and_line),
	TEST_CASE(test_parse_accepts_comments_crlf_bom_and_labels),
	TEST_CASE(test_long_holiday_spans_and_long_limits),
	TEST_CASE(test_add_working_inverts_working_between))
