#include "sim/cluster/txn_records.h"

#include "sim/cluster/wire_codec.h"

namespace kafkasim::cluster {

const char* to_string(TxnState s) {
  switch (s) {
    case TxnState::kEmpty: return "Empty";
    case TxnState::kOngoing: return "Ongoing";
    case TxnState::kPrepareCommit: return "PrepareCommit";
    case TxnState::kPrepareAbort: return "PrepareAbort";
    case TxnState::kCompleteCommit: return "CompleteCommit";
    case TxnState::kCompleteAbort: return "CompleteAbort";
    case TxnState::kDead: return "Dead";
    case TxnState::kPrepareEpochFence: return "PrepareEpochFence";
  }
  return "?";
}

std::vector<std::uint8_t> encode_txn_key(std::string_view transactional_id) {
  wire::Writer w;
  w.i16(0);
  w.str(transactional_id);
  return w.out;
}

std::vector<std::uint8_t> encode_txn_value(const TxnLogValue& v) {
  wire::Writer w;
  w.i16(0);
  w.i64(v.producer_id);
  w.i16(v.producer_epoch);
  w.i32(v.transaction_timeout_ms);
  w.i8(static_cast<std::int8_t>(v.state));
  w.topic_partitions(v.partitions);
  w.i64(v.last_update_timestamp_ms);
  w.i64(v.start_timestamp_ms);
  return w.out;
}

std::optional<std::string> decode_txn_key(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.i16() != 0) return std::nullopt;
  std::string id = r.str();
  if (!r.ok() || !r.done()) return std::nullopt;
  return id;
}

std::optional<TxnLogValue> decode_txn_value(std::string_view bytes) {
  wire::Reader r(bytes);
  if (r.i16() != 0) return std::nullopt;
  TxnLogValue v;
  v.producer_id = r.i64();
  v.producer_epoch = r.i16();
  v.transaction_timeout_ms = r.i32();
  const std::int8_t state = r.i8();
  if (state < 0 || state > static_cast<std::int8_t>(TxnState::kPrepareEpochFence)) return std::nullopt;
  v.state = static_cast<TxnState>(state);
  v.partitions = r.topic_partitions();
  v.last_update_timestamp_ms = r.i64();
  v.start_timestamp_ms = r.i64();
  if (!r.ok() || !r.done()) return std::nullopt;
  return v;
}

}  // namespace kafkasim::cluster
