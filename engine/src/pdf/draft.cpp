/* pdf/draft.cpp — the first page of an outgoing document as Decree 30/2020 lays it out
 * (Appendix I): the agency and "Số:" on the left, the national motto and "place, date" on the
 * right, the kind and title, the body, the signer's block. The places the issuing steps fill
 * later are empty signature fields: the drafter's initials (ký nháy) after the last line, the
 * leader's signature between title and name, the number and symbol after "Số:" and the issue
 * date after the place. Filling them is an allowed later revision, so every earlier signature
 * stays intact while the document office writes the number and date onto page 1. */
#include <podofo/podofo.h>

#include <cstring>
#include <unistd.h>
#include <string>

extern "C" {
#include "core/error.h"
}
#include "pdf/bridge.h"
#include "pdf/pdf.h"

using namespace PoDoFo;
using namespace mc_pdf_bridge;

namespace {

const double PAGE_W = 595.0, PAGE_H = 842.0;           /* A4 */
const double LEFT = 85.0, RIGHT = 57.0, TOP = 57.0;    /* 30 mm, 20 mm, 20 mm */
const double HEADER_SPLIT = 0.42;                      /* the left column's share */
const double BODY_PT = 13.0, HEADER_PT = 12.0, LEADING = 1.35;

PdfString text(const char *utf8)
{
	return PdfString(reinterpret_cast<const pdf_utf8 *>(utf8 ? utf8 : ""));
}

PdfFont *font(PdfMemDocument &doc, const char *file, const char *name)
{
	PdfIdentityEncoding *enc = new PdfIdentityEncoding(0, 0xffff, true);
	PdfFont *f = doc.CreateFontSubset(name, false, false, false, enc, file);
	if (!f)
		delete enc;
	return f;
}

/* An empty signature field: the template's place for a signature made later. */
void empty_field(PdfMemDocument &doc, PdfPage *page, const char *name, double x, double y,
	double w, double h)
{
	PdfSignatureField field(page, PdfRect(x, y, w, h), &doc);
	field.SetFieldName(text(name));
	field.GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print);
	/* PoDoFo gives a new field a signature value at once: an empty field has none */
	field.GetFieldObject()->GetDictionary().RemoveKey("V");
}

void centred(PdfPainter &p, PdfFont *f, double size, double x, double w, double y,
	const char *s)
{
	f->SetFontSize((float)size);
	p.SetFont(f);
	p.DrawTextAligned(x, y, w, text(s), ePdfAlignment_Center);
}

int write_decision(const char *path, const mc_pdf_decision *d)
{
	PdfMemDocument doc;
	temp_file tmp;
	const char *regular = d->font_file, *bold = d->bold_font_file ? d->bold_font_file :
		d->font_file;
	int error;

	if (!regular || access(regular, R_OK) != 0 || access(bold, R_OK) != 0)
		return mc_error(MOTCUA_EINVALID, "%s: the draft needs a readable font (%s)", path,
			regular ? regular : "none given");
	if (d->n_body > MC_PDF_DECISION_MAX_LINES)
		return mc_error(MOTCUA_EINVALID, "%s: at most %d body lines on the first page", path,
			MC_PDF_DECISION_MAX_LINES);
	PdfFont *r = font(doc, regular, "LiberationSerif");
	PdfFont *b = font(doc, bold, "LiberationSerif-Bold");
	if (!r || !b)
		return mc_error(MOTCUA_EINVALID, "%s: font %s cannot be loaded", path, regular);
	PdfPage *page = doc.CreatePage(PdfRect(0, 0, PAGE_W, PAGE_H));
	double col_l = (PAGE_W - LEFT - RIGHT) * HEADER_SPLIT, col_r_x = LEFT + col_l;
	double col_r = PAGE_W - RIGHT - col_r_x, y = PAGE_H - TOP - HEADER_PT;
	double body_w = PAGE_W - LEFT - RIGHT, line = BODY_PT * LEADING;
	PdfPainter p;
	p.SetPage(page);
	try {
		/* the header's two columns */
		centred(p, r, HEADER_PT, LEFT, col_l, y, d->agency_parent);
		centred(p, b, HEADER_PT, col_r_x, col_r, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
		y -= HEADER_PT * LEADING;
		centred(p, b, HEADER_PT, LEFT, col_l, y, d->agency);
		centred(p, b, BODY_PT, col_r_x, col_r, y, "Độc lập - Tự do - Hạnh phúc");
		y -= 2 * HEADER_PT * LEADING;
		/* "Số:" then the number's place; "<place>," then the date's place */
		r->SetFontSize((float)BODY_PT);
		p.SetFont(r);
		double so_x = LEFT + 20;
		p.DrawText(so_x, y, text("Số:"));
		double so_w = r->GetFontMetrics()->StringWidth(text("Số: "));
		empty_field(doc, page, MC_PDF_FIELD_NUMBER, so_x + so_w, y - 6, col_l - so_w - 20,
			BODY_PT + 6);
		std::string place = std::string(d->place ? d->place : "") + ",";
		double place_w = r->GetFontMetrics()->StringWidth(text((place + " ").c_str()));
		double date_w = 175.0, date_x = col_r_x + (col_r - place_w - date_w) / 2;
		p.DrawText(date_x, y, text(place.c_str()));
		empty_field(doc, page, MC_PDF_FIELD_DATE, date_x + place_w, y - 6, date_w,
			BODY_PT + 6);
		y -= 3 * line;
		/* kind, title, body */
		centred(p, b, BODY_PT + 1, LEFT, body_w, y, d->kind);
		y -= line;
		centred(p, b, BODY_PT, LEFT, body_w, y, d->title);
		y -= 2 * line;
		r->SetFontSize((float)BODY_PT);
		p.SetFont(r);
		for (size_t i = 0; i < d->n_body; i++, y -= line)
			p.DrawText(LEFT, y, text(d->body[i]));
		/* the drafter's initials go just after the text's last line */
		empty_field(doc, page, MC_PDF_FIELD_INITIALS, PAGE_W - RIGHT - 40, y + line - 4, 36,
			BODY_PT + 4);
		y -= line;
		/* the signer's block: title lines, the signature's place, the name */
		for (size_t i = 0; i < 2 && d->signer_title[i]; i++, y -= BODY_PT * LEADING)
			centred(p, b, BODY_PT, col_r_x, col_r, y, d->signer_title[i]);
		double sig_h = 72.0;
		empty_field(doc, page, MC_PDF_FIELD_LEADER, col_r_x + col_r / 2 - 75,
			y - sig_h + BODY_PT, 150, sig_h);
		y -= sig_h + BODY_PT;
		centred(p, b, BODY_PT, col_r_x, col_r, y, d->signer_name);
		p.FinishPage();
	} catch (...) {
		try {
			p.FinishPage();      /* frees the content stream's encoder */
		} catch (...) {
		}
		throw;
	}
	if ((error = make_temp(tmp, path)) < 0)
		return error;
	try {
		doc.Write(tmp.path.c_str());
	} catch (const PdfError &e) {
		return write_error(path, e);
	}
	return sync_and_rename(tmp, path);
}

} /* namespace */

extern "C" int mc_pdf_write_decision(const char *path, const mc_pdf_decision *d)
{
	try {
		return write_decision(path, d);
	} catch (...) {
		return caught(path ? path : "(null)", "write the draft");
	}
}
