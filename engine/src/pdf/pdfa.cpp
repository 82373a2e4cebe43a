/* pdf/pdfa.cpp — the PDF/A-2b writer of pdf/pdfa.h over PoDoFo's streamed document: each page's
 * image and content go to the file as they are added, so memory holds only small dictionaries.
 * The text layer uses a glyphless TrueType font built here (every UTF-16 code is a CID drawn
 * with one empty glyph half an em wide), so any Vietnamese word fits its box with Tz alone and
 * extraction comes from an identity ToUnicode. No exception crosses the C interface. */
#include <podofo/podofo.h>

#include <lcms2.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" {
#include "core/error.h"
}
#include "pdf/bridge.h"
#include "pdf/pdfa.h"

using namespace PoDoFo;
using namespace mc_pdf_bridge;

/* PoDoFo keeps the catalog of a streamed document protected; the PDF/A keys go there. */
struct streamed_document : PdfStreamedDocument {
	using PdfStreamedDocument::PdfStreamedDocument;
	using PdfDocument::GetCatalog;
};

struct mc_pdfa_writer {
	std::string path;
	temp_file tmp;                         /* declared first: unlinked after the rest closes */
	std::unique_ptr<PdfOutputDevice> dev;
	std::unique_ptr<streamed_document> doc;
	PdfReference font;                     /* the Type0 font of the text layer */
	int pages = 0;
	bool broken = false;                   /* a write failed half-way: cannot be completed */
};

namespace {

const char FONT_NAME[] = "MotcuaTextLayer";
const int GLYPH_WIDTH = 500;           /* every CID, in 1/1000 em: /DW and the font's hmtx */
const int FONT_ASCENT = 800;
const int FONT_DESCENT = -200;
const double MIN_PAGE_PT = 3, MAX_PAGE_PT = 14400;   /* ISO 32000-1 Annex C, PDF/A-2 6.1.13 */
const int MAX_PIXELS_SIDE = 1 << 20;

/* ---- numbers and strings ---------------------------------------------------------------- */

/* A PDF number rounded to 1/1000, in the C locale whatever the process's locale is. */
void num(std::string &s, double v)
{
	if (!std::isfinite(v))
		v = 0;
	long long m = llround(v * 1000);
	if (m < 0) {
		s += '-';
		m = -m;
	}
	s += std::to_string(m / 1000);
	int frac = (int)(m % 1000);
	if (frac) {
		char buf[8];
		snprintf(buf, sizeof(buf), ".%03d", frac);
		size_t n = strlen(buf);
		while (buf[n - 1] == '0')
			buf[--n] = 0;
		s += buf;
	}
}

std::string nums(std::initializer_list<double> vs)
{
	std::string s;
	for (double v : vs) {
		if (!s.empty())
			s += ' ';
		num(s, v);
	}
	return s;
}

/* Decodes UTF-8 into code points; false at the first malformed sequence (overlong forms,
 * surrogates and values past U+10FFFF included). */
bool utf8_decode(std::vector<uint32_t> &out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p, min;
		int extra;
		if (c < 0x80) {
			out.push_back(c);
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			c &= 0x1f, extra = 1, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			c &= 0x0f, extra = 2, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			c &= 0x07, extra = 3, min = 0x10000;
		} else {
			return false;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		out.push_back(c);
	}
	return true;
}

/* A metadata value: valid UTF-8 without control characters (XML 1.0 cannot carry them). */
int check_text(const char *s, const char *field, const char *path)
{
	std::vector<uint32_t> cps;
	if (!s)
		return 0;
	if (!utf8_decode(cps, s))
		return mc_error(MOTCUA_EINVALID, "%s: %s is not valid UTF-8", path, field);
	for (uint32_t c : cps)
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
		    c == 0xfffe || c == 0xffff)
			return mc_error(MOTCUA_EINVALID, "%s: %s contains control character U+%04X",
				path, field, (unsigned)c);
	return 0;
}

std::string xml_escape(const char *s)
{
	std::string out;
	for (; *s; s++) {
		switch (*s) {
		case '&': out += "&amp;"; break;
		case '<': out += "&lt;"; break;
		case '>': out += "&gt;"; break;
		case '"': out += "&quot;"; break;
		default: out += *s;
		}
	}
	return out;
}

PdfString pdf_text(const char *utf8_text)
{
	return PdfString(reinterpret_cast<const pdf_utf8 *>(utf8_text));
}

/* The same instant for the Info dictionary and the XMP, which PDF/A requires to agree; shown
 * as Vietnam's wall clock like every time a person reads. */
void dates(std::string &info, std::string &xmp, int64_t utc)
{
	time_t t = (time_t)(utc + 7 * 3600);
	struct tm tm;
	char buf[64];

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "D:%04d%02d%02d%02d%02d%02d+07'00'", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	info = buf;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	xmp = buf;
}

/* The error for a failure while writing (call from a catch block): PoDoFo's errors there are
 * the disk's, not the input's. */
int write_failed(const char *path)
{
	try {
		throw;
	} catch (const PdfError &e) {
		return write_error(path, e);
	} catch (...) {
		return caught(path, "write the PDF");
	}
}

/* ---- the glyphless font ------------------------------------------------------------------ */

void be16(std::string &s, unsigned v)
{
	s += (char)((v >> 8) & 0xff);
	s += (char)(v & 0xff);
}

void be32(std::string &s, uint32_t v)
{
	be16(s, v >> 16);
	be16(s, v & 0xffff);
}

