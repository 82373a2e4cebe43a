/* tests/bench/vn_text.c — the Vietnamese text side of digitization, measured: syllable checks
 * per second; what correction does to good words (nothing, one hopes) and to words with the
 * recognizer's usual slips (lost tone, lost horn or hat, tone on the wrong vowel or swapped,
 * ð for đ), kind by kind, with words per second; field extraction per page. Words come from
 * ../shared/bench/ocr/corpus-vi.txt when it is there (or --corpus FILE), else from a few
 * sentences of our own. Prints numbers; never fails. Usage: bench-vn_text [--corpus FILE]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocr/vn_letters.h"
#include "ocr/vn_text.h"

#define DEFAULT_CORPUS "../shared/bench/ocr/corpus-vi.txt"
#define MAX_WORDS 200000

static const char fallback[] =
	"Ủy ban nhân dân tỉnh tiếp nhận hồ sơ và trả kết quả tại bộ phận một cửa. Người nộp "
	"hồ sơ xuất trình thẻ căn cước công dân còn hiệu lực. Thời hạn giải quyết không quá "
	"năm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ. Trường hợp hồ sơ chưa đầy đủ, cán "
	"bộ tiếp nhận hướng dẫn người nộp bổ sung một lần. Chuyển đổi số được triển khai đồng "
	"bộ, bảo đảm an toàn thông tin và thuận tiện cho người dân, doanh nghiệp.";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Valid, non-code words of the text, each a malloc'd string. */
static size_t load_words(char **out, size_t max, const char *text)
{
	size_t n = 0;
	const char *p = text;

	while (*p && n < max) {
		size_t len;

		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		len = strcspn(p, " \n\t\r");
		if (len && len < VN_MAX_TOKEN && !mc_vn_token_is_code(p, len) &&
		    mc_vn_syllable_valid(p, len)) {
			out[n] = malloc(len + 1);
			memcpy(out[n], p, len);
			out[n][len] = '\0';
			n++;
		}
		p += len;
	}
	return n;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size)
		size = 0;
	buf[size] = '\0';
	fclose(f);
	return buf;
}

enum { SLIP_TONE_LOST, SLIP_HORN_LOST, SLIP_HAT_LOST, SLIP_TONE_MOVED, SLIP_SAC_HOI, SLIP_ETH,
	SLIPS };
static const char *const slip_names[SLIPS] = {
	"tone lost", "horn lost (u, o)", "hat lost (a, e, o)", "tone moved", "sac/hoi swapped",
	"eth for d-bar",
};

static bool slip_letters(char *out, const char *word, int kind);

/* The word with one slip (punctuation around it kept), or false when the slip does not
 * apply to it. */
static bool slip(char *out, const char *word, int kind)
{
	size_t len = strlen(word), lead, trail, sl;
	char mid[4 * VN_MAX_LETTERS + 8];

	vn_trim(word, len, &lead, &trail);
	if (!slip_letters(mid, word, kind))
		return false;
	sl = strlen(mid);
	memcpy(out, word, lead);
	memcpy(out + lead, mid, sl);
	memcpy(out + lead + sl, word + len - trail, trail);
	out[lead + sl + trail] = '\0';
	return strcmp(out, word) != 0;
}

/* The letters of the word with one slip. */
static bool slip_letters(char *out, const char *word, int kind)
{
	vn_word w;
	size_t at = 0, tone_at = 0;
	int tone = 0;
	bool done = false;

	if (vn_word_parse(&w, word, strlen(word), false) < 0)
		return false;
	for (size_t i = 0; i < w.n; i++)
		if (w.l[i].tones) {
			tone_at = i;
			for (tone = 1; !(w.l[i].tones & (1u << tone)); tone++)
				;
		}
	switch (kind) {
	case SLIP_TONE_LOST:
		if (tone) {
			w.l[tone_at].tones = 0;
			done = true;
		}
		break;
	case SLIP_HORN_LOST:
	case SLIP_HAT_LOST:
		for (size_t i = 0; i < w.n && !done; i++) {
			uint32_t b = w.l[i].base;

			if (kind == SLIP_HORN_LOST && (b == 0x1B0 || b == 0x1A1)) {
				w.l[i].base = b == 0x1B0 ? 'u' : 'o';
				done = true;
			} else if (kind == SLIP_HAT_LOST && (b == 0xE2 || b == 0xEA || b == 0xF4)) {
				w.l[i].base = (uint32_t)vn_base_plain(b);
				done = true;
			}
		}
		break;
	case SLIP_TONE_MOVED:
		for (size_t i = 0; i < w.n && tone && !done; i++)
			if (i != tone_at && vn_base_is_vowel(w.l[i].base)) {
				w.l[i].tones = w.l[tone_at].tones;
				w.l[tone_at].tones = 0;
				done = true;
			}
		break;
	case SLIP_SAC_HOI:
		if (tone == VN_TONE_SAC || tone == VN_TONE_HOI) {
			w.l[tone_at].tones = (uint8_t)(1u << (tone == VN_TONE_SAC ? VN_TONE_HOI :
				VN_TONE_SAC));
			done = true;
		}
		break;
	case SLIP_ETH:
		for (size_t i = 0; i < w.n; i++)
			if (w.l[i].base == 0x111) {
				at = i;
				done = true;
				break;
			}
		break;
	}
	if (!done)
		return false;
	if (kind == SLIP_ETH) {
		/* compose, then put ð/Ð where the đ was */
		char tmp[4 * VN_MAX_LETTERS + 1];
		size_t o = 0, i = 0, len, letter = 0;

		vn_word_compose(&w, tmp, false);
		len = strlen(tmp);
		while (i < len) {
			size_t from = i;
			uint32_t cp = vn_utf8_next(tmp, len, &i);

			if (letter++ == at)
				o += vn_utf8_put(out + o, cp == 0x110 ? 0xD0 : 0xF0);
			else {
				memcpy(out + o, tmp + from, i - from);
				o += i - from;
			}
		}
		out[o] = '\0';
		return true;
	}
	vn_word_compose(&w, out, false);
	return true;
}

