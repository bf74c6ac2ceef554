/*
 * sparse_structure.c -- the check that lets the sparse products
 * (sparse_operator.c) read a compressed matrix without bounds tests in
 * their inner loops.  SciPy does not guarantee a well-formed structure (an
 * array built with check=False, or edited in place, can hold anything), so
 * the offsets and every index in use are checked once per solve, as
 * scipy.sparse's check_format(full_check=True) would.
 */
#include "krylov/sparse_operator.h"

#define CHECK_STRUCTURE(itype)                                                          \
    static int check_##itype(int nmajor, int nminor, const itype *ptr, const itype *idx, \
                             int64_t nidx, int64_t nval)                                 \
    {                                                                                    \
        if (ptr[0] != 0)                                                                 \
            return EK_SPARSE_BAD_START;                                                  \
        for (int i = 0; i < nmajor; i++)                                                 \
            if (ptr[i + 1] < ptr[i])                                                     \
                return EK_SPARSE_DECREASING;                                             \
        if ((int64_t)ptr[nmajor] > nidx || (int64_t)ptr[nmajor] > nval)                  \
            return EK_SPARSE_TOO_SHORT;                                                  \
        int bad = 0;                                                                     \
        for (int64_t p = 0; p < (int64_t)ptr[nmajor]; p++)                               \
            bad |= idx[p] < 0 || idx[p] >= nminor;                                       \
        return bad ? EK_SPARSE_OUT_OF_RANGE : EK_SPARSE_OK;                              \
    }

CHECK_STRUCTURE(int32_t)
CHECK_STRUCTURE(int64_t)

int ek_sparse_structure_check(const ek_compressed *a, int64_t nidx, int64_t nval)
{
    if (a->wide_index)
        return check_int64_t(a->nmajor, a->nminor, a->ptr, a->idx, nidx, nval);
    return check_int32_t(a->nmajor, a->nminor, a->ptr, a->idx, nidx, nval);
}
