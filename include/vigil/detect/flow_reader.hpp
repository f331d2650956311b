// Flow rows from elsewhere (`vigil extract`, another sensor, a UNSW-NB15
// partition file) read one at a time from a CSV stream, so `vigil detect
// --flows -` classifies each row as it arrives rather than at end of input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::detect {

class FlowCsvReader {
 public:
  // Reads the header line; `source` names the stream in messages. Throws
  // InputError for an empty stream. The stream stays the caller's.
  FlowCsvReader(std::FILE* in, std::string source);
  FlowCsvReader(const FlowCsvReader&) = delete;
  FlowCsvReader& operator=(const FlowCsvReader&) = delete;

  // The next row as a flow; false at end of input. Columns that FlowRecord has
  // no field for (attack_cat, label) are skipped; numeric features the file
  // lacks are missing (NaN), for the model's imputer. Throws InputError naming
  // the line and column for a ragged row or a number that does not parse.
  bool next(capture::FlowRecord& flow);

  bool has_column(const std::string& name) const;
  std::size_t line() const { return line_; }  // physical line of the last row read
  const std::string& source() const { return source_; }

 private:
  bool read_record();  // into cells_; false at end
  // The next physical line into line_, its end included; false at end of input.
  // Bounded by data::kMaxLineBytes, so a stream without line ends cannot
  // exhaust memory.
  bool read_line();
  std::FILE* in_;
  std::string source_;
  std::vector<std::string> header_;
  std::vector<capture::RecordColumn> targets_;  // per column; kNone: skipped
  std::vector<std::string> cells_;
  std::string line_text_;  // reused from row to row
  std::size_t line_ = 0, next_line_ = 1;
  std::uint64_t rows_ = 0;
};

}  // namespace vigil::detect
