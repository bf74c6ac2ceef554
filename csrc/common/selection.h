/*
 * selection.h -- which eigenpairs a driver computes: all of them, an index
 * range, or a value interval (SciPy's subset_by_index / subset_by_value,
 * LAPACK's RANGE = 'A', 'I', 'V').
 */
#ifndef EK_SELECTION_H
#define EK_SELECTION_H
#include "common/tuning.h"

enum ek_selection_kind { EK_SELECT_ALL = 0, EK_SELECT_INDEX = 1, EK_SELECT_VALUE = 2 };

typedef struct ek_selection {
    int kind;       /* an ek_selection_kind */
    int il, iu;     /* EK_SELECT_INDEX: indices il..iu, 0-based, inclusive */
    double vl, vu;  /* EK_SELECT_VALUE: eigenvalues in (vl, vu] */
} ek_selection;

/* Whether m of n eigenpairs with vectors are better computed by solving
 * for all of them and keeping m (tridiagonal_eigen.c says why). */
static inline int ek_selection_prefers_full_solve(int n, int m)
{
    return EK_TUNE_SUBSET_FULL_SOLVE * (long)m > (long)n;
}

/* Columns of room the eigenvectors of the selection need for order n:
 * n for a value interval (its count is known only once T is formed) and
 * for a selection solved in full. */
static inline int ek_selection_capacity(const ek_selection *sel, int n)
{
    if (sel->kind != EK_SELECT_INDEX)
        return n;
    int m = sel->iu - sel->il + 1;
    return ek_selection_prefers_full_solve(n, m) ? n : m;
}

#endif
