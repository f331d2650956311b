#include "capture/flow_table.hpp"

#include <netinet/in.h>

#include <cstring>

#include "capture/app_payload.hpp"

namespace vigil::capture {
namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

std::uint64_t hash_address(std::uint64_t h, const Address& a) {
  std::uint64_t lo, hi;
  std::memcpy(&lo, a.data(), 8);
  std::memcpy(&hi, a.data() + 8, 8);
  return mix(mix(h, lo), hi);
}

// Sequence numbers compare modulo 2^32.
bool seq_after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

void update_direction(DirectionStats& d, const DecodedPacket& p) {
  if (d.packets == 0) {
    d.first_ttl = p.ttl;
  } else {
    // Welford's update of the inter-arrival mean and variance.
    const double gap = p.time - d.last_time;
    ++d.gaps;
    const double delta = gap - d.gap_mean;
    d.gap_mean += delta / static_cast<double>(d.gaps);
    d.gap_m2 += delta * (gap - d.gap_mean);
  }
  ++d.packets;
  d.bytes += p.wire_length;
  d.last_time = p.time;
}

// Returns false for a retransmission (its payload was seen already).
bool update_tcp(Flow& f, DirectionStats& d, const DecodedPacket& p, bool forward) {
  bool fresh = true;
  const std::uint32_t length =
      p.payload_length + ((p.tcp_flags & kSyn) ? 1u : 0u) + ((p.tcp_flags & kFin) ? 1u : 0u);
  d.last_window = p.window;
  if (!d.seen_tcp) {
    d.seen_tcp = true;
    d.base_seq = p.seq;
    d.next_seq = p.seq + length;
  } else if (length > 0) {
    const std::uint32_t end = p.seq + length;
    if (seq_after(end, d.next_seq)) {
      d.next_seq = end;
    } else {
      // Nothing new: a retransmission (or a segment reordered late). Data
      // and SYNs count as loss; a repeated bare FIN does not (as with Argus).
      if (p.payload_length > 0 || (p.tcp_flags & kSyn)) ++d.retransmits;
      fresh = false;
    }
  }
  if ((p.tcp_flags & kSyn) && d.window_scale == 0xff) d.window_scale = p.window_scale;
  const bool syn = p.tcp_flags & kSyn, ack = p.tcp_flags & kAck;
  // Retransmissions, as Argus times them: synack runs from the latest SYN
  // to the first SYN-ACK, ackdat from the latest SYN-ACK to the first ACK.
  if (syn && !ack && forward && f.synack_time < 0) f.syn_time = p.time;
  if (syn && ack && !forward && f.ack_time < 0 && f.syn_time >= 0) {
    if (f.synack_time < 0) f.synack_time = p.time;
    f.last_synack_time = p.time;
  }
  if (!syn && ack && forward && f.ack_time < 0 && f.last_synack_time >= 0) f.ack_time = p.time;
  if (p.tcp_flags & kFin) d.fin = true;
  if (p.tcp_flags & kRst) f.rst = true;
  return fresh;
}

}  // namespace

std::size_t FlowKeyHash::operator()(const FlowKey& k) const {
  std::uint64_t h = hash_address(hash_address(k.protocol, k.a), k.b);
  return static_cast<std::size_t>(mix(h, (static_cast<std::uint64_t>(k.a_port) << 16) | k.b_port));
}

std::size_t FlowTable::FragmentKeyHash::operator()(const FragmentKey& k) const {
  return static_cast<std::size_t>(mix(hash_address(hash_address(k.protocol, k.src), k.dst), k.id));
}

void update_flow(Flow& f, const DecodedPacket& p, bool forward, ServiceDetector& service) {
  DirectionStats& d = f.dir[forward ? 0 : 1];
  update_direction(d, p);
  f.last_time = p.time;
  if (!p.later_fragment) {
    const bool fresh = p.protocol != IPPROTO_TCP || update_tcp(f, d, p, forward);
    const bool icmp = p.protocol == IPPROTO_ICMP || p.protocol == IPPROTO_ICMPV6;
    if (icmp && !forward) {
      const std::uint8_t type = static_cast<std::uint8_t>(p.src_port);
      if (type == 0 || type == 129) f.icmp_reply = true;
    }
    if (fresh && (p.protocol == IPPROTO_TCP || p.protocol == IPPROTO_UDP) && p.payload_length > 0) {
      inspect_payload(f.app, p.payload, p.payload_length, forward, f.dst_port);
    }
  }
  if (!f.service.done && p.ip_captured > 0 && !p.later_fragment) {
    service.inspect(f.service, p.ip_header, p.ip_captured, p.time);
  }
}

