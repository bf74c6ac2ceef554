/*
 * random.h -- the reproducible start vectors of the Krylov solvers:
 * the splitmix64 generator (Steele, Lea & Flood 2014, "Fast splittable
 * pseudorandom number generators", OOPSLA) and uniform numbers in [-1, 1)
 * from its top 53 bits.  The state lives in the caller's solver state, so
 * a seed gives the same stream on every thread and platform.
 */
#ifndef EK_COMMON_RANDOM_H
#define EK_COMMON_RANDOM_H

#include <stdint.h>

static inline uint64_t ek_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 53 random bits as a double in [0, 1), stretched to [-1, 1). */
static inline double ek_uniform_signed(uint64_t *state)
{
    return (double)(ek_splitmix64(state) >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

#endif
