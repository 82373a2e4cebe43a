/* core/calendar.c — working days: weekends, holidays, make-up days, office hours and the 15:00
 * cut-off. Deadlines are counted here and nowhere else. Counting is arithmetic, not a walk
 * over days: a working-time position W(t) is computed in O(log n), add_working inverts it
 * with a binary search, so a ten-year span costs what a one-day span does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motcua/calendar.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"

#define DAY 86400
/* A holiday range longer than this is a typo (2062 for 2026), not a real break. */
#define MAX_RANGE_DAYS 366
/* Instants and spans beyond ~35 million years: arithmetic on them could overflow. */
#define LIMIT ((int64_t)1 << 50)

/* Only the exceptions that change something are kept: a holiday on a weekday and a make-up
 * day on a weekend. A Saturday holiday changes nothing, and keeping it would break the
 * counting below, which subtracts one working day per holiday. */
struct motcua_calendar {
	int64_t *off;        /* holidays falling Monday-Friday: sorted, unique day numbers */
	size_t noff;
	int64_t *on;         /* make-up working days falling on a weekend: sorted, unique */
	size_t non;
	int open, close;     /* office hours, seconds after local midnight */
	int cutoff;          /* open < cutoff <= close */
};

static const motcua_calendar default_calendar = { NULL, 0, NULL, 0, 8 * 3600, 17 * 3600,
	15 * 3600 };

/* Floor division: the day of a pre-1970 instant is the one before, not toward zero. */
static int64_t fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* How many elements of the sorted array a are < x. */
static size_t count_below(const int64_t *a, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool contains(const int64_t *a, size_t n, int64_t x)
{
	size_t i = count_below(a, n, x);

	return i < n && a[i] == x;
}

static bool is_weekend(int64_t day)
{
	int w = mc_weekday(day);

	return w == 0 || w == 6;
}

static bool working(const motcua_calendar *cal, int64_t day)
{
	if (is_weekend(day))
		return contains(cal->on, cal->non, day);
	return !contains(cal->off, cal->noff, day);
}

/* Mondays to Fridays before `day`, counted from an origin Monday (1969-12-29 is day -3). */
static int64_t weekdays_before(int64_t day)
{
	int64_t k = day + 3, w = fdiv(k, 7), r = k - 7 * w;

	return 5 * w + (r < 5 ? r : 5);
}

/* Working days before `day`, from the same origin: non-decreasing, one step per working day. */
static int64_t working_before(const motcua_calendar *cal, int64_t day)
{
	return weekdays_before(day) - (int64_t)count_below(cal->off, cal->noff, day) +
		(int64_t)count_below(cal->on, cal->non, day);
}

/* The working day whose ordinal is k, i.e. working_before(d) == k and d is working. It is the
 * smallest d with working_before(d + 1) > k. Holidays are finite, so it always exists; the
 * bounds follow from |weekdays_before(d) - 5(d+3)/7| < 2 and widen by the exception counts. */
static int64_t nth_working_day(const motcua_calendar *cal, int64_t k)
{
	int64_t m = k + 1;
	int64_t lo = fdiv((m - (int64_t)cal->non) * 7, 5) - 3 - 10;
	int64_t hi = fdiv((m + (int64_t)cal->noff) * 7, 5) - 3 + 10;

	/* invariant: working_before(lo) < m <= working_before(hi); the loops are a safety net */
	while (working_before(cal, lo) >= m)
		lo -= 64;
	while (working_before(cal, hi) < m)
		hi += 64;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (working_before(cal, mid) >= m)
			hi = mid;
		else
			lo = mid;
	}
	return hi - 1;
}

static int64_t clamp_instant(int64_t t)
{
	return t < -LIMIT ? -LIMIT : t > LIMIT ? LIMIT : t;
}

/* Splits an instant into its local day number and the seconds since local midnight. */
static void split(int64_t t, int64_t *day, int64_t *sod)
{
	int64_t local = clamp_instant(t) + MC_VN_OFFSET;

	*day = fdiv(local, DAY);
	*sod = local - *day * DAY;
}

static int64_t office_open(const motcua_calendar *cal, int64_t day)
{
	return day * DAY + cal->open - MC_VN_OFFSET;
}

/* Working seconds from the origin to t: a monotonic position, flat outside office hours. */
static int64_t position(const motcua_calendar *cal, int64_t t)
{
	int64_t day, sod, len = cal->close - cal->open, in = 0;

	split(t, &day, &sod);
	if (working(cal, day))
		in = sod <= cal->open ? 0 : sod >= cal->close ? len : sod - cal->open;
	return working_before(cal, day) * len + in;
}

