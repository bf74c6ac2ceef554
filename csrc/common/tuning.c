/*
 * tuning.c -- the table of compiled tunables (tuning.h) as this build set
 * them, and the checks that a build's values can work at all.
 */
#include "common/fork_join.h"
#include "common/tuning.h"

/* Zero or a negative value would divide by zero or loop forever. */
#define EK_TUNE_CHECK(name, value, unit, decides)                                                  \
    _Static_assert((EK_TUNE_##name) > 0, "EK_TUNE_" #name " must be positive");
EK_TUNABLES(EK_TUNE_CHECK)
#undef EK_TUNE_CHECK

/* The first panels' workspace holds 4 TRD_NB scalars of coefficients. */
_Static_assert(EK_TUNE_TRD_NB_FIRST <= EK_TUNE_TRD_NB, "TRD_NB_FIRST must not exceed TRD_NB");
/* The sweeps of a pipeline all run at once (ek_fork_join_concurrent). */
_Static_assert(EK_TUNE_CHASE_MAX_THREADS <= EK_FORK_JOIN_MAX,
               "CHASE_MAX_THREADS must not exceed EK_FORK_JOIN_MAX");

#define EK_TUNE_ENTRY(name, value, unit, decides) {#name, unit, decides, (long long)(EK_TUNE_##name)},
static const ek_tunable tunables[] = {EK_TUNABLES(EK_TUNE_ENTRY)};
#undef EK_TUNE_ENTRY

const ek_tunable *ek_compiled_tunables(int *count)
{
    *count = (int)(sizeof tunables / sizeof tunables[0]);
    return tunables;
}