static void bench_syllables(char **words, size_t n)
{
	size_t valid = 0, rounds = 0;
	double t0 = now(), t;

	do {
		for (size_t i = 0; i < n; i++)
			valid += mc_vn_syllable_valid(words[i], strlen(words[i]));
		rounds++;
	} while ((t = now() - t0) < 0.5);
	printf("syllable check: %.2f M words/s (%zu of %zu valid)\n",
		(double)(rounds * n) / t / 1e6, valid / rounds, n);
}

static double pct(size_t a, size_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

/* Correction over all words at one confidence, each slipped by `kind` (or clean, kind < 0). */
static void bench_correct(char **words, size_t n, int kind, float conf)
{
	mc_ocr_word *w = calloc(n, sizeof(*w));
	char **orig = calloc(n, sizeof(*orig)), **read = calloc(n, sizeof(*read));
	size_t m = 0, invalid = 0, restored = 0, wrong = 0, kept = 0, changed;
	char buf[VN_MAX_TOKEN + 4 * VN_MAX_LETTERS + 8];
	double t0, t;

	for (size_t i = 0; i < n; i++) {
		if (kind >= 0 && !slip(buf, words[i], kind))
			continue;
		w[m].text = strdup(kind >= 0 ? buf : words[i]);
		w[m].conf = conf;
		orig[m] = words[i];
		read[m] = strdup(w[m].text);
		invalid += !mc_vn_syllable_valid(w[m].text, strlen(w[m].text));
		m++;
	}
	t0 = now();
	changed = mc_vn_correct_words(w, m);
	t = now() - t0;
	for (size_t i = 0; i < m; i++) {
		if (strcmp(w[i].text, orig[i]) == 0)
			restored++;
		else if (strcmp(w[i].text, read[i]) == 0)
			kept++;
		else
			wrong++;
		free(read[i]);
	}
	if (kind < 0)
		printf("  clean words, conf %.0f: %zu words, %zu changed (%zu made wrong), "
			"%.2f M words/s\n", (double)conf, m, changed, wrong,
			(double)m / (t > 0 ? t : 1e-9) / 1e6);
	else
		printf("  %-18s %6zu words, %5.1f%% invalid after the slip: restored %5.1f%%, "
			"left %5.1f%%, made another word %4.1f%%; %.2f M words/s\n",
			slip_names[kind], m, pct(invalid, m), pct(restored, m), pct(kept, m),
			pct(wrong, m), (double)m / (t > 0 ? t : 1e-9) / 1e6);
	mc_ocr_words_free(w, m);
	free(orig);
	free(read);
}

/* A decision's first page as recognition gives it. */
static void bench_fields(void)
{
	static const char *const lines[] = {
		"ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 123/QĐ-UBND",
		"Quảng Ngãi, ngày 05 tháng 3 năm 2024", "QUYẾT ĐỊNH",
		"Về việc cấp bản sao trích lục hộ tịch",
		"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;",
		"Điều 1. Cấp bản sao cho ông Nguyễn Văn An, sinh ngày 12/10/1985.",
		"Họ và tên: Trần Thị Bích Ngày sinh: 01/02/1990 Số CCCD: 051190001234",
	};
	mc_ocr_word w[400];
	size_t n = 0, pages = 0, fields = 0;
	double t0, t;

	for (int copy = 0; copy < 4; copy++)
		for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
			const char *p = lines[l];
			int x = 100;

			while (*p) {
				size_t len;

				while (*p == ' ')
					p++;
				if (!(len = strcspn(p, " ")))
					break;
				memset(&w[n], 0, sizeof(w[n]));
				w[n].text = strndup(p, len);
				w[n].line = copy * 20 + (int)l;
				w[n].x0 = x;
				w[n].y0 = 60 + 50 * (copy * 20 + (int)l);
				w[n].x1 = x + 18 * (int)len;
				w[n].y1 = w[n].y0 + 40;
				w[n].conf = 90;
				x = w[n].x1 + 18;
				n++;
				p += len;
			}
		}
	t0 = now();
	do {
		mc_field *f = NULL;
		size_t nf = 0;
		char *json;

		mc_vn_fields(&f, &nf, w, n, 1);
		json = mc_vn_fields_json(f, nf);
		free(json);
		fields += nf;
		mc_vn_fields_free(f, nf);
		pages++;
	} while ((t = now() - t0) < 0.5);
	printf("fields: %zu words a page, %zu fields, %.0f pages/s (with the JSON)\n", n,
		fields / pages, (double)pages / t);
	for (size_t i = 0; i < n; i++)
		free(w[i].text);
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CORPUS;
	char *text, **words = calloc(MAX_WORDS, sizeof(*words));
	size_t n;

	for (int a = 1; a < argc; a++)
		if (!strcmp(argv[a], "--corpus") && a + 1 < argc)
			path = argv[++a];
	if ((text = read_all(path)) != NULL) {
		printf("words from %s\n", path);
	} else {
		printf("%s is not there: words from a few sentences of our own\n", path);
		text = strdup(fallback);
	}
	n = load_words(words, MAX_WORDS, text);
	bench_syllables(words, n);
	printf("correction (no recognizer alternatives):\n");
	bench_correct(words, n, -1, 95);
	bench_correct(words, n, -1, 80);
	printf("  slipped words, conf 80:\n");
	for (int k = 0; k < SLIPS; k++)
		bench_correct(words, n, k, 80);
	bench_fields();
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	free(text);
	return 0;
}
