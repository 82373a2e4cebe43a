/* pdf/page_image.cpp — reading the scan back out of an image-only PDF (pdf/pdfa.h): the largest
 * image a page draws, found by following its content stream (and forms) with the CTM, so the
 * resolution is the image's real size on the page. JPEG comes back as stored; other encodings
 * are decoded into gray, colour or bilevel pixels, with every decode capped at the size the
 * image declares so a compression bomb cannot exhaust memory. No exception crosses into C. */
#include <podofo/podofo.h>

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <istream>
#include <set>
#include <streambuf>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "core/error.h"
}
#include "pdf/bridge.h"
#include "pdf/pdfa.h"

using namespace PoDoFo;
using namespace mc_pdf_bridge;

namespace {

const int MAX_FORM_DEPTH = 8;
const int MAX_FORMS = 1000;                     /* form drawings followed on one page */
const size_t MAX_CONTENT_BYTES = 64u << 20;     /* decoded content stream of one page */
const uint64_t MAX_PIXELS = 100000000;          /* 10,000 x 10,000: an A3 page at 600 dpi */

/* Keeps what a decoder writes up to cap bytes and notes whether there was more. Never
 * throws: the decoder runs to the end of its (file-bounded) input either way. */
class capped_output : public PdfOutputStream {
public:
	explicit capped_output(size_t cap) : cap_(cap) {}
	pdf_long Write(const char *p, pdf_long n) override
	{
		size_t room = cap_ - data.size(), take = std::min(room, (size_t)n);
		data.append(p, take);
		if (take < (size_t)n)
			over = true;
		return n;
	}
	void Close() override {}
	std::string data;
	bool over = false;
private:
	size_t cap_;
};

/* The file mapped read-only, seen by PoDoFo as a stream: its parser seeks thousands of times a
 * document, an lseek each through a FILE, and copies a buffer it is given whole; over a
 * mapping a seek is a pointer move and only the pages read are touched. */
class mapped_file : public std::streambuf {
public:
	~mapped_file()
	{
		if (base_)
			munmap(base_, len_);
	}
	int open(const char *path)
	{
		int fd = ::open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s",
				path, strerror(errno));
		if (fstat(fd, &st) != 0 || st.st_size <= 0) {
			close(fd);
			return mc_error(MOTCUA_EINVALID, "%s: empty file, not a PDF", path);
		}
		len_ = (size_t)st.st_size;
		void *p = mmap(NULL, len_, PROT_READ, MAP_PRIVATE, fd, 0);
		int err = errno;
		close(fd);
		if (p == MAP_FAILED)
			return mc_error(MOTCUA_ERROR, "%s: cannot map the file: %s", path,
				strerror(err));
		base_ = (char *)p;
		setg(base_, base_, base_ + len_);
		return 0;
	}
protected:
	pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override
	{
		off_type from = dir == std::ios_base::beg ? 0 : dir == std::ios_base::cur ?
			gptr() - eback() : (off_type)len_;
		if (off < -from || off > (off_type)len_ - from)
			return pos_type(off_type(-1));
		setg(eback(), eback() + from + off, egptr());
		return pos_type(from + off);
	}
	pos_type seekpos(pos_type pos, std::ios_base::openmode which) override
	{
		return seekoff(off_type(pos), std::ios_base::beg, which);
	}
private:
	char *base_ = NULL;
	size_t len_ = 0;
};

struct matrix {
	double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;

	/* this = m x this, as cm does */
	void concat(const matrix &m)
	{
		matrix r;
		r.a = m.a * a + m.b * c;
		r.b = m.a * b + m.b * d;
		r.c = m.c * a + m.d * c;
		r.d = m.c * b + m.d * d;
		r.e = m.e * a + m.f * c + e;
		r.f = m.e * b + m.f * d + f;
		*this = r;
	}
};

struct found_image {
	PdfObject *obj = NULL;
	double w_pt = 0, h_pt = 0;             /* lengths of the image's axes on the page */
	int turn = 0;                          /* counter-clockwise, as drawn: 0, 90, 180, 270 */
};

/* How far the CTM turns the image counter-clockwise, to the nearest quarter turn (a scan is
 * drawn square to the page; a skewed or mirrored drawing counts as its nearest). */
int quarter_turn(const matrix &m)
{
	double deg = std::atan2(m.b, m.a) * 180 / M_PI;
	int q = (int)std::lround(deg / 90) * 90;
	return ((q % 360) + 360) % 360;
}

