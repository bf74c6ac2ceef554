/*
 * thread.c -- start, join and yield on POSIX threads, Win32 threads or,
 * with EK_NO_THREADS, none (see thread.h).
 */
#include "common/thread.h"

#if defined(EK_THREADS_WIN32)
#include <windows.h>
#include <process.h>

/* _beginthreadex rather than CreateThread: the thread may call into the C
 * runtime (math library, memcpy), which then sets up its per-thread data. */
static unsigned __stdcall trampoline(void *p)
{
    ek_thread *t = p;
    t->job(t->arg);
    return 0;
}

int ek_thread_start(ek_thread *t, void *(*job)(void *), void *arg)
{
    t->job = job;
    t->arg = arg;
    t->handle = (void *)_beginthreadex(NULL, 0, trampoline, t, 0, NULL);
    return t->handle != NULL;
}

void ek_thread_join(ek_thread *t)
{
    WaitForSingleObject((HANDLE)t->handle, INFINITE);
    CloseHandle((HANDLE)t->handle);
}

int ek_thread_start_detached(ek_thread *t, void *(*job)(void *), void *arg)
{
    if (!ek_thread_start(t, job, arg))
        return 0;
    CloseHandle((HANDLE)t->handle);
    return 1;
}

void ek_thread_yield(void)
{
    SwitchToThread();
}

#elif defined(EK_THREADS_POSIX)
#include <sched.h>

int ek_thread_start(ek_thread *t, void *(*job)(void *), void *arg)
{
    t->job = job;
    t->arg = arg;
    return pthread_create(&t->id, NULL, job, arg) == 0;
}

void ek_thread_join(ek_thread *t)
{
    pthread_join(t->id, NULL);
}

int ek_thread_start_detached(ek_thread *t, void *(*job)(void *), void *arg)
{
    if (!ek_thread_start(t, job, arg))
        return 0;
    pthread_detach(t->id);
    return 1;
}

void ek_thread_yield(void)
{
    sched_yield();
}

#else

int ek_thread_start(ek_thread *t, void *(*job)(void *), void *arg)
{
    t->job = job;
    t->arg = arg;
    return 0;
}

/* Never called: no thread ever starts. */
void ek_thread_join(ek_thread *t)
{
}

int ek_thread_start_detached(ek_thread *t, void *(*job)(void *), void *arg)
{
    return ek_thread_start(t, job, arg);
}

/* Nothing to yield to: with no threads, no share spins waiting on another. */
void ek_thread_yield(void)
{
}
#endif
