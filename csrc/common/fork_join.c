/*
 * fork_join.c -- nt shares of a job on nt threads, the caller's among them
 * (see fork_join.h); the threads come from common/thread.h.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include "common/fork_join.h"
#include "common/thread.h"

/* The shares of one ek_fork_join call, on the heap: a thread the scheduler
 * starts late may still look at it after the call has returned. */
typedef struct {
    _Atomic int next;  /* the next share to claim */
    _Atomic int done;  /* shares finished */
    _Atomic int refs;  /* the caller and the started threads still using it */
    int nt;
    void *(*job)(void *);
    char *base;
    size_t stride;
    ek_thread threads[EK_FORK_JOIN_MAX];
} crew;

static void release(crew *c)
{
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        free(c);
}

/* Claim shares until none is left.  A thread that starts after the others
 * have claimed everything returns at once. */
static void run_shares(crew *c)
{
    int s;
    while ((s = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed)) < c->nt) {
        c->job(c->base + (size_t)s * c->stride);
        atomic_fetch_add_explicit(&c->done, 1, memory_order_release);
    }
}

static void *worker(void *p)
{
    run_shares(p);
    release(p);
    return NULL;
}

static void run_in_turn(int nt, void *(*job)(void *), char *base, size_t stride)
{
    for (int t = 0; t < nt; t++)
        job(base + (size_t)t * stride);
}

/* Shares are claimed, not assigned: on a machine whose other cores are
 * busy, a share assigned to a thread not yet scheduled would keep the
 * caller waiting for the scheduler (milliseconds) when it could have run
 * the share itself.  The caller waits only for shares in progress, never
 * for a thread to start or to end (the threads are detached). */
void ek_fork_join(int nt, void *(*job)(void *), void *shares, size_t stride)
{
    char *base = shares;
    crew *c = nt > 1 ? malloc(sizeof *c) : NULL;
    if (c == NULL) {
        run_in_turn(nt, job, base, stride);
        return;
    }
    atomic_init(&c->next, 0);
    atomic_init(&c->done, 0);
    atomic_init(&c->refs, 1);
    c->nt = nt;
    c->job = job;
    c->base = base;
    c->stride = stride;
    for (int t = 1; t < nt && t < EK_FORK_JOIN_MAX; t++) {
        atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
        if (!ek_thread_start_detached(&c->threads[t], worker, c)) {
            atomic_fetch_sub_explicit(&c->refs, 1, memory_order_relaxed);
            break;
        }
    }
    run_shares(c);
    /* Bounded: every share was claimed by a running thread, which finishes
     * it. */
    while (atomic_load_explicit(&c->done, memory_order_acquire) < nt)
        ek_thread_yield();
    release(c);
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
