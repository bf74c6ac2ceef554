/*
 * tuning.h -- the compiled tunables of eigkit's kernels: every crossover,
 * block size and thread cap that is a choice of speed rather than of
 * accuracy or safety (iteration bounds and precision constants stay beside
 * the code that needs them).  The measurements behind the defaults are in
 * docs/tuning.rst.
 *
 * One entry per tunable, X(NAME, default, "unit", "what it decides").  The
 * kernels read EK_TUNE_<NAME>, which a build may set in place of the
 * default (CMake passes each NAME=VALUE on as -DEK_TUNE_NAME=VALUE):
 *     pip install . -C cmake.define.EIGKIT_C_TUNING="DC_CROSSOVER=96;CHASE_THREADED_MIN_ORDER=600"
 * and eigkit._kernels.common.compiled_tunables() lists the values a build
 * holds.  A tunable that fixes the order of a sum (chunks, tiles, leaves,
 * batches) changes the rounding of results, not their accuracy.
 */
#ifndef EK_TUNING_H
#define EK_TUNING_H

#define EK_TUNABLES(X)                                                                           \
    /* dense, one-stage: tridiagonalize.c, back_transform.c */                                   \
    X(TRD_NB, 32, "columns", "panel width of the blocked tridiagonal reduction (xSYTRD's nb)")   \
    X(TRD_NX, 32, "order",                                                                       \
      "trailing order up to which the reduction is unblocked (xSYTRD's nx)")                     \
    X(TRD_NB_FIRST, 16, "columns",                                                               \
      "width of the first panels, before A's upper triangle has room for them")                  \
    X(APPLY_NB, 64, "reflectors", "reflectors per compact-WY block of the back-transformation")  \
    X(APPLY_UNBLOCKED_MAX, 72, "order",                                                         \
      "order up to which the back-transformation applies reflectors one by one")                 \
    /* dense, two-stage: symmetric_eigen.c, bulge_chasing.c */                                   \
    X(TWO_STAGE_BAND, 48, "bandwidth", "bandwidth of the band matrix between the two stages")    \
    X(CHASE_THREADED_MIN_ORDER, 400, "order",                                                    \
      "order below which one thread chases the bulges alone")                                    \
    X(CHASE_MAX_THREADS, 16, "threads", "most threads pipelining the bulge-chasing sweeps")      \
    /* tridiagonal solvers: csrc/tridiagonal/, and common/selection.h */                         \
    X(DC_CROSSOVER, 64, "order",                                                                 \
      "order from which all eigenvectors of T come from divide and conquer, not QR")             \
    X(DC_LEAF, 32, "rows", "largest subproblem that divide and conquer leaves to QR")            \
    X(DC_MAX_THREADS, 8, "threads", "most threads sharing the secular equations of a merge")     \
    X(DC_PARALLEL_MIN_K, 2048, "roots",                                                            \
      "secular equations below which a merge solves them on one thread")                         \
    X(DC_UPDATE_SHARE, 4, "divisor",                                                             \
      "a merge's copy of U holds n / DC_UPDATE_SHARE columns (memory against GEMM calls)")       \
    X(SUBSET_FULL_SOLVE, 4, "divisor",                                                           \
      "more than n / SUBSET_FULL_SOLVE eigenpairs with vectors come from the full solve")        \
    X(QR_DIRECT_MAX, 128, "order",                                                               \
      "order up to which QR applies each rotation to Z as it is made, not in wavefronts")        \
    X(QR_BATCH, 64, "sweeps",                                                                    \
      "QR sweeps whose rotations are stored before they are applied to Z")                       \
    X(ROT_CHUNK, 8, "vectors",                                                                   \
      "rows (in 64-byte vectors) by which rotations are shared among threads")                   \
    X(ROT_SEGMENT, 32, "steps", "steps per segment of a wavefront pass of rotations")            \
    X(ROT_PREFETCH, 8, "columns", "columns ahead that the first wavefront pass prefetches")      \
    X(BISECT_SHIFT_BYTES, 128, "bytes",                                                          \
      "shifts of one multisection pass (16 doubles or 32 floats)")                               \
    X(BISECT_CHUNK, 128, "eigenvalues", "eigenvalue ranks that multisection refines together")   \
    X(INVIT_BLAS_MIN_ORDER, 64, "rows",                                                          \
      "block order from which inverse iteration reorthogonalizes by BLAS calls")                 \
    /* Krylov solvers: tall_skinny.c, sparse_operator.c, dense_operator.c */                     \
    X(TALL_MAX_THREADS, 8, "threads", "most threads sharing a tall-skinny basis product")        \
    X(TALL_THREADING_WORK, 1048576, "multiply-adds",                                             \
      "work per thread below which a tall-skinny product takes fewer threads")                   \
    X(TALL_MIN_ROWS_PER_THREAD, 64, "rows", "fewest rows of a tall-skinny product per thread")   \
    X(TALL_SLAB_GEMM_WORK, 131072, "multiply-adds",                                              \
      "most work of one slab's GEMM, so that the BLAS runs it on the calling thread")            \
    X(TALL_SLAB_GEMV_WORK, 8192, "entries",                                                      \
      "most entries of one slab's one-column product, likewise")                                 \
    X(TALL_OWN_COMBINE_MAX_B, 8, "columns",                                                      \
      "widest block whose combination Y := beta Y + alpha X C is done here, not by GEMM")        \
    X(TALL_COMBINE_SLAB, 2048, "entries",                                                        \
      "entries of Y per slab of that combination, to stay in the L1 cache")                      \
    X(SPARSE_COLS_PER_PASS, 4, "columns",                                                        \
      "block columns that a sparse product takes per pass over A")                               \
    X(SPARSE_THREADING_WORK, 131072, "multiply-adds",                                            \
      "work per thread below which a sparse product takes fewer threads")                        \
    X(MIRROR_TILE, 64, "rows",                                                                   \
      "tile edge of the pass that mirrors a triangle of a dense operator")                       \
    /* statistics: gram.c, covariance_operator.c, nearest_neighbors.c, kmeans.c */               \
    X(GRAM_TILE_M, 64, "features", "tile height of the Gram matrix in the threaded mode")         \
    X(GRAM_TILE_N, 16, "features", "tile width of the Gram matrix in the threaded mode")          \
    X(GRAM_TILED_ROWS, 256, "rows", "slab height of the Gram matrix in the threaded mode")       \
    X(GRAM_SLAB_ELEMENTS, 262144, "entries",                                                     \
      "size of a slab that goes to the BLAS's SYRK, up to GRAM_LARGE_P features")                \
    X(GRAM_LARGE_SLAB_ELEMENTS, 2097152, "entries",                                              \
      "size of a slab that goes to the BLAS's SYRK beyond GRAM_LARGE_P features")                \
    X(GRAM_LARGE_P, 512, "features", "features from which SYRK slabs are the large ones")        \
    X(GRAM_THREADING_WORK, 4194304, "multiply-adds",                                             \
      "work per thread below which the Gram matrix takes fewer threads")                         \
    X(GRAM_MAX_THREADS, 8, "threads", "most threads sharing the Gram matrix")                    \
    X(GRAM_REGISTER_MAX_P, 400, "features",                                                      \
      "features up to which the Gram matrix comes from eigkit's register tiles, not SYRK")       \
    X(GRAM_REGISTER_SLAB_BYTES, 24576, "bytes",                                                  \
      "size of the centred slab that the register tiles re-read from cache")                     \
    X(GRAM_REGISTER_MIN_ROWS, 64, "rows", "fewest rows of a slab of the register tiles")          \
    X(COV_GROUP_ROWS, 4, "rows", "rows of X whose dot products with W are formed together")      \
    X(COV_GROUP_COLS, 4, "columns", "columns of W that those dot products take together")        \
    X(COV_SLAB_ROWS, 8, "rows",                                                                  \
      "rows of X read by the dot products, then again from cache by the update")                 \
    X(COV_MAX_CHUNKS, 8, "chunks", "most chunks of rows with an accumulator of their own")       \
    X(COV_CHUNK_MIN_ROWS, 64, "rows", "fewest rows of such a chunk")                             \
    X(COV_THREADING_WORK, 1048576, "multiply-adds",                                              \
      "work per thread below which the covariance product takes fewer threads")                  \
    X(COV_COLUMN_BLOCK_BYTES, 32768, "bytes",                                                    \
      "part of the samples side's accumulator updated at a time (L1 cache)")                     \
    X(KNN_TILE_WORK, 131072, "multiply-adds",                                                    \
      "most work of one leaf-by-leaf GEMM, so that the BLAS runs it on the calling thread")      \
    X(KNN_OWN_THREADS_MAX_D, 64, "features",                                                     \
      "most features for eigkit's threads; beyond, large leaves go to the threaded BLAS")        \
    X(KNN_LARGE_LEAF, 256, "rows", "leaf size when the BLAS threads the GEMMs")                  \
    X(KNN_CHUNK, 16, "entries", "candidates tested together before any is looked at alone")      \
    X(KNN_THREADING_WORK, 4194304, "multiply-adds",                                              \
      "work per thread below which the neighbour search takes fewer threads")                    \
    X(KMEANS_CHUNK, 4096, "points", "points per unit of work and per partial sum of k-means")