struct page_walk {
	PdfVecObjects *objs;
	const char *path;
	int page;
	found_image best;
	std::set<PdfObject *> forms;           /* forms on the current path: a loop ends here */
	int forms_left = MAX_FORMS;            /* forms drawing forms a thousand times each
	                                        * would otherwise multiply the work */
};

std::string filter_name(const PdfObject *o)
{
	return o && o->IsName() ? o->GetName().GetName() : std::string();
}

/* The names of a stream's filters, in order. */
std::vector<std::string> filters_of(PdfVecObjects *objs, PdfObject *stream)
{
	std::vector<std::string> out;
	PdfObject *f = dict_get(objs, stream, "Filter");
	if (f && f->IsName())
		out.push_back(filter_name(f));
	else if (f && f->IsArray())
		for (PdfObject &x : f->GetArray())
			out.push_back(filter_name(resolve(objs, &x)));
	return out;
}

/* The predictor a Flate or LZW filter's parameters name (ISO 32000-1 7.4.4.4). */
struct predictor {
	int type = 1;                    /* 1 none, 2 TIFF, 10-15 PNG */
	int colors = 1, bpc = 8, columns = 1;

	size_t row_bytes() const { return ((size_t)columns * colors * bpc + 7) / 8; }
	size_t pixel_bytes() const { return std::max<size_t>(1, (size_t)(colors * bpc) / 8); }
};

int int_key(PdfVecObjects *objs, PdfObject *d, const char *key, int dflt, int lo, int hi)
{
	PdfObject *v = dict_get(objs, d, key);
	if (!v || !v->IsNumber())
		return dflt;
	pdf_int64 n = v->GetNumber();
	return n < lo || n > hi ? dflt : (int)n;
}

/* The parameters of filter i: /DecodeParms is one dictionary or an array parallel to
 * /Filter. */
predictor predictor_of(PdfVecObjects *objs, PdfObject *stream, size_t i)
{
	predictor p;
	PdfObject *dp = dict_get(objs, stream, "DecodeParms");
	if (dp && dp->IsArray())
		dp = i < dp->GetArray().size() ? resolve(objs, &dp->GetArray()[i]) : NULL;
	if (!dp || !dp->IsDictionary())
		return p;
	p.type = int_key(objs, dp, "Predictor", 1, 1, 15);
	if (p.type != 2 && p.type < 10)
		p.type = 1;                /* 3 to 9 name no predictor */
	p.colors = int_key(objs, dp, "Colors", 1, 1, 32);
	p.bpc = int_key(objs, dp, "BitsPerComponent", 8, 1, 16);
	p.columns = int_key(objs, dp, "Columns", 1, 1, 1 << 20);
	return p;
}

/* Reverses a predictor, as PoDoFo 0.9.8 cannot (no Paeth, Average on signed bytes). */
int unpredict(std::string &out, const std::string &in, const predictor &p, size_t cap,
	const std::string &what)
{
	size_t row = p.row_bytes(), bpp = p.pixel_bytes();

	out.clear();
	if (row > cap)
		return mc_error(MOTCUA_EINVALID, "%s: the predictor's /Columns, /Colors and "
			"/BitsPerComponent do not fit the image", what.c_str());
	std::string prev(row, '\0'), cur(row, '\0');
	if (p.type == 2) {
		if (p.bpc != 8)
			return mc_error(MOTCUA_EINVALID, "%s: the TIFF predictor with %d bits per "
				"component is not supported", what.c_str(), p.bpc);
		out = in.substr(0, std::min(in.size(), cap));
		for (size_t at = 0; at < out.size(); at += row)
			for (size_t i = bpp; i < row && at + i < out.size(); i++)
				out[at + i] = (char)(out[at + i] + out[at + i - bpp]);
		return 0;
	}
	for (size_t at = 0; at < in.size() && out.size() < cap; at += row + 1) {
		unsigned type = (unsigned char)in[at];
		size_t n = std::min(row, in.size() - at - 1);
		const unsigned char *src = (const unsigned char *)in.data() + at + 1;
		unsigned char *c = (unsigned char *)&cur[0];
		const unsigned char *u = (const unsigned char *)prev.data();
		if (type > 4)
			return mc_error(MOTCUA_EINVALID, "%s: PNG predictor row type %u is not valid",
				what.c_str(), type);
		for (size_t i = 0; i < n; i++) {
			int a = i >= bpp ? c[i - bpp] : 0, b = u[i], d = i >= bpp ? u[i - bpp] : 0;
			int pred = 0;
			switch (type) {
			case 1: pred = a; break;
			case 2: pred = b; break;
			case 3: pred = (a + b) / 2; break;
			case 4: {
				int q = a + b - d, pa = abs(q - a), pb = abs(q - b), pc = abs(q - d);
				pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : d;
				break;
			}
			}
			c[i] = (unsigned char)(src[i] + pred);
		}
		out.append(cur, 0, std::min(n, cap - out.size()));
		prev.swap(cur);
	}
	return 0;
}

