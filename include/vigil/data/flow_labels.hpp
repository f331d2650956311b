// Ground truth for flows: label records (the traffic lab's labels.csv, Zeek
// conn.log.labeled files such as IoT-23's) joined to flow rows from `vigil
// extract` by their endpoints, in either direction, and the time they overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/name_table.hpp"

namespace vigil::data {

// One labelled activity. A lab record names two hosts and a time span (any
// port, or one service port); a Zeek record names one connection's 5-tuple.
struct LabelRecord {
  double start = 0, end = 0;  // seconds since the epoch
  std::string a,
      b;  // addresses: Zeek's originator and responder; lab: client/attacker and server/target
  int a_port = -1,
      b_port = -1;       // -1: any port (lab records: b_port is the service port when one is named)
  std::string proto;     // tcp, udp, icmp; empty: any
  std::string label;     // the class ("Normal" for benign)
  std::size_t line = 0;  // where it was read
};

struct LabelSet {
  std::string source;
  std::string format;  // "lab" or "zeek"
  std::vector<LabelRecord> records;
};

// Reads a label file, telling the format by its first line: the lab's CSV
// header (start,end,src,dst,proto,dport,class,...) or Zeek's "#separator".
// Zeek's benign rows get `benign` as their class and malicious ones their
// detailed label (C&C, FileDownload, ...), or "Malicious" when it has none.
// Errors name the file, line and field.
LabelSet read_label_file(const std::string& path, const std::string& benign = "Normal");

enum class Unmatched { kDrop, kBenign, kFail };
const NameTable<Unmatched>& unmatched_policies();  // drop, benign, fail

struct LabelJoinOptions {
  double slack = 2.0;  // seconds a record's span is widened by on both sides
  Unmatched unmatched = Unmatched::kDrop;
  std::string benign = "Normal";
  // At most this many flows per label record (a random sample; 0: all): a
  // flood's hundred thousand one-packet flows teach a model no more than a few
  // thousand do, and would outweigh every other record.
  std::size_t max_per_record = 0;
  std::uint64_t seed = 42;
};

struct LabelJoinSummary {
  std::size_t flows = 0, matched = 0, unmatched = 0, written = 0;
  std::size_t sampled_out = 0;                   // matched flows left out by max_per_record
  std::size_t records = 0, records_matched = 0;  // label records, and those that matched a flow
  std::map<std::string, std::size_t> flows_by_class;              // written flows per class
  std::map<std::string, std::size_t> records_by_class;            // label records per class
  std::map<std::string, std::size_t> unmatched_records_by_class;  // records that matched no flow
  std::string line() const;
  std::string json() const;
};

// Joins the flows of a `vigil extract` CSV file (srcip, sport, dstip, dsport,
// proto, stime, ltime columns) to the records, and hands `out` the CSV text
// of the labelled flows: every column as read, less any attack_cat and label
// columns, then attack_cat (the class) and label (0 benign, 1 attack). A flow
// that several records match takes an attack record over a benign one, then
// the record it overlaps longest.
LabelJoinSummary label_flows(const std::string& flows_path, const std::vector<LabelSet>& labels,
                             const LabelJoinOptions& options,
                             const std::function<void(std::string_view)>& out);

}  // namespace vigil::data
