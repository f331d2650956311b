#include "report/charts.hpp"

#include <algorithm>
#include <cmath>

#include "report/svg.hpp"

namespace vigil::report {
namespace {

constexpr double kTitleHeight = 24;
constexpr double kLegendRow = 16;

// Maps a value of an axis onto [0, 1] of its length.
double unit(const Axis& a, double v) {
  if (!std::isfinite(v)) v = v > 0 ? a.hi : a.lo;
  v = std::clamp(v, a.lo, a.hi);
  if (a.log) {
    const double lo = std::log10(a.lo), hi = std::log10(a.hi);
    return hi > lo ? (std::log10(v) - lo) / (hi - lo) : 0.5;
  }
  return a.hi > a.lo ? (v - a.lo) / (a.hi - a.lo) : 0.5;
}

std::string tick_text(const Axis& a, double v, double step) {
  if (a.format != nullptr) return a.format(v);
  if (a.percent) return number(v * 100, step * 100 < 1 ? 1 : 0) + "%";
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
  return number(v, std::clamp(decimals, 0, 6));
}

// Round tick positions: about five on a linear axis, the powers of ten on a log one.
std::vector<double> ticks(const Axis& a, double* step_out) {
  std::vector<double> out;
  if (a.log) {
    for (double e = std::floor(std::log10(a.lo)); e <= std::ceil(std::log10(a.hi)); e += 1) {
      const double v = std::pow(10.0, e);
      if (v >= a.lo * 0.999 && v <= a.hi * 1.001) out.push_back(v);
    }
    *step_out = 1;
    return out;
  }
  const double range = a.hi - a.lo;
  if (!(range > 0)) {
    *step_out = 1;
    return {a.lo};
  }
  const double raw = range / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  for (double v = std::ceil(a.lo / step) * step; v <= a.hi + step * 1e-9; v += step) {
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  *step_out = step;
  return out;
}

std::string shortened(const std::string& s, std::size_t most) {
  return s.size() <= most ? s : s.substr(0, most - 1) + "\u2026";
}

struct Frame {
  double left, top, width, height;
  double x(const Axis& a, double v) const { return left + unit(a, v) * width; }
  double y(const Axis& a, double v) const { return top + height - unit(a, v) * height; }
};

void draw_y_axis(Svg& svg, const Frame& f, const Axis& a) {
  double step = 1;
  for (double v : ticks(a, &step)) {
    const double y = f.y(a, v);
    svg.line(f.left, y, f.left + f.width, y, "#e4e4e4");
    svg.text(f.left - 6, y + 4, tick_text(a, v, step), "end", 10);
  }
  svg.line(f.left, f.top, f.left, f.top + f.height, "#888");
  svg.text(14, f.top + f.height / 2, a.label, "middle", 11, -90);
}

void draw_x_axis(Svg& svg, const Frame& f, const Axis& a) {
  double step = 1;
  for (double v : ticks(a, &step)) {
    const double x = f.x(a, v);
    svg.line(x, f.top, x, f.top + f.height, "#e4e4e4");
    svg.text(x, f.top + f.height + 14, tick_text(a, v, step), "middle", 10);
  }
  svg.line(f.left, f.top + f.height, f.left + f.width, f.top + f.height, "#888");
  svg.text(f.left + f.width / 2, f.top + f.height + 32, a.label, "middle", 11);
}

void draw_legend(Svg& svg, double x, double top, const std::vector<std::string>& names,
                 const std::vector<bool>& dashed, const std::vector<std::string>& colors) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double y = top + kLegendRow * static_cast<double>(i);
    svg.line(x, y - 4, x + 18, y - 4, colors[i], 3, dashed[i] ? "5,3" : "");
    svg.text(x + 24, y, shortened(names[i], 30), "start", 10.5);
  }
}

}  // namespace

