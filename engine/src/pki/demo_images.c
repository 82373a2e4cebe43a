/* pki/demo_images.c — the demo's signature images, drawn with Leptonica: a round red seal
 * (two rings and a five-pointed star) and a blue handwritten-looking signature, RGBA on
 * transparency. Real agencies scan theirs; the demo and the tests need ones that look the
 * part and whose colours a test can find in a rendered page. */
#include <leptonica/allheaders.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "core/error.h"
#include "pki/demo_images.h"

#define SEAL_PX 600
#define SIG_W 640
#define SIG_H 240

static void paint(PIX *pix, int x, int y, int r, int g, int b)
{
	l_uint32 v;

	if (x < 0 || y < 0 || x >= (int)pixGetWidth(pix) || y >= (int)pixGetHeight(pix))
		return;
	composeRGBAPixel(r, g, b, 255, &v);
	pixSetPixel(pix, x, y, v);
}

/* Whether (x, y) is inside the star of `arms` points centred at (cx, cy). */
static int in_star(double x, double y, double cx, double cy, double outer, double inner)
{
	double px[10], py[10];
	int inside = 0;

	for (int i = 0; i < 10; i++) {
		double a = -M_PI / 2 + i * M_PI / 5, r = i % 2 ? inner : outer;

		px[i] = cx + r * cos(a);
		py[i] = cy + r * sin(a);
	}
	for (int i = 0, j = 9; i < 10; j = i++)
		if ((py[i] > y) != (py[j] > y) &&
		    x < (px[j] - px[i]) * (y - py[i]) / (py[j] - py[i]) + px[i])
			inside = !inside;
	return inside;
}

static PIX *seal(void)
{
	PIX *pix = pixCreate(SEAL_PX, SEAL_PX, 32);
	double c = SEAL_PX / 2.0;

	if (!pix)
		return NULL;
	pixSetSpp(pix, 4);              /* all zero: transparent */
	for (int y = 0; y < SEAL_PX; y++)
		for (int x = 0; x < SEAL_PX; x++) {
			double d = hypot(x - c, y - c);

			if ((d <= c - 2 && d >= c - 26) || (d <= c - 110 && d >= c - 122) ||
			    in_star(x, y, c, c, 95, 38))
				paint(pix, x, y, 210, 16, 24);
		}
	return pix;
}

/* A pen of radius r dragged along a few joined curves. */
static PIX *signature(void)
{
	PIX *pix = pixCreate(SIG_W, SIG_H, 32);
	const int r = 5;

	if (!pix)
		return NULL;
	pixSetSpp(pix, 4);
	for (int i = 0; i <= 4000; i++) {
		double t = i / 4000.0;
		double x = 40 + t * (SIG_W - 80);
		double y = SIG_H / 2.0 + 60 * sin(t * 5 * M_PI) * (1 - t * 0.6) +
			25 * cos(t * 17 * M_PI);

		for (int dy = -r; dy <= r; dy++)
			for (int dx = -r; dx <= r; dx++)
				if (dx * dx + dy * dy <= r * r)
					paint(pix, (int)x + dx, (int)y + dy, 20, 50, 190);
	}
	/* the underline flourish */
	for (int x = 60; x < SIG_W - 40; x++)
		for (int dy = -3; dy <= 3; dy++)
			paint(pix, x, SIG_H - 40 + dy - (x - 60) / 20, 20, 50, 190);
	return pix;
}

static int write_png(const char *dir, const char *name, PIX *pix)
{
	char path[PATH_MAX];
	int error = 0;

	if (!pix)
		return mc_error_oom();
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		error = mc_error(MOTCUA_EINVALID, "%s: path too long", dir);
	else if (pixWrite(path, pix, IFF_PNG) != 0)
		error = mc_error(MOTCUA_ERROR, "%s: cannot write the image", path);
	pixDestroy(&pix);
	return error;
}

int mc_pki_demo_images(const char *dir)
{
	int error;

	if ((error = write_png(dir, "seal.png", seal())) < 0)
		return error;
	return write_png(dir, "leader-signature.png", signature());
}
