/*
 * fork_join.h -- the one way eigkit's kernels share work among their own
 * threads: nt disjoint shares of a job, share 0 on the calling thread and
 * the others on threads started for the call, all joined before return.
 * No pool and no global state, so the kernels stay reentrant.
 */
#ifndef EK_FORK_JOIN_H
#define EK_FORK_JOIN_H
#include <stddef.h>

/* Most threads one call starts; shares beyond run on the calling thread. */
#define EK_FORK_JOIN_MAX 64

/* job(shares + t * stride) for t = 0 .. nt - 1 (stride 0: every thread gets
 * the same argument, for jobs that take their work from a shared counter).
 * A share whose thread cannot be started runs on the calling thread once
 * the others have been started. */
void ek_fork_join(int nt, void *(*job)(void *), void *shares, size_t stride);

#endif
