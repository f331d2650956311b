// The report's chart kinds, drawn as inline SVG: lines and points on two axes,
// grouped or stacked bars, horizontal bars and heatmaps. Each chart's marks carry
// a CSS class (curve, point, bar, hbar, cell) so a test can count them, and a
// tooltip (<title>) with the exact numbers.
#pragma once

#include <string>
#include <vector>

namespace vigil::report {

struct Axis {
  std::string label;
  double lo = 0, hi = 1;
  bool log = false;                         // base-10 scale; lo must be above 0
  bool percent = false;                     // tick labels as percentages of 1
  std::string (*format)(double) = nullptr;  // tick labels through this, when set
};

struct Series {
  std::string name;
  std::vector<double> x, y;
  std::string tooltip;  // shown on hover; the name when empty
  bool dashed = false;
  double width = 1.5;
  std::string color = {};  // the palette's next colour when empty
};

struct XyChart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  bool diagonal = false;  // the y = x line (a random classifier on ROC axes)
  bool points = false;    // each series is one labelled point (a scatter), not a line
};
std::string xy_chart(const XyChart& chart);

struct BarChart {
  std::string title;
  std::vector<std::string> groups;          // along the x axis
  std::vector<std::string> series;          // bars within a group (or stacked)
  std::vector<std::vector<double>> values;  // [series][group]; NaN: no bar
  Axis y;
  bool stacked = false;
  std::vector<std::pair<std::string, double>> reference_lines;  // labelled horizontal lines
};
std::string bar_chart(const BarChart& chart);

struct HorizontalBars {
  std::string title;
  std::vector<std::string> labels;
  std::vector<double> values;
  std::vector<std::string> value_text;  // printed after each bar; the value when empty
  std::string color = "#4e79a7";
};
std::string horizontal_bars(const HorizontalBars& chart);

struct Heatmap {
  std::string title, row_axis, column_axis;
  std::vector<std::string> rows, columns;
  std::vector<std::vector<double>> shade;  // [row][column], 0 (white) to 1 (dark)
  std::vector<std::vector<std::string>> text, tooltip;
};
std::string heatmap(const Heatmap& chart);

}  // namespace vigil::report
