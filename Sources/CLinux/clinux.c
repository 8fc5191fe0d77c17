#define _GNU_SOURCE 1
#include <malloc.h>
#include "CLinux.h"
#include <sched.h>
#include <signal.h>
#include <pthread.h>

int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int clinux_available_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}

static void termination_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

int clinux_block_termination_signals(void) {
    sigset_t set;
    termination_set(&set);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int clinux_wait_termination_signal(void) {
    sigset_t set;
    termination_set(&set);
    int sig = 0;
    if (sigwait(&set, &sig) != 0) return -1;
    return sig;
}

/* glibc returns freed memory to the kernel only from the top of the main heap; pages freed
   inside the per-thread arenas stay resident until malloc_trim walks them. */
int clinux_release_free_heap(void) {
    return malloc_trim(0);
}

/* By default glibc opens up to 8 arenas per CPU, one per thread that meets contention; each
   keeps its own free pages and fragments on its own. */
int clinux_limit_heap_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
