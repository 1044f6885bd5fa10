/* Unit tests for breakrules: which spaces must not become line breaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakrules.h"

struct pair {
    const char *left, *right;
};

static bool keep(const char *l, const char *r)
{
    return breakrules_keep_space(l, strlen(l), r, strlen(r));
}

/* Reports the failing pair by name, not just a line number. */
static void expect(const struct pair *pairs, size_t count, bool want)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++)
        if (keep(pairs[i].left, pairs[i].right) != want) {
            print_error("expected %s for \"%s\" + \"%s\"\n", want ? "keep" : "break",
                        pairs[i].left, pairs[i].right);
            bad++;
        }
    assert_int_equal(bad, 0);
}

#define EXPECT(want, ...)                                                          \
    do {                                                                           \
        static const struct pair p_[] = { __VA_ARGS__ };                           \
        expect(p_, sizeof p_ / sizeof p_[0], (want));                              \
    } while (0)

static void test_number_unit(void **state)
{
    (void)state;
    EXPECT(true, { "30", "mg" }, { "2.5", "mL" }, { "2.5", "ml" }, { "1,000", "mg" },
           { "5\xE2\x80\x93" "10", "mg" } /* 5–10 */, { "\xE2\x89\xA5" "38", "\xC2\xB0" "C" } /* ≥38 °C */,
           { "38", "\xC2\xB0" "F" }, { "38", "\xC2\xB0" }, { "\xC2\xB0", "C" }, { "38\xC2\xB0", "C" },
           { "500", "\xC2\xB5g" } /* µg, micro sign */, { "500", "\xCE\xBCg" } /* μg, Greek mu */,
           { "5", "mcg" }, { "1", "g" }, { "70", "kg" }, { "2", "L" }, { "2", "l" }, { "4", "mmol" },
           { "5.5", "mmol/L" }, { "10", "IU" }, { "8", "units" }, { "1", "unit" }, { "100", "%" },
           { "120", "mmHg" }, { "120", "mm" }, { "mm", "Hg" }, { "180", "cm" }, { "2", "m" },
           { "5", "km" }, { "6", "ft" }, { "2", "in" }, { "2000", "kcal" }, { "4", "hours" },
           { "1", "hour" }, { "24", "hrs" }, { "1", "hr" }, { "24", "h" }, { "30", "minutes" },
           { "1", "minute" }, { "10", "mins" }, { "5", "min" }, { "30", "seconds" }, { "10", "s" },
           { "7", "days" }, { "1", "day" }, { "6", "weeks" }, { "1", "week" }, { "3", "months" },
           { "1", "month" }, { "65", "years" }, { "1", "year" }, { "2", "tablets" },
           { "1", "tablet" }, { "2", "capsules" }, { "1", "capsule" }, { "3", "drops" },
           { "2", "puffs" }, { "3", "times" }, { "9", "am" }, { "6", "pm" }, { "9", "a.m." },
           { "6", "p.m." }, { "9:30", "pm" }, { "5", "mg/kg" }, { "10", "mg/kg/day" },
           { "(30", "mg)" }, { "30", "mg," }, { "30", "mg." }, { "30", "mg;" }, { "\"30", "mg\"" },
           { "1\xC2\xBD", "tablets" } /* 1½ */, { "\xC2\xBD", "tablet" }, { "2", "x" },
           { "B12", "tablets" } /* harmless: it ends in a digit */);
    EXPECT(false, { "the", "mg" }, { "3", "people" }, { "30", "MG" }, { "30", "C" },
           { "30", "kgs" }, { "30", "mg/people" }, { "30", "mg/" }, { "30", "/mg" }, { "30", "/" },
           { "thirty", "mg" }, { "30mg", "twice" }, { "30,", "mg" } /* follows a clause */,
           { "30;", "mg" }, { "2.", "Tablets" } /* a sentence ends after 2 */, { "2.", "tablets" },
           { "4", "Hours" }, { "in", "2026" }, { "mm", "hg" }, { "of", "\xC2\xB0" "C" },
           { "30", "" }, { "", "mg" });
}

static void test_phone(void **state)
{
    (void)state;
    EXPECT(true, { "0161", "555" }, { "555", "0199" }, { "555", "0199." }, { "555", "0199," },
           { "+44", "161" }, { "161", "555" }, { "+44", "20" }, { "20", "7946" }, { "7946", "0958" },
           { "(0161)", "555" }, { "(0161", "555" }, { "0800", "123" }, { "123", "4567" },
           { "111", "222" }, { "+44", "(0)161" }, { "07700", "900123" }, { "(020)", "7946" },
           { "01", "234" } /* leading 0 */);
    EXPECT(false, { "3", "4" }, { "20", "30" }, { "12", "345" }, { "44", "161" },
           { "5", "0161" } /* one digit on the left */, { "0161", "5" },
           { "0199,", "0161" } /* a list of numbers */, { "0199.", "0161" }, { "1,000", "2,000" },
           { "0161-555", "abc" }, { "+", "161" }, { "()", "555" }, { "1+1", "234" });
}