/* The first instant at or after t that lies inside office hours [open, close). */
static int64_t next_office_time(const motcua_calendar *cal, int64_t t)
{
	int64_t day, sod;

	split(t, &day, &sod);
	if (working(cal, day) && sod < cal->close)
		return sod >= cal->open ? t : office_open(cal, day);
	return office_open(cal, nth_working_day(cal, working_before(cal, day + 1)));
}

/* The earliest instant whose position reaches `target`: an exact number of days ends at the
 * close of the last day, never at the opening of the day after. */
static int64_t at_position(const motcua_calendar *cal, int64_t target)
{
	int64_t len = cal->close - cal->open, k = fdiv(target - 1, len);

	return office_open(cal, nth_working_day(cal, k)) + (target - k * len);
}

int motcua_calendar_new(motcua_calendar **out)
{
	motcua_calendar *cal = calloc(1, sizeof(*cal));

	*out = NULL;
	if (!cal)
		return mc_error_oom();
	*cal = default_calendar;
	*out = cal;
	return 0;
}

void motcua_calendar_free(motcua_calendar *cal)
{
	if (!cal)
		return;
	free(cal->off);
	free(cal->on);
	free(cal);
}

bool motcua_calendar_is_working_day(const motcua_calendar *cal, int year, int month, int day)
{
	if (!mc_date_valid(year, month, day))
		return false;
	return working(cal ? cal : &default_calendar, mc_days_from_civil(year, month, day));
}

int64_t motcua_calendar_day_seconds(const motcua_calendar *cal)
{
	if (!cal)
		cal = &default_calendar;
	return cal->close - cal->open;
}

int64_t motcua_calendar_clock_start(const motcua_calendar *cal, int64_t received_at,
	motcua_limit_unit unit)
{
	int64_t day, sod;

	if (!cal)
		cal = &default_calendar;
	split(received_at, &day, &sod);
	/* "received later than the cut-off": 15:00:00 itself still counts that day */
	if (working(cal, day) && sod <= cal->cutoff && sod < cal->close) {
		if (sod < cal->open || unit != MOTCUA_LIMIT_WORKING_HOURS)
			return office_open(cal, day);
		return received_at;
	}
	return office_open(cal, nth_working_day(cal, working_before(cal, day + 1)));
}

int64_t motcua_calendar_add_working(const motcua_calendar *cal, int64_t from, int64_t seconds)
{
	if (!cal)
		cal = &default_calendar;
	if (from >= LIMIT || seconds >= LIMIT)
		return INT64_MAX;
	if (seconds <= 0)
		return next_office_time(cal, from);
	return at_position(cal, position(cal, from) + seconds);
}

int64_t motcua_calendar_sub_working(const motcua_calendar *cal, int64_t to, int64_t seconds)
{
	if (!cal)
		cal = &default_calendar;
	if (to >= LIMIT)
		return INT64_MAX;
	if (seconds >= LIMIT)
		return INT64_MIN;
	if (seconds <= 0)
		return to;
	return at_position(cal, position(cal, to) - seconds);
}

int64_t motcua_calendar_working_between(const motcua_calendar *cal, int64_t a, int64_t b)
{
	if (!cal)
		cal = &default_calendar;
	if (b <= a)
		return 0;
	return position(cal, b) - position(cal, a);
}

int64_t motcua_calendar_due(const motcua_calendar *cal, int64_t received_at,
	unsigned int amount, motcua_limit_unit unit)
{
	int64_t start;

	if (!cal)
		cal = &default_calendar;
	if (amount == 0)
		return 0;
	start = motcua_calendar_clock_start(cal, received_at, unit);
	if (unit == MOTCUA_LIMIT_WORKING_HOURS)
		return motcua_calendar_add_working(cal, start, (int64_t)amount * 3600);
	return motcua_calendar_add_working(cal, start, (int64_t)amount * (cal->close - cal->open));
}

/* Parsing. Each dated line becomes entries; conflicts and duplicates are found after a sort,
 * when every date's lines sit side by side. */

typedef struct {
	int64_t day;
	int line;
	int workday;         /* 0 holiday, 1 make-up working day */
} cal_entry;

typedef struct {
	const char *name;
	int line;
	cal_entry *entries;
	size_t n, cap;
	int open, close, cutoff;
	int hours_line, cutoff_line;
} cal_parser;

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next run of non-blank characters in [*p, end); *p moves past it. */
static size_t next_token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	while (s < end && blank(*s))
		s++;
	*tok = s;
	while (s < end && !blank(*s))
		s++;
	*p = s;
	return (size_t)(s - *tok);
}

