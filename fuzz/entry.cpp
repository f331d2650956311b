// The libFuzzer entry of one target, chosen at build time by VIGIL_FUZZ_TARGET.
#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vigil::fuzz::VIGIL_FUZZ_TARGET(vigil::fuzz::Bytes(data, size));
  return 0;
}