uint32_t sfnt_checksum(const std::string &t)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < t.size(); i += 4) {
		uint32_t w = 0;
		for (size_t j = 0; j < 4; j++)
			w = (w << 8) | (i + j < t.size() ? (unsigned char)t[i + j] : 0);
		sum += w;
	}
	return sum;
}

/* A TrueType font of two glyphs: .notdef (a box, never referenced) and glyph 1, empty and
 * 500 units wide, which every CID maps to. Tables sorted by tag, as the directory requires. */
std::string glyphless_ttf()
{
	struct table { const char *tag; std::string data; };
	std::vector<table> t;
	std::string s;

	/* cmap: one format 4 subtable mapping U+0020 to glyph 1 (CIDs go through CIDToGIDMap;
	 * the cmap is there for tools that expect one) */
	s.clear();
	be16(s, 0); be16(s, 1);
	be16(s, 3); be16(s, 1); be32(s, 12);
	be16(s, 4); be16(s, 32); be16(s, 0);
	be16(s, 4); be16(s, 4); be16(s, 1); be16(s, 0);       /* segCountX2, search fields */
	be16(s, 0x20); be16(s, 0xffff);                         /* endCode */
	be16(s, 0);                                             /* reservedPad */
	be16(s, 0x20); be16(s, 0xffff);                         /* startCode */
	be16(s, (unsigned)(1 - 0x20) & 0xffff); be16(s, 1);     /* idDelta */
	be16(s, 0); be16(s, 0);                                 /* idRangeOffset */
	t.push_back({"cmap", s});

	/* glyf: .notdef is one closed rectangle; glyph 1 has no outline */
	s.clear();
	be16(s, 1);
	be16(s, 50); be16(s, 0); be16(s, 450); be16(s, 700);   /* bbox */
	be16(s, 3);                                             /* endPtsOfContours */
	be16(s, 0);                                             /* no instructions */
	for (int i = 0; i < 4; i++)
		s += (char)0x01;                                /* on curve, 16-bit deltas */
	be16(s, 50); be16(s, 0); be16(s, 400); be16(s, 0);
	be16(s, 0); be16(s, 700); be16(s, 0); be16(s, (unsigned)-700 & 0xffff);
	while (s.size() % 4)
		s += '\0';
	size_t glyf_len = s.size();
	t.push_back({"glyf", s});

	s.clear();
	be32(s, 0x00010000); be32(s, 0x00010000);
	be32(s, 0);                                             /* checkSumAdjustment, later */
	be32(s, 0x5f0f3cf5);
	be16(s, 0x000b); be16(s, 1000);                         /* flags, unitsPerEm */
	be32(s, 0); be32(s, 0); be32(s, 0); be32(s, 0);         /* created, modified */
	be16(s, 50); be16(s, 0); be16(s, 450); be16(s, 700);   /* bbox of all glyphs */
	be16(s, 0); be16(s, 3); be16(s, 2);                     /* macStyle, lowestRec, hint */
	be16(s, 0); be16(s, 0);                                 /* short loca, glyph format */
	t.push_back({"head", s});

	s.clear();
	be32(s, 0x00010000);
	be16(s, FONT_ASCENT); be16(s, (unsigned)FONT_DESCENT & 0xffff); be16(s, 0);
	be16(s, GLYPH_WIDTH); be16(s, 50); be16(s, 50); be16(s, 450);   /* sidebearings, extent */
	be16(s, 1); be16(s, 0); be16(s, 0);                     /* caret */
	for (int i = 0; i < 4; i++)
		be16(s, 0);
	be16(s, 0); be16(s, 2);                                 /* metric format, hMetrics */
	t.push_back({"hhea", s});

	s.clear();
	be16(s, GLYPH_WIDTH); be16(s, 50);
	be16(s, GLYPH_WIDTH); be16(s, 0);
	t.push_back({"hmtx", s});

	s.clear();
	be16(s, 0); be16(s, (unsigned)(glyf_len / 2)); be16(s, (unsigned)(glyf_len / 2));
	t.push_back({"loca", s});

	s.clear();
	be32(s, 0x00010000); be16(s, 2);
	be16(s, 4); be16(s, 1); be16(s, 0); be16(s, 0); be16(s, 2);
	for (int i = 0; i < 8; i++)
		be16(s, 0);
	t.push_back({"maxp", s});

	/* name: family, style, full and PostScript names, UTF-16BE for Windows Unicode */
	const char *names[][2] = { {"1", FONT_NAME}, {"2", "Regular"}, {"4", FONT_NAME},
		{"6", FONT_NAME} };
	std::string strings;
	s.clear();
	be16(s, 0); be16(s, 4); be16(s, 6 + 4 * 12);
	for (auto &n : names) {
		size_t len = strlen(n[1]) * 2;
		be16(s, 3); be16(s, 1); be16(s, 0x409); be16(s, (unsigned)atoi(n[0]));
		be16(s, (unsigned)len); be16(s, (unsigned)strings.size());
		for (const char *c = n[1]; *c; c++)
			be16(strings, (unsigned char)*c);
	}
	s += strings;
	t.push_back({"name", s});

	s.clear();
	be32(s, 0x00030000); be32(s, 0);
	be16(s, (unsigned)-100 & 0xffff); be16(s, 50);
	be32(s, 1);
	for (int i = 0; i < 4; i++)
		be32(s, 0);
	t.push_back({"post", s});

	std::string font;
	size_t n = t.size(), offset = 12 + 16 * n;
	be32(font, 0x00010000); be16(font, (unsigned)n);
	be16(font, 128); be16(font, 3); be16(font, (unsigned)(n * 16 - 128));
	size_t head_at = 0;
	for (auto &tb : t) {
		font.append(tb.tag, 4);
		be32(font, sfnt_checksum(tb.data));
		be32(font, (uint32_t)offset);
		be32(font, (uint32_t)tb.data.size());
		if (!strcmp(tb.tag, "head"))
			head_at = offset;
		offset += (tb.data.size() + 3) & ~(size_t)3;
	}
	for (auto &tb : t) {
		font += tb.data;
		while (font.size() % 4)
			font += '\0';
	}
	uint32_t adjust = 0xb1b0afbaU - sfnt_checksum(font);
	for (int i = 0; i < 4; i++)
		font[head_at + 8 + i] = (char)((adjust >> (24 - 8 * i)) & 0xff);
	return font;
}

