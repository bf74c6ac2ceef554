/*
 * fork_join.h -- the one way eigkit's kernels share work among their own
 * threads: nt disjoint shares of a job, run by the calling thread and the
 * threads started for the call, every share finished before return
 * (common/thread.h: POSIX or Win32 threads, or none; no pool).  No global
 * state, so the kernels stay reentrant.
 */
#ifndef EK_FORK_JOIN_H
#define EK_FORK_JOIN_H
#include <stddef.h>

/* Most threads one call starts (the calling one included). */
#define EK_FORK_JOIN_MAX 64

/* job(shares + t * stride) for t = 0 .. nt - 1 (stride 0: every call gets
 * the same argument, for jobs that take their work from a shared counter).
 * Each thread, the calling one first, takes the next share not yet taken
 * until none is left, so a share may run on any thread, and all of them
 * on the calling thread when no other thread could be started or none was
 * scheduled in time.  Returns when every share has finished, without
 * waiting for the threads to end. */
void ek_fork_join(int nt, void *(*job)(void *), void *shares, size_t stride);

/* The same for shares that wait on one another (a pipeline), which must
 * therefore all run at once: either every share gets a thread of its own
 * (share 0 the calling one) and 1 is returned, or, if a thread cannot be
 * started or nt > EK_FORK_JOIN_MAX, no share runs at all and 0 is
 * returned, for the caller to do the work another way. */
int ek_fork_join_concurrent(int nt, void *(*job)(void *), void *shares, size_t stride);

#endif
