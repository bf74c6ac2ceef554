# Declarations of the kernels in csrc/dense/ (see the headers for the contracts).

cdef extern from "dense/symmetric_eigen.h" nogil:
    size_t ek_s_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_d_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_c_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_z_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    int ek_s_symmetric_eigen(int n, float *a, int lda, int want_vectors, const ek_selection *sel,
                             float *w, int *m, float *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_d_symmetric_eigen(int n, double *a, int lda, int want_vectors, const ek_selection *sel,
                             double *w, int *m, double *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_c_symmetric_eigen(int n, float complex *a, int lda, int want_vectors, const ek_selection *sel,
                             float *w, int *m, float complex *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_z_symmetric_eigen(int n, double complex *a, int lda, int want_vectors, const ek_selection *sel,
                             double *w, int *m, double complex *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_s_generalized_reduce(int itype, int n, float *a, int lda, float *b, int ldb)
    int ek_d_generalized_reduce(int itype, int n, double *a, int lda, double *b, int ldb)
    int ek_c_generalized_reduce(int itype, int n, float complex *a, int lda, float complex *b, int ldb)
    int ek_z_generalized_reduce(int itype, int n, double complex *a, int lda, double complex *b, int ldb)
    void ek_s_generalized_recover(int itype, int n, int m, const float *b, int ldb, float *z, int ldz)
    void ek_d_generalized_recover(int itype, int n, int m, const double *b, int ldb, double *z, int ldz)
    void ek_c_generalized_recover(int itype, int n, int m, const float complex *b, int ldb,
                                  float complex *z, int ldz)
    void ek_z_generalized_recover(int itype, int n, int m, const double complex *b, int ldb,
                                  double complex *z, int ldz)

cdef extern from "common/tuning.h":
    int EK_TUNE_TWO_STAGE_BAND

cdef extern from "dense/symmetric_eigen.h" nogil:
    size_t ek_s_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_d_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_c_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_z_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    int ek_s_symmetric_eigvals_two_stage(int n, float *a, int lda, int nb, const ek_selection *sel,
                                         float *w, int *m, void *work, size_t nbytes, int nthreads)
    int ek_d_symmetric_eigvals_two_stage(int n, double *a, int lda, int nb, const ek_selection *sel,
                                         double *w, int *m, void *work, size_t nbytes, int nthreads)
    int ek_c_symmetric_eigvals_two_stage(int n, float complex *a, int lda, int nb,
                                         const ek_selection *sel, float *w, int *m, void *work,
                                         size_t nbytes, int nthreads)
    int ek_z_symmetric_eigvals_two_stage(int n, double complex *a, int lda, int nb,
                                         const ek_selection *sel, double *w, int *m, void *work,
                                         size_t nbytes, int nthreads)

cdef extern from "dense/band_reduction.h" nogil:
    size_t ek_s_band_reduce_workspace(int n, int nb)
    size_t ek_d_band_reduce_workspace(int n, int nb)
    size_t ek_c_band_reduce_workspace(int n, int nb)
    size_t ek_z_band_reduce_workspace(int n, int nb)
    int ek_s_band_reduce(int n, int nb, float *a, int lda, float *work, size_t lwork)
    int ek_d_band_reduce(int n, int nb, double *a, int lda, double *work, size_t lwork)
    int ek_c_band_reduce(int n, int nb, float complex *a, int lda, float complex *work, size_t lwork)
    int ek_z_band_reduce(int n, int nb, double complex *a, int lda, double complex *work, size_t lwork)

cdef extern from "dense/bulge_chasing.h" nogil:
    int ek_s_band_storage_rows(int n, int b)
    size_t ek_s_band_to_tridiagonal_workspace(int n, int b, int nthreads)
    int ek_s_band_pack(int n, int b, const float *a, int lda, float *ab, int ldab)
    int ek_d_band_pack(int n, int b, const double *a, int lda, double *ab, int ldab)
    int ek_c_band_pack(int n, int b, const float complex *a, int lda, float complex *ab, int ldab)
    int ek_z_band_pack(int n, int b, const double complex *a, int lda, double complex *ab, int ldab)
    int ek_s_band_to_tridiagonal(int n, int b, float *ab, int ldab, float *d, float *e,
                                 float *work, size_t lwork, int nthreads)
    int ek_d_band_to_tridiagonal(int n, int b, double *ab, int ldab, double *d, double *e,
                                 double *work, size_t lwork, int nthreads)
    int ek_c_band_to_tridiagonal(int n, int b, float complex *ab, int ldab, float *d, float *e,
                                 float complex *work, size_t lwork, int nthreads)
    int ek_z_band_to_tridiagonal(int n, int b, double complex *ab, int ldab, double *d, double *e,
                                 double complex *work, size_t lwork, int nthreads)

cdef extern from "dense/tridiagonalize.h" nogil:
    size_t ek_s_tridiagonalize_workspace(int n)
    size_t ek_d_tridiagonalize_workspace(int n)
    size_t ek_c_tridiagonalize_workspace(int n)
    size_t ek_z_tridiagonalize_workspace(int n)
    int ek_s_tridiagonalize(int n, float *a, int lda, float *d, float *e, float *tau, float *work, size_t lwork)
    int ek_d_tridiagonalize(int n, double *a, int lda, double *d, double *e, double *tau, double *work, size_t lwork)
    int ek_c_tridiagonalize(int n, float complex *a, int lda, float *d, float *e, float complex *tau,
                            float complex *work, size_t lwork)
    int ek_z_tridiagonalize(int n, double complex *a, int lda, double *d, double *e, double complex *tau,
                            double complex *work, size_t lwork)

cdef extern from "dense/back_transform.h" nogil:
    size_t ek_s_apply_reflectors_workspace(int n, int m)
    size_t ek_d_apply_reflectors_workspace(int n, int m)
    size_t ek_c_apply_reflectors_workspace(int n, int m)
    size_t ek_z_apply_reflectors_workspace(int n, int m)
    int ek_s_apply_reflectors(int n, int m, const float *a, int lda, const float *tau, float *z, int ldz,
                              float *work, size_t lwork)
    int ek_d_apply_reflectors(int n, int m, const double *a, int lda, const double *tau, double *z, int ldz,
                              double *work, size_t lwork)
    int ek_c_apply_reflectors(int n, int m, const float complex *a, int lda, const float complex *tau,
                              float complex *z, int ldz, float complex *work, size_t lwork)
    int ek_z_apply_reflectors(int n, int m, const double complex *a, int lda, const double complex *tau,
                              double complex *z, int ldz, double complex *work, size_t lwork)

cdef extern from "dense/batched.h" nogil:
    ptrdiff_t EK_BATCHED_SHARE_MIN_WORK
    ctypedef struct ek_stack_layout:
        ptrdiff_t matrix
        ptrdiff_t row
        ptrdiff_t col
    size_t ek_s_batched_eigen_workspace(int n, int jacobi_max, int nthreads)
    size_t ek_d_batched_eigen_workspace(int n, int jacobi_max, int nthreads)
    size_t ek_c_batched_eigen_workspace(int n, int jacobi_max, int nthreads)
    size_t ek_z_batched_eigen_workspace(int n, int jacobi_max, int nthreads)
    ptrdiff_t ek_s_batched_eigen(int n, ptrdiff_t count, const float *a, ek_stack_layout inl, int lower,
                                 int want_vectors, float *w, float *v, ek_stack_layout outl,
                                 int jacobi_max, void *work, size_t nbytes, int nthreads)
    ptrdiff_t ek_d_batched_eigen(int n, ptrdiff_t count, const double *a, ek_stack_layout inl, int lower,
                                 int want_vectors, double *w, double *v, ek_stack_layout outl,
                                 int jacobi_max, void *work, size_t nbytes, int nthreads)
    ptrdiff_t ek_c_batched_eigen(int n, ptrdiff_t count, const float complex *a, ek_stack_layout inl,
                                 int lower, int want_vectors, float *w, float complex *v,
                                 ek_stack_layout outl, int jacobi_max, void *work, size_t nbytes,
                                 int nthreads)
    ptrdiff_t ek_z_batched_eigen(int n, ptrdiff_t count, const double complex *a, ek_stack_layout inl,
                                 int lower, int want_vectors, double *w, double complex *v,
                                 ek_stack_layout outl, int jacobi_max, void *work, size_t nbytes,
                                 int nthreads)