/* An identity ToUnicode: code = UTF-16 unit. Ranges may only differ in their last byte, and
 * surrogate codes are left out (words outside the BMP are written as U+FFFD). */
std::string identity_tounicode()
{
	std::string s =
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	std::vector<unsigned> highs;
	for (unsigned hi = 0; hi < 256; hi++)
		if (hi < 0xd8 || hi > 0xdf)
			highs.push_back(hi);
	for (size_t i = 0; i < highs.size(); i += 100) {
		size_t end = std::min(highs.size(), i + 100);
		s += std::to_string(end - i) + " beginbfrange\n";
		for (size_t j = i; j < end; j++) {
			char buf[40];
			snprintf(buf, sizeof(buf), "<%02X00> <%02XFF> <%02X00>\n", highs[j], highs[j],
				highs[j]);
			s += buf;
		}
		s += "endbfrange\n";
	}
	s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
	return s;
}

/* ---- writing objects ---------------------------------------------------------------------- */

TVecFilters flate()
{
	TVecFilters f;
	f.push_back(ePdfFilter_FlateDecode);
	return f;
}

/* A new stream object: dict filled by the caller beforehand, data written through filters
 * (none: as given, keeping a /Filter the dict names). With PoDoFo's immediate writer the
 * dictionary goes to the file when the data starts, and the object is dropped from memory once
 * the next stream starts: only its reference may be kept. */
PdfReference write_stream(PdfVecObjects *objs, const PdfDictionary &dict,
	const TVecFilters &filters, const char *data, size_t len)
{
	PdfObject *o = objs->CreateObject(PdfVariant(dict));
	PdfReference ref = o->Reference();
	PdfStream *st = o->GetStream();
	st->BeginAppend(filters, true, false);
	try {
		const size_t chunk = 1 << 20;
		for (size_t at = 0; at < len; at += chunk)
			st->Append(data + at, std::min(chunk, len - at));
	} catch (...) {
		try {
			st->EndAppend();
		} catch (...) {
		}
		throw;
	}
	st->EndAppend();
	return ref;
}

PdfReference write_font(PdfVecObjects *objs)
{
	std::string ttf = glyphless_ttf();
	PdfDictionary d;
	d.AddKey("Length1", PdfVariant((pdf_int64)ttf.size()));
	PdfReference file = write_stream(objs, d, flate(), ttf.data(), ttf.size());

	/* every CID to glyph 1: two bytes per CID, big-endian */
	std::string map(65536 * 2, '\0');
	for (size_t i = 1; i < map.size(); i += 2)
		map[i] = 1;
	PdfReference cidmap = write_stream(objs, PdfDictionary(), flate(), map.data(),
		map.size());
	std::string cmap = identity_tounicode();
	PdfReference tounicode = write_stream(objs, PdfDictionary(), flate(), cmap.data(),
		cmap.size());

	PdfObject *desc = objs->CreateObject("FontDescriptor");
	PdfDictionary &dd = desc->GetDictionary();
	dd.AddKey("FontName", PdfName(FONT_NAME));
	dd.AddKey("Flags", PdfVariant((pdf_int64)4));
	PdfArray bbox;
	bbox.push_back(PdfVariant((pdf_int64)0));
	bbox.push_back(PdfVariant((pdf_int64)FONT_DESCENT));
	bbox.push_back(PdfVariant((pdf_int64)GLYPH_WIDTH));
	bbox.push_back(PdfVariant((pdf_int64)FONT_ASCENT));
	dd.AddKey("FontBBox", bbox);
	dd.AddKey("ItalicAngle", PdfVariant((pdf_int64)0));
	dd.AddKey("Ascent", PdfVariant((pdf_int64)FONT_ASCENT));
	dd.AddKey("Descent", PdfVariant((pdf_int64)FONT_DESCENT));
	dd.AddKey("CapHeight", PdfVariant((pdf_int64)700));
	dd.AddKey("StemV", PdfVariant((pdf_int64)80));
	dd.AddKey("FontFile2", file);

	PdfObject *cid = objs->CreateObject("Font");
	PdfDictionary &cd = cid->GetDictionary();
	cd.AddKey("Subtype", PdfName("CIDFontType2"));
	cd.AddKey("BaseFont", PdfName(FONT_NAME));
	PdfDictionary info;
	info.AddKey("Registry", PdfString("Adobe"));
	info.AddKey("Ordering", PdfString("Identity"));
	info.AddKey("Supplement", PdfVariant((pdf_int64)0));
	cd.AddKey("CIDSystemInfo", info);
	cd.AddKey("FontDescriptor", desc->Reference());
	cd.AddKey("DW", PdfVariant((pdf_int64)GLYPH_WIDTH));
	cd.AddKey("CIDToGIDMap", cidmap);

	PdfObject *type0 = objs->CreateObject("Font");
	PdfDictionary &td = type0->GetDictionary();
	td.AddKey("Subtype", PdfName("Type0"));
	td.AddKey("BaseFont", PdfName(FONT_NAME));
	td.AddKey("Encoding", PdfName("Identity-H"));
	PdfArray kids;
	kids.push_back(cid->Reference());
	td.AddKey("DescendantFonts", kids);
	td.AddKey("ToUnicode", tounicode);
	return type0->Reference();
}

