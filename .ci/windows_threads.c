/*
 * windows_threads.c -- run by .ci/windows under Wine: the fork-join layer
 * on Win32 threads (csrc/common/thread.c).  Every share runs once with its
 * own argument (ek_fork_join), and the shares of ek_fork_join_concurrent
 * really run at once: share 0 waits for the last share, which waits for
 * share 0 to have started (each wait bounded).
 */
#include <stdatomic.h>
#include <stdio.h>
#include "common/fork_join.h"
#include "common/thread.h"

enum { NT = 4, SPIN_LIMIT = 100000000 };

typedef struct { int index; int ran; } share;

static void *count(void *p)
{
    share *s = p;
    s->ran += 1 + s->index;
    return NULL;
}

typedef struct { int index; _Atomic int *first, *last; int ok; } pair_share;

static int wait_flag(_Atomic int *flag)
{
    for (long spins = 0; spins < SPIN_LIMIT; spins++) {
        if (atomic_load(flag))
            return 1;
        ek_thread_yield();
    }
    return 0;
}

static void *handshake(void *p)
{
    pair_share *s = p;
    if (s->index == 0) {
        atomic_store(s->first, 1);
        s->ok = wait_flag(s->last);
    } else if (s->index == NT - 1) {
        s->ok = wait_flag(s->first);
        atomic_store(s->last, 1);
    } else {
        s->ok = 1;
    }
    return NULL;
}

int main(void)
{
    int passed = 0, failed = 0;
    share shares[NT];
    for (int t = 0; t < NT; t++)
        shares[t] = (share){t, 0};
    ek_fork_join(NT, count, shares, sizeof(share));
    int all = 1;
    for (int t = 0; t < NT; t++)
        all &= shares[t].ran == 1 + t;
    all ? passed++ : failed++;
    printf("fork_join: every share ran once: %s\n", all ? "ok" : "FAILED");

    _Atomic int first = 0, last = 0;
    pair_share pairs[NT];
    for (int t = 0; t < NT; t++)
        pairs[t] = (pair_share){t, &first, &last, 0};
    int started = ek_fork_join_concurrent(NT, handshake, pairs, sizeof(pair_share));
    all = started;
    for (int t = 0; t < NT; t++)
        all &= pairs[t].ok;
    all ? passed++ : failed++;
    printf("fork_join_concurrent: shares ran at once: %s\n", all ? "ok" : "FAILED");
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