/* The stream's data run through its first n_filters filters, at most cap bytes (over says
 * whether there was more). Unsupported or failing filters are the input's fault. */
int decode_stream(std::string &out, bool &over, PdfVecObjects *objs, PdfObject *o, size_t cap,
	size_t n_filters, const std::string &what)
{
	std::vector<std::string> names = filters_of(objs, o);
	TVecFilters filters;
	predictor pred;

	for (size_t i = 0; i < n_filters && i < names.size(); i++) {
		const std::string &n = names[i];
		EPdfFilter t = ePdfFilter_None;
		if (n == "FlateDecode" || n == "Fl")
			t = ePdfFilter_FlateDecode;
		else if (n == "LZWDecode" || n == "LZW")
			t = ePdfFilter_LZWDecode;
		else if (n == "ASCIIHexDecode" || n == "AHx")
			t = ePdfFilter_ASCIIHexDecode;
		else if (n == "ASCII85Decode" || n == "A85")
			t = ePdfFilter_ASCII85Decode;
		else if (n == "RunLengthDecode" || n == "RL")
			t = ePdfFilter_RunLengthDecode;
		if (t == ePdfFilter_None)
			return mc_error(MOTCUA_EINVALID, "%s: the %s encoding is not supported",
				what.c_str(), n.empty() ? "(unnamed)" : n.c_str());
		if (t == ePdfFilter_FlateDecode || t == ePdfFilter_LZWDecode) {
			predictor p = predictor_of(objs, o, i);
			if (p.type != 1 && (pred.type != 1 || i + 1 != n_filters))
				return mc_error(MOTCUA_EINVALID, "%s: a predictor before another "
					"filter is not supported", what.c_str());
			if (p.type != 1)
				pred = p;
		}
		filters.push_back(t);
	}
	size_t raw_cap = cap;
	if (pred.type >= 10)         /* one tag byte a row, and a partial row */
		raw_cap = cap + cap / pred.row_bytes() + pred.row_bytes() + 1;
	PdfStream *st = o->GetStream();
	capped_output cap_out(raw_cap);
	if (filters.empty()) {
		st->GetCopy(&cap_out);
	} else {
		/* no parameters: PoDoFo 0.9.8 gets predictors wrong (and takes the stream's own
		 * dictionary for them when /DecodeParms is missing); they are undone below */
		std::unique_ptr<PdfOutputStream> dec(PdfFilterFactory::CreateDecodeStream(filters,
			&cap_out, NULL));
		try {
			st->GetCopy(dec.get());
			dec->Close();
		} catch (const PdfError &e) {
			return mc_error(MOTCUA_EINVALID, "%s: the data cannot be decoded: %s",
				what.c_str(), describe(e).c_str());
		}
	}
	over = cap_out.over;
	if (pred.type == 1) {
		out.swap(cap_out.data);
		return 0;
	}
	int error = unpredict(out, cap_out.data, pred, cap, what);
	if (out.size() >= cap && cap_out.data.size() >= raw_cap)
		over = true;
	return error;
}

double number(const PdfVariant &v)
{
	if (v.IsReal())
		return v.GetReal();
	if (v.IsNumber())
		return (double)v.GetNumber();
	return 0;
}