std::string xy_chart(const XyChart& chart) {
  const bool legend = !chart.points && !chart.series.empty();
  const double legend_width = legend ? 200 : 0;
  const double left = 62, right = legend_width + 28, top = kTitleHeight + 10, bottom = 44;
  const double height = std::max(
      320.0, top + bottom + kLegendRow * static_cast<double>(legend ? chart.series.size() : 0));
  const double width = 400 + legend_width;
  const Frame f{left, top, width - left - right, height - top - bottom};
  Svg svg(width, height, "chart xy", chart.title);
  svg.text(left, 16, chart.title, "start", 13);
  draw_y_axis(svg, f, chart.y);
  draw_x_axis(svg, f, chart.x);
  if (chart.diagonal) {
    svg.line(f.x(chart.x, chart.x.lo), f.y(chart.y, chart.y.lo), f.x(chart.x, chart.x.hi),
             f.y(chart.y, chart.y.hi), "#bbb", 1, "4,4");
  }
  std::vector<std::string> names, colors;
  std::vector<bool> dashed;
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const Series& series = chart.series[s];
    const std::string color = series.color.empty() ? series_color(s) : series.color;
    const std::string tip = series.tooltip.empty() ? series.name : series.tooltip;
    const std::size_t n = std::min(series.x.size(), series.y.size());
    if (chart.points) {
      for (std::size_t i = 0; i < n; ++i) {
        const double x = f.x(chart.x, series.x[i]), y = f.y(chart.y, series.y[i]);
        svg.circle(x, y, 5, color, "point", tip);
        svg.text(x + 8, y + 4, series.name, "start", 10.5);
      }
      continue;
    }
    std::string points;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(series.y[i]) || !std::isfinite(series.x[i])) continue;
      if (!points.empty()) points += ' ';
      points += number(f.x(chart.x, series.x[i]), 1) + "," + number(f.y(chart.y, series.y[i]), 1);
    }
    svg.polyline(points, color, series.width, "curve", tip, series.dashed ? "6,3" : "");
    names.push_back(series.name);
    colors.push_back(color);
    dashed.push_back(series.dashed);
  }
  if (legend) draw_legend(svg, width - legend_width, top + 8, names, dashed, colors);
  return svg.finish();
}

std::string bar_chart(const BarChart& chart) {
  const std::size_t groups = chart.groups.size(), series = chart.series.size();
  const double bar = chart.stacked ? 12 : (series > 6 ? 7 : 10);
  const double group_width =
      chart.stacked ? bar + 3 : bar * static_cast<double>(std::max<std::size_t>(series, 1)) + 12;
  std::size_t longest = 0;
  for (const auto& g : chart.groups)
    longest = std::max(longest, std::min<std::size_t>(g.size(), 22));
  const double legend_width = series > 1 ? 170 : 0;
  const double left = 62, top = kTitleHeight + 10, bottom = 26 + 4.5 * static_cast<double>(longest);
  const double plot_width = std::max(240.0, group_width * static_cast<double>(groups));
  const double plot_height = 220;
  const double width = left + plot_width + 16 + legend_width;
  const double height =
      std::max(top + plot_height + bottom, top + 8 + kLegendRow * static_cast<double>(series));
  const Frame f{left, top, plot_width, plot_height};
  Svg svg(width, height, chart.stacked ? "chart bars stacked" : "chart bars", chart.title);
  svg.text(left, 16, chart.title, "start", 13);
  draw_y_axis(svg, f, chart.y);
  svg.line(f.left, f.top + f.height, f.left + f.width, f.top + f.height, "#888");
  const double slot = plot_width / static_cast<double>(std::max<std::size_t>(groups, 1));
  const bool every_label = groups <= 40;
  for (std::size_t g = 0; g < groups; ++g) {
    const double gx = f.left + slot * static_cast<double>(g) + (slot - group_width) / 2;
    double stacked_top = 0;
    for (std::size_t s = 0; s < series; ++s) {
      const double v = g < chart.values[s].size() ? chart.values[s][g] : NAN;
      if (!std::isfinite(v)) continue;
      const std::string label = chart.series[s] + " \u00b7 " + chart.groups[g] + ": " +
                                (chart.y.format    ? chart.y.format(v)
                                 : chart.y.percent ? percent(v, 2)
                                                   : number(v, 4));
      if (chart.stacked) {
        if (v <= 0) continue;
        const double y0 = f.y(chart.y, stacked_top), y1 = f.y(chart.y, stacked_top + v);
        svg.rect(gx, y1, bar, y0 - y1, series_color(s), "bar", label);
        stacked_top += v;
      } else {
        const double x = gx + 6 + bar * static_cast<double>(s);
        const double y = f.y(chart.y, v), y0 = f.y(chart.y, std::max(chart.y.lo, 0.0));
        svg.rect(x, std::min(y, y0), bar - 1, std::abs(y0 - y), series_color(s), "bar", label);
      }
    }
    if (every_label || g % ((groups + 39) / 40) == 0) {
      const double cx = f.left + slot * (static_cast<double>(g) + 0.5);
      svg.text(cx + 3, f.top + f.height + 12, shortened(chart.groups[g], 22), "end", 10, -40);
    }
  }
  for (const auto& [name, value] : chart.reference_lines) {
    const double y = f.y(chart.y, value);
    svg.line(f.left, y, f.left + f.width, y, "#c00", 1.2, "6,3");
    svg.text(f.left + f.width - 4, y - 4, name, "end", 10, 0, "#c00");
  }
  if (series > 1) {
    std::vector<std::string> colors;
    for (std::size_t s = 0; s < series; ++s) colors.emplace_back(series_color(s));
    draw_legend(svg, left + plot_width + 24, top + 8, chart.series,
                std::vector<bool>(series, false), colors);
  }
  return svg.finish();
}

