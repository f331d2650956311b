// The page of one or several experiments.
#include "report/experiment_sections.hpp"
#include "report/page.hpp"
#include "vigil/core/error.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::report {

bool is_experiment(const nlohmann::json& j) {
  return j.is_object() && j.contains("models") && j.at("models").is_array() &&
         j.contains("protocol") && j.contains("classes");
}

std::string experiment_page(const std::vector<nlohmann::json>& results,
                            const std::vector<std::string>& sources) {
  if (results.empty()) throw InputError("report: no experiment result to draw");
  const bool several = results.size() > 1;
  std::string title = "Vigil experiment";
  if (!several) title += ": " + results[0].value("protocol", std::string("?")) + " protocol";
  HtmlPage page(title);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!is_experiment(results[i])) {
      throw InputError("report: " + sources[i] +
                       " is not the JSON of vigil experiment --json (no models, protocol and "
                       "classes)");
    }
  }
  std::size_t current = results.size();  // none yet: the side-by-side table reads them all
  try {
    if (several) protocols_section(page, results);
    for (current = 0; current < results.size(); ++current) {
      const nlohmann::json& e = results[current];
      const std::string prefix = several ? "e" + std::to_string(current) + "-" : "";
      if (several) {
        page.list_headings(true);
        page.heading(
            "Protocol " + e.at("protocol").get<std::string>() + " (" + sources[current] + ")",
            prefix + "top");
        page.list_headings(false);
      }
      run_section(page, e, prefix);
      quality_section(page, e, prefix);
      summary_section(page, e, prefix);
      per_class_section(page, e, prefix);
      confusion_section(page, e, prefix);
      roc_section(page, e, prefix);
      precision_recall_section(page, e, prefix);
      threshold_section(page, e, prefix);
      cost_section(page, e, prefix);
      importance_section(page, e, prefix);
      anomaly_section(page, e, prefix);
      if (!e.at("notes").empty()) {
        page.heading("Notes", prefix + "notes");
        for (const auto& n : e.at("notes")) page.paragraph(n.get<std::string>());
      }
    }
  } catch (const nlohmann::json::exception& err) {
    // A field missing or of another type: name the file (all of them when the
    // side-by-side table failed before any one was drawn).
    std::string where = current < sources.size() ? sources[current] : "";
    if (where.empty()) {
      for (const auto& s : sources) where += (where.empty() ? "" : ", ") + s;
    }
    throw InputError("report: " + where + ": not an experiment result this Vigil can draw (" +
                     err.what() + ")");
  }
  return page.render(several ? nlohmann::json(results) : results[0]);
}

}  // namespace vigil::report
