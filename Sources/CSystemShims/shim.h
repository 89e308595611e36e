// C library calls that Swift's Glibc module does not export: glibc's malloc tuning (mallopt and its M_*
// parameters; `meridian serve` sets the heap trim and mmap thresholds at start) and getrandom(2) (the API server's
// buffered random words).
#ifndef MERIDIAN_CSYSTEMSHIMS_SHIM_H
#define MERIDIAN_CSYSTEMSHIMS_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#include <sys/random.h>
#endif
#endif