std::string horizontal_bars(const HorizontalBars& chart) {
  const double row = 18, label_width = 210, bar_area = 320, top = kTitleHeight + 8;
  const double width = label_width + bar_area + 110;
  const double height = top + row * static_cast<double>(chart.labels.size()) + 10;
  Svg svg(width, height, "chart hbars", chart.title);
  svg.text(4, 16, chart.title, "start", 13);
  double most = 0;
  for (double v : chart.values) most = std::max(most, std::isfinite(v) ? v : 0.0);
  for (std::size_t i = 0; i < chart.labels.size() && i < chart.values.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    const double v = std::isfinite(chart.values[i]) ? chart.values[i] : 0.0;
    const std::string text = i < chart.value_text.size() && !chart.value_text[i].empty()
                                 ? chart.value_text[i]
                                 : number(v, 4);
    svg.text(label_width - 6, y + 12, shortened(chart.labels[i], 34), "end", 10.5);
    const double w = most > 0 ? bar_area * std::max(v, 0.0) / most : 0;
    svg.rect(label_width, y + 2, w, row - 4, chart.color, "hbar", chart.labels[i] + ": " + text);
    svg.text(label_width + w + 4, y + 12, text, "start", 10);
  }
  return svg.finish();
}

std::string heatmap(const Heatmap& chart) {
  const std::size_t rows = chart.rows.size(), cols = chart.columns.size();
  const double cell =
      std::max(12.0, std::min(44.0, 520.0 / static_cast<double>(std::max(rows, cols))));
  std::size_t longest_row = 0, longest_col = 0;
  for (const auto& r : chart.rows)
    longest_row = std::max(longest_row, std::min<std::size_t>(r.size(), 22));
  for (const auto& c : chart.columns)
    longest_col = std::max(longest_col, std::min<std::size_t>(c.size(), 22));
  const double left = 30 + 6.2 * static_cast<double>(longest_row), top = kTitleHeight + 10;
  const double bottom = 30 + 4.5 * static_cast<double>(longest_col);
  const double width = left + cell * static_cast<double>(cols) + 16;
  const double height = top + cell * static_cast<double>(rows) + bottom;
  Svg svg(width, height, "chart heatmap", chart.title);
  svg.text(4, 16, chart.title, "start", 13);
  svg.text(12, top + cell * static_cast<double>(rows) / 2, chart.row_axis, "middle", 11, -90);
  for (std::size_t r = 0; r < rows; ++r) {
    const double y = top + cell * static_cast<double>(r);
    svg.text(left - 5, y + cell / 2 + 4, shortened(chart.rows[r], 22), "end", 10);
    for (std::size_t c = 0; c < cols; ++c) {
      const double x = left + cell * static_cast<double>(c);
      const double shade = chart.shade[r][c];
      svg.rect(x, y, cell - 1, cell - 1, heat_color(shade), "cell", chart.tooltip[r][c]);
      if (cell >= 28 && !chart.text[r][c].empty()) {
        svg.text(x + cell / 2, y + cell / 2 + 4, chart.text[r][c], "middle", cell >= 40 ? 10 : 8.5,
                 0, shade > 0.55 ? "#fff" : "#222");
      }
    }
  }
  const double base = top + cell * static_cast<double>(rows);
  for (std::size_t c = 0; c < cols; ++c) {
    const double cx = left + cell * (static_cast<double>(c) + 0.5);
    svg.text(cx + 3, base + 10, shortened(chart.columns[c], 22), "end", 10, -40);
  }
  svg.text(left + cell * static_cast<double>(cols) / 2, height - 6, chart.column_axis, "middle",
           11);
  return svg.finish();
}

}  // namespace vigil::report
