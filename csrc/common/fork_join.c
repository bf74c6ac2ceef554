/*
 * fork_join.c -- nt shares of a job on nt threads, the caller's among them
 * (see fork_join.h); the threads come from common/thread.h.
 */
#include <stdatomic.h>
#include "common/fork_join.h"
#include "common/thread.h"

void ek_fork_join(int nt, void *(*job)(void *), void *shares, size_t stride)
{
    char *base = shares;
    ek_thread tid[EK_FORK_JOIN_MAX];
    int started[EK_FORK_JOIN_MAX] = {0};
    for (int t = 1; t < nt && t < EK_FORK_JOIN_MAX; t++)
        started[t] = ek_thread_start(&tid[t], job, base + (size_t)t * stride);
    if (nt >= 1)
        job(base);
    for (int t = 1; t < nt; t++) {
        if (t < EK_FORK_JOIN_MAX && started[t])
            ek_thread_join(&tid[t]);
        else
            job(base + (size_t)t * stride);
    }
}

/* A share of ek_fork_join_concurrent: it starts once the gate opens (1)
 * and never if it closes (-1), which the caller decides only when every
 * thread has been started or one could not be. */
typedef struct {
    void *(*job)(void *);
    void *arg;
    _Atomic int *gate;
} gated_share;

static void *gated_run(void *p)
{
    const gated_share *g = p;
    int open;
    /* Bounded: the caller sets the gate right after its last thread start. */
    while ((open = atomic_load_explicit(g->gate, memory_order_acquire)) == 0)
        ek_thread_yield();
    if (open > 0)
        g->job(g->arg);
    return NULL;
}

int ek_fork_join_concurrent(int nt, void *(*job)(void *), void *shares, size_t stride)
{
    char *base = shares;
    if (nt > EK_FORK_JOIN_MAX)
        return 0;
    if (nt <= 1) {
        if (nt == 1)
            job(base);
        return 1;
    }
    ek_thread tid[EK_FORK_JOIN_MAX];
    gated_share gs[EK_FORK_JOIN_MAX];
    _Atomic int gate;
    atomic_init(&gate, 0);
    int started = 1;
    for (; started < nt; started++) {
        gs[started] = (gated_share){job, base + (size_t)started * stride, &gate};
        if (!ek_thread_start(&tid[started], gated_run, &gs[started]))
            break;
    }
    int all = started == nt;
    atomic_store_explicit(&gate, all ? 1 : -1, memory_order_release);
    if (all)
        job(base);
    for (int t = 1; t < started; t++)
        ek_thread_join(&tid[t]);
    return all;
}
