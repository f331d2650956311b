#include "report/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace vigil::report {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string number(double value, int decimals) {
  if (!std::isfinite(value)) return value > 0 ? "inf" : (value < 0 ? "-inf" : "n/a");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string percent(double share, int decimals) {
  if (!std::isfinite(share)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, share * 100.0);
  return buf;
}

std::string byte_size(double bytes) {
  char buf[64];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  } else if (bytes < 1024.0 * 1024.0) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
  return buf;
}

std::string duration(double seconds) {
  char buf[64];
  if (seconds < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.1f us", seconds * 1e6);
  } else if (seconds < 1) {
    std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  }
  return buf;
}

const char* series_color(std::size_t i) {
  static constexpr std::array<const char*, 10> kPalette = {
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[i % kPalette.size()];
}

std::string heat_color(double share) {
  const double s = std::clamp(std::isfinite(share) ? share : 0.0, 0.0, 1.0);
  // White to #08306b (a dark blue) through the light blues of ColorBrewer's Blues.
  const auto mix = [s](int from, int to) {
    return static_cast<int>(std::lround(from + (to - from) * s));
  };
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(0xff, 0x08), mix(0xff, 0x30),
                mix(0xff, 0x6b));
  return buf;
}

namespace {

std::string px(double v) { return number(v, 1); }

void tooltip_and_close(std::string& out, std::string_view tooltip) {
  if (tooltip.empty()) {
    out += "/>";
  } else {
    out += "><title>" + escape(tooltip) + "</title></";
  }
}

}  // namespace

Svg::Svg(double width, double height, std::string_view css_class, std::string_view label) {
  out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"" + escape(css_class) + "\" width=\"" +
         px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " +
         px(height) + "\" role=\"img\" aria-label=\"" + escape(label) + "\">";
}

void Svg::rect(double x, double y, double w, double h, std::string_view fill,
               std::string_view css_class, std::string_view tooltip) {
  out_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) +
          "\" height=\"" + px(std::max(h, 0.0)) + "\" fill=\"" + escape(fill) + "\"";
  if (!css_class.empty()) out_ += " class=\"" + escape(css_class) + "\"";
  tooltip_and_close(out_, tooltip);
  if (!tooltip.empty()) out_ += "rect>";
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
               std::string_view dash) {
  out_ += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) +
          "\" stroke=\"" + escape(stroke) + "\" stroke-width=\"" + number(width, 2) + "\"";
  if (!dash.empty()) out_ += " stroke-dasharray=\"" + escape(dash) + "\"";
  out_ += "/>";
}

void Svg::text(double x, double y, std::string_view content, std::string_view anchor, double size,
               double rotate, std::string_view fill) {
  out_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + escape(anchor) +
          "\" font-size=\"" + number(size, 1) + "\" fill=\"" + escape(fill) + "\"";
  if (rotate != 0) {
    out_ += " transform=\"rotate(" + number(rotate, 1) + " " + px(x) + " " + px(y) + ")\"";
  }
  out_ += ">" + escape(content) + "</text>";
}

void Svg::circle(double x, double y, double r, std::string_view fill, std::string_view css_class,
                 std::string_view tooltip) {
  out_ += "<circle cx=\"" + px(x) + "\" cy=\"" + px(y) + "\" r=\"" + px(r) + "\" fill=\"" +
          escape(fill) + "\"";
  if (!css_class.empty()) out_ += " class=\"" + escape(css_class) + "\"";
  tooltip_and_close(out_, tooltip);
  if (!tooltip.empty()) out_ += "circle>";
}

void Svg::polyline(std::string_view points, std::string_view stroke, double width,
                   std::string_view css_class, std::string_view tooltip, std::string_view dash) {
  out_ += "<polyline points=\"" + escape(points) + "\" fill=\"none\" stroke=\"" + escape(stroke) +
          "\" stroke-width=\"" + number(width, 2) + "\" stroke-linejoin=\"round\"";
  if (!dash.empty()) out_ += " stroke-dasharray=\"" + escape(dash) + "\"";
  if (!css_class.empty()) out_ += " class=\"" + escape(css_class) + "\"";
  tooltip_and_close(out_, tooltip);
  if (!tooltip.empty()) out_ += "polyline>";
}

std::string Svg::finish() { return std::move(out_) + "</svg>"; }

}  // namespace vigil::report
