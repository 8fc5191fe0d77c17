#ifndef CLINUX_H
#define CLINUX_H
/* Linux calls that Glibc's Swift module leaves out (epoll, eventfd) or that need _GNU_SOURCE
   (accept4, CPU affinity); the latter are compiled in clinux.c so this header stays neutral. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len);
int clinux_available_cpus(void);
/* Blocks SIGINT and SIGTERM in the calling thread and the threads it creates afterwards,
   so that one thread can take them with sigwait. Returns 0 on success. */
int clinux_block_termination_signals(void);
/* Waits for SIGINT or SIGTERM; returns the signal number, or -1. */
int clinux_wait_termination_signal(void);
/* Hands free heap pages back to the kernel (glibc malloc_trim(0)); returns 1 when any were. */
int clinux_release_free_heap(void);
/* Caps glibc's malloc arenas (M_ARENA_MAX); call before other threads start. */
int clinux_limit_heap_arenas(int count);
#endif
