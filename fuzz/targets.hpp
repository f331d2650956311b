// Fuzz targets: one function per reader of outside input, run on arbitrary
// bytes. A target swallows the errors Vigil reports to users (vigil::Error:
// a clear message for bad input is the right answer); anything else (a crash,
// a sanitizer report, an InternalError, std::bad_alloc, a hang) is a bug.
//
// The same functions drive the libFuzzer binaries (fuzz/entry.cpp, built with
// -DVIGIL_FUZZ=ON under clang) and the test suite's replay of the inputs
// kept under tests/fuzz/<target>/, so every crash found stays fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vigil::fuzz {

using Bytes = std::span<const std::uint8_t>;

// CSV: the tokenizer and the typer, then load_dataset with the last column as label.
void csv(Bytes input);
// Flow rows as `vigil detect --flows` reads them.
void flow_rows(Bytes input);
// A capture file (pcap, pcapng, gzip'd), through flow assembly and every feature.
void capture(Bytes input);
// A model file, every section; a model that loads then predicts one row.
void model_file(Bytes input);
// Label files: the lab's labels.csv and Zeek's conn.log.labeled.
void label_file(Bytes input);

struct Target {
  std::string_view name;
  void (*run)(Bytes);
};
// Every target, by the name of its binary (fuzz_<name>) and its folders.
const std::vector<Target>& targets();

}  // namespace vigil::fuzz