/* sRGB made by lcms2, saved as an ICC v2.1 profile (the version every PDF/A reader knows). */
int srgb_profile(std::string &out, const char *path)
{
	cmsHPROFILE h = cmsCreate_sRGBProfile();
	cmsUInt32Number len = 0;
	int error = 0;

	if (!h)
		return mc_error(MOTCUA_ERROR, "%s: lcms2 cannot make the sRGB profile", path);
	cmsSetProfileVersion(h, 2.1);
	if (!cmsSaveProfileToMem(h, NULL, &len) || len == 0) {
		error = mc_error(MOTCUA_ERROR, "%s: lcms2 cannot save the sRGB profile", path);
	} else {
		out.assign(len, '\0');
		if (!cmsSaveProfileToMem(h, &out[0], &len))
			error = mc_error(MOTCUA_ERROR, "%s: lcms2 cannot save the sRGB profile",
				path);
		out.resize(len);
	}
	cmsCloseProfile(h);
	return error;
}

PdfReference write_output_intent(PdfVecObjects *objs, const std::string &icc)
{
	PdfDictionary d;
	d.AddKey("N", PdfVariant((pdf_int64)3));
	d.AddKey("Alternate", PdfName("DeviceRGB"));
	PdfReference prof = write_stream(objs, d, flate(), icc.data(), icc.size());
	PdfObject *oi = objs->CreateObject("OutputIntent");
	PdfDictionary &od = oi->GetDictionary();
	od.AddKey("S", PdfName("GTS_PDFA1"));
	od.AddKey("OutputConditionIdentifier", PdfString("sRGB IEC61966-2.1"));
	od.AddKey("RegistryName", PdfString("http://www.color.org"));
	od.AddKey("Info", PdfString("sRGB IEC61966-2.1"));
	od.AddKey("DestOutputProfile", prof);
	return oi->Reference();
}

std::string xmp_packet(const mc_pdfa_meta *m, const std::string &when, const char *producer)
{
	std::string x =
		"<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		" <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		"  <rdf:Description rdf:about=\"\"\n"
		"    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
		"    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
		"    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
		"    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
		"   <pdfaid:part>2</pdfaid:part>\n"
		"   <pdfaid:conformance>B</pdfaid:conformance>\n"
		"   <dc:format>application/pdf</dc:format>\n";
	if (m && m->title)
		x += "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" +
			xml_escape(m->title) + "</rdf:li></rdf:Alt></dc:title>\n";
	if (m && m->author)
		x += "   <dc:creator><rdf:Seq><rdf:li>" + xml_escape(m->author) +
			"</rdf:li></rdf:Seq></dc:creator>\n";
	if (m && m->subject)
		x += "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" +
			xml_escape(m->subject) + "</rdf:li></rdf:Alt></dc:description>\n";
	if (m && m->lang)
		x += "   <dc:language><rdf:Bag><rdf:li>" + xml_escape(m->lang) +
			"</rdf:li></rdf:Bag></dc:language>\n";
	if (m && m->keywords)
		x += "   <pdf:Keywords>" + xml_escape(m->keywords) + "</pdf:Keywords>\n";
	x += "   <pdf:Producer>" + xml_escape(producer) + "</pdf:Producer>\n"
		"   <xmp:CreatorTool>" + xml_escape(producer) + "</xmp:CreatorTool>\n"
		"   <xmp:CreateDate>" + when + "</xmp:CreateDate>\n"
		"   <xmp:ModifyDate>" + when + "</xmp:ModifyDate>\n"
		"   <xmp:MetadataDate>" + when + "</xmp:MetadataDate>\n"
		"  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n";
	x += std::string(20, ' ') + "\n<?xpacket end=\"w\"?>";
	return x;
}

/* Info, XMP, output intent, the font and the catalog's keys: everything but the pages. */
void begin_document(mc_pdfa_writer *w, const mc_pdfa_meta *m, const std::string &icc)
{
	static const char producer[] = "motcua " MOTCUA_VERSION;
	streamed_document &doc = *w->doc;
	PdfVecObjects *objs = doc.GetObjects();
	std::string info_date, xmp_date;

	dates(info_date, xmp_date, m && m->created ? m->created : (int64_t)time(NULL));
	PdfDictionary &info = doc.GetInfo()->GetObject()->GetDictionary();
	info.AddKey("Producer", PdfString(producer));
	info.AddKey("Creator", PdfString(producer));
	info.AddKey("CreationDate", PdfString(info_date));
	info.AddKey("ModDate", PdfString(info_date));
	if (m && m->title)
		info.AddKey("Title", pdf_text(m->title));
	if (m && m->author)
		info.AddKey("Author", pdf_text(m->author));
	if (m && m->subject)
		info.AddKey("Subject", pdf_text(m->subject));
	if (m && m->keywords)
		info.AddKey("Keywords", pdf_text(m->keywords));

	PdfDictionary xd;
	xd.AddKey("Type", PdfName("Metadata"));
	xd.AddKey("Subtype", PdfName("XML"));
	std::string xmp = xmp_packet(m, xmp_date, producer);
	/* unfiltered, so that tools that scan files for XMP find it (PDF/A-2 6.6.2.1) */
	PdfReference meta = write_stream(objs, xd, TVecFilters(), xmp.data(), xmp.size());
	PdfReference intent = write_output_intent(objs, icc);
	w->font = write_font(objs);

	PdfDictionary &cat = doc.GetCatalog()->GetDictionary();
	cat.AddKey("Metadata", meta);
	PdfArray intents;
	intents.push_back(intent);
	cat.AddKey("OutputIntents", intents);
	if (m && m->lang)
		cat.AddKey("Lang", PdfString(m->lang));
	if (m && m->title) {
		PdfDictionary vp;
		vp.AddKey("DisplayDocTitle", PdfVariant(true));
		cat.AddKey("ViewerPreferences", vp);
	}
}

