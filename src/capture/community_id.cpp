#include "vigil/capture/community_id.hpp"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

namespace vigil::capture {
namespace {

struct Endpoint {
  std::array<std::uint8_t, 16> address{};
  std::size_t length = 0;  // 4 or 16
  std::uint16_t port = 0;
  bool operator<(const Endpoint& o) const {
    const int c = std::memcmp(address.data(), o.address.data(), length);
    return c < 0 || (c == 0 && port < o.port);
  }
};

std::optional<Endpoint> parse(const std::string& text, std::uint16_t port) {
  Endpoint e;
  e.port = port;
  if (inet_pton(AF_INET, text.c_str(), e.address.data()) == 1) {
    e.length = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), e.address.data()) == 1) {
    e.length = 16;
  } else {
    return std::nullopt;
  }
  return e;
}

// IANA protocol numbers of the names Vigil's flows carry (lower case).
int protocol_number(const std::string& proto) {
  if (proto == "tcp") return 6;
  if (proto == "udp") return 17;
  if (proto == "icmp") return 1;
  if (proto == "ipv6-icmp" || proto == "icmpv6") return 58;
  if (proto == "sctp") return 132;
  return -1;
}

// ICMP has no ports: the spec hashes the type and the type that answers it
// (both directions then agree), or for a one-way message the type and code.
std::pair<std::uint16_t, bool> icmp_counterpart(int proto, std::uint16_t type) {
  static constexpr std::pair<std::uint16_t, std::uint16_t> kV4[] = {
      {8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16}, {16, 15}, {10, 9}, {9, 10}, {17, 18}, {18, 17}};
  static constexpr std::pair<std::uint16_t, std::uint16_t> kV6[] = {
      {128, 129}, {129, 128}, {130, 131}, {131, 130}, {133, 134}, {134, 133},
      {135, 136}, {136, 135}, {139, 140}, {140, 139}, {144, 145}, {145, 144}};
  if (proto == 1) {
    for (const auto& [from, to] : kV4) {
      if (from == type) return {to, true};
    }
  } else {
    for (const auto& [from, to] : kV6) {
      if (from == type) return {to, true};
    }
  }
  return {0, false};
}

}  // namespace

std::string community_id(const FlowRecord& flow, std::uint16_t seed) {
  const int proto = protocol_number(flow.proto);
  if (proto < 0) return {};
  std::uint16_t sport = flow.sport, dport = flow.dsport;
  bool two_way = true;
  if (proto == 1 || proto == 58) {
    const auto [counterpart, paired] = icmp_counterpart(proto, flow.sport);
    two_way = paired;
    dport = paired ? counterpart : flow.dsport;  // one-way: the code
  }
  auto src = parse(flow.srcip, sport);
  auto dst = parse(flow.dstip, dport);
  if (!src || !dst || src->length != dst->length) return {};
  if (two_way && *dst < *src) std::swap(src, dst);
  std::array<std::uint8_t, 2 + 16 + 16 + 2 + 4> input{};
  std::size_t n = 0;
  input[n++] = static_cast<std::uint8_t>(seed >> 8);
  input[n++] = static_cast<std::uint8_t>(seed);
  std::memcpy(input.data() + n, src->address.data(), src->length);
  n += src->length;
  std::memcpy(input.data() + n, dst->address.data(), dst->length);
  n += dst->length;
  input[n++] = static_cast<std::uint8_t>(proto);
  input[n++] = 0;  // padding
  for (std::uint16_t port : {src->port, dst->port}) {
    input[n++] = static_cast<std::uint8_t>(port >> 8);
    input[n++] = static_cast<std::uint8_t>(port);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(input.data(), n, digest, &digest_length, EVP_sha1(), nullptr) != 1) return {};
  unsigned char base64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int length = EVP_EncodeBlock(base64, digest, static_cast<int>(digest_length));
  return "1:" +
         std::string(reinterpret_cast<const char*>(base64), static_cast<std::size_t>(length));
}

}  // namespace vigil::capture
