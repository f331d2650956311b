// One self-contained HTML page: inline CSS, inline SVG charts, no script, and a
// Content-Security-Policy that forbids every network request, so the page opens
// the same on an air-gapped machine. The numbers behind the charts travel in the
// page as one JSON block (<script type="application/json" id="vigil-data">).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigil::report {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  // A section heading, listed in the page's contents when level is 2 and the
  // contents are open.
  void heading(const std::string& text, const std::string& id, int level = 2);
  // While closed, headings stay out of the contents (a page of several
  // experiments lists each experiment, not each of its sections).
  void list_headings(bool open) { listing_ = open; }
  void paragraph(const std::string& text, const std::string& css_class = {});
  // Cells are text (escaped); the first row is the header.
  void table(const std::vector<std::vector<std::string>>& rows, const std::string& css_class = {});
  // Key/value lines.
  void facts(const std::vector<std::pair<std::string, std::string>>& items);
  // Charts (SVG markup from charts.hpp) side by side, wrapping.
  void figures(const std::vector<std::string>& svgs);

  // The whole page, with `data` embedded as its JSON block.
  std::string render(const nlohmann::json& data) const;

 private:
  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> contents_;  // id, heading
  bool listing_ = true;
};

// The embedded JSON block of a page rendered by HtmlPage, parsed back.
nlohmann::json embedded_data(const std::string& html);

}  // namespace vigil::report
