/*
 * selection.h -- which eigenpairs a driver computes: all of them, an index
 * range, or a value interval (SciPy's subset_by_index / subset_by_value,
 * LAPACK's RANGE = 'A', 'I', 'V').
 */
#ifndef EK_SELECTION_H
#define EK_SELECTION_H

enum ek_selection_kind { EK_SELECT_ALL = 0, EK_SELECT_INDEX = 1, EK_SELECT_VALUE = 2 };

typedef struct ek_selection {
    int kind;       /* an ek_selection_kind */
    int il, iu;     /* EK_SELECT_INDEX: indices il..iu, 0-based, inclusive */
    double vl, vu;  /* EK_SELECT_VALUE: eigenvalues in (vl, vu] */
} ek_selection;

/* Largest number of eigenpairs the selection can yield for order n. */
static inline int ek_selection_capacity(const ek_selection *sel, int n)
{
    return sel->kind == EK_SELECT_INDEX ? sel->iu - sel->il + 1 : n;
}

#endif