/* Follows one content stream: q/Q/cm for the CTM, Do for images and forms. */
int walk(page_walk &pw, const std::string &content, PdfObject *resources, matrix ctm,
	int depth)
{
	PdfContentsTokenizer tok(content.data(), (long)content.size());
	std::vector<matrix> stack;
	std::vector<PdfVariant> args;
	EPdfContentsType type;
	const char *kw;
	PdfVariant var;

	while (tok.ReadNext(type, kw, var)) {
		if (type == ePdfContentsType_Variant) {
			if (args.size() < 64)
				args.push_back(var);
			continue;
		}
		if (type == ePdfContentsType_ImageData) {     /* inline images are not scans */
			args.clear();
			continue;
		}
		if (!strcmp(kw, "q")) {
			if (stack.size() < 256)
				stack.push_back(ctm);
		} else if (!strcmp(kw, "Q")) {
			if (!stack.empty()) {
				ctm = stack.back();
				stack.pop_back();
			}
		} else if (!strcmp(kw, "cm") && args.size() >= 6) {
			size_t k = args.size() - 6;
			matrix m;
			m.a = number(args[k]), m.b = number(args[k + 1]), m.c = number(args[k + 2]);
			m.d = number(args[k + 3]), m.e = number(args[k + 4]), m.f = number(args[k + 5]);
			ctm.concat(m);
		} else if (!strcmp(kw, "Do") && !args.empty() && args.back().IsName()) {
			PdfObject *xobjs = dict_get(pw.objs, resources, "XObject");
			PdfObject *x = dict_get(pw.objs, xobjs, args.back().GetName().GetName().c_str());
			PdfObject *sub = dict_get(pw.objs, x, "Subtype");
			if (x && x->HasStream() && sub && sub->IsName()) {
				std::string st = sub->GetName().GetName();
				if (st == "Image") {
					double w = std::hypot(ctm.a, ctm.b), h = std::hypot(ctm.c, ctm.d);
					if (std::isfinite(w * h) &&
					    w * h > pw.best.w_pt * pw.best.h_pt) {
						pw.best.obj = x;
						pw.best.w_pt = w;
						pw.best.h_pt = h;
						pw.best.turn = quarter_turn(ctm);
					}
				} else if (st == "Form" && depth < MAX_FORM_DEPTH &&
				    !pw.forms.count(x) && pw.forms_left-- > 0) {
					std::string fc;
					bool over = false;
					std::string what = std::string(pw.path) + ": page " +
						std::to_string(pw.page) + ": a form's content";
					int error = decode_stream(fc, over, pw.objs, x,
						MAX_CONTENT_BYTES, 16, what);
					if (error < 0)
						return error;
					matrix m = ctm, fm;
					PdfObject *arr = dict_get(pw.objs, x, "Matrix");
					if (arr && arr->IsArray() && arr->GetArray().size() == 6) {
						PdfArray &a = arr->GetArray();
						fm.a = number(a[0]), fm.b = number(a[1]);
						fm.c = number(a[2]), fm.d = number(a[3]);
						fm.e = number(a[4]), fm.f = number(a[5]);
						m.concat(fm);
					}
					PdfObject *fres = dict_get(pw.objs, x, "Resources");
					pw.forms.insert(x);
					error = walk(pw, fc, fres ? fres : resources, m, depth + 1);
					pw.forms.erase(x);
					if (error < 0)
						return error;
				}
			}
		}
		args.clear();
	}
	return 0;
}

/* The decoded content of the page: its stream, or its array of streams joined. */
int page_content(std::string &out, PdfVecObjects *objs, PdfObject *page, const std::string &what)
{
	PdfObject *c = dict_get(objs, page, "Contents");
	std::vector<PdfObject *> parts;

	if (!c)
		return 0;
	if (c->IsArray()) {
		for (PdfObject &x : c->GetArray())
			if (PdfObject *s = resolve(objs, &x))
				parts.push_back(s);
	} else {
		parts.push_back(c);
	}
	for (PdfObject *s : parts) {
		if (!s->HasStream())
			continue;
		std::string data;
		bool over = false;
		int error = decode_stream(data, over, objs, s, MAX_CONTENT_BYTES - out.size(), 16,
			what + ": the content stream");
		if (error < 0)
			return error;
		if (over)
			return mc_error(MOTCUA_EINVALID, "%s: content stream larger than %zu MB",
				what.c_str(), MAX_CONTENT_BYTES >> 20);
		out += data;
		out += '\n';
	}
	return 0;
}

/* The colour space: components per sample of the image's data, and for /Indexed the palette
 * (converted to its base's components), for the raw kinds. */
struct colour {
	int comps = 0;                  /* of the samples in the data */
	int base = 0;                   /* of the result before gray/RGB: 1, 3 or 4 (CMYK) */
	std::string palette;            /* /Indexed: base components per entry */
	int hival = -1;
};

