#include "capture/capture_with.hpp"
#include "fuzz/targets.hpp"
#include "fuzz/targets/memory_file.hpp"
#include "vigil/capture/flow_formats.hpp"
#include "vigil/core/error.hpp"

namespace vigil::fuzz {

void capture(Bytes input) {
  MemoryFile file(input);
  if (!file.ok()) return;
  capture::ExtractConfig config;
  config.pcaps = {file.path()};
  config.max_flows = 1000;  // eviction under pressure is part of what is fuzzed
  // nDPI's module, set up once (tens of milliseconds): what each run reads is
  // the capture, not the set-up.
  static capture::ServiceDetector service;
  static const auto writer = capture::make_flow_format("csv");
  std::string rows = writer->header();
  try {
    // Every feature of every flow, written as a row, as `vigil extract` does.
    capture::capture_flows_with(
        service, config,
        [&](const capture::FlowRecord& r) {
          writer->format(r, rows);
          if (rows.size() > (1 << 16)) rows.clear();
        },
        nullptr, nullptr, nullptr);
  } catch (const Error&) {
  }
}

}  // namespace vigil::fuzz