/* ---- pages ---------------------------------------------------------------------------------- */

int check_page(const mc_pdfa_page *pg, int page_no, const char *path)
{
	if (!pg)
		return mc_error(MOTCUA_EINVALID, "%s: page %d missing", path, page_no);
	if (pg->width <= 0 || pg->height <= 0 || pg->width > MAX_PIXELS_SIDE ||
	    pg->height > MAX_PIXELS_SIDE)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: image size %dx%d is invalid", path,
			page_no, pg->width, pg->height);
	if (!(pg->dpi_x > 0) || !(pg->dpi_y > 0) || !std::isfinite(pg->dpi_x) ||
	    !std::isfinite(pg->dpi_y))
		return mc_error(MOTCUA_EINVALID, "%s: page %d: resolution %gx%g dpi is invalid",
			path, page_no, pg->dpi_x, pg->dpi_y);
	double wpt = pg->width * 72.0 / pg->dpi_x, hpt = pg->height * 72.0 / pg->dpi_y;
	if (wpt < MIN_PAGE_PT || hpt < MIN_PAGE_PT || wpt > MAX_PAGE_PT || hpt > MAX_PAGE_PT)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: %.1fx%.1f points is outside "
			"PDF/A's 3 to 14400 (check the resolution)", path, page_no, wpt, hpt);
	if (pg->rotate != 0 && pg->rotate != 90 && pg->rotate != 180 && pg->rotate != 270)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: rotate %d is not 0, 90, 180 or 270",
			path, page_no, pg->rotate);
	if (!pg->data || pg->len == 0)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: no image data", path, page_no);
	if (pg->n_words && !pg->words)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: %zu words but no array", path,
			page_no, pg->n_words);
	size_t w = (size_t)pg->width, h = (size_t)pg->height, want = 0;
	switch (pg->kind) {
	case MC_PDFA_JPEG: return 0;
	case MC_PDFA_GRAY8: want = w * h; break;
	case MC_PDFA_RGB8: want = w * h * 3; break;
	case MC_PDFA_BILEVEL: want = (w + 7) / 8 * h; break;
	default:
		return mc_error(MOTCUA_EINVALID, "%s: page %d: unknown pixel kind %d", path,
			page_no, (int)pg->kind);
	}
	if (pg->len != want)
		return mc_error(MOTCUA_EINVALID, "%s: page %d: %zu bytes of pixels for %dx%d, "
			"expected %zu", path, page_no, pg->len, pg->width, pg->height, want);
	return 0;
}

/* The page as a viewer shows it, upright after /Rotate: (u, v) from its bottom left. Maps
 * user space to it and back. */
struct upright {
	int rot;
	double wpt, hpt;

	void to(double &u, double &v, double x, double y) const
	{
		switch (rot) {
		case 90: u = y; v = wpt - x; break;
		case 180: u = wpt - x; v = hpt - y; break;
		case 270: u = hpt - y; v = x; break;
		default: u = x; v = y;
		}
	}
	/* the cm that takes upright coordinates back to user space */
	std::string matrix() const
	{
		switch (rot) {
		case 90: return nums({0, 1, -1, 0, wpt, 0});
		case 180: return nums({-1, 0, 0, -1, wpt, hpt});
		case 270: return nums({0, -1, 1, 0, 0, hpt});
		default: return nums({1, 0, 0, 1, 0, 0});
		}
	}
};

struct placed_word {
	double u0, u1, v0, v1;                 /* upright box, points */
	std::string hex;                       /* UTF-16BE codes */
	size_t units;
	int line;
};

/* Words past this many code units are cut: a PDF/A string holds at most 32767 bytes, and no
 * recognized word comes near it. */
const size_t MAX_WORD_UNITS = 4096;

void hex_units(std::string &hex, size_t &units, const std::vector<uint32_t> &cps)
{
	static const char digits[] = "0123456789ABCDEF";
	for (uint32_t c : cps) {
		if (units == MAX_WORD_UNITS)
			break;
		if (c > 0xffff || c < 0x20)
			c = 0xfffd;       /* outside the identity CMap, or a control character */
		for (int shift = 12; shift >= 0; shift -= 4)
			hex += digits[(c >> shift) & 0xf];
		units++;
	}
}

/* The invisible text: one text line per recognized line (same baseline and size, so that
 * extraction keeps them together), each word stretched with Tz over its box, and a space
 * glyph stretched over the gap to the next word so every reader sees the break. */
