// The alert formats' factories, one per file (eve_format.cpp, cef_format.cpp,
// syslog_format.cpp), registered in alert_formats.cpp.
#pragma once

#include <memory>

#include "vigil/detect/alerts.hpp"

namespace vigil::detect {

std::unique_ptr<AlertFormatter> make_eve_formatter(const AlertContext& context);
std::unique_ptr<AlertFormatter> make_cef_formatter(const AlertContext& context);
std::unique_ptr<AlertFormatter> make_syslog_formatter(const AlertContext& context);

}  // namespace vigil::detect