int colour_space(colour &cs, PdfVecObjects *objs, PdfObject *o, const std::string &what,
	int depth = 0)
{
	if (!o)
		return mc_error(MOTCUA_EINVALID, "%s: the image has no colour space", what.c_str());
	std::string name;
	PdfArray *arr = NULL;
	if (o->IsName()) {
		name = o->GetName().GetName();
	} else if (o->IsArray() && !o->GetArray().empty()) {
		arr = &o->GetArray();
		PdfObject *n = resolve(objs, &(*arr)[0]);
		name = n && n->IsName() ? n->GetName().GetName() : "";
	}
	if (name == "DeviceGray" || name == "G" || name == "CalGray") {
		cs.comps = cs.base = 1;
	} else if (name == "DeviceRGB" || name == "RGB" || name == "CalRGB") {
		cs.comps = cs.base = 3;
	} else if (name == "DeviceCMYK" || name == "CMYK") {
		cs.comps = cs.base = 4;
	} else if (name == "ICCBased" && arr && arr->size() >= 2) {
		PdfObject *n = dict_get(objs, resolve(objs, &(*arr)[1]), "N");
		int k = n && n->IsNumber() ? (int)n->GetNumber() : 0;
		if (k != 1 && k != 3 && k != 4)
			return mc_error(MOTCUA_EINVALID, "%s: ICC colour space with %d components is "
				"not supported", what.c_str(), k);
		cs.comps = cs.base = k;
	} else if ((name == "Indexed" || name == "I") && arr && arr->size() >= 4 && depth == 0) {
		colour base;
		int error = colour_space(base, objs, resolve(objs, &(*arr)[1]), what, 1);
		if (error < 0)
			return error;
		PdfObject *hi = resolve(objs, &(*arr)[2]), *lut = resolve(objs, &(*arr)[3]);
		if (!hi || !hi->IsNumber() || hi->GetNumber() < 0 || hi->GetNumber() > 255 || !lut)
			return mc_error(MOTCUA_EINVALID, "%s: malformed /Indexed colour space",
				what.c_str());
		cs.hival = (int)hi->GetNumber();
		size_t need = (size_t)(cs.hival + 1) * (size_t)base.base;
		if (is_string(lut)) {
			const PdfString &s = lut->GetString();
			cs.palette.assign(s.GetString(), s.GetLength());
		} else if (lut->HasStream()) {
			bool over = false;
			int e = decode_stream(cs.palette, over, objs, lut, need, 16,
				what + ": the palette");
			if (e < 0)
				return e;
		}
		if (cs.palette.size() < need)
			return mc_error(MOTCUA_EINVALID, "%s: the /Indexed palette is short",
				what.c_str());
		cs.comps = 1;
		cs.base = base.base;
	} else {
		return mc_error(MOTCUA_EINVALID, "%s: the %s colour space is not supported",
			what.c_str(), name.empty() ? "(unnamed)" : name.c_str());
	}
	return 0;
}

unsigned char clamp255(double v)
{
	return (unsigned char)(v <= 0 ? 0 : v >= 255 ? 255 : std::lround(v));
}

