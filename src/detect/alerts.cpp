// The EVE timestamp; the alert formats themselves are in eve_format.cpp,
// cef_format.cpp and syslog_format.cpp, registered in alert_formats.cpp.
#include "vigil/detect/alerts.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace vigil::detect {

std::string eve_time(double epoch_seconds) {
  auto whole = static_cast<std::time_t>(std::floor(epoch_seconds));
  auto micros = static_cast<long>(std::llround((epoch_seconds - static_cast<double>(whole)) * 1e6));
  if (micros >= 1'000'000) {
    ++whole;
    micros -= 1'000'000;
  }
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+0000", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return text;
}

}  // namespace vigil::detect
