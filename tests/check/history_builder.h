#pragma once
// Test helper: builds a History + FinalState by hand with short calls. Each op gets the next event number;
// times are given in milliseconds.
#include <string>
#include <vector>

#include "sim/check/checker.h"
#include "sim/check/history.h"

namespace kafkasim::check::testing {

class Builder {
 public:
  History h;
  FinalState f;
  std::uint64_t ev = 0;

  TopicPartition tp(const std::string& topic, std::int32_t p) { return h.tp(topic, p); }

  void send(std::int64_t t_ms, std::uint64_t id, const std::string& topic = "orders", std::int32_t p = 0,
            const std::string& producer = "p1", const std::string& txn = "") {
    h.append(Send{ms_to_us(t_ms), ++ev, id, h.intern(producer), tp(topic, p), kNoName,
                  txn.empty() ? kNoName : h.intern(txn)});
  }
  void ack(std::int64_t t_ms, std::uint64_t id, std::int64_t offset, const std::string& topic = "orders",
           std::int32_t p = 0) {
    h.append(Ack{ms_to_us(t_ms), ++ev, id, tp(topic, p), offset});
  }
  // Sends and acks records first_id.. at offsets first_offset.. (one ms apart from t_ms).
  void produce(std::int64_t t_ms, std::uint64_t first_id, std::int64_t first_offset, int n,
               const std::string& topic = "orders", std::int32_t p = 0) {
    for (int i = 0; i < n; ++i) {
      send(t_ms + i, first_id + i, topic, p);
      ack(t_ms + i, first_id + i, first_offset + i, topic, p);
    }
  }
  void fail(std::int64_t t_ms, std::uint64_t id, const std::string& error, GaveUp gave_up) {
    h.append(SendFailed{ms_to_us(t_ms), ++ev, id, h.intern(error), gave_up});
  }
  void poll(std::int64_t t_ms, const std::string& member, std::uint64_t id, std::int64_t offset,
            const std::string& group = "g", const std::string& topic = "orders", std::int32_t p = 0) {
    h.append(Poll{{ms_to_us(t_ms), ++ev, h.intern(group), h.intern(member), id, tp(topic, p), offset}});
  }
  void processed(std::int64_t t_ms, const std::string& member, std::uint64_t id, std::int64_t offset,
                 const std::string& group = "g", const std::string& topic = "orders", std::int32_t p = 0) {
    h.append(Processed{{ms_to_us(t_ms), ++ev, h.intern(group), h.intern(member), id, tp(topic, p), offset}});
  }
  // Polls and processes records first_id.. at offsets first_offset.. .
  void consume(std::int64_t t_ms, const std::string& member, std::uint64_t first_id,
               std::int64_t first_offset, int n, const std::string& group = "g") {
    for (int i = 0; i < n; ++i) poll(t_ms, member, first_id + i, first_offset + i, group);
    for (int i = 0; i < n; ++i) processed(t_ms + 1, member, first_id + i, first_offset + i, group);
  }
  void commit(std::int64_t t_ms, const std::string& member, std::int64_t offset,
              const std::string& group = "g", const std::string& topic = "orders", std::int32_t p = 0) {
    h.append(
        Commit{ms_to_us(t_ms), ++ev, h.intern(group), h.intern(member), tp(topic, p), offset, true, kNoName});
  }
  void member(std::int64_t t_ms, const std::string& member, MemberWhat what, const std::string& group = "g") {
    h.append(
        MemberEvent{ms_to_us(t_ms), ++ev, h.intern(group), h.intern(member), what, {tp("orders", 0)}, 1});
  }
  void seek(std::int64_t t_ms, const std::string& member, std::int64_t offset, const std::string& reason,
            const std::string& group = "g") {
    h.append(Seek{ms_to_us(t_ms), ++ev, h.intern(group), h.intern(member), tp("orders", 0), offset,
                  h.intern(reason)});
  }
  void truncate(std::int64_t t_ms, std::int64_t from, std::int64_t to, const std::string& cause,
                std::uint64_t cause_event, std::int64_t cause_ms) {
    h.append(Truncation{ms_to_us(t_ms), ++ev, tp("orders", 0), 1, from, to, h.intern(cause), cause_event,
                        ms_to_us(cause_ms)});
  }
  void txn_end(std::int64_t t_ms, const std::string& txn, bool committed) {
    h.append(TxnEnd{ms_to_us(t_ms), ++ev, h.intern(txn), 7, 0, committed, {tp("orders", 0)}});
  }

  // Final readable records of orders-0: ids[i] at offset first_offset + i.
  PartitionFinal& final_log(const std::vector<std::uint64_t>& ids, std::int64_t first_offset = 0,
                            const std::string& topic = "orders", std::int32_t p = 0) {
    PartitionFinal& pf = f.partitions.emplace_back();
    pf.tp = tp(topic, p);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      pf.records.push_back(ReadableRecord{first_offset + static_cast<std::int64_t>(i), ids[i]});
    }
    pf.high_watermark = first_offset + static_cast<std::int64_t>(ids.size());
    return pf;
  }
  void final_commit(std::int64_t offset, const std::string& group = "g") {
    f.groups.push_back(GroupFinal{h.intern(group), {GroupOffset{tp("orders", 0), offset}}});
  }

  Report check() const { return check_history(h, f); }
};

inline std::vector<std::uint64_t> ids(std::uint64_t first, int n) {
  std::vector<std::uint64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(first + static_cast<std::uint64_t>(i));
  return v;
}

}  // namespace kafkasim::check::testing