static void test_dates(void **state)
{
    (void)state;
    EXPECT(true, { "3", "March" }, { "21st", "June" }, { "2nd", "Feb" }, { "3rd", "May" },
           { "4th", "July" }, { "31", "December" }, { "1", "Jan." }, { "March", "2026" },
           { "March", "2026." }, { "March", "3" }, { "March", "3," }, { "March", "21st" },
           { "Sept.", "3" }, { "Sep", "2026" }, { "Dec", "25" }, { "May", "5" },
           { "MARCH", "2026" }, { "Monday", "3rd" }, { "Mon", "3" }, { "Tues.", "4" },
           { "(3", "March)" }, { "\xE2\x80\x9C" "3", "March\xE2\x80\x9D" } /* “3 March” */);
    EXPECT(false, { "March", "is" }, { "may", "5" }, { "3", "march" }, { "32", "March" },
           { "0", "March" }, { "100", "March" }, { "3", "Marching" }, { "March.", "2026" },
           { "3.", "March" }, { "March", "123" }, { "March", "12345" }, { "March", "32" },
           { "March", "3x" }, { "Monday", "2026" }, { "Monday.", "3" }, { "March,", "2026" },
           { "Jane", "2026" });
}

static void test_titles(void **state)
{
    (void)state;
    EXPECT(true, { "Dr", "Smith" }, { "Dr.", "Patel" }, { "Mr", "Khan" }, { "Mr.", "Khan" },
           { "Mrs", "Jones" }, { "Ms", "O'Brien" }, { "Miss", "Lee" }, { "Mx", "Lee" },
           { "Prof", "Lee" }, { "Prof.", "Lee" }, { "Sir", "Ian" }, { "Dame", "Judi" },
           { "Sister", "Ann" }, { "Nurse", "Ali" }, { "Dr", "\xC3\x89mile" } /* Émile */,
           { "Dr", "\xC5\x81ukasz" } /* Łukasz */, { "(Dr", "Smith)" },
           { "\xE2\x80\x9C" "Dr", "Smith\xE2\x80\x9D" });
    EXPECT(false, { "Dr", "who" }, { "dr", "Smith" }, { "Dr,", "Smith" }, { "Dr:", "Smith" },
           { "Miss.", "Lee" } /* not an abbreviation: a sentence ended */, { "Dr", "3" },
           { "Dr", "\xC3\xA9mile" } /* émile */, { "Dr", "\xC3\x97" } /* × */, { "Drs", "Smith" },
           { "The", "Smith" }, { "Dr", "(" }, { "Dr", "\xC5\x82ukasz" } /* łukasz */);
}

static void test_labels(void **state)
{
    (void)state;
    EXPECT(true, { "No.", "3" }, { "No", "3" }, { "no.", "3" }, { "page", "3" }, { "Page", "12" },
           { "p.", "3" }, { "pp.", "3\xE2\x80\x93" "5" }, { "\xC2\xA7", "3" } /* § */,
           { "Ward", "7" }, { "Table", "2" }, { "Fig.", "1" }, { "Step", "4" }, { "Room", "12a" });
    EXPECT(false, { "page", "three" }, { "no", "3" }, { "page.", "3" }, { "Ward", "B" },
           { "page,", "3" }, { "Pages", "" });
}

/* Only the given bytes are read: no NUL needed, prefixes work. */
static void test_lengths_respected(void **state)
{
    (void)state;
    assert_true(breakrules_keep_space("30mg", 2, "mg", 2));
    assert_false(breakrules_keep_space("30", 0, "mg", 2));
    assert_false(breakrules_keep_space(NULL, 0, NULL, 0));
    assert_false(breakrules_keep_space("30", 2, NULL, 0));
    assert_true(breakrules_keep_space("Dr. Who", 3, "Smithers", 5));

    /* Exact-size heap copies let the sanitizer catch any over-read. */
    const char *words[] = { "(", ")", ".", "\xE2\x80", "\xE2\x80\x9C", "\xC2", "\xC3\xA9",
                            "\xC5", "30", "mg", "Dr.", "0161", "+", "\xC2\xB0", "March" };
    int nw = (int)(sizeof words / sizeof words[0]);
    for (int i = 0; i < nw; i++)
        for (int j = 0; j < nw; j++) {
            size_t li = strlen(words[i]), lj = strlen(words[j]);
            char *a = malloc(li ? li : 1), *b = malloc(lj ? lj : 1);
            assert_non_null(a);
            assert_non_null(b);
            memcpy(a, words[i], li);
            memcpy(b, words[j], lj);
            bool got = breakrules_keep_space(a, li, b, lj);
            assert_true(got == keep(words[i], words[j]));
            free(a);
            free(b);
        }
}

/* Random bytes, exact-size buffers: must never crash or read past the end. */
static void test_random_bytes(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789+()., ;:\"'/%aAmgLDrMh\xC2\xB0\xB5\xE2\x80\x9C\x9D\xC3\x89\xCE\xBC\xC5\x81";
    uint32_t s = 2026;
    int kept = 0;
    for (int t = 0; t < 200000; t++) {
        char *w[2];
        size_t len[2];
        for (int k = 0; k < 2; k++) {
            s ^= s << 13, s ^= s >> 17, s ^= s << 5;
            len[k] = s % 8;
            w[k] = malloc(len[k] ? len[k] : 1);
            assert_non_null(w[k]);
            for (size_t i = 0; i < len[k]; i++) {
                s ^= s << 13, s ^= s >> 17, s ^= s << 5;
                w[k][i] = alphabet[s % (sizeof alphabet - 1)];
            }
        }
        kept += breakrules_keep_space(w[0], len[0], w[1], len[1]);
        free(w[0]);
        free(w[1]);
    }
    assert_true(kept > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_unit),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_titles),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_lengths_respected),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
