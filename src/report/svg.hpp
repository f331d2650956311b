// A small SVG and HTML text builder for the report pages: every piece of text
// goes through one escaping function, so a class name or a flow's address can
// never break the markup (or inject any).
#pragma once

#include <string>
#include <string_view>

namespace vigil::report {

// `text` with &, <, >, " and ' replaced by entities (safe in text and attributes).
std::string escape(std::string_view text);

// `value` with at most `decimals` decimals, trailing zeros dropped ("0.5", "12").
std::string number(double value, int decimals = 4);

// A share as a percentage with `decimals` decimals ("12.5%").
std::string percent(double share, int decimals = 1);

// Bytes as B, KiB, MiB.
std::string byte_size(double bytes);

// Seconds as us, ms or s, whichever reads best.
std::string duration(double seconds);

// One colour per series, from a palette readable on white and by most colour-blind readers
// (Tableau 10); past ten it repeats.
const char* series_color(std::size_t i);

// A colour from white (0) to dark blue (1), for heatmaps.
std::string heat_color(double share);

// Appends SVG elements to a string.
class Svg {
 public:
  Svg(double width, double height, std::string_view css_class, std::string_view label);
  void rect(double x, double y, double w, double h, std::string_view fill,
            std::string_view css_class = {}, std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            std::string_view dash = {});
  // anchor: start, middle or end; rotate: degrees about (x, y).
  void text(double x, double y, std::string_view content, std::string_view anchor = "start",
            double size = 11, double rotate = 0, std::string_view fill = "#222");
  void circle(double x, double y, double r, std::string_view fill, std::string_view css_class = {},
              std::string_view tooltip = {});
  // A polyline through "x,y x,y ..." already in pixels.
  void polyline(std::string_view points, std::string_view stroke, double width,
                std::string_view css_class, std::string_view tooltip, std::string_view dash = {});
  std::string finish();

 private:
  std::string out_;
};

}  // namespace vigil::report
