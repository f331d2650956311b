// `vigil predict`: classify rows with a model file and write one verdict per row.
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "vigil/core/error.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/io/model_file.hpp"

namespace vigil::cli {
namespace {

struct PredictOptions {
  std::string model;
  std::string data;
  std::string out;
};

// Quotes a CSV cell when it needs it.
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

void run_predict(const GlobalOptions& g, const PredictOptions& o) {
  io::ModelBundle bundle = io::load_model(o.model);
  data::DatasetOptions dopt;
  dopt.label = bundle.label_column;
  dopt.require_label = false;
  dopt.expected_features = bundle.expected_features();
  status(g, "reading " + o.data);
  data::Dataset ds = data::load_dataset(o.data, dopt);
  const Matrix proba = bundle.predict_proba(ds.features);

  std::ostringstream out;
  out << "row,line,prediction,confidence";
  for (const auto& c : bundle.class_names) out << ",p_" << csv_cell(c);
  out << '\n';
  char num[32];
  for (std::size_t r = 0; r < proba.rows(); ++r) {
    const auto p = proba.row(r);
    std::size_t best = 0;
    for (std::size_t c = 1; c < p.size(); ++c) {
      if (p[c] > p[best]) best = c;
    }
    out << r + 1 << ',' << ds.features.line_numbers[r] << ',' << csv_cell(bundle.class_names[best]);
    for (std::size_t c = 0; c <= p.size(); ++c) {
      const float v = c == 0 ? p[best] : p[c - 1];
      std::snprintf(num, sizeof num, ",%.6g", static_cast<double>(v));
      out << num;
    }
    out << '\n';
  }
  if (o.out.empty() || o.out == "-") {
    std::fputs(out.str().c_str(), stdout);
  } else {
    io::write_file_atomic(o.out, out.str());
    status(g, std::to_string(proba.rows()) + " predictions written to " + o.out);
  }
}

}  // namespace

void add_predict_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<PredictOptions>();
  auto* cmd = app.add_subcommand("predict", "Classify the rows of a CSV with a model file");
  cmd->add_option("--model", o->model, "Model file")->required();
  cmd->add_option("--data", o->data, "Flow CSV (labels, if present, are ignored)")->required();
  cmd->add_option("--out", o->out, "Predictions CSV to write (default: standard output)");
  cmd->callback([o, &g] { run_predict(g, *o); });
}

}  // namespace vigil::cli
