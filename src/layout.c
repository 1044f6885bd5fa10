#include "layout.h"

#include <string.h>

#include "arena.h"

#define MM(x) ((x) * 72.0 / 25.4)

static const char *const face_files[FAMILY_COUNT][VARIANT_COUNT] = {
    [FAMILY_BODY] = {"AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf",
                     "AtkinsonHyperlegible-Italic.ttf", "AtkinsonHyperlegible-BoldItalic.ttf"},
    [FAMILY_HEADING] = {"AtkinsonHyperlegible-Bold.ttf", "AtkinsonHyperlegible-Bold.ttf",
                        "AtkinsonHyperlegible-BoldItalic.ttf", "AtkinsonHyperlegible-BoldItalic.ttf"},
    [FAMILY_CODE] = {"DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf",
                     "DejaVuSansMono-Bold.ttf"},
    [FAMILY_FALLBACK] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"},
};

static struct layout_style style(enum layout_family family, double size, double leading, bool bold,
                                 uint32_t color, double before, double after)
{
    return (struct layout_style){family, size, leading, bold, false, color, before, after};
}

void layout_default(struct layout *l, const char *fonts_dir, struct arena *a)
{
    memset(l, 0, sizeof *l);
    l->name = "a4";
    l->description = "A4 portrait, 12 pt body, 20 mm margins (the base of every layout file)";
    l->paper_w = MM(210);
    l->paper_h = MM(297);
    l->margin_top = l->margin_right = l->margin_bottom = l->margin_left = MM(20);
    l->columns = 1;
    l->gutter = MM(8);
    for (int f = 0; f < FAMILY_COUNT; f++)
        for (int v = 0; v < VARIANT_COUNT; v++)
            l->face_path[LAYOUT_FACE(f, v)] = arena_printf(a, "%s/%s", fonts_dir, face_files[f][v]);

    const uint32_t ink = 0x1A1A1A, head = 0x16365C, grey = 0x4A4A4A;
    l->style[EL_BODY] = style(FAMILY_BODY, 12, 1.4, false, ink, 0, 7);
    l->style[EL_H1] = style(FAMILY_HEADING, 20, 1.2, true, head, 16, 6);
    l->style[EL_H2] = style(FAMILY_HEADING, 16, 1.25, true, head, 14, 5);
    l->style[EL_H3] = style(FAMILY_HEADING, 14, 1.25, true, head, 12, 4);
    l->style[EL_H4] = style(FAMILY_HEADING, 13, 1.3, true, head, 10, 3);
    l->style[EL_H5] = style(FAMILY_HEADING, 12, 1.3, true, head, 8, 2);
    l->style[EL_H6] = style(FAMILY_HEADING, 12, 1.3, true, grey, 8, 2);
    l->style[EL_TITLE] = style(FAMILY_HEADING, 26, 1.15, true, head, 0, 6);
    l->style[EL_SUBTITLE] = style(FAMILY_BODY, 15, 1.3, false, grey, 0, 6);
    l->style[EL_META] = style(FAMILY_BODY, 10, 1.3, false, grey, 0, 14);
    l->style[EL_CODE] = style(FAMILY_CODE, 10.5, 1.35, false, ink, 0, 7);
    l->style[EL_TABLE] = style(FAMILY_BODY, 11, 1.3, false, ink, 0, 8);
    l->style[EL_TABLE_HEADER] = style(FAMILY_BODY, 11, 1.3, true, ink, 0, 0);
    l->style[EL_FOOTNOTE] = style(FAMILY_BODY, 10, 1.35, false, ink, 0, 3);
    l->style[EL_FOOTER] = style(FAMILY_BODY, 9, 1.2, false, grey, 0, 0);
    l->style[EL_ALERT_LABEL] = style(FAMILY_BODY, 12, 1.4, true, ink, 0, 3);
    l->list_indent = 18;
    l->block_indent = 12;
    l->paragraph_space = 7;
    l->link_color = 0x0B4F9C;
    l->rule_color = 0x9AA5B1;
    l->quote_bar_color = 0x9AA5B1;
    l->code_background = 0xF2F4F7;
    l->table_border_color = 0xB8C2CC;
    l->table_header_background = 0xE6ECF2;
    /* GitHub's alert palette, lightened for print. */
    static const uint32_t tint[ALERT_COUNT] = {0xE8F0FB, 0xE6F4EA, 0xF0EAFB, 0xFFF4DB, 0xFCE8E8};
    static const uint32_t accent[ALERT_COUNT] = {0x0969DA, 0x1A7F37, 0x8250DF, 0x9A6700, 0xCF222E};
    memcpy(l->alert_tint, tint, sizeof tint);
    memcpy(l->alert_accent, accent, sizeof accent);
    l->footer_left = "[{id}][  ·  Version {version}][  ·  Review by {review}]";
    l->footer_right = "Page {page} of {pages}";
    l->footer_gap = 22;
    l->show_title_block = true;
    l->widows = l->orphans = 2;
}

void layout_apply_large_print(struct layout *l)
{
    static const double sizes[EL_COUNT] = {
        [EL_BODY] = 18, [EL_H1] = 22, [EL_H2] = 20, [EL_H3] = 18, [EL_H4] = 18, [EL_H5] = 18,
        [EL_H6] = 18, [EL_TITLE] = 28, [EL_SUBTITLE] = 20, [EL_META] = 16, [EL_CODE] = 16,
        [EL_TABLE] = 16, [EL_TABLE_HEADER] = 16, [EL_FOOTNOTE] = 16, [EL_FOOTER] = 16,
        [EL_ALERT_LABEL] = 18,
    };
    for (int e = 0; e < EL_COUNT; e++) {
        struct layout_style *s = &l->style[e];
        if (s->size < sizes[e])
            s->size = sizes[e];
        if (s->leading < 1.5)
            s->leading = 1.5;
        if (s->italic) {
            s->italic = false;
            s->bold = true;
        }
        if (e >= EL_H1 && e <= EL_H6)
            s->bold = true;
        s->space_before *= 1.4;
        s->space_after *= 1.4;
    }
    l->paragraph_space *= 1.4;
    l->list_indent *= 1.4;
    l->block_indent *= 1.3;
    l->footer_gap = 30;
    l->columns = 1;
    l->hyphenate = false;
    l->large_print = true;
}

double layout_column_width(const struct layout *l)
{
    double w = l->paper_w - l->margin_left - l->margin_right;
    int n = l->columns > 0 ? l->columns : 1;
    return (w - (n - 1) * l->gutter) / n;
}
