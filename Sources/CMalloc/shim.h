// glibc's malloc tuning (mallopt and its M_* parameters), which Swift's Glibc module does not export:
// `meridian serve` sets the heap trim and mmap thresholds at start (see ServeCommand).
#ifndef MERIDIAN_CMALLOC_SHIM_H
#define MERIDIAN_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
