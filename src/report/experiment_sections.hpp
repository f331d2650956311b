// The sections of an experiment's page, each drawn from the JSON of one
// experiment (`vigil experiment --json`). `prefix` keeps section ids apart when
// several experiments share a page.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/page.hpp"

namespace vigil::report {

void run_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void quality_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void summary_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void per_class_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void confusion_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void cost_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void importance_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void anomaly_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);

// ROC, precision-recall and the threshold sweep (experiment_curves.cpp).
void roc_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void precision_recall_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);
void threshold_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix);

// Several experiments' headline figures side by side (paper beside holdout).
void protocols_section(HtmlPage& page, const std::vector<nlohmann::json>& results);

}  // namespace vigil::report
