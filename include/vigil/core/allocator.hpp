// How the process's allocator treats the large buffers Vigil frees.
#pragma once

namespace vigil {

// Keeps memory the process frees for its next allocations rather than
// returning it to the kernel. Vigil allocates and frees buffers of tens to
// hundreds of MB (a model's file image, SMOTE's rows, a forest's tables); by
// default glibc maps each anew and unmaps it when freed, and fresh pages
// are slow to come by: on the VMs measured, 0.5 GB/s, so that kNN's 50 MB
// copy of its rows took 0.08-0.11 s instead of 0.03. The cost is that the
// process keeps its peak memory until it exits (the five-model experiment:
// 855 MiB instead of 649), so batch commands (train, evaluate, experiment)
// call it and the long-running detector does not: there it also measured
// slower per flow (p99 63-85 us instead of 47-49).
void keep_freed_memory();

}  // namespace vigil