/* Unpacks decoded samples into GRAY8, RGB8 or BILEVEL (1 = black), applying /Decode. */
int convert_raw(mc_pdf_image *out, const std::string &data, const colour &cs, int bpc,
	bool mask, PdfVecObjects *objs, PdfObject *img, const std::string &what)
{
	size_t w = (size_t)out->width, h = (size_t)out->height;
	size_t stride = (w * (size_t)cs.comps * (size_t)bpc + 7) / 8;
	int maxv = (1 << bpc) - 1;
	double dmin[4], dmax[4];

	for (int k = 0; k < 4; k++) {
		dmin[k] = 0;
		dmax[k] = cs.hival >= 0 ? maxv : 1;
	}
	PdfObject *dec = dict_get(objs, img, "Decode");
	if (dec && dec->IsArray() && dec->GetArray().size() >= (size_t)(2 * cs.comps))
		for (int k = 0; k < cs.comps; k++) {
			PdfObject *lo = resolve(objs, &dec->GetArray()[2 * k]);
			PdfObject *hi = resolve(objs, &dec->GetArray()[2 * k + 1]);
			if (lo && hi && (lo->IsNumber() || lo->IsReal()) &&
			    (hi->IsNumber() || hi->IsReal()))
				dmin[k] = number(*lo), dmax[k] = number(*hi);
		}

	/* 1-bit gray and stencil masks stay bilevel: the writer keeps them 1-bit too */
	if (bpc == 1 && cs.comps == 1 && cs.hival < 0) {
		/* black is the sample that decodes to 0 (gray), or that paints (a mask) */
		bool one_is_black = dmin[0] > dmax[0];
		size_t row = (w + 7) / 8;
		unsigned char *p = (unsigned char *)malloc(row * h);
		if (!p)
			return mc_error_oom();
		unsigned char tail = (unsigned char)(w % 8 ? 0xff << (8 - w % 8) : 0xff);
		for (size_t y = 0; y < h; y++)
			for (size_t x = 0; x < row; x++) {
				unsigned char v = (unsigned char)data[y * stride + x];
				v = one_is_black ? v : (unsigned char)~v;
				p[y * row + x] = x == row - 1 ? (unsigned char)(v & tail) : v;
			}
		out->kind = MC_PDFA_BILEVEL;
		out->data = p;
		out->len = row * h;
		return 0;
	}
	if (mask)
		return mc_error(MOTCUA_EINVALID, "%s: a stencil mask with %d bits", what.c_str(), bpc);
	bool gray = cs.base == 1;
	size_t n = w * h * (gray ? 1 : 3);
	unsigned char *p = (unsigned char *)malloc(n);
	if (!p)
		return mc_error_oom();
	bool plain = bpc == 8 && cs.hival < 0 && cs.comps != 4;
	for (int k = 0; k < cs.comps; k++)
		plain = plain && dmin[k] == 0 && dmax[k] == 1;
	for (size_t y = 0; y < h; y++) {
		const unsigned char *row = (const unsigned char *)data.data() + y * stride;
		unsigned char *o = p + y * w * (gray ? 1 : 3);
		if (plain) {
			memcpy(o, row, w * (size_t)cs.comps);
			continue;
		}
		size_t bit = 0;
		for (size_t x = 0; x < w; x++) {
			double v[4] = {0, 0, 0, 0};
			for (int k = 0; k < cs.comps; k++) {
				unsigned s;
				if (bpc == 8) {
					s = row[bit / 8];
				} else {
					s = (row[bit / 8] >> (8 - bpc - bit % 8)) & (unsigned)maxv;
				}
				bit += (size_t)bpc;
				v[k] = dmin[k] + s * (dmax[k] - dmin[k]) / maxv;
			}
			if (cs.hival >= 0) {
				int idx = std::max(0, std::min(cs.hival, (int)std::lround(v[0])));
				for (int k = 0; k < cs.base; k++)
					v[k] = (unsigned char)cs.palette[(size_t)idx * cs.base + k] / 255.0;
			}
			if (cs.base == 4) {           /* naive CMYK: enough to recognize text */
				double kk = v[3];
				v[0] = (1 - v[0]) * (1 - kk);
				v[1] = (1 - v[1]) * (1 - kk);
				v[2] = (1 - v[2]) * (1 - kk);
			}
			if (gray) {
				o[x] = clamp255(v[0] * 255);
			} else {
				for (int k = 0; k < 3; k++)
					o[3 * x + k] = clamp255(v[k] * 255);
			}
		}
	}
	out->kind = gray ? MC_PDFA_GRAY8 : MC_PDFA_RGB8;
	out->data = p;
	out->len = n;
	return 0;
}

bool is_cmyk(PdfVecObjects *objs, PdfObject *cs)
{
	if (cs && cs->IsName())
		return cs->GetName().GetName() == "DeviceCMYK" || cs->GetName().GetName() == "CMYK";
	if (!cs || !cs->IsArray() || cs->GetArray().size() < 2)
		return false;
	PdfObject *name = resolve(objs, &cs->GetArray()[0]);
	PdfObject *n = dict_get(objs, resolve(objs, &cs->GetArray()[1]), "N");
	return name && name->IsName() && name->GetName().GetName() == "ICCBased" && n &&
		n->IsNumber() && n->GetNumber() == 4;
}

/* A CMYK JPEG cannot be embedded as it is in a PDF/A with an sRGB output intent, nor read
 * by recognition: decoded to RGB by Leptonica (which undoes Adobe's inverted CMYK). */
