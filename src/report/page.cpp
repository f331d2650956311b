#include "report/page.hpp"

#include "report/svg.hpp"
#include "vigil/core/error.hpp"

namespace vigil::report {
namespace {

constexpr const char* kDataOpen = "<script type=\"application/json\" id=\"vigil-data\">";
constexpr const char* kDataClose = "</script>";

// No script runs, nothing is fetched: styles and data: images only.
constexpr const char* kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr const char* kStyle = R"(
body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9d3dd;font-size:13px}
nav{padding:8px 24px;background:#eef1f4;font-size:13px;border-bottom:1px solid #d8dde3}
nav a{margin-right:14px;color:#1f4e79;text-decoration:none}
main{padding:8px 24px 40px}
h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:18px 0 6px}
p{font-size:13px;max-width:980px;line-height:1.45}
p.warn{background:#fff4e5;border-left:4px solid #e8890c;padding:6px 10px}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0 10px;background:#fff}
th,td{border:1px solid #d5d9de;padding:3px 8px;text-align:right}
th{background:#eef1f4}
td:first-child,th:first-child{text-align:left}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:12.5px;margin:6px 0}
dt{color:#555}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
.figs{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
svg.chart{background:#fff;border:1px solid #e0e3e7;font-family:inherit}
)";

}  // namespace

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::heading(const std::string& text, const std::string& id, int level) {
  const std::string tag = "h" + std::to_string(level);
  body_ += "<" + tag + " id=\"" + escape(id) + "\">" + escape(text) + "</" + tag + ">\n";
  if (level == 2 && listing_) contents_.emplace_back(id, text);
}

void HtmlPage::paragraph(const std::string& text, const std::string& css_class) {
  body_ += css_class.empty() ? "<p>" : "<p class=\"" + escape(css_class) + "\">";
  body_ += escape(text) + "</p>\n";
}

void HtmlPage::table(const std::vector<std::vector<std::string>>& rows,
                     const std::string& css_class) {
  if (rows.empty()) return;
  body_ += css_class.empty() ? "<table>" : "<table class=\"" + escape(css_class) + "\">";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const char* cell = r == 0 ? "th" : "td";
    body_ += "<tr>";
    for (const auto& c : rows[r]) {
      body_ += std::string("<") + cell + ">" + escape(c) + "</" + cell + ">";
    }
    body_ += "</tr>";
  }
  body_ += "</table>\n";
}

void HtmlPage::facts(const std::vector<std::pair<std::string, std::string>>& items) {
  body_ += "<dl>";
  for (const auto& [key, value] : items) {
    body_ += "<dt>" + escape(key) + "</dt><dd>" + escape(value) + "</dd>";
  }
  body_ += "</dl>\n";
}

void HtmlPage::figures(const std::vector<std::string>& svgs) {
  body_ += "<div class=\"figs\">";
  for (const auto& s : svgs) body_ += s;
  body_ += "</div>\n";
}

std::string HtmlPage::render(const nlohmann::json& data) const {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  out += kPolicy;
  out += "\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += "<title>" + escape(title_) + "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<header><h1>" + escape(title_) +
         "</h1><p>Vigil " VIGIL_VERSION
         ": a self-contained page (no network, no script); hover over a chart's marks for "
         "their numbers</p></header>\n<nav>";
  for (const auto& [id, text] : contents_) {
    out += "<a href=\"#" + escape(id) + "\">" + escape(text) + "</a>";
  }
  out += "</nav>\n<main>\n" + body_ + "</main>\n";
  // '<' only occurs inside JSON strings, where \u003c means the same: the block
  // can then never contain "</script>".
  std::string json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += kDataOpen;
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  out += kDataClose;
  out += "\n</body></html>\n";
  return out;
}

nlohmann::json embedded_data(const std::string& html) {
  const auto open = html.find(kDataOpen);
  if (open == std::string::npos) throw InputError("the page has no embedded data block");
  const auto start = open + std::char_traits<char>::length(kDataOpen);
  const auto end = html.find(kDataClose, start);
  if (end == std::string::npos) throw InputError("the page's data block is not closed");
  return nlohmann::json::parse(html.substr(start, end - start));
}

}  // namespace vigil::report