int text_layer(std::string &out, const mc_pdfa_page *pg, int page_no, const char *path)
{
	upright up{pg->rotate, pg->width * 72.0 / pg->dpi_x, pg->height * 72.0 / pg->dpi_y};
	std::vector<placed_word> words;
	double sx = 72.0 / pg->dpi_x, sy = 72.0 / pg->dpi_y;

	for (size_t i = 0; i < pg->n_words; i++) {
		const mc_ocr_word *wd = &pg->words[i];
		std::vector<uint32_t> cps;
		if (!wd->text || !*wd->text)
			continue;
		if (!utf8_decode(cps, wd->text))
			return mc_error(MOTCUA_EINVALID, "%s: page %d: word %zu is not valid UTF-8",
				path, page_no, i);
		placed_word p;
		p.units = 0;
		hex_units(p.hex, p.units, cps);
		/* clamp to the image; an empty box still gets a pixel */
		int x0 = std::max(0, std::min(wd->x0, pg->width - 1));
		int y0 = std::max(0, std::min(wd->y0, pg->height - 1));
		int x1 = std::max(x0 + 1, std::min(wd->x1, pg->width));
		int y1 = std::max(y0 + 1, std::min(wd->y1, pg->height));
		double ua, va, ub, vb;
		up.to(ua, va, x0 * sx, up.hpt - y1 * sy);
		up.to(ub, vb, x1 * sx, up.hpt - y0 * sy);
		p.u0 = std::min(ua, ub);
		p.u1 = std::max(ua, ub);
		p.v0 = std::min(va, vb);
		p.v1 = std::max(va, vb);
		p.line = wd->line;
		words.push_back(std::move(p));
	}
	if (words.empty())
		return 0;
	out += "q\n";
	if (pg->rotate)
		out += up.matrix() + " cm\n";
	out += "BT\n3 Tr\n";
	for (size_t a = 0; a < words.size();) {
		size_t b = a;
		double v0 = words[a].v0, v1 = words[a].v1;
		while (b + 1 < words.size() && words[b + 1].line == words[a].line) {
			b++;
			v0 = std::min(v0, words[b].v0);
			v1 = std::max(v1, words[b].v1);
		}
		double size = std::max(v1 - v0, 0.5);
		double base = v0 - size * FONT_DESCENT / 1000.0;
		double em = size * GLYPH_WIDTH / 1000.0;
		out += "/F0 " + nums({size}) + " Tf\n";
		for (size_t i = a; i <= b; i++) {
			const placed_word &p = words[i];
			double tz = 100.0 * (p.u1 - p.u0) / (em * (double)p.units);
			out += "1 0 0 1 " + nums({p.u0, base}) + " Tm " + nums({tz}) + " Tz <" +
				p.hex + "> Tj\n";
			if (i < b) {
				double gap = words[i + 1].u0 - p.u1;
				out += nums({std::max(gap, em * 0.01) * 100.0 / em}) + " Tz <0020> Tj\n";
			}
		}
		a = b + 1;
	}
	out += "ET\nQ\n";
	return 0;
}

/* PNG predictors (ISO 32000-1 7.4.4.4) before Flate: the row filter with the smallest sum of
 * absolute differences, as libpng chooses. Scans shrink by a third or more over Flate alone.
 * One pass scores the four filters, a second writes the winner. */
inline int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

inline long cost(int v)
{
	v &= 0xff;
	return v < 128 ? v : 256 - v;
}

void predict_row(std::string &out, const unsigned char *row, const unsigned char *prev,
	size_t len, size_t bpp)
{
	long sum[5] = {0, 0, 0, 0, 0};
	int best = 1;

	for (size_t i = 0; i < len; i++) {
		int x = row[i], a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
		int c = i >= bpp && prev ? prev[i - bpp] : 0;
		sum[1] += cost(x - a);
		sum[2] += cost(x - b);
		sum[3] += cost(x - ((a + b) >> 1));
		sum[4] += cost(x - paeth(a, b, c));
	}
	for (int f = 2; f <= 4; f++)
		if (sum[f] < sum[best])
			best = f;
	size_t at = out.size();
	out.resize(at + 1 + len);
	unsigned char *o = (unsigned char *)&out[at];
	*o++ = (unsigned char)best;
	for (size_t i = 0; i < len; i++) {
		int x = row[i], a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
		int c = i >= bpp && prev ? prev[i - bpp] : 0;
		int pred = best == 1 ? a : best == 2 ? b : best == 3 ? (a + b) >> 1 : paeth(a, b, c);
		o[i] = (unsigned char)(x - pred);
	}
}

