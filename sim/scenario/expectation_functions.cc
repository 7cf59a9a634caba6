#include "sim/scenario/expectation_functions.h"

#include <algorithm>

namespace kafkasim::scenario {
namespace {

using A = ArgKind;
using V = ValueType;

const std::vector<FunctionDef>& table() {
  static const std::vector<FunctionDef> t = {
      {"produced", {A::kProducer}, 0, {}, V::kInt, "records the producers sent (or one producer's)"},
      {"acked", {A::kProducer}, 0, {}, V::kInt, "records acknowledged to the producers (or one producer)"},
      {"lost_acked", {A::kProducer}, 0, {}, V::kInt,
       "acknowledged records that are not in the final committed log (below the high watermark)"},
      {"consumed", {A::kGroup}, 1, {}, V::kInt, "distinct records the group processed"},
      {"duplicates", {A::kGroup}, 1, {}, V::kInt, "records the group processed more than once"},
      {"lost", {A::kGroup}, 1, {}, V::kInt, "committed records the group never processed"},
      {"semantics", {A::kGroup}, 1, {}, V::kString,
       "the delivery the group observed: at-most-once, at-least-once or exactly-once"},
      {"aborted_seen", {A::kGroup}, 1, {}, V::kInt, "records of aborted transactions the group processed"},
      {"group",
       {A::kGroup},
       1,
       {{"state", V::kString}, {"generation", V::kInt}, {"members", V::kInt}, {"rebalances", V::kInt}},
       V::kUnknown,
       "the group's coordinator state: .state (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), "
       ".generation, .members, .rebalances"},
      {"processor",
       {A::kProducer},
       1,
       {{"inputs", V::kInt},
        {"outputs", V::kInt},
        {"outputs_aborted", V::kInt},
        {"outputs_open", V::kInt},
        {"missing", V::kInt},
        {"duplicates", V::kInt},
        {"order_violations", V::kInt},
        {"semantics", V::kString}},
       V::kUnknown,
       "an exactly-once processor's counts: .inputs .outputs .outputs_aborted .outputs_open .missing "
       ".duplicates .order_violations .semantics"},
      {"isr", {A::kTopicPartition}, 1, {}, V::kList, "the in-sync replicas of a partition, ascending"},
      {"replicas", {A::kTopicPartition}, 1, {}, V::kList, "the assigned replicas, in assignment order"},
      {"leader", {A::kTopicPartition}, 1, {}, V::kInt, "the leader's broker id, -1 when offline"},
      {"leader_epoch", {A::kTopicPartition}, 1, {}, V::kInt, "the partition's leader epoch"},
      {"hw", {A::kTopicPartition}, 1, {}, V::kInt, "the high watermark"},
      {"lso", {A::kTopicPartition}, 1, {}, V::kInt, "the last stable offset"},
      {"leo", {A::kTopicPartition, A::kBroker}, 1, {}, V::kInt,
       "the log end offset of the leader, or of the replica on a broker"},
      {"committed", {A::kGroup, A::kTopicPartition}, 2, {}, V::kInt,
       "the group's committed offset for a partition, -1 when none"},
      {"lag", {A::kGroup}, 1, {}, V::kInt, "the group's total lag (log end offset - committed)"},
      {"errors", {A::kProducer, A::kErrorCode}, 2, {}, V::kInt,
       "how many responses with this Kafka error code the producer received"},
  };
  return t;
}

constexpr std::string_view kErrors[] = {
    "NONE", "UNKNOWN_SERVER_ERROR", "OFFSET_OUT_OF_RANGE", "CORRUPT_MESSAGE", "UNKNOWN_TOPIC_OR_PARTITION",
    "INVALID_FETCH_SIZE", "LEADER_NOT_AVAILABLE", "NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT",
    "BROKER_NOT_AVAILABLE", "REPLICA_NOT_AVAILABLE", "MESSAGE_TOO_LARGE", "NETWORK_EXCEPTION",
    "COORDINATOR_LOAD_IN_PROGRESS", "COORDINATOR_NOT_AVAILABLE", "NOT_COORDINATOR", "RECORD_LIST_TOO_LARGE",
    "NOT_ENOUGH_REPLICAS", "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "INVALID_REQUIRED_ACKS", "ILLEGAL_GENERATION",
    "INCONSISTENT_GROUP_PROTOCOL", "UNKNOWN_MEMBER_ID", "INVALID_SESSION_TIMEOUT", "REBALANCE_IN_PROGRESS",
    "INVALID_COMMIT_OFFSET_SIZE", "INVALID_REPLICATION_FACTOR", "NOT_CONTROLLER", "OUT_OF_ORDER_SEQUENCE_NUMBER",
    "DUPLICATE_SEQUENCE_NUMBER", "INVALID_PRODUCER_EPOCH", "INVALID_TXN_STATE", "INVALID_PRODUCER_ID_MAPPING",
    "INVALID_TRANSACTION_TIMEOUT", "CONCURRENT_TRANSACTIONS", "TRANSACTION_COORDINATOR_FENCED",
    "KAFKA_STORAGE_ERROR", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH", "UNKNOWN_PRODUCER_ID",
    "STALE_BROKER_EPOCH", "OFFSET_NOT_AVAILABLE", "MEMBER_ID_REQUIRED", "GROUP_MAX_SIZE_REACHED",
    "FENCED_INSTANCE_ID", "INVALID_RECORD", "UNSTABLE_OFFSET_COMMIT", "PRODUCER_FENCED",
};

}  // namespace

std::string_view arg_kind_name(ArgKind kind) {
  switch (kind) {
    case ArgKind::kProducer: return "producer";
    case ArgKind::kGroup: return "group";
    case ArgKind::kTopicPartition: return "partition";
    case ArgKind::kBroker: return "broker";
    case ArgKind::kErrorCode: return "error";
  }
  return "?";
}

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kBool: return "a boolean";
    case ValueType::kInt: return "an integer";
    case ValueType::kString: return "a name";
    case ValueType::kList: return "a list";
    case ValueType::kUnknown: return "a value";
  }
  return "?";
}

const FunctionDef* find_function(std::string_view name) {
  const auto& t = table();
  const auto it = std::find_if(t.begin(), t.end(), [&](const FunctionDef& f) { return f.name == name; });
  return it == t.end() ? nullptr : &*it;
}

std::span<const FunctionDef> all_functions() { return table(); }

std::span<const std::string_view> kafka_error_names() { return kErrors; }

}  // namespace kafkasim::scenario