/* Quotes at most 40 bytes of a token in a message; `%.*s` takes an int. */
static int quote_len(size_t n)
{
	return n > 40 ? 40 : (int)n;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "HH:MM" exactly, 00:00-23:59; -1 otherwise. */
static int parse_hhmm(const char *s, size_t n)
{
	int h, m;

	if (n != 5 || s[2] != ':' || (h = digits(s, 2)) < 0 || (m = digits(s + 3, 2)) < 0 ||
	    h > 23 || m > 59)
		return -1;
	return h * 3600 + m * 60;
}

/* "YYYY-MM-DD" exactly, a real date; the day number in *out. */
static bool parse_date(int64_t *out, const char *s, size_t n)
{
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || (y = digits(s, 4)) < 0 ||
	    (m = digits(s + 5, 2)) < 0 || (d = digits(s + 8, 2)) < 0 || !mc_date_valid(y, m, d))
		return false;
	*out = mc_days_from_civil(y, m, d);
	return true;
}

static int add_entry(cal_parser *p, int64_t day, int workday)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		cal_entry *e = realloc(p->entries, cap * sizeof(*e));

		if (!e)
			return mc_error_oom();
		p->entries = e;
		p->cap = cap;
	}
	p->entries[p->n].day = day;
	p->entries[p->n].line = p->line;
	p->entries[p->n].workday = workday;
	p->n++;
	return 0;
}

static int expect_end(cal_parser *p, const char *s, const char *end, const char *what)
{
	const char *tok;
	size_t n = next_token(&s, end, &tok);

	if (n)
		return mc_error(MOTCUA_EINVALID, "%s:%d: unexpected text '%.*s' after the %s",
			p->name, p->line, quote_len(n), tok, what);
	return 0;
}

static int parse_hours(cal_parser *p, const char *s, const char *end)
{
	const char *tok;
	size_t n = next_token(&s, end, &tok);
	int open, close;

	if (p->hours_line)
		return mc_error(MOTCUA_EINVALID,
			"%s:%d: office hours given twice (first at line %d)",
			p->name, p->line, p->hours_line);
	if (n != 11 || tok[5] != '-' || (open = parse_hhmm(tok, 5)) < 0 ||
	    (close = parse_hhmm(tok + 6, 5)) < 0)
		return mc_error(MOTCUA_EINVALID,
			"%s:%d: bad office hours '%.*s': expected HH:MM-HH:MM",
			p->name, p->line, quote_len(n), tok);
	if (close <= open)
		return mc_error(MOTCUA_EINVALID,
			"%s:%d: office hours '%.*s' end at or before they start",
			p->name, p->line, quote_len(n), tok);
	p->open = open;
	p->close = close;
	p->hours_line = p->line;
	return expect_end(p, s, end, "office hours");
}

static int parse_cutoff(cal_parser *p, const char *s, const char *end)
{
	const char *tok;
	size_t n = next_token(&s, end, &tok);
	int cutoff;

	if (p->cutoff_line)
		return mc_error(MOTCUA_EINVALID, "%s:%d: cut-off given twice (first at line %d)",
			p->name, p->line, p->cutoff_line);
	if ((cutoff = parse_hhmm(tok, n)) < 0)
		return mc_error(MOTCUA_EINVALID, "%s:%d: bad cut-off '%.*s': expected HH:MM",
			p->name, p->line, quote_len(n), tok);
	p->cutoff = cutoff;
	p->cutoff_line = p->line;
	return expect_end(p, s, end, "cut-off");
}

/* "holiday DATE[..DATE] label": the label is free text and is not kept. */
static int parse_dates(cal_parser *p, const char *s, const char *end, int workday)
{
	const char *tok;
	size_t n = next_token(&s, end, &tok);
	int64_t first, last;
	int error;

	if (n == 10 && parse_date(&first, tok, 10)) {
		last = first;
	} else if (n == 22 && tok[10] == '.' && tok[11] == '.' && parse_date(&first, tok, 10) &&
		   parse_date(&last, tok + 12, 10)) {
		if (last < first)
			return mc_error(MOTCUA_EINVALID,
				"%s:%d: range '%.*s' ends before it starts",
				p->name, p->line, quote_len(n), tok);
		if (last - first >= MAX_RANGE_DAYS)
			return mc_error(MOTCUA_EINVALID,
				"%s:%d: range '%.*s' is longer than a year", p->name, p->line,
				quote_len(n), tok);
	} else {
		return mc_error(MOTCUA_EINVALID,
			"%s:%d: bad date '%.*s': expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD",
			p->name, p->line, quote_len(n), tok);
	}
	for (int64_t d = first; d <= last; d++)
		if ((error = add_entry(p, d, workday)) < 0)
			return error;
	return 0;
}

