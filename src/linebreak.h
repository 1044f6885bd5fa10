/* linebreak: choose where the lines of a paragraph end. A pure algorithm on
 * boxes, glue and penalties (Knuth & Plass's model); it knows nothing of
 * fonts or Markdown. */
#ifndef HANDOUT_LINEBREAK_H
#define HANDOUT_LINEBREAK_H
#include <stdbool.h>

#define LINEBREAK_INF 10000 /* penalty >= this: never break; <= -this: must */
/* Penalty of a last-resort break (inside a word too long for the line).
 * Greedy takes one only when no cheaper break fits on the line; to total
 * fit it costs as much as a line 77 % empty. */
#define LINEBREAK_LAST_RESORT 6000

enum lb_kind { LB_BOX, LB_GLUE, LB_PENALTY };

struct lb_item {
    enum lb_kind kind;
    double width;   /* BOX: its width. GLUE: the space, dropped at a break.
                       PENALTY: width added to the line if it breaks here
                       (a hyphen), else not drawn */
    int penalty;    /* PENALTY only: the cost of breaking here */
    bool flagged;   /* PENALTY only: a hyphenation break */
};

enum linebreak_mode {
    LINEBREAK_OPTIMAL, /* total fit: even ragged-right lines for the whole paragraph */
    LINEBREAK_GREEDY,  /* first fit: fill each line as far as it goes */
};

/* Finds the line ends of items[0..n). A break may be taken at a GLUE that
 * follows a BOX, or at a PENALTY < LINEBREAK_INF. Writes to breaks[] the index
 * of the item at which each line ends (the last line ends at n) and returns
 * the number of lines (>= 1 when n > 0; 0 when n == 0), or -1 when out of
 * memory. breaks[] must hold n + 1 entries. Always succeeds: a box wider than
 * `width` gets a line of its own (overfull). */
int linebreak(const struct lb_item *items, int n, double width,
              enum linebreak_mode mode, int *breaks);

#endif
