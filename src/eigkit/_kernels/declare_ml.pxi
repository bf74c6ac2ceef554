# Declarations of the kernels in csrc/ml/ (see the headers for the contracts).

cdef extern from "ml/gram.h" nogil:
    size_t ek_s_gram_workspace(int n, int p, int nthreads, int tiled_max_p)
    size_t ek_d_gram_workspace(int n, int p, int nthreads, int tiled_max_p)
    size_t ek_s_gram_acc(int n, int p, int nthreads, int tiled_max_p)
    size_t ek_d_gram_acc(int n, int p, int nthreads, int tiled_max_p)
    int ek_s_centered_gram(int n, int p, const float *x, ptrdiff_t rs, ptrdiff_t cs, int have_mean,
                           float *mean, float *g, int ldg, int nthreads, int tiled_max_p,
                           float *work, double *acc)
    int ek_d_centered_gram(int n, int p, const double *x, ptrdiff_t rs, ptrdiff_t cs,
                           int have_mean, double *mean, double *g, int ldg, int nthreads,
                           int tiled_max_p, double *work, double *acc)

cdef extern from "ml/covariance_operator.h" nogil:
    int EK_COVARIANCE_MAX_BLOCK
    size_t ek_s_covariance_workspace(int side, int n, int p, int b)
    size_t ek_d_covariance_workspace(int side, int n, int p, int b)
    int ek_s_covariance_product(int side, int n, int p, const float *x, ptrdiff_t ldx,
                                const float *mean, int b, const float *w, int ldw, float *y,
                                int ldy, int nthreads, float *work)
    int ek_d_covariance_product(int side, int n, int p, const double *x, ptrdiff_t ldx,
                                const double *mean, int b, const double *w, int ldw, double *y,
                                int ldy, int nthreads, double *work)

cdef extern from "ml/nearest_neighbors.h" nogil:
    size_t ek_s_k_nearest_workspace(int n, int d, int k, int nthreads)
    size_t ek_d_k_nearest_workspace(int n, int d, int k, int nthreads)
    int ek_s_k_nearest(int n, int d, const float *x, ptrdiff_t ldx, int k, int nthreads,
                       int64_t *indices, double *distances, void *work)
    int ek_d_k_nearest(int n, int d, const double *x, ptrdiff_t ldx, int k, int nthreads,
                       int64_t *indices, double *distances, void *work)

cdef extern from "ml/kmeans.h" nogil:
    ctypedef struct ek_kmeans_problem:
        int n, d, k
        const double *x
        int nthreads
    size_t ek_kmeans_workspace(const ek_kmeans_problem *p, int trials)
    int ek_kmeans_seed(const ek_kmeans_problem *p, int trials, const double *uniforms,
                       double *centers, void *work)
    int ek_kmeans_lloyd(const ek_kmeans_problem *p, int max_iter, double tol, double *centers,
                        int *labels, double *inertia, int *iterations, void *work)
