/*
 * sparse_operator.h -- a compressed sparse matrix (CSR or CSC, SciPy's
 * arrays as they are) as the operator of a Krylov solver: Y = A X for
 * blocks X of a few columns, computed here so that a solve on a sparse
 * matrix runs without returning to Python for every product.
 *
 * Storage.  `ptr` has n + 1 offsets into `idx` (int32 or int64, as SciPy
 * chooses) and `val`.  By rows (CSR), row i holds the entries
 * val[ptr[i]:ptr[i+1]] in the columns idx[ptr[i]:ptr[i+1]]; by columns
 * (CSC) the same with rows and columns exchanged.  Duplicate and unsorted
 * indices are summed in any order, as SciPy's own products do.
 *
 * Products.  By rows, every row of Y is a sum of rows of X, gathered: the
 * rows are shared among threads (in ranges of equal entry counts) with no
 * write conflicts.  By columns, every column of A is scattered into Y; the
 * threads then share the columns of the block instead.  The columns of X
 * are taken four at a time, so a block of b columns reads A ceil(b/4)
 * times and X once.
 */
#ifndef EK_SPARSE_OPERATOR_H
#define EK_SPARSE_OPERATOR_H
#include <stddef.h>
#include <stdint.h>

typedef struct ek_sparse_operator {
    int n;            /* A is n x n */
    int by_rows;      /* 1: CSR, 0: CSC */
    int wide_index;   /* ptr and idx are int64 (0: int32) */
    int nthreads;     /* eigkit threads for a product, >= 1 */
    const void *ptr;  /* n + 1 offsets */
    const void *idx;  /* indices */
    const void *val;  /* entries, of the precision the product is called for */
} ek_sparse_operator;

/* Reasons ek_sparse_structure_check refuses a matrix. */
enum ek_sparse_defect {
    EK_SPARSE_OK = 0,
    EK_SPARSE_BAD_START = -1,    /* ptr[0] != 0 */
    EK_SPARSE_DECREASING = -2,   /* ptr decreases somewhere */
    EK_SPARSE_TOO_SHORT = -3,    /* ptr[n] exceeds the length of idx or val */
    EK_SPARSE_OUT_OF_RANGE = -4  /* an index outside [0, n) */
};

/* Whether the products may read op's arrays: nidx and nval are the lengths
 * of idx and val.  One pass over ptr and the indices in use. */
int ek_sparse_structure_check(const ek_sparse_operator *op, int64_t nidx, int64_t nval);

#define EK_DECLARE_SPARSE_OPERATOR(p, scalar)                                            \
    /* Y (n x ncols, ld ldy) = A X (ld ldx). */                                           \
    void ek_##p##_sparse_operator_apply(const ek_sparse_operator *op, int ncols,          \
                                        const scalar *x, int ldx, scalar *y, int ldy);

#include "blas.h"
EK_DECLARE_SPARSE_OPERATOR(s, float)
EK_DECLARE_SPARSE_OPERATOR(d, double)
EK_DECLARE_SPARSE_OPERATOR(c, ek_c)
EK_DECLARE_SPARSE_OPERATOR(z, ek_z)
#undef EK_DECLARE_SPARSE_OPERATOR

#endif
