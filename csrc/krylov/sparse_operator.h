/*
 * sparse_operator.h -- a compressed sparse matrix (CSR or CSC, SciPy's
 * arrays as they are) as the operator of a Krylov solver: Y = OP X for
 * blocks X of a few columns, computed here so that a solve on a sparse
 * matrix runs without returning to Python for every product.  OP is A
 * (eigsh on a square A), or A^H A or A A^H (svds on any A).
 *
 * Storage.  `ptr` has nmajor + 1 offsets into `idx` (int32 or int64, as
 * SciPy chooses) and `val`.  Major line i (a row of CSR, a column of CSC)
 * holds the entries val[ptr[i]:ptr[i+1]] at the minor positions
 * idx[ptr[i]:ptr[i+1]].  Duplicate and unsorted indices are summed in any
 * order, as SciPy's own products do.
 *
 * Products.  A x and A^H x are each a gather or a scatter over the major
 * lines: for CSR, A x gathers (y_i = sum_p a_p x_{idx p} along row i) and
 * A^H x scatters (x_i conj(a_p) added to y_{idx p}); for CSC the other way
 * round.  A gather shares its major lines among threads (ranges of equal
 * entry counts, no write conflicts); a scatter shares the columns of the
 * block instead.  The columns of X are taken four at a time, so a block
 * of b columns reads A ceil(b/4) times and X once.
 */
#ifndef EK_SPARSE_OPERATOR_H
#define EK_SPARSE_OPERATOR_H
#include <stddef.h>
#include <stdint.h>

/* The compressed arrays. */
typedef struct ek_compressed {
    int nmajor;       /* rows of CSR, columns of CSC */
    int nminor;       /* the other dimension */
    int wide_index;   /* ptr and idx are int64 (0: int32) */
    const void *ptr;  /* nmajor + 1 offsets */
    const void *idx;  /* minor indices */
    const void *val;  /* entries, of the precision the product is called for */
} ek_compressed;

enum ek_sparse_form { EK_SPARSE_CSR = 0, EK_SPARSE_CSC = 1 };
enum ek_sparse_op { EK_SPARSE_A = 0, EK_SPARSE_AHA = 1, EK_SPARSE_AAH = 2 };

typedef struct ek_sparse_operator {
    ek_compressed a;
    int form;         /* an ek_sparse_form */
    int op;           /* an ek_sparse_op: OP = A (square A), A^H A or A A^H */
    int nthreads;     /* eigkit threads for a product, >= 1 */
    void *scratch;    /* A^H A, A A^H: room for the inner product's block, */
    int scratch_cols; /* max(rows, columns) x scratch_cols scalars */
} ek_sparse_operator;

/* Reasons ek_sparse_structure_check refuses a matrix. */
enum ek_sparse_defect {
    EK_SPARSE_OK = 0,
    EK_SPARSE_BAD_START = -1,    /* ptr[0] != 0 */
    EK_SPARSE_DECREASING = -2,   /* ptr decreases somewhere */
    EK_SPARSE_TOO_SHORT = -3,    /* ptr[nmajor] exceeds the length of idx or val */
    EK_SPARSE_OUT_OF_RANGE = -4  /* an index outside [0, nminor) */
};

/* Whether the products may read a's arrays: nidx and nval are the lengths
 * of idx and val.  One pass over ptr and the indices in use. */
int ek_sparse_structure_check(const ek_compressed *a, int64_t nidx, int64_t nval);

/* The connected components of the graph of a square, checked matrix (edge
 * i - j for each stored entry): labels[i] in [0, count), numbered in order
 * of their smallest vertex; returns count.  work: nmajor ints.
 * graph_components.c. */
int ek_graph_components(const ek_compressed *a, int *labels, int *work);

#define EK_DECLARE_SPARSE_OPERATOR(p, scalar)                                            \
    /* Y (ld ldy) = OP X (ld ldx), ncols columns. */                                      \
    void ek_##p##_sparse_operator_apply(const ek_sparse_operator *op, int ncols,          \
                                        const scalar *x, int ldx, scalar *y, int ldy);

#include "common/blas.h"
EK_DECLARE_SPARSE_OPERATOR(s, float)
EK_DECLARE_SPARSE_OPERATOR(d, double)
EK_DECLARE_SPARSE_OPERATOR(c, ek_c)
EK_DECLARE_SPARSE_OPERATOR(z, ek_z)
#undef EK_DECLARE_SPARSE_OPERATOR

#endif
