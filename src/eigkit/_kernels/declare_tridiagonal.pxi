# Declarations of the kernels in csrc/tridiagonal/ (see the headers for the contracts).

cdef extern from "tridiagonal/tridiagonal_eigen.h" nogil:
    size_t ek_s_tridiagonal_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_d_tridiagonal_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    int ek_s_tridiagonal_eigen(int n, const float *d, const float *e, int want_vectors,
                               const ek_selection *sel, float abstol, float *w, int *m,
                               float *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_d_tridiagonal_eigen(int n, const double *d, const double *e, int want_vectors,
                               const ek_selection *sel, double abstol, double *w, int *m,
                               double *z, int ldz, void *work, size_t nbytes, int nthreads)

cdef extern from "tridiagonal/tridiagonal_qr.h" nogil:
    int ek_s_tridiagonal_eigvals(int n, float *d, float *e)
    int ek_d_tridiagonal_eigvals(int n, double *d, double *e)
    size_t ek_s_tridiagonal_qr_workspace(int n)
    size_t ek_d_tridiagonal_qr_workspace(int n)
    int ek_s_tridiagonal_qr(int n, float *d, float *e, float *z, int ldz, float *work, size_t lwork, int nthreads)
    int ek_d_tridiagonal_qr(int n, double *d, double *e, double *z, int ldz, double *work, size_t lwork, int nthreads)

cdef extern from "tridiagonal/divide_conquer.h" nogil:
    size_t ek_s_divide_conquer_workspace(int n)
    size_t ek_d_divide_conquer_workspace(int n)
    size_t ek_s_divide_conquer_iworkspace(int n)
    size_t ek_d_divide_conquer_iworkspace(int n)
    int ek_s_divide_conquer(int n, float *d, float *e, float *z, int ldz, float *work, size_t lwork,
                            int *iwork, size_t liwork, int nthreads)
    int ek_d_divide_conquer(int n, double *d, double *e, double *z, int ldz, double *work, size_t lwork,
                            int *iwork, size_t liwork, int nthreads)

cdef extern from "tridiagonal/rotations.h" nogil:
    void ek_s_apply_rotation_sequences(int m, int n, int k, const float *c, const float *s, int ldcs,
                                       float *z, int ldz, int nthreads)
    void ek_d_apply_rotation_sequences(int m, int n, int k, const double *c, const double *s, int ldcs,
                                       double *z, int ldz, int nthreads)

cdef extern from "tridiagonal/bisection.h" nogil:
    int ek_s_sturm_count(int n, const float *d, const float *e, float x)
    int ek_d_sturm_count(int n, const double *d, const double *e, double x)
    int ek_s_eigvals_by_index(int n, const float *d, const float *e, int il, int iu, float abstol, float *w)
    int ek_d_eigvals_by_index(int n, const double *d, const double *e, int il, int iu, double abstol, double *w)
    int ek_s_eigvals_by_value(int n, const float *d, const float *e, float vl, float vu, float abstol,
                              int *m, float *w)
    int ek_d_eigvals_by_value(int n, const double *d, const double *e, double vl, double vu, double abstol,
                              int *m, double *w)

cdef extern from "tridiagonal/inverse_iteration.h" nogil:
    size_t ek_s_inverse_iteration_workspace(int n)
    size_t ek_d_inverse_iteration_workspace(int n)
    size_t ek_s_inverse_iteration_iworkspace(int n)
    size_t ek_d_inverse_iteration_iworkspace(int n)
    int ek_s_inverse_iteration(int n, const float *d, const float *e, int m, const float *w,
                               float *z, int ldz, float *work, int *iwork)
    int ek_d_inverse_iteration(int n, const double *d, const double *e, int m, const double *w,
                               double *z, int ldz, double *work, int *iwork)
