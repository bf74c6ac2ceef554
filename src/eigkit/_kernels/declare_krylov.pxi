# Declarations of the kernels in csrc/krylov/ (see the headers for the contracts).

cdef extern from "krylov/lanczos.h" nogil:
    ctypedef struct ek_lanczos_params:
        int n, k, ncv, which, block, max_block, maxiter, generalized, have_v0, nthreads
        int ncv_start, ncv_soft
        double tol
        int value_relative
        uint64_t seed
    ctypedef struct ek_lanczos_state:
        ek_lanczos_params par
        int ncols, ld
        void *x
        void *y
        void *by
        int iter, nmatvec, nlock, nrep, b, ncv_cur
        double anorm
        void *rep_values
        void *rep_res
    int EK_LZ_CONVERGED, EK_LZ_APPLY_OP, EK_LZ_APPLY_B, EK_LZ_PROGRESS, EK_LZ_NOT_CONVERGED
    int EK_LZ_ERR_ARG, EK_LZ_ERR_WORKSPACE, EK_LZ_ERR_NONFINITE, EK_LZ_ERR_DENSE, EK_LZ_ERR_BREAKDOWN
    size_t ek_s_lanczos_workspace(const ek_lanczos_params *par)
    size_t ek_d_lanczos_workspace(const ek_lanczos_params *par)
    size_t ek_c_lanczos_workspace(const ek_lanczos_params *par)
    size_t ek_z_lanczos_workspace(const ek_lanczos_params *par)
    int ek_s_lanczos_init(ek_lanczos_state *st, const ek_lanczos_params *par, void *work, size_t nbytes,
                          const float *v0)
    int ek_d_lanczos_init(ek_lanczos_state *st, const ek_lanczos_params *par, void *work, size_t nbytes,
                          const double *v0)
    int ek_c_lanczos_init(ek_lanczos_state *st, const ek_lanczos_params *par, void *work, size_t nbytes,
                          const float complex *v0)
    int ek_z_lanczos_init(ek_lanczos_state *st, const ek_lanczos_params *par, void *work, size_t nbytes,
                          const double complex *v0)
    int ek_s_lanczos_step(ek_lanczos_state *st)
    int ek_d_lanczos_step(ek_lanczos_state *st)
    int ek_c_lanczos_step(ek_lanczos_state *st)
    int ek_z_lanczos_step(ek_lanczos_state *st)
    int ek_s_lanczos_extract(const ek_lanczos_state *st, float *w, float *res, float *z, int ldz)
    int ek_d_lanczos_extract(const ek_lanczos_state *st, double *w, double *res, double *z, int ldz)
    int ek_c_lanczos_extract(const ek_lanczos_state *st, float *w, float *res, float complex *z, int ldz)
    int ek_z_lanczos_extract(const ek_lanczos_state *st, double *w, double *res, double complex *z, int ldz)

cdef extern from "krylov/sparse_operator.h" nogil:
    ctypedef struct ek_compressed:
        int nmajor, nminor, wide_index
        const void *ptr
        const void *idx
        const void *val
    ctypedef struct ek_sparse_operator:
        ek_compressed a
        int form, op, nthreads
        void *scratch
        int scratch_cols
    int ek_sparse_structure_check(const ek_compressed *a, int64_t nidx, int64_t nval)
    int ek_graph_components(const ek_compressed *a, int *labels, int *work)
    void ek_s_sparse_operator_apply(const ek_sparse_operator *op, int ncols, const float *x,
                                    int ldx, float *y, int ldy)
    void ek_d_sparse_operator_apply(const ek_sparse_operator *op, int ncols, const double *x,
                                    int ldx, double *y, int ldy)
    void ek_c_sparse_operator_apply(const ek_sparse_operator *op, int ncols,
                                    const float complex *x, int ldx, float complex *y, int ldy)
    void ek_z_sparse_operator_apply(const ek_sparse_operator *op, int ncols,
                                    const double complex *x, int ldx, double complex *y, int ldy)

cdef extern from "krylov/dense_operator.h" nogil:
    ctypedef struct ek_dense_operator:
        int n
        int lda
        const void *a
    float ek_s_hermitian_fill(int n, float *a, int lda, char uplo)
    double ek_d_hermitian_fill(int n, double *a, int lda, char uplo)
    float ek_c_hermitian_fill(int n, float complex *a, int lda, char uplo)
    double ek_z_hermitian_fill(int n, double complex *a, int lda, char uplo)

cdef extern from "krylov/dense_krylov.h" nogil:
    ctypedef struct ek_dense_krylov_params:
        int k, largest, block, ncv, nthreads
        double budget, ratio_limit
        uint64_t seed
    ctypedef struct ek_dense_krylov_info:
        int status, matvecs, cycles
        double predicted, residual_ratio, orthogonality_ratio, anorm
    int EK_DK_CERTIFIED, EK_DK_OVER_BUDGET, EK_DK_NOT_CERTIFIED, EK_DK_FAILED
    size_t ek_s_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_d_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_c_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_z_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    int ek_s_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, float *w,
                          float *z, int ldz, void *work, size_t nbytes, ek_dense_krylov_info *info)
    int ek_d_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, double *w,
                          double *z, int ldz, void *work, size_t nbytes, ek_dense_krylov_info *info)
    int ek_c_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, float *w,
                          float complex *z, int ldz, void *work, size_t nbytes,
                          ek_dense_krylov_info *info)
    int ek_z_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, double *w,
                          double complex *z, int ldz, void *work, size_t nbytes,
                          ek_dense_krylov_info *info)

cdef extern from "krylov/gauss_seidel.h" nogil:
    void ek_s_gauss_seidel_sweep(const ek_compressed *a, int backward, int zero_start, int ncols,
                                 float *x, int ldx, const float *b, int ldb, int nthreads)
    void ek_d_gauss_seidel_sweep(const ek_compressed *a, int backward, int zero_start, int ncols,
                                 double *x, int ldx, const double *b, int ldb, int nthreads)
    void ek_c_gauss_seidel_sweep(const ek_compressed *a, int backward, int zero_start, int ncols,
                                 float complex *x, int ldx, const float complex *b, int ldb,
                                 int nthreads)
    void ek_z_gauss_seidel_sweep(const ek_compressed *a, int backward, int zero_start, int ncols,
                                 double complex *x, int ldx, const double complex *b, int ldb,
                                 int nthreads)
