#include "capture/app_payload.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace vigil::capture {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The request method `s` starts with ("GET ", ...), or an empty view. The
// first byte picks the candidates, so a binary segment costs one switch.
std::string_view request_method(std::string_view s) {
  if (s.empty()) return {};
  auto is = [&](std::string_view m) { return starts_with(s, m) ? m : std::string_view{}; };
  switch (s[0]) {
    case 'G':
      return is("GET ");
    case 'P': {
      const std::string_view m = is("POST ");
      if (!m.empty()) return m;
      const std::string_view put = is("PUT ");
      return put.empty() ? is("PATCH ") : put;
    }
    case 'H':
      return is("HEAD ");
    case 'D':
      return is("DELETE ");
    case 'O':
      return is("OPTIONS ");
    case 'C':
      return is("CONNECT ");
    case 'T':
      return is("TRACE ");
    default:
      return {};
  }
}

// HTTP requests start at the segment's start or, once the flow has shown one,
// after a blank line (pipelining). Flows that never start a segment with a
// request (TLS, SSH, any binary protocol) are not scanned for blank lines: as
// Bro's HTTP analyser, which UNSW-NB15 used, only a stream recognised as HTTP
// is parsed as HTTP.
void count_http_requests(AppCounters& app, std::string_view s) {
  std::size_t at = 0;
  while (at < s.size()) {
    const std::string_view m = request_method(s.substr(at));
    if (!m.empty()) {
      ++app.http_requests;
      if (m == "GET " || m == "POST ") ++app.http_get_post;
    } else if (app.http_requests == 0) {
      break;
    }
    const std::size_t blank = s.find("\r\n\r\n", at);
    if (blank == std::string_view::npos) break;
    at = blank + 4;
  }
}

void count_http_response(AppCounters& app, std::string_view s) {
  if (s.empty() || s[0] != 'H' || !starts_with(s, "HTTP/1.")) return;
  const std::size_t end = s.find("\r\n\r\n");
  const std::string_view headers = s.substr(0, end);
  for (std::size_t line = headers.find("\r\n"); line != std::string_view::npos;
       line = headers.find("\r\n", line + 2)) {
    const std::string_view field = headers.substr(line + 2);
    constexpr std::string_view kName = "content-length:";
    if (field.size() < kName.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(field[i])) == kName[i];
    }
    if (!match) continue;
    std::uint64_t value = 0;
    std::size_t i = kName.size();
    while (i < field.size() && field[i] == ' ') ++i;
    for (; i < field.size() && std::isdigit(static_cast<unsigned char>(field[i])) &&
           value < (1ULL << 50);
         ++i) {
      value = value * 10 + static_cast<std::uint64_t>(field[i] - '0');
    }
    app.http_body_bytes += value;
    return;
  }
}

// FTP commands: lines of 3-4 letters, then a space or the line end.
void count_ftp_commands(AppCounters& app, std::string_view s) {
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t n = 0;
    while (at + n < s.size() && n < 5 && std::isalpha(static_cast<unsigned char>(s[at + n]))) ++n;
    const bool ends =
        at + n == s.size() || s[at + n] == ' ' || s[at + n] == '\r' || s[at + n] == '\n';
    if ((n == 3 || n == 4) && ends) {
      ++app.ftp_commands;
      std::string verb(s.substr(at, n));
      std::transform(verb.begin(), verb.end(), verb.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      if (verb == "USER") app.ftp_user = true;
      if (verb == "PASS") app.ftp_pass = true;
    }
    const std::size_t eol = s.find('\n', at);
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
}

}  // namespace

void inspect_payload(AppCounters& app, const std::uint8_t* payload, std::uint32_t length,
                     bool from_client, std::uint16_t server_port) {
  if (length == 0) return;
  const std::string_view s(reinterpret_cast<const char*>(payload), length);
  const bool ftp = server_port == 21;
  if (from_client) {
    if (ftp) {
      count_ftp_commands(app, s);
    } else {
      count_http_requests(app, s);
    }
  } else {
    if (ftp) {
      if (starts_with(s, "230") && app.ftp_user && app.ftp_pass) app.ftp_logged_in = true;
    } else {
      count_http_response(app, s);
    }
  }
}

}  // namespace vigil::capture
