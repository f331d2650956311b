#include "vigil/eval/anomaly.hpp"

#include <cstdio>
#include <sstream>

#include "vigil/core/error.hpp"

namespace vigil::eval {
namespace {

double ratio(std::uint64_t num, std::uint64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string share(std::uint64_t caught, std::uint64_t rows) {
  return rows ? format("%llu/%llu (%.1f%%)", static_cast<unsigned long long>(caught),
                       static_cast<unsigned long long>(rows), 100.0 * ratio(caught, rows))
              : std::string("-");
}

nlohmann::json binary_json(const BinaryScores& b) {
  return {{"tp", b.tp},
          {"fp", b.fp},
          {"fn", b.fn},
          {"tn", b.tn},
          {"precision", b.precision},
          {"recall", b.recall},
          {"f1", b.f1},
          {"false_positive_rate", b.false_positive_rate}};
}

nlohmann::json caught_json(const CaughtByClass& c, const std::vector<std::string>& names) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size(); ++i)
    out[names[i]] = {{"rows", c.rows[i]}, {"flagged", c.caught[i]}};
  return out;
}

}  // namespace

BinaryScores binary_scores(std::span<const std::uint8_t> attack,
                           std::span<const std::uint8_t> flagged) {
  VIGIL_CHECK(attack.size() == flagged.size(), "binary_scores shapes");
  BinaryScores b;
  for (std::size_t i = 0; i < attack.size(); ++i) {
    if (attack[i]) {
      (flagged[i] ? b.tp : b.fn) += 1;
    } else {
      (flagged[i] ? b.fp : b.tn) += 1;
    }
  }
  b.precision = ratio(b.tp, b.tp + b.fp);
  b.recall = ratio(b.tp, b.tp + b.fn);
  b.f1 = b.precision + b.recall > 0 ? 2 * b.precision * b.recall / (b.precision + b.recall) : 0.0;
  b.false_positive_rate = ratio(b.fp, b.fp + b.tn);
  return b;
}

CaughtByClass caught_by_class(std::span<const std::int32_t> actual,
                              std::span<const std::uint8_t> flagged, std::size_t classes) {
  CaughtByClass c{std::vector<std::uint64_t>(classes), std::vector<std::uint64_t>(classes)};
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const auto k = static_cast<std::size_t>(actual[i]);
    ++c.rows[k];
    c.caught[k] += flagged[i];
  }
  return c;
}

HybridResult score_hybrid(const std::string& model, const std::string& detector,
                          std::span<const std::int32_t> actual,
                          std::span<const std::int32_t> predicted,
                          std::span<const std::uint8_t> flagged, std::int32_t benign,
                          std::size_t classes) {
  VIGIL_CHECK(actual.size() == predicted.size() && actual.size() == flagged.size(),
              "score_hybrid shapes");
  HybridResult h;
  h.model = model;
  h.detector = detector;
  std::vector<std::uint8_t> attack(actual.size()), alone(actual.size()), hybrid(actual.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    attack[i] = actual[i] != benign;
    alone[i] = predicted[i] != benign;
    hybrid[i] = alone[i] || flagged[i];
    h.unknown += !alone[i] && flagged[i];
  }
  h.classifier_alone = binary_scores(attack, alone);
  h.hybrid = binary_scores(attack, hybrid);
  h.alone_by_class = caught_by_class(actual, alone, classes);
  h.hybrid_by_class = caught_by_class(actual, hybrid, classes);
  return h;
}