static int parse_line(cal_parser *p, const char *s, const char *end)
{
	const char *kw;
	size_t n = next_token(&s, end, &kw);

	if (n == 0)
		return 0;
	if (n == 5 && !memcmp(kw, "hours", 5))
		return parse_hours(p, s, end);
	if (n == 6 && !memcmp(kw, "cutoff", 6))
		return parse_cutoff(p, s, end);
	if (n == 7 && !memcmp(kw, "holiday", 7))
		return parse_dates(p, s, end, 0);
	if (n == 7 && !memcmp(kw, "workday", 7))
		return parse_dates(p, s, end, 1);
	return mc_error(MOTCUA_EINVALID,
		"%s:%d: unknown keyword '%.*s' (expected hours, cutoff, holiday or workday)",
		p->name, p->line, quote_len(n), kw);
}

static int entry_cmp(const void *a, const void *b)
{
	const cal_entry *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int check_cutoff(const cal_parser *p)
{
	char hours[32];

	if (p->cutoff > p->open && p->cutoff <= p->close)
		return 0;
	snprintf(hours, sizeof(hours), "%02d:%02d-%02d:%02d", p->open / 3600, p->open / 60 % 60,
		p->close / 3600, p->close / 60 % 60);
	if (!p->cutoff_line)
		return mc_error(MOTCUA_EINVALID,
			"%s:%d: the default cut-off 15:00 lies outside office hours %s; "
			"add a 'cutoff' line", p->name, p->hours_line, hours);
	return mc_error(MOTCUA_EINVALID, "%s:%d: cut-off %02d:%02d lies outside office hours %s",
		p->name, p->cutoff_line, p->cutoff / 3600, p->cutoff / 60 % 60, hours);
}

/* Sorts the entries, refuses a date that is both a holiday and a workday, and keeps only the
 * exceptions that change something (see struct motcua_calendar). */
static int build_days(motcua_calendar *cal, cal_parser *p)
{
	char date[11];

	if (p->n == 0)
		return 0;
	qsort(p->entries, p->n, sizeof(*p->entries), entry_cmp);
	if (!(cal->off = malloc(p->n * sizeof(int64_t))) ||
	    !(cal->on = malloc(p->n * sizeof(int64_t))))
		return mc_error_oom();
	for (size_t i = 0, j; i < p->n; i = j) {
		int64_t day = p->entries[i].day;
		int first[2] = { 0, 0 };

		for (j = i; j < p->n && p->entries[j].day == day; j++)
			if (!first[p->entries[j].workday])
				first[p->entries[j].workday] = p->entries[j].line;
		mc_time_format_date(date, sizeof(date), day * DAY);
		if (first[0] && first[1])
			return mc_error(MOTCUA_EINVALID,
				"%s:%d: %s is both a holiday and a workday (see line %d)", p->name,
				first[0] > first[1] ? first[0] : first[1], date,
				first[0] > first[1] ? first[1] : first[0]);
		if (first[0] && !is_weekend(day))
			cal->off[cal->noff++] = day;
		else if (first[1] && is_weekend(day))
			cal->on[cal->non++] = day;
	}
	return 0;
}

int motcua_calendar_parse(motcua_calendar **out, const char *text, size_t len, const char *name)
{
	cal_parser p = { name ? name : "<calendar>", 0, NULL, 0, 0,
		8 * 3600, 17 * 3600, 15 * 3600, 0, 0 };
	const char *s = text, *end = text + len;
	motcua_calendar *cal = NULL;
	int error = 0;

	*out = NULL;
	if (!text)
		s = end = "";
	if (end - s >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;       /* a byte-order mark from an editor on Windows */
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *hash;

		if (!eol)
			eol = end;
		hash = memchr(s, '#', (size_t)(eol - s));
		p.line++;
		if ((error = parse_line(&p, s, hash ? hash : eol)) < 0)
			goto done;
		s = eol < end ? eol + 1 : end;
	}
	if ((error = check_cutoff(&p)) < 0)
		goto done;
	if (!(cal = calloc(1, sizeof(*cal)))) {
		error = mc_error_oom();
		goto done;
	}
	cal->open = p.open;
	cal->close = p.close;
	cal->cutoff = p.cutoff;
	error = build_days(cal, &p);
done:
	free(p.entries);
	if (error < 0) {
		motcua_calendar_free(cal);
		cal = NULL;
	}
	*out = cal;
	return error;
}

int motcua_calendar_load(motcua_calendar **out, const char *path)
{
	mc_buf text = MC_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f;
	int error = 0, err;

	*out = NULL;
	if (!(f = fopen(path, "rb"))) {
		err = errno;
		return mc_error(err == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s", path,
			strerror(err));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((error = mc_buf_put(&text, chunk, n)) < 0)
			break;
	if (!error && ferror(f))
		error = mc_error(MOTCUA_ERROR, "%s: read error", path);
	fclose(f);
	if (!error)
		error = motcua_calendar_parse(out, mc_buf_cstr(&text), text.size, path);
	mc_buf_free(&text);
	return error;
}