FlowTable::FlowTable(FlowTableConfig config, ServiceDetector& service, Emit emit)
    : config_(config), service_(service), emit_(std::move(emit)) {
  pool_.resize(1);  // the sentinel of the activity list
  pool_[0].older = pool_[0].newer = 0;
  // Address space for every slot up front: growing by doubling would briefly
  // hold the old and the new pool together, half again over the budget.
  pool_.reserve(std::min<std::size_t>(config_.max_flows, std::size_t{1} << 26) + 1);
}

std::size_t FlowTable::bytes_per_flow() {
  constexpr std::size_t kMallocOverhead = 16;  // glibc's chunk header, rounded
  const std::size_t index_node = FlowIndex::worst_bytes_per_flow();
  // libstdc++'s hash nodes (fragments only): a next pointer, the value, the cached hash; one bucket
  // per element at most.
  const std::size_t fragment_node = sizeof(void*) +
                                    sizeof(std::pair<const FragmentKey, FragmentPorts>) +
                                    sizeof(std::size_t) + kMallocOverhead + sizeof(void*);
  return sizeof(Flow) + sizeof(std::uint32_t) + index_node + fragment_node +
         ServiceDetector::flow_state_bytes() + kMallocOverhead;
}

void FlowTable::unlink(std::uint32_t slot) {
  Flow& f = pool_[slot];
  pool_[f.older].newer = f.newer;
  pool_[f.newer].older = f.older;
}

void FlowTable::touch(std::uint32_t slot) {
  unlink(slot);
  // Newest sits just before the sentinel; the oldest just after it.
  Flow& f = pool_[slot];
  f.newer = 0;
  f.older = pool_[0].older;
  pool_[pool_[0].older].newer = slot;
  pool_[0].older = slot;
}

bool FlowTable::closed(const Flow& f) const { return f.rst || (f.dir[0].fin && f.dir[1].fin); }

FlowTable::~FlowTable() {
  for (std::uint32_t slot = pool_.empty() ? 0 : pool_[0].newer; slot != 0;
       slot = pool_[slot].newer) {
    if (!pool_[slot].service.done) service_.finish(pool_[slot].service);
  }
}

void FlowTable::finish(std::uint32_t slot, FlowEnd why) {
  Flow& f = pool_[slot];
  f.end = why;
  if (!f.service.done) service_.finish(f.service);
  unlink(slot);
  index_.erase(FlowKeyHash{}(f.key), slot);
  ++stats_.flows;
  emit_(f);
  free_slots_.push_back(slot);
}

std::uint32_t FlowTable::find_or_create(const FlowKey& key, const DecodedPacket& p, bool& forward) {
  const std::uint64_t hash = FlowKeyHash{}(key);
  if (const std::uint32_t found = index_.find(key, hash, pool_); found != FlowIndex::kNone) {
    Flow& f = pool_[found];
    forward = f.src_port == p.src_port && same_address(f.src, p.src);
    if (f.src_port == f.dst_port && same_address(f.src, f.dst)) forward = true;  // a flow to itself
    const bool too_long = p.time - f.first_time > config_.active_timeout;
    // Idle past its timeout: the flow ended before this packet (expire() may
    // not have run yet at this packet's time).
    const bool idle =
        p.time - f.last_time > (closed(f) ? config_.closed_timeout : config_.idle_timeout);
    // A new SYN after the old connection closed starts a new flow.
    const bool reopened =
        closed(f) && p.protocol == IPPROTO_TCP && (p.tcp_flags & kSyn) && !(p.tcp_flags & kAck);
    // Each DNS query over UDP and its answer are a flow of their own, as Argus
    // (and so UNSW-NB15) has them: a new query after an answer starts a new flow.
    const bool next_dns_query = p.protocol == IPPROTO_UDP && forward && f.dir[1].packets > 0 &&
                                (f.src_port == 53 || f.dst_port == 53);
    if (!too_long && !idle && !reopened && !next_dns_query) return found;
    finish(found, too_long ? FlowEnd::kActive
                  : idle   ? FlowEnd::kIdle
                           : FlowEnd::kClosed);  // (a DNS answer closes too)
  }
  if (index_.size() >= config_.max_flows) {
    ++stats_.evicted;
    finish(pool_[0].newer, FlowEnd::kEvicted);  // the least recently active
  }
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(pool_.size());
    pool_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = Flow{};
  }
  Flow& f = pool_[slot];
  f.key = key;
  f.src = p.src;
  f.dst = p.dst;
  f.src_port = p.src_port;
  f.dst_port = p.dst_port;
  f.protocol = p.protocol;
  f.ip_version = p.ip_version;
  f.first_time = f.last_time = p.time;
  if (p.protocol == IPPROTO_ICMP || p.protocol == IPPROTO_ICMPV6) {
    f.icmp_type = static_cast<std::uint8_t>(p.src_port);
    f.icmp_code = static_cast<std::uint8_t>(p.dst_port);
  }
  // Link at the newest end.
  f.older = f.newer = slot;
  pool_[slot].older = pool_[0].older;
  pool_[slot].newer = 0;
  pool_[pool_[0].older].newer = slot;
  pool_[0].older = slot;
  index_.insert(hash, slot);
  forward = true;
  return slot;
}