PdfReference write_image(PdfVecObjects *objs, const mc_pdfa_page *pg, int jpeg_comps)
{
	PdfDictionary d;
	d.AddKey("Type", PdfName("XObject"));
	d.AddKey("Subtype", PdfName("Image"));
	d.AddKey("Width", PdfVariant((pdf_int64)pg->width));
	d.AddKey("Height", PdfVariant((pdf_int64)pg->height));
	bool rgb = pg->kind == MC_PDFA_RGB8 || (pg->kind == MC_PDFA_JPEG && jpeg_comps == 3);
	d.AddKey("ColorSpace", PdfName(rgb ? "DeviceRGB" : "DeviceGray"));
	d.AddKey("BitsPerComponent", PdfVariant((pdf_int64)(pg->kind == MC_PDFA_BILEVEL ? 1 : 8)));
	if (pg->kind == MC_PDFA_JPEG) {
		d.AddKey("Filter", PdfName("DCTDecode"));
		return write_stream(objs, d, TVecFilters(), (const char *)pg->data, pg->len);
	}
	if (pg->kind == MC_PDFA_BILEVEL) {
		/* 1 means black here, 0 means black in DeviceGray */
		PdfArray dec;
		dec.push_back(PdfVariant((pdf_int64)1));
		dec.push_back(PdfVariant((pdf_int64)0));
		d.AddKey("Decode", dec);
		return write_stream(objs, d, flate(), (const char *)pg->data, pg->len);
	}
	size_t bpp = pg->kind == MC_PDFA_RGB8 ? 3 : 1, stride = (size_t)pg->width * bpp;
	PdfDictionary parms;
	parms.AddKey("Predictor", PdfVariant((pdf_int64)15));
	parms.AddKey("Colors", PdfVariant((pdf_int64)bpp));
	parms.AddKey("BitsPerComponent", PdfVariant((pdf_int64)8));
	parms.AddKey("Columns", PdfVariant((pdf_int64)pg->width));
	d.AddKey("DecodeParms", parms);

	PdfObject *o = objs->CreateObject(PdfVariant(d));
	PdfReference ref = o->Reference();
	PdfStream *st = o->GetStream();
	std::string buf;
	st->BeginAppend(flate(), true, false);
	try {
		for (int y = 0; y < pg->height; y++) {
			const unsigned char *row = pg->data + (size_t)y * stride;
			predict_row(buf, row, y ? row - stride : NULL, stride, bpp);
			if (buf.size() >= (1 << 18) || y == pg->height - 1) {
				st->Append(buf.data(), buf.size());
				buf.clear();
			}
		}
	} catch (...) {
		try {
			st->EndAppend();
		} catch (...) {
		}
		throw;
	}
	st->EndAppend();
	return ref;
}

/* PoDoFo's file device does not check its writes: the file on disk must hold everything
 * written so far, or the disk is full (or the file too large for it). */
int check_written(mc_pdfa_writer *w)
{
	struct stat st;

	w->dev->Flush();
	errno = 0;
	if (stat(w->tmp.path.c_str(), &st) == 0 && st.st_size == (off_t)w->dev->Tell())
		return 0;
	return mc_error(MOTCUA_ERROR, "%s: the PDF cannot be written to %s: %s", w->path.c_str(),
		w->tmp.path.c_str(), errno ? strerror(errno) : "the disk is full or the file is "
		"too large");
}

/* The page's checks and its content (the image drawn over the page, then the text): nothing
 * is written yet, so a refused page leaves the writer usable. */
int prepare_page(std::string &content, int &comps, const mc_pdfa_page *page, int page_no,
	const char *path)
{
	int error;

	if ((error = check_page(page, page_no, path)) < 0)
		return error;
	if (page->kind == MC_PDFA_JPEG) {
		std::string what = std::string(path) + ": page " + std::to_string(page_no);
		int jw, jh;
		if ((error = mc_pdfa_jpeg_info(&jw, &jh, &comps, page->data, page->len,
		    what.c_str())) < 0)
			return error;
		if (jw != page->width || jh != page->height)
			return mc_error(MOTCUA_EINVALID, "%s: the JPEG is %dx%d, the page says %dx%d",
				what.c_str(), jw, jh, page->width, page->height);
	}
	double wpt = page->width * 72.0 / page->dpi_x, hpt = page->height * 72.0 / page->dpi_y;
	content = "q " + nums({wpt, 0, 0, hpt, 0, 0}) + " cm /Im0 Do Q\n";
	return text_layer(content, page, page_no, path);
}

} /* namespace */

extern "C" int mc_pdfa_jpeg_info(int *width, int *height, int *components,
	const unsigned char *d, size_t n, const char *what)
{
	size_t i = 2;
	int w = 0, h = 0, comps = 0;
	bool frame = false;

	if (!what)
		what = "JPEG";
	if (!d || n < 4 || d[0] != 0xff || d[1] != 0xd8)
		return mc_error(MOTCUA_EINVALID, "%s: not a JPEG (no start-of-image marker)", what);
	for (;;) {
		while (i < n && d[i] == 0xff)
			i++;
		if (i >= n)
			return mc_error(MOTCUA_EINVALID, "%s: JPEG truncated before its image data",
				what);
		unsigned m = d[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;
		if (m == 0xd9 || i + 2 > n)
			return mc_error(MOTCUA_EINVALID, "%s: JPEG truncated before its image data",
				what);
		size_t len = ((size_t)d[i] << 8) | d[i + 1];
		if (len < 2 || i + len > n)
			return mc_error(MOTCUA_EINVALID, "%s: JPEG marker 0x%02X has a bad length",
				what, m);
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (m != 0xc0 && m != 0xc1 && m != 0xc2)
				return mc_error(MOTCUA_EINVALID, "%s: JPEG frame type SOF%u (lossless, "
					"hierarchical or arithmetic) is not supported", what,
					m - 0xc0);
			if (len < 8)
				return mc_error(MOTCUA_EINVALID, "%s: JPEG frame header too short",
					what);
			if (d[i + 2] != 8)
				return mc_error(MOTCUA_EINVALID, "%s: %d-bit JPEG is not supported",
					what, d[i + 2]);
			h = (d[i + 3] << 8) | d[i + 4];
			w = (d[i + 5] << 8) | d[i + 6];
			comps = d[i + 7];
			frame = true;
		}
		if (m == 0xda)
			break;
		i += len;
	}
	if (!frame || w == 0 || h == 0)
		return mc_error(MOTCUA_EINVALID, "%s: JPEG has no usable frame header", what);
	if (comps != 1 && comps != 3)
		return mc_error(MOTCUA_EINVALID, "%s: JPEG with %d components is not supported "
			"(gray or colour only; CMYK needs converting)", what, comps);
	/* the end-of-image marker, allowing for padding some scanners append */
	size_t from = n > 4096 ? n - 4096 : 0;
	bool eoi = false;
	for (size_t k = n - 1; k > from && !eoi; k--)
		eoi = d[k - 1] == 0xff && d[k] == 0xd9;
	if (!eoi)
		return mc_error(MOTCUA_EINVALID, "%s: JPEG truncated (no end-of-image marker)",
			what);
	if (width)
		*width = w;
	if (height)
		*height = h;
	if (components)
		*components = comps;
	return 0;
}

