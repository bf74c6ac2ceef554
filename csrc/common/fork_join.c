/*
 * fork_join.c -- nt shares of a job on nt threads, the caller's among them
 * (see fork_join.h).
 */
#include <pthread.h>
#include "common/fork_join.h"

void ek_fork_join(int nt, void *(*job)(void *), void *shares, size_t stride)
{
    char *base = shares;
    pthread_t tid[EK_FORK_JOIN_MAX];
    int started[EK_FORK_JOIN_MAX] = {0};
    for (int t = 1; t < nt && t < EK_FORK_JOIN_MAX; t++)
        started[t] = pthread_create(&tid[t], NULL, job, base + (size_t)t * stride) == 0;
    if (nt >= 1)
        job(base);
    for (int t = 1; t < nt; t++) {
        if (t < EK_FORK_JOIN_MAX && started[t])
            pthread_join(tid[t], NULL);
        else
            job(base + (size_t)t * stride);
    }
}