int cmyk_jpeg(mc_pdf_image *out, const std::string &data, const std::string &what)
{
	l_int32 warnings = 0;
	PIX *pix = pixReadMemJpeg((const l_uint8 *)data.data(), data.size(), 0, 1, &warnings, 0);

	if (!pix || pixGetDepth(pix) != 32 || pixGetWidth(pix) != out->width ||
	    pixGetHeight(pix) != out->height) {
		pixDestroy(&pix);
		return mc_error(MOTCUA_EINVALID, "%s: the CMYK JPEG cannot be decoded",
			what.c_str());
	}
	size_t w = (size_t)out->width, h = (size_t)out->height;
	unsigned char *p = (unsigned char *)malloc(w * h * 3);
	if (!p) {
		pixDestroy(&pix);
		return mc_error_oom();
	}
	for (size_t y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(pix) + y * (size_t)pixGetWpl(pix);
		for (size_t x = 0; x < w; x++) {
			p[3 * (y * w + x)] = (unsigned char)(line[x] >> 24);
			p[3 * (y * w + x) + 1] = (unsigned char)(line[x] >> 16);
			p[3 * (y * w + x) + 2] = (unsigned char)(line[x] >> 8);
		}
	}
	pixDestroy(&pix);
	out->kind = MC_PDFA_RGB8;
	out->data = p;
	out->len = w * h * 3;
	return 0;
}

int read_image(mc_pdf_image *out, PdfVecObjects *objs, PdfObject *img, const std::string &what)
{
	PdfObject *wo = dict_get(objs, img, "Width"), *ho = dict_get(objs, img, "Height");
	if (!wo || !ho || !wo->IsNumber() || !ho->IsNumber() || wo->GetNumber() <= 0 ||
	    ho->GetNumber() <= 0 || wo->GetNumber() > 1000000 || ho->GetNumber() > 1000000)
		return mc_error(MOTCUA_EINVALID, "%s: the image has no valid /Width and /Height",
			what.c_str());
	out->width = (int)wo->GetNumber();
	out->height = (int)ho->GetNumber();
	if ((uint64_t)out->width * (uint64_t)out->height > MAX_PIXELS)
		return mc_error(MOTCUA_EINVALID, "%s: the image is %dx%d pixels, more than the "
			"%llu million allowed", what.c_str(), out->width, out->height,
			(unsigned long long)(MAX_PIXELS / 1000000));

	std::vector<std::string> names = filters_of(objs, img);
	for (const std::string &n : names)
		if (n == "JBIG2Decode" || n == "CCITTFaxDecode" || n == "CCF" || n == "JPXDecode")
			return mc_error(MOTCUA_EINVALID, "%s: the image is %s-encoded, which is not "
				"supported", what.c_str(), n == "CCF" ? "CCITTFax" :
				n.substr(0, n.size() - 6).c_str());

	PdfObject *mask_o = dict_get(objs, img, "ImageMask");
	bool mask = mask_o && mask_o->IsBool() && mask_o->GetBool();
	int error;
	if (!names.empty() && (names.back() == "DCTDecode" || names.back() == "DCT")) {
		std::string data;
		bool over = false;
		if ((error = decode_stream(data, over, objs, img, (size_t)1 << 30,
		    names.size() - 1, what)) < 0)
			return error;
		if (over)
			return mc_error(MOTCUA_EINVALID, "%s: the JPEG is larger than 1 GB",
				what.c_str());
		if (is_cmyk(objs, dict_get(objs, img, "ColorSpace")))
			return cmyk_jpeg(out, data, what);
		int jw, jh, comps;
		if ((error = mc_pdfa_jpeg_info(&jw, &jh, &comps,
		    (const unsigned char *)data.data(), data.size(), what.c_str())) < 0)
			return error;
		if (jw != out->width || jh != out->height)
			return mc_error(MOTCUA_EINVALID, "%s: the JPEG is %dx%d, the image "
				"dictionary says %dx%d", what.c_str(), jw, jh, out->width,
				out->height);
		unsigned char *p = (unsigned char *)malloc(data.size());
		if (!p)
			return mc_error_oom();
		memcpy(p, data.data(), data.size());
		out->kind = MC_PDFA_JPEG;
		out->data = p;
		out->len = data.size();
		return 0;
	}

	colour cs;
	int bpc = 1;
	if (mask) {
		cs.comps = cs.base = 1;
	} else {
		if ((error = colour_space(cs, objs, dict_get(objs, img, "ColorSpace"), what)) < 0)
			return error;
		PdfObject *b = dict_get(objs, img, "BitsPerComponent");
		bpc = b && b->IsNumber() ? (int)b->GetNumber() : 0;
	}
	if (bpc == 16)
		return mc_error(MOTCUA_EINVALID, "%s: 16-bit images are not supported",
			what.c_str());
	if (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8)
		return mc_error(MOTCUA_EINVALID, "%s: %d bits per component is not valid",
			what.c_str(), bpc);
	size_t stride = ((size_t)out->width * (size_t)cs.comps * (size_t)bpc + 7) / 8;
	size_t need = stride * (size_t)out->height;
	std::string data;
	bool over = false;
	if ((error = decode_stream(data, over, objs, img, need, names.size(), what)) < 0)
		return error;
	if (data.size() < need)
		return mc_error(MOTCUA_EINVALID, "%s: the image data is short (%zu of %zu bytes)",
			what.c_str(), data.size(), need);
	return convert_raw(out, data, cs, bpc, mask, objs, img, what);
}

} /* namespace */

