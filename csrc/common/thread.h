/*
 * thread.h -- the one place eigkit's kernels touch the platform's threads:
 * start a thread on a job, wait for it, give up the processor.  POSIX
 * threads where the platform has them, Win32 threads on Windows, and none
 * at all when compiled with EK_NO_THREADS (the portable build, or a
 * platform with neither): then no thread ever starts, and fork_join.c
 * runs every share on the calling thread, as it does whenever a start
 * fails.  No global state: a thread's record lives with its caller.
 */
#ifndef EK_THREAD_H
#define EK_THREAD_H

#if !defined(EK_NO_THREADS) && defined(_WIN32)
#define EK_THREADS_WIN32 1
#elif !defined(EK_NO_THREADS)
#define EK_THREADS_POSIX 1
#include <pthread.h>
#endif

/* A started thread: the job and its argument are kept here because a
 * Win32 thread function has another signature than the job's, so a
 * trampoline reads them from this record (which must outlive the thread:
 * the caller joins before it goes out of scope). */
typedef struct {
#if defined(EK_THREADS_WIN32)
    void *handle;
#elif defined(EK_THREADS_POSIX)
    pthread_t id;
#endif
    void *(*job)(void *);
    void *arg;
} ek_thread;

/* Start job(arg) on a new thread; 1 if it started, 0 if not (then the
 * caller must run the job some other way, and must not join t). */
int ek_thread_start(ek_thread *t, void *(*job)(void *), void *arg);

/* Wait for a thread that ek_thread_start started. */
void ek_thread_join(ek_thread *t);

/* Start job(arg) on a thread that nobody joins: its resources go when it
 * returns.  t must outlive the thread (the Win32 trampoline reads it).  1
 * if it started, 0 if not. */
int ek_thread_start_detached(ek_thread *t, void *(*job)(void *), void *arg);

/* Let another thread run: for a bounded spin-wait on another thread's
 * progress. */
void ek_thread_yield(void);

#endif
