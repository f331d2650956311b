// How long loading the 82,332-row UNSW-NB15 file takes (target: well under a second).
//   cmake -DVIGIL_BUILD_BENCH=ON ... && build/bench/vigil_bench_csv
#include <benchmark/benchmark.h>

#include <string>

#include "vigil/data/csv.hpp"
#include "vigil/data/dataset.hpp"

namespace {

const std::string kPath = std::string(VIGIL_SHARED_DATA) + "/unsw-nb15/UNSW_NB15_testing-set.csv";

void BM_ReadRawCsv(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::data::read_raw_csv(kPath).rows());
}
BENCHMARK(BM_ReadRawCsv)->Unit(benchmark::kMillisecond);

void BM_ReadTypedCsv(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::data::read_csv(kPath).rows());
}
BENCHMARK(BM_ReadTypedCsv)->Unit(benchmark::kMillisecond);

void BM_LoadDataset(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigil::data::load_dataset(kPath, {}).rows());
}
BENCHMARK(BM_LoadDataset)->Unit(benchmark::kMillisecond);

}  // namespace
