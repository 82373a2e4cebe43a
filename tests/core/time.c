/* tests/core/time.c — civil dates and the ISO 8601 forms: Vietnam time is +07:00. */
#include "core/time.h"
#include "test.h"

static void test_days_round_trip(void)
{
	for (int64_t d = -800000; d < 800000; d += 97) {
		int y, m, dd;

		mc_civil_from_days(d, &y, &m, &dd);
		CHECK_INT(mc_days_from_civil(y, m, dd), d);
	}
	CHECK_INT(mc_weekday(mc_days_from_civil(2026, 2, 12)), 4);  /* a Thursday */
	CHECK_INT(mc_weekday(mc_days_from_civil(1970, 1, 1)), 4);
	CHECK_INT(mc_weekday(mc_days_from_civil(1969, 12, 28)), 0);
}

static void test_format_shows_vietnam_time(void)
{
	char buf[32];
	int64_t t;

	CHECK_OK(mc_time_parse(&t, "2026-02-12T09:00:00Z"));
	CHECK_STR(mc_time_format(buf, sizeof(buf), t), "2026-02-12T16:00:00+07:00");
	CHECK_OK(mc_time_parse(&t, "2026-02-12T16:00"));
	CHECK_STR(mc_time_format(buf, sizeof(buf), t), "2026-02-12T16:00:00+07:00");
	CHECK_OK(mc_time_parse(&t, "2026-02-12T23:30:00+07:00"));
	CHECK_STR(mc_time_format_date(buf, sizeof(buf), t), "2026-02-12");
	CHECK_OK(mc_time_parse(&t, "2026-02-12T18:00:00Z"));
	CHECK_STR(mc_time_format_date(buf, sizeof(buf), t), "2026-02-13");
}

static void test_parse_refuses_nonsense(void)
{
	int64_t t;

	CHECK_ERR(mc_time_parse(&t, "2026-02-30"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "2026-02-30");
	CHECK_ERR(mc_time_parse(&t, "12/02/2026"), MOTCUA_EINVALID);
	CHECK_ERR(mc_time_parse(&t, "2026-02-12T25:00"), MOTCUA_EINVALID);
	CHECK_ERR(mc_time_parse(&t, "2026-02-12T10:00junk"), MOTCUA_EINVALID);
	CHECK_ERR(mc_time_parse(&t, ""), MOTCUA_EINVALID);
}

TEST_MAIN(TEST_CASE(test_days_round_trip), TEST_CASE(test_format_shows_vietnam_time),
	TEST_CASE(test_parse_refuses_nonsense))
