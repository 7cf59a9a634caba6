#include "sim/engine/snapshot_codec.h"

#include <cstring>
#include <optional>
#include <type_traits>

namespace kafkasim::engine::codec {

void Writer::u64(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::f64(double v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out_.append(b, sizeof v);
}

void Writer::str(std::string_view s) {
  u64(s.size());
  out_.append(s);
}

void Writer::raw(const void* data, std::size_t n) { out_.append(static_cast<const char*>(data), n); }

std::uint64_t Reader::u64() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) break;
    const auto b = static_cast<std::uint8_t>(in_[pos_++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  ok_ = false;
  pos_ = in_.size();
  return 0;
}

double Reader::f64() {
  double v = 0;
  if (in_.size() - pos_ < sizeof v) {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::memcpy(&v, in_.data() + pos_, sizeof v);
  pos_ += sizeof v;
  return v;
}

std::size_t Reader::length() {
  const std::uint64_t n = u64();
  if (n > in_.size() - pos_) {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  return static_cast<std::size_t>(n);
}

std::string Reader::str() {
  const std::size_t n = length();
  std::string s(in_.substr(pos_, n));
  pos_ += n;
  return s;
}

namespace {

struct Enc {
  Writer& w;
};
struct Dec {
  Reader& r;
};
struct Fill {
  std::uint64_t n = 1;
};

template <class Op, class T>
void value(Op& op, T& x);

template <class Op, class... T>
void all(Op& op, T&... xs) {
  (value(op, xs), ...);
}

// One visitor per struct: the structured binding must name every member (a missing one does not compile).
#define KS_FIELDS(Type, ...)              \
  template <class Op>                     \
  void fields(Op& op, Type& x) {          \
    auto& [__VA_ARGS__] = x;              \
    all(op, __VA_ARGS__);                 \
  }

KS_FIELDS(BrokerView, id, status, fenced, isolated, is_controller, rack, disk_bytes, disk_fault)
KS_FIELDS(CutLink, from, to)
KS_FIELDS(InFlightMessage, id, from, to, name, size_bytes, sent_us, arrive_us)
KS_FIELDS(ReplicaView, broker, online, in_isr, lso, leo, hw, durable, truncated_from, truncated_to, truncated_at)
KS_FIELDS(GroupOffsetOnPartition, group, committed, position)
KS_FIELDS(PartitionView, topic, partition, leader, leader_epoch, replicas, isr, hw, last_stable, log_start, leo,
          replica_views, groups, cleanup_policy, deleted_by_retention, removed_by_compaction)
KS_FIELDS(MemberView, member_id, group_instance_id, client_id, host, alive, assigned, revoking)
KS_FIELDS(LagRow, topic, partition, current_offset, log_end_offset, lag, consumer_id, host, client_id)
KS_FIELDS(LagSample, time_us, total_lag)
KS_FIELDS(GroupView, group_id, state, generation, protocol, cooperative, coordinator, leader_member, members, lag,
          lag_history, rebalances)
KS_FIELDS(ProducerView, client_id, topic, acks, idempotent, transactional, running, rate_per_sec, sent, acked, failed,
          retries, in_flight_batches, queued_records, last_error, last_error_us)
KS_FIELDS(TransactionView, transactional_id, coordinator, producer_id, producer_epoch, state, partitions, timeout_ms,
          open_ms, markers_pending)
KS_FIELDS(DeliveryRow, group, produced, acked, consumed, lost, duplicated, semantics)
KS_FIELDS(Anomaly, kind, group, where, because, cause_event, cause_time_us)
KS_FIELDS(EventView, number, time_us, node, kind, details)
KS_FIELDS(Snapshot, scenario_name, seed, now_us, duration_us, events_executed, trace_hash, controller, brokers,
          cut_links, in_flight, partitions, groups, producers, transactions, delivery, anomalies, narration,
          narration_us)
KS_FIELDS(TimelineMark, time_us, event_number, kind, label)
KS_FIELDS(Command, kind, node, groups, group, member, client_id)

#undef KS_FIELDS

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
void scalar(Enc& op, T& x) {
  if constexpr (std::is_same_v<T, double>) {
    op.w.f64(x);
  } else if constexpr (std::is_enum_v<T>) {
    op.w.u64(static_cast<std::uint64_t>(x));
  } else if constexpr (std::is_signed_v<T>) {
    op.w.i64(x);
  } else {
    op.w.u64(x);
  }
}

template <class T>
void scalar(Dec& op, T& x) {
  if constexpr (std::is_same_v<T, double>) {
    x = op.r.f64();
  } else if constexpr (std::is_enum_v<T>) {
    x = static_cast<T>(op.r.u64());
  } else if constexpr (std::is_same_v<T, bool>) {
    x = op.r.u64() != 0;
  } else if constexpr (std::is_signed_v<T>) {
    x = static_cast<T>(op.r.i64());
  } else {
    x = static_cast<T>(op.r.u64());
  }
}

template <class T>
void scalar(Fill& op, T& x) {
  if constexpr (std::is_same_v<T, double>) {
    x = static_cast<double>(op.n++) + 0.5;
  } else if constexpr (std::is_enum_v<T> || std::is_same_v<T, bool>) {
    x = static_cast<T>(1);
  } else {
    x = static_cast<T>(op.n++ % 100);
  }
}

template <class Op, class T>
void value(Op& op, T& x) {
  if constexpr (std::is_same_v<T, std::string>) {
    if constexpr (std::is_same_v<Op, Enc>) op.w.str(x);
    if constexpr (std::is_same_v<Op, Dec>) x = op.r.str();
    if constexpr (std::is_same_v<Op, Fill>) x = "s" + std::to_string(op.n++);
  } else if constexpr (IsVector<T>::value) {
    if constexpr (std::is_same_v<Op, Enc>) op.w.u64(x.size());
    if constexpr (std::is_same_v<Op, Dec>) x.resize(op.r.length());
    if constexpr (std::is_same_v<Op, Fill>) x.resize(2);
    for (auto& e : x) value(op, e);
  } else if constexpr (IsOptional<T>::value) {
    bool present = x.has_value();
    value(op, present);
    if (present && !x) x.emplace();
    if (!present) x.reset();
    if (x) value(op, *x);
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    scalar(op, x);
  } else {
    fields(op, x);
  }
}

template <class T>
void encode_any(Writer& w, const T& x) {
  Enc op{w};
  value(op, const_cast<T&>(x));  // encoding only reads
}

template <class T>
void decode_any(Reader& r, T& x) {
  Dec op{r};
  value(op, x);
}

}  // namespace

void encode(Writer& w, const Snapshot& s) { encode_any(w, s); }
void encode(Writer& w, const TimelineMark& m) { encode_any(w, m); }
void encode(Writer& w, const EventView& e) { encode_any(w, e); }
void encode(Writer& w, const Command& c) { encode_any(w, c); }
void encode(Writer& w, const std::vector<TimelineMark>& v) { encode_any(w, v); }
void encode(Writer& w, const std::vector<EventView>& v) { encode_any(w, v); }
void decode(Reader& r, Snapshot& s) { decode_any(r, s); }
void decode(Reader& r, TimelineMark& m) { decode_any(r, m); }
void decode(Reader& r, EventView& e) { decode_any(r, e); }
void decode(Reader& r, Command& c) { decode_any(r, c); }
void decode(Reader& r, std::vector<TimelineMark>& v) { decode_any(r, v); }
void decode(Reader& r, std::vector<EventView>& v) { decode_any(r, v); }

void fill_every_field(Snapshot& s) {
  Fill op;
  value(op, s);
}

void fill_every_field(Command& c) {
  Fill op;
  value(op, c);
}

}  // namespace kafkasim::engine::codec
