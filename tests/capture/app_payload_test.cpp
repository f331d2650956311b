#include "capture/app_payload.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace vigil::capture {
namespace {

AppCounters client_segments(std::initializer_list<std::string_view> segments,
                            std::uint16_t port = 80) {
  AppCounters app;
  for (std::string_view s : segments) {
    inspect_payload(app, reinterpret_cast<const std::uint8_t*>(s.data()),
                    static_cast<std::uint32_t>(s.size()), true, port);
  }
  return app;
}

TEST(AppPayload, CountsEveryMethodAndGetPostApart) {
  const AppCounters app = client_segments(
      {"GET / HTTP/1.1\r\n\r\n", "POST /a HTTP/1.1\r\n\r\n", "PUT /b HTTP/1.1\r\n\r\n",
       "PATCH /c HTTP/1.1\r\n\r\n", "HEAD / HTTP/1.1\r\n\r\n", "DELETE /d HTTP/1.1\r\n\r\n",
       "OPTIONS * HTTP/1.1\r\n\r\n", "CONNECT h:443 HTTP/1.1\r\n\r\n", "TRACE / HTTP/1.1\r\n\r\n"});
  EXPECT_EQ(app.http_requests, 9u);
  EXPECT_EQ(app.http_get_post, 2u);
}

TEST(AppPayload, PipelinedRequestsCount) {
  const AppCounters app = client_segments(
      {"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\nHEAD /3 HTTP/1.1\r\n\r\n"});
  EXPECT_EQ(app.http_requests, 3u);
  EXPECT_EQ(app.http_get_post, 2u);
}

TEST(AppPayload, ARequestAfterTheTailOfAnotherCountsOnceTheFlowIsHttp) {
  const AppCounters app = client_segments(
      {"POST /up HTTP/1.1\r\nContent-Length: 4\r\n", "X: y\r\n\r\nbodyGET /next HTTP/1.1\r\n\r\n"});
  // The second segment's request follows a blank line and the body, so it is
  // not at a request boundary Vigil can see without reassembly: one request.
  EXPECT_EQ(app.http_requests, 1u);
  const AppCounters tail =
      client_segments({"GET /a HTTP/1.1\r\n", "Host: a\r\n\r\nGET /b HTTP/1.1\r\n\r\n"});
  EXPECT_EQ(tail.http_requests, 2u);
}

TEST(AppPayload, NonHttpFlowsAreNotParsedAsHttp) {
  // A binary or text protocol whose payload happens to hold a blank line and a method.
  const AppCounters app = client_segments(
      {"\x16\x03\x01 hello\r\n\r\nGET / HTTP/1.1\r\n\r\n", "SSH-2.0-x\r\n\r\nPOST "});
  EXPECT_EQ(app.http_requests, 0u);
  EXPECT_EQ(app.http_get_post, 0u);
}

TEST(AppPayload, ResponseBodyLengthFromContentLength) {
  AppCounters app;
  const std::string_view r = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length:  1234\r\n\r\nbody";
  inspect_payload(app, reinterpret_cast<const std::uint8_t*>(r.data()),
                  static_cast<std::uint32_t>(r.size()), false, 80);
  EXPECT_EQ(app.http_body_bytes, 1234u);
}

TEST(AppPayload, FtpCommandsAndLogin) {
  AppCounters app = client_segments(
      {"USER anonymous\r\n", "PASS x@y\r\n", "LIST\r\n", "not-a-command here\r\n"}, 21);
  EXPECT_EQ(app.ftp_commands, 3u);
  const std::string_view ok = "230 Login successful.\r\n";
  inspect_payload(app, reinterpret_cast<const std::uint8_t*>(ok.data()),
                  static_cast<std::uint32_t>(ok.size()), false, 21);
  EXPECT_TRUE(app.ftp_logged_in);
}

}  // namespace
}  // namespace vigil::capture