std::string anomaly_text(const std::vector<AnomalyResult>& detectors,
                         const std::vector<HybridResult>& hybrids,
                         const std::vector<std::string>& class_names, const std::string& benign,
                         const std::string& holdout_class, bool fitted_on_all_rows) {
  std::ostringstream out;
  if (!detectors.empty()) {
    out << "\n== anomaly detection: fitted on "
        << (fitted_on_all_rows ? "every real training row (labels unused)"
                               : benign + " training rows only")
        << ", attack vs " << benign << " on the test rows\n"
        << "detector  train rows  threshold  train flag rate  precision  recall      F1     FPR    "
           " AUC   fit s  score s\n";
    for (const auto& d : detectors) {
      out << format("%-8s  %10zu  %9.4f  %15.4f  %9.4f  %6.4f  %6.4f  %6.4f  %6.4f  %6.2f  %7.3f\n",
                    d.detector.c_str(), d.training_rows, d.threshold, d.training_flag_rate,
                    d.detection.precision, d.detection.recall, d.detection.f1,
                    d.detection.false_positive_rate, d.roc.auc, d.fit_seconds, d.score_seconds);
    }
    for (const auto& d : detectors) {
      for (const auto& n : d.notes) out << "note: " << n << '\n';
    }
    out << "\nflagged by class (for " << benign << ": false alarms)\n" << format("%-16s", "class");
    for (const auto& d : detectors) out << format("  %22s", d.detector.c_str());
    out << '\n';
    for (std::size_t c = 0; c < class_names.size(); ++c) {
      out << format("%-16s", class_names[c].c_str());
      for (const auto& d : detectors)
        out << format("  %22s", share(d.by_class.caught[c], d.by_class.rows[c]).c_str());
      out << '\n';
    }
  }
  if (!hybrids.empty()) {
    out << "\n== hybrid: classifier, plus Unknown/anomaly where the classifier says " << benign
        << " and the detector flags\n"
        << "classifier+detector   attack recall      attack precision    attack F1          FPR    "
           "            "
           "Unknown flows\n";
    for (const auto& h : hybrids) {
      const auto arrow = [](double a, double b) { return format("%.4f -> %.4f", a, b); };
      out << format(
          "%-20s  %-17s  %-18s  %-17s  %-17s  %llu\n", (h.model + "+" + h.detector).c_str(),
          arrow(h.classifier_alone.recall, h.hybrid.recall).c_str(),
          arrow(h.classifier_alone.precision, h.hybrid.precision).c_str(),
          arrow(h.classifier_alone.f1, h.hybrid.f1).c_str(),
          arrow(h.classifier_alone.false_positive_rate, h.hybrid.false_positive_rate).c_str(),
          static_cast<unsigned long long>(h.unknown));
    }
    for (std::size_t c = 0; c < class_names.size(); ++c) {
      if (class_names[c] != holdout_class) continue;
      out << "\nheld-out class " << holdout_class
          << " (no row of it in training): flows raised as any attack\n";
      for (const auto& h : hybrids) {
        out << format("%-20s  classifier alone %-22s  hybrid %s\n",
                      (h.model + "+" + h.detector).c_str(),
                      share(h.alone_by_class.caught[c], h.alone_by_class.rows[c]).c_str(),
                      share(h.hybrid_by_class.caught[c], h.hybrid_by_class.rows[c]).c_str());
      }
    }
  }
  return out.str();
}

nlohmann::json to_json(const AnomalyResult& r, const std::vector<std::string>& class_names) {
  return {{"detector", r.detector},
          {"training_rows", r.training_rows},
          {"threshold", r.threshold},
          {"training_flag_rate", r.training_flag_rate},
          {"fit_seconds", r.fit_seconds},
          {"score_seconds", r.score_seconds},
          {"detection", binary_json(r.detection)},
          {"auc", r.roc.defined() ? nlohmann::json(r.roc.auc) : nlohmann::json(nullptr)},
          {"flagged_by_class", caught_json(r.by_class, class_names)},
          {"notes", r.notes}};
}

nlohmann::json to_json(const HybridResult& r, const std::vector<std::string>& class_names) {
  return {{"model", r.model},
          {"detector", r.detector},
          {"classifier_alone", binary_json(r.classifier_alone)},
          {"hybrid", binary_json(r.hybrid)},
          {"unknown_flows", r.unknown},
          {"alone_by_class", caught_json(r.alone_by_class, class_names)},
          {"hybrid_by_class", caught_json(r.hybrid_by_class, class_names)}};
}

}  // namespace vigil::eval