extern "C" int mc_pdfa_open(mc_pdfa_writer **out, const char *path, const mc_pdfa_meta *meta)
{
	mc_pdfa_writer *w = NULL;
	std::string icc;
	int error;

	if (!out)
		return mc_error(MOTCUA_EINVALID, "mc_pdfa_open: out missing");
	*out = NULL;
	if (!path || !*path)
		return mc_error(MOTCUA_EINVALID, "PDF/A output path missing");
	if (meta && ((error = check_text(meta->title, "title", path)) < 0 ||
	    (error = check_text(meta->author, "author", path)) < 0 ||
	    (error = check_text(meta->subject, "subject", path)) < 0 ||
	    (error = check_text(meta->keywords, "keywords", path)) < 0))
		return error;
	if (meta && meta->lang) {
		const char *c = meta->lang;
		for (; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '-'))
				break;
		if (*c || !*meta->lang || strlen(meta->lang) > 35)
			return mc_error(MOTCUA_EINVALID, "%s: language tag \"%s\" is not a BCP 47 "
				"tag", path, meta->lang);
	}
	if ((error = srgb_profile(icc, path)) < 0)
		return error;
	quiet();
	try {
		w = new mc_pdfa_writer;
		w->path = path;
		if ((error = make_temp(w->tmp, path)) < 0)
			goto done;
		w->dev.reset(new PdfOutputDevice(w->tmp.path.c_str(), true));
		w->doc.reset(new streamed_document(w->dev.get(), ePdfVersion_1_7));
		begin_document(w, meta, icc);
	} catch (...) {
		error = write_failed(path);
	}
done:
	if (error < 0) {
		delete w;
		return error;
	}
	*out = w;
	return 0;
}

extern "C" int mc_pdfa_add_page(mc_pdfa_writer *w, const mc_pdfa_page *page)
{
	std::string content;
	int error, comps = 0;

	if (!w)
		return mc_error(MOTCUA_EINVALID, "mc_pdfa_add_page: no writer");
	const char *path = w->path.c_str();
	int page_no = w->pages + 1;
	if (w->broken)
		return mc_error(MOTCUA_ESTATE, "%s: an earlier page failed to write; the file "
			"cannot be completed", path);
	try {
		if ((error = prepare_page(content, comps, page, page_no, path)) < 0)
			return error;
	} catch (...) {
		return caught(path, "lay out the page");
	}
	/* from here on the file holds part of the page: a failure leaves it unfinishable */
	try {
		PdfVecObjects *objs = w->doc->GetObjects();
		PdfReference img = write_image(objs, page, comps);
		PdfReference cont = write_stream(objs, PdfDictionary(), flate(), content.data(),
			content.size());
		double wpt = page->width * 72.0 / page->dpi_x, hpt = page->height * 72.0 / page->dpi_y;
		PdfPage *pg = w->doc->CreatePage(PdfRect(0, 0, wpt, hpt));
		PdfDictionary &pd = pg->GetObject()->GetDictionary();
		PdfDictionary res, xobj;
		xobj.AddKey("Im0", img);
		res.AddKey("XObject", xobj);
		if (content.find("\nBT\n") != std::string::npos) {
			PdfDictionary fonts;
			fonts.AddKey("F0", w->font);
			res.AddKey("Font", fonts);
		}
		pd.AddKey("Resources", res);
		pd.AddKey("Contents", cont);
		if (page->rotate)
			pd.AddKey("Rotate", PdfVariant((pdf_int64)page->rotate));
	} catch (...) {
		w->broken = true;
		return write_failed(path);
	}
	if ((error = check_written(w)) < 0) {
		w->broken = true;
		return error;
	}
	w->pages++;
	return 0;
}

extern "C" int mc_pdfa_close(mc_pdfa_writer *w)
{
	int error = 0;
	struct stat st;

	if (!w)
		return mc_error(MOTCUA_EINVALID, "mc_pdfa_close: no writer");
	const char *path = w->path.c_str();
	if (w->broken) {
		error = mc_error(MOTCUA_ESTATE, "%s: an earlier page failed to write; nothing "
			"was written", path);
		goto done;
	}
	if (w->pages == 0) {
		error = mc_error(MOTCUA_EINVALID, "%s: a PDF needs at least one page", path);
		goto done;
	}
	try {
		w->doc->Close();
		w->dev->Flush();
		pdf_long end = w->dev->Tell();
		w->doc.reset();
		w->dev.reset();                   /* closes the file */
		if (stat(w->tmp.path.c_str(), &st) != 0 || st.st_size != (off_t)end) {
			error = mc_error(MOTCUA_ERROR, "%s: the PDF was not completely written (the "
				"disk is full or the file is too large)", path);
			goto done;
		}
	} catch (...) {
		error = write_failed(path);
		goto done;
	}
	error = sync_and_rename(w->tmp, path);
done:
	delete w;
	return error;
}

extern "C" void mc_pdfa_abort(mc_pdfa_writer *w)
{
	delete w;       /* the document first, then the temporary file (member order) */
}