/* The defaults, EK_TUNE_DEFAULT_<NAME>. */
#define EK_TUNE_DEFAULT_ENUM(name, value, unit, decides) EK_TUNE_DEFAULT_##name = (value),
enum { EK_TUNABLES(EK_TUNE_DEFAULT_ENUM) };
#undef EK_TUNE_DEFAULT_ENUM

/* The values the kernels use: the defaults unless the build set them. */
#ifndef EK_TUNE_TRD_NB
#define EK_TUNE_TRD_NB EK_TUNE_DEFAULT_TRD_NB
#endif
#ifndef EK_TUNE_TRD_NX
#define EK_TUNE_TRD_NX EK_TUNE_DEFAULT_TRD_NX
#endif
#ifndef EK_TUNE_TRD_NB_FIRST
#define EK_TUNE_TRD_NB_FIRST EK_TUNE_DEFAULT_TRD_NB_FIRST
#endif
#ifndef EK_TUNE_APPLY_NB
#define EK_TUNE_APPLY_NB EK_TUNE_DEFAULT_APPLY_NB
#endif
#ifndef EK_TUNE_APPLY_UNBLOCKED_MAX
#define EK_TUNE_APPLY_UNBLOCKED_MAX EK_TUNE_DEFAULT_APPLY_UNBLOCKED_MAX
#endif
#ifndef EK_TUNE_TWO_STAGE_BAND
#define EK_TUNE_TWO_STAGE_BAND EK_TUNE_DEFAULT_TWO_STAGE_BAND
#endif
#ifndef EK_TUNE_CHASE_THREADED_MIN_ORDER
#define EK_TUNE_CHASE_THREADED_MIN_ORDER EK_TUNE_DEFAULT_CHASE_THREADED_MIN_ORDER
#endif
#ifndef EK_TUNE_CHASE_MAX_THREADS
#define EK_TUNE_CHASE_MAX_THREADS EK_TUNE_DEFAULT_CHASE_MAX_THREADS
#endif
#ifndef EK_TUNE_DC_CROSSOVER
#define EK_TUNE_DC_CROSSOVER EK_TUNE_DEFAULT_DC_CROSSOVER
#endif
#ifndef EK_TUNE_DC_LEAF
#define EK_TUNE_DC_LEAF EK_TUNE_DEFAULT_DC_LEAF
#endif
#ifndef EK_TUNE_DC_MAX_THREADS
#define EK_TUNE_DC_MAX_THREADS EK_TUNE_DEFAULT_DC_MAX_THREADS
#endif
#ifndef EK_TUNE_DC_PARALLEL_MIN_K
#define EK_TUNE_DC_PARALLEL_MIN_K EK_TUNE_DEFAULT_DC_PARALLEL_MIN_K
#endif
#ifndef EK_TUNE_DC_UPDATE_SHARE
#define EK_TUNE_DC_UPDATE_SHARE EK_TUNE_DEFAULT_DC_UPDATE_SHARE
#endif
#ifndef EK_TUNE_SUBSET_FULL_SOLVE
#define EK_TUNE_SUBSET_FULL_SOLVE EK_TUNE_DEFAULT_SUBSET_FULL_SOLVE
#endif
#ifndef EK_TUNE_QR_DIRECT_MAX
#define EK_TUNE_QR_DIRECT_MAX EK_TUNE_DEFAULT_QR_DIRECT_MAX
#endif
#ifndef EK_TUNE_QR_BATCH
#define EK_TUNE_QR_BATCH EK_TUNE_DEFAULT_QR_BATCH
#endif
#ifndef EK_TUNE_ROT_CHUNK
#define EK_TUNE_ROT_CHUNK EK_TUNE_DEFAULT_ROT_CHUNK
#endif
#ifndef EK_TUNE_ROT_SEGMENT
#define EK_TUNE_ROT_SEGMENT EK_TUNE_DEFAULT_ROT_SEGMENT
#endif
#ifndef EK_TUNE_ROT_PREFETCH
#define EK_TUNE_ROT_PREFETCH EK_TUNE_DEFAULT_ROT_PREFETCH
#endif
#ifndef EK_TUNE_BISECT_SHIFT_BYTES
#define EK_TUNE_BISECT_SHIFT_BYTES EK_TUNE_DEFAULT_BISECT_SHIFT_BYTES
#endif
#ifndef EK_TUNE_BISECT_CHUNK
#define EK_TUNE_BISECT_CHUNK EK_TUNE_DEFAULT_BISECT_CHUNK
#endif
#ifndef EK_TUNE_INVIT_BLAS_MIN_ORDER
#define EK_TUNE_INVIT_BLAS_MIN_ORDER EK_TUNE_DEFAULT_INVIT_BLAS_MIN_ORDER
#endif
#ifndef EK_TUNE_TALL_MAX_THREADS
#define EK_TUNE_TALL_MAX_THREADS EK_TUNE_DEFAULT_TALL_MAX_THREADS
#endif
#ifndef EK_TUNE_TALL_THREADING_WORK
#define EK_TUNE_TALL_THREADING_WORK EK_TUNE_DEFAULT_TALL_THREADING_WORK
#endif
#ifndef EK_TUNE_TALL_MIN_ROWS_PER_THREAD
#define EK_TUNE_TALL_MIN_ROWS_PER_THREAD EK_TUNE_DEFAULT_TALL_MIN_ROWS_PER_THREAD
#endif
#ifndef EK_TUNE_TALL_SLAB_GEMM_WORK
#define EK_TUNE_TALL_SLAB_GEMM_WORK EK_TUNE_DEFAULT_TALL_SLAB_GEMM_WORK
#endif
#ifndef EK_TUNE_TALL_SLAB_GEMV_WORK
#define EK_TUNE_TALL_SLAB_GEMV_WORK EK_TUNE_DEFAULT_TALL_SLAB_GEMV_WORK
#endif
#ifndef EK_TUNE_TALL_OWN_COMBINE_MAX_B
#define EK_TUNE_TALL_OWN_COMBINE_MAX_B EK_TUNE_DEFAULT_TALL_OWN_COMBINE_MAX_B
#endif
#ifndef EK_TUNE_TALL_COMBINE_SLAB
#define EK_TUNE_TALL_COMBINE_SLAB EK_TUNE_DEFAULT_TALL_COMBINE_SLAB
#endif
#ifndef EK_TUNE_SPARSE_COLS_PER_PASS
#define EK_TUNE_SPARSE_COLS_PER_PASS EK_TUNE_DEFAULT_SPARSE_COLS_PER_PASS
#endif
#ifndef EK_TUNE_SPARSE_THREADING_WORK
#define EK_TUNE_SPARSE_THREADING_WORK EK_TUNE_DEFAULT_SPARSE_THREADING_WORK
#endif
#ifndef EK_TUNE_MIRROR_TILE
#define EK_TUNE_MIRROR_TILE EK_TUNE_DEFAULT_MIRROR_TILE
#endif
#ifndef EK_TUNE_GRAM_TILE_M
#define EK_TUNE_GRAM_TILE_M EK_TUNE_DEFAULT_GRAM_TILE_M
#endif
#ifndef EK_TUNE_GRAM_TILE_N
#define EK_TUNE_GRAM_TILE_N EK_TUNE_DEFAULT_GRAM_TILE_N
#endif
#ifndef EK_TUNE_GRAM_TILED_ROWS
#define EK_TUNE_GRAM_TILED_ROWS EK_TUNE_DEFAULT_GRAM_TILED_ROWS
#endif
#ifndef EK_TUNE_GRAM_SLAB_ELEMENTS
#define EK_TUNE_GRAM_SLAB_ELEMENTS EK_TUNE_DEFAULT_GRAM_SLAB_ELEMENTS
#endif
#ifndef EK_TUNE_GRAM_LARGE_SLAB_ELEMENTS
#define EK_TUNE_GRAM_LARGE_SLAB_ELEMENTS EK_TUNE_DEFAULT_GRAM_LARGE_SLAB_ELEMENTS
#endif
#ifndef EK_TUNE_GRAM_LARGE_P
#define EK_TUNE_GRAM_LARGE_P EK_TUNE_DEFAULT_GRAM_LARGE_P
#endif
#ifndef EK_TUNE_GRAM_THREADING_WORK
#define EK_TUNE_GRAM_THREADING_WORK EK_TUNE_DEFAULT_GRAM_THREADING_WORK
#endif
#ifndef EK_TUNE_GRAM_MAX_THREADS
#define EK_TUNE_GRAM_MAX_THREADS EK_TUNE_DEFAULT_GRAM_MAX_THREADS
#endif
#ifndef EK_TUNE_GRAM_REGISTER_MAX_P
#define EK_TUNE_GRAM_REGISTER_MAX_P EK_TUNE_DEFAULT_GRAM_REGISTER_MAX_P
#endif
#ifndef EK_TUNE_GRAM_REGISTER_SLAB_BYTES
#define EK_TUNE_GRAM_REGISTER_SLAB_BYTES EK_TUNE_DEFAULT_GRAM_REGISTER_SLAB_BYTES
#endif
#ifndef EK_TUNE_GRAM_REGISTER_MIN_ROWS
#define EK_TUNE_GRAM_REGISTER_MIN_ROWS EK_TUNE_DEFAULT_GRAM_REGISTER_MIN_ROWS
#endif
#ifndef EK_TUNE_COV_GROUP_ROWS
#define EK_TUNE_COV_GROUP_ROWS EK_TUNE_DEFAULT_COV_GROUP_ROWS
#endif
#ifndef EK_TUNE_COV_GROUP_COLS
#define EK_TUNE_COV_GROUP_COLS EK_TUNE_DEFAULT_COV_GROUP_COLS
#endif
#ifndef EK_TUNE_COV_SLAB_ROWS
#define EK_TUNE_COV_SLAB_ROWS EK_TUNE_DEFAULT_COV_SLAB_ROWS
#endif
#ifndef EK_TUNE_COV_MAX_CHUNKS
#define EK_TUNE_COV_MAX_CHUNKS EK_TUNE_DEFAULT_COV_MAX_CHUNKS
#endif
#ifndef EK_TUNE_COV_CHUNK_MIN_ROWS
#define EK_TUNE_COV_CHUNK_MIN_ROWS EK_TUNE_DEFAULT_COV_CHUNK_MIN_ROWS
#endif
#ifndef EK_TUNE_COV_THREADING_WORK
#define EK_TUNE_COV_THREADING_WORK EK_TUNE_DEFAULT_COV_THREADING_WORK
#endif
#ifndef EK_TUNE_COV_COLUMN_BLOCK_BYTES
#define EK_TUNE_COV_COLUMN_BLOCK_BYTES EK_TUNE_DEFAULT_COV_COLUMN_BLOCK_BYTES
#endif
#ifndef EK_TUNE_KNN_TILE_WORK
#define EK_TUNE_KNN_TILE_WORK EK_TUNE_DEFAULT_KNN_TILE_WORK
#endif
#ifndef EK_TUNE_KNN_OWN_THREADS_MAX_D
#define EK_TUNE_KNN_OWN_THREADS_MAX_D EK_TUNE_DEFAULT_KNN_OWN_THREADS_MAX_D
#endif
#ifndef EK_TUNE_KNN_LARGE_LEAF
#define EK_TUNE_KNN_LARGE_LEAF EK_TUNE_DEFAULT_KNN_LARGE_LEAF
#endif
#ifndef EK_TUNE_KNN_CHUNK
#define EK_TUNE_KNN_CHUNK EK_TUNE_DEFAULT_KNN_CHUNK
#endif
#ifndef EK_TUNE_KNN_THREADING_WORK
#define EK_TUNE_KNN_THREADING_WORK EK_TUNE_DEFAULT_KNN_THREADING_WORK
#endif
#ifndef EK_TUNE_KMEANS_CHUNK
#define EK_TUNE_KMEANS_CHUNK EK_TUNE_DEFAULT_KMEANS_CHUNK
#endif

/* One tunable as compiled (tuning.c). */
typedef struct {
    const char *name, *unit, *decides;
    long long value;
} ek_tunable;

/* The tunables of this build, in the order of EK_TUNABLES; *count receives
 * their number. */
const ek_tunable *ek_compiled_tunables(int *count);

#endif
