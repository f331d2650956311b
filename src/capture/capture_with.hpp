// capture_flows with a service detector that the caller keeps. Setting up
// nDPI's detection module takes tens of milliseconds, so a caller that reads
// many small captures in one process (the capture fuzz target) sets it up
// once. Of one capture's flows the module keeps only nDPI's small caches of
// hosts seen (as one long capture would), never a flow's state.
#pragma once

#include "capture/service.hpp"
#include "vigil/capture/extract.hpp"

namespace vigil::capture {

ExtractSummary capture_flows_with(ServiceDetector& service, const ExtractConfig& config,
                                  const RecordSink& sink, const std::atomic<bool>* stop,
                                  Progress* progress, LiveCounters* live);

}  // namespace vigil::capture