void FlowTable::add(const DecodedPacket& packet) {
  DecodedPacket p = packet;
  // ICMP flows are keyed by addresses only: the type and code are not ports.
  const bool icmp = p.protocol == IPPROTO_ICMP || p.protocol == IPPROTO_ICMPV6;
  std::uint16_t sport = icmp ? 0 : p.src_port, dport = icmp ? 0 : p.dst_port;
  if (p.fragment) {
    const FragmentKey fk{p.src, p.dst, p.fragment_id, p.protocol};
    if (!p.later_fragment) {
      fragments_[fk] = {sport, dport, p.time};
    } else if (const auto it = fragments_.find(fk); it != fragments_.end()) {
      sport = it->second.src_port;
      dport = it->second.dst_port;
    } else {
      ++stats_.fragments_without_ports;  // first fragment unseen: the flow has no ports
    }
    // Fragment memory is bounded, whatever a flood of first fragments that
    // never complete does: entries older than the idle timeout go, and past
    // max_flows entries the table sheds an eighth more than the excess, so a
    // sweep of the whole table comes once per max_flows / 8 fragments, not
    // once per fragment.
    if (p.time - last_fragment_sweep_ > config_.idle_timeout ||
        fragments_.size() > config_.max_flows) {
      const std::size_t keep = fragments_.size() > config_.max_flows
                                   ? config_.max_flows - config_.max_flows / 8
                                   : config_.max_flows;
      for (auto it = fragments_.begin(); it != fragments_.end();) {
        const bool stale = p.time - it->second.time > config_.idle_timeout;
        it = stale || fragments_.size() > keep ? fragments_.erase(it) : std::next(it);
      }
      last_fragment_sweep_ = p.time;
      ++stats_.fragment_sweeps;
    }
  }
  if (!icmp) {
    p.src_port = sport;
    p.dst_port = dport;
  }
  FlowKey key;
  key.protocol = p.protocol;
  key.ip_version = p.ip_version;
  const bool swap = address_less(p.dst, p.src) || (same_address(p.src, p.dst) && sport > dport);
  key.a = swap ? p.dst : p.src;
  key.b = swap ? p.src : p.dst;
  key.a_port = swap ? dport : sport;
  key.b_port = swap ? sport : dport;
  bool forward = true;
  const std::uint32_t slot = find_or_create(key, p, forward);
  if (icmp) forward = same_address(pool_[slot].src, p.src);
  touch(slot);
  update_flow(pool_[slot], p, forward, service_);
}

void FlowTable::expire(double now) {
  while (pool_[0].newer != 0) {
    const std::uint32_t oldest = pool_[0].newer;
    const Flow& f = pool_[oldest];
    const double timeout = closed(f) ? config_.closed_timeout : config_.idle_timeout;
    if (now - f.last_time <= timeout) {
      // The list is ordered by last activity, but a closed flow may sit behind
      // an open one; closed ones are caught when they reach the front.
      break;
    }
    finish(oldest, closed(f) ? FlowEnd::kClosed : FlowEnd::kIdle);
  }
}

void FlowTable::flush() {
  while (pool_[0].newer != 0) finish(pool_[0].newer, FlowEnd::kEndOfInput);
}

}  // namespace vigil::capture