extern "C" int mc_pdf_page_image(mc_pdf_image *out, int *n_pages, const char *path, int page)
{
	int error;

	if (!out)
		return mc_error(MOTCUA_EINVALID, "mc_pdf_page_image: out missing");
	memset(out, 0, sizeof(*out));
	if (n_pages)
		*n_pages = 0;
	if ((error = check_input(path)) < 0)
		return error;
	quiet();
	try {
		/* objects on demand from the mapped file: only this page's objects and image are
		 * read, so a 200-page scan is never in memory; map and stream outlive doc */
		mapped_file map;
		if ((error = map.open(path)) < 0)
			return error;
		std::istream in(&map);
		PdfMemDocument doc;
		try {
			doc.LoadFromDevice(PdfRefCountedInputDevice(new PdfInputDevice(&in)));
		} catch (const PdfError &e) {
			return load_error(path, e);
		}
		if (doc.GetEncrypt())
			return mc_error(MOTCUA_EINVALID, "%s: the PDF is encrypted", path);
		int count = doc.GetPageCount();
		if (n_pages)
			*n_pages = count;
		if (page < 1 || page > count)
			return mc_error(MOTCUA_EINVALID, "%s: page %d out of range (the PDF has %d)",
				path, page, count);
		PdfPage *pg = doc.GetPage(page - 1);
		if (!pg || !pg->GetObject() || !pg->GetObject()->IsDictionary())
			return mc_error(MOTCUA_EINVALID, "%s: page %d is missing from the page tree "
				"or is not a dictionary", path, page);
		std::string what = std::string(path) + ": page " + std::to_string(page);
		PdfVecObjects *objs = &doc.GetObjects();
		page_walk pw{objs, path, page, found_image(), {}};
		std::string content;
		if ((error = page_content(content, objs, pg->GetObject(), what)) < 0)
			return error;
		int walk_error = 0;
		try {
			walk_error = walk(pw, content, pg->GetResources(), matrix(), 0);
		} catch (const PdfError &e) {
			/* a damaged stream after the scan was drawn still gives the scan */
			if (!pw.best.obj)
				return mc_error(MOTCUA_EINVALID, "%s: the content stream cannot be "
					"read: %s", what.c_str(), describe(e).c_str());
		}
		if (walk_error < 0 && !pw.best.obj)
			return walk_error;
		if (!pw.best.obj)
			return mc_error(MOTCUA_EINVALID, "%s: no image on the page (not a scan)",
				what.c_str());
		if ((error = read_image(out, objs, pw.best.obj, what + ": the image")) < 0) {
			mc_pdf_page_image_clear(out);
			return error;
		}
		out->dpi_x = out->width * 72.0 / pw.best.w_pt;
		out->dpi_y = out->height * 72.0 / pw.best.h_pt;
		/* shown turned clockwise by /Rotate after being drawn turned the other way */
		int rot = pg->GetRotation();
		rot = rot % 90 ? 0 : rot;
		out->rotate = (((rot - pw.best.turn) % 360) + 360) % 360;
	} catch (...) {
		mc_pdf_page_image_clear(out);
		return caught(path);
	}
	return 0;
}

extern "C" void mc_pdf_page_image_clear(mc_pdf_image *img)
{
	if (!img)
		return;
	free(img->data);
	memset(img, 0, sizeof(*img));
}
