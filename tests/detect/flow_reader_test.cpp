// Flow rows read one at a time: the same values `vigil predict` would read,
// quoting across lines, and errors that name the line and column.
#include "vigil/detect/flow_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "detect/flow_queue.hpp"
#include "vigil/core/error.hpp"

namespace vigil::detect {
namespace {

// A FILE* over text in memory.
struct MemoryFile {
  explicit MemoryFile(const std::string& text)
      : buffer(text), file(fmemopen(buffer.data(), buffer.size(), "r")) {}
  ~MemoryFile() { std::fclose(file); }
  std::string buffer;
  std::FILE* file;
};

double numeric(const capture::FlowRecord& f, const std::string& name) {
  const auto& names = capture::numeric_columns();
  return f.numeric[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) -
                                            names.begin())];
}

TEST(FlowCsvReader, ReadsKnownColumnsAndSkipsOthers) {
  MemoryFile in(
      "\xEF\xBB\xBFid,proto,service,sttl,attack_cat,srcip,sport,stime,dur\r\n"
      "12,tcp,-,254,Exploits,10.0.0.1,443,1700000000.123456,0.1\r\n"
      "\n"
      "13,\"u,dp\",dns,?,Normal,,,,\n");
  FlowCsvReader reader(in.file, "flows.csv");
  EXPECT_TRUE(reader.has_column("id"));
  EXPECT_TRUE(reader.has_column("sttl"));
  EXPECT_FALSE(reader.has_column("dttl"));
  capture::FlowRecord f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 2u);
  EXPECT_EQ(f.id, 12u);
  EXPECT_EQ(f.proto, "tcp");
  EXPECT_EQ(f.service, "-");
  EXPECT_EQ(f.srcip, "10.0.0.1");
  EXPECT_EQ(f.sport, 443);
  EXPECT_DOUBLE_EQ(f.stime, 1700000000.123456);  // times keep double precision
  EXPECT_EQ(numeric(f, "sttl"), 254);
  EXPECT_EQ(numeric(f, "dur"),
            static_cast<double>(0.1f));         // features read as the CSV loader reads them
  EXPECT_TRUE(std::isnan(numeric(f, "dttl")));  // absent: missing, for the imputer
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 4u);
  EXPECT_EQ(f.id, 13u);
  EXPECT_EQ(f.proto, "u,dp");
  EXPECT_TRUE(std::isnan(numeric(f, "sttl")));
  EXPECT_TRUE(f.srcip.empty());
  EXPECT_FALSE(reader.next(f));
}

TEST(FlowCsvReader, QuotedCellSpansLines) {
  MemoryFile in("proto,state\n\"tc\np\",\"F\"\"IN\"\nudp,CON\n");
  FlowCsvReader reader(in.file, "x");
  capture::FlowRecord f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.proto, "tc\np");
  EXPECT_EQ(f.state, "F\"IN");
  EXPECT_EQ(f.id, 1u);  // no id column: rows are numbered
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.line(), 4u);
  EXPECT_EQ(f.proto, "udp");
}

std::string error_of(const std::string& text) {
  MemoryFile in(text);
  try {
    FlowCsvReader reader(in.file, "flows.csv");
    capture::FlowRecord f;
    while (reader.next(f)) {
    }
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(FlowCsvReader, BadRowsNameLineAndColumn) {
  EXPECT_EQ(error_of(""), "flows.csv: empty input, expected a header line of flow columns");
  EXPECT_EQ(error_of("proto,sttl\ntcp,1\ntcp,x1\n"),
            "flows.csv:3: column 'sttl': 'x1' is not a number");
  EXPECT_EQ(error_of("proto,sttl\ntcp\n"), "flows.csv:2: 1 cells, but the header has 2");
  EXPECT_EQ(error_of("proto,sport\ntcp,70000\n"),
            "flows.csv:2: column 'sport': '70000' is not a port number");
  EXPECT_EQ(error_of("proto,sttl\n\"tcp,1\n"), "flows.csv:2: a quoted cell is never closed");
  // Found by fuzzing: an id past 64 bits was cast to an integer (undefined behaviour).
  EXPECT_EQ(error_of("id,proto\n6.7e111,tcp\n"),
            "flows.csv:2: column 'id': '6.7e111' is not a flow id (a whole number from 0)");
  EXPECT_EQ(error_of("id,proto\n-1,tcp\n"),
            "flows.csv:2: column 'id': '-1' is not a flow id (a whole number from 0)");
}

// The CSV loader's rule: NaN in any case is missing, infinities are refused.
TEST(FlowCsvReader, NumbersFollowTheLoadersRuleAndBoundsHold) {
  MemoryFile in("proto,sttl,dur\ntcp,NAN,-nan\n");
  FlowCsvReader reader(in.file, "flows.csv");
  capture::FlowRecord flow;
  ASSERT_TRUE(reader.next(flow));
  EXPECT_TRUE(std::isnan(numeric(flow, "sttl")) && std::isnan(numeric(flow, "dur")));
  EXPECT_EQ(error_of("proto,sttl\ntcp,-Infinity\n"),
            "flows.csv:2: column 'sttl': '-Infinity' is infinite or out of range: numbers must be "
            "finite (leave the cell empty, or write NaN, to mark a missing value)");
  EXPECT_EQ(error_of("proto,sttl\ntcp,1e39\n").substr(0, 34), "flows.csv:2: column 'sttl': '1e39'");
  EXPECT_EQ(error_of(std::string("proto,sttl\ntcp,\0\n", 17)),
            "flows.csv:2: a NUL byte; flow rows are text only (is it a binary stream?)");
  EXPECT_EQ(error_of("proto,sttl\ntcp," + std::string(65537, '1') + "\n"),
            "flows.csv:2: a field of 65537 bytes; fields are at most 65536 bytes");
  EXPECT_EQ(error_of("proto,sttl\n" + std::string(16 * 1024 * 1024 + 10, ' ')),
            "flows.csv:2: a line of over 16777216 bytes; lines are at most that long");
}

TEST(FlowQueue, DropsWhenFullUnlessToldToWait) {
  FlowQueue queue(2);
  capture::FlowRecord f;
  EXPECT_TRUE(queue.push(f, false));
  EXPECT_TRUE(queue.push(f, false));
  EXPECT_FALSE(queue.push(f, false));
  EXPECT_EQ(queue.dropped(), 1u);
  EXPECT_EQ(queue.pushed(), 2u);
  std::vector<QueuedFlow> out;
  ASSERT_TRUE(queue.pop(out, 10, std::chrono::milliseconds(0)));
  EXPECT_EQ(queue.taken(), 2u);
  // A waiting producer gives up when the consumer abandons the queue.
  EXPECT_TRUE(queue.push(f, true));
  EXPECT_TRUE(queue.push(f, true));
  queue.abandon();
  EXPECT_FALSE(queue.push(f, true));
  queue.close();
  ASSERT_TRUE(queue.pop(out, 10, std::chrono::milliseconds(0)));
  EXPECT_EQ(queue.taken(), 2u);
  EXPECT_FALSE(queue.pop(out, 10, std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace vigil::detect
