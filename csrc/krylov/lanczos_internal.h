/*
 * lanczos_internal.h -- what the Lanczos recurrence (lanczos.c) and the
 * end-of-cycle code of the Wu & Simon thick restart (thick_restart.c)
 * share.  Not part of the kernel API.
 */
#ifndef EK_LANCZOS_INTERNAL_H
#define EK_LANCZOS_INTERNAL_H
#include "krylov/lanczos.h"
/* Include after types.h: the names below carry the precision (EK()). */

/* Phases of the reverse-communication state machine (ek_lanczos_state.phase). */
enum { PH_START = 0, PH_FILL_A, PH_FILL_B, PH_APPLY, PH_AFTER_OP, PH_AFTER_BW, PH_AFTER_QR,
       PH_RR, PH_RESTART, PH_DONE };

/* Sizes fixed by the parameters. */
typedef struct {
    int full;   /* the whole space in one block: exact */
    int b0;     /* initial block size */
    int bmax;   /* largest block */
    int mdim;   /* largest active basis */
    int vcols;  /* columns of V */
} ek_lz_sizes;

/* Columns of V / B V, n rows each, ld n. */
#define VV(st) ((scalar *)(st)->V)
#define BVV(st) ((scalar *)(st)->BV)
#define NN(st) ((st)->par.n)
#define COL(a, n, j) ((a) + (size_t)(j) * (size_t)(n))

ek_lz_sizes EK(lz_plan_sizes)(const ek_lanczos_params *par);
/* Largest active basis the next cycle may build. */
int EK(lz_capacity)(const ek_lanczos_state *st);

/* thick_restart.c: Rayleigh-Ritz of H (0 or EK_LZ_ERR_DENSE); the restart
 * plan (1 when the solve is finished); the restart itself. */
int EK(lz_rayleigh_ritz)(ek_lanczos_state *st);
int EK(lz_plan_restart)(ek_lanczos_state *st);
void EK(lz_do_restart)(ek_lanczos_state *st);

#endif
