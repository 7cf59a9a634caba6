#pragma once
// Processor: one scenario `processors:` entry run by the engine: an exactly-once consume-transform-produce
// loop in the shape of a Kafka Streams StreamThread with processing.guarantee=exactly_once_v2 (KIP-129,
// KIP-447). Each of its `instances` instances is a client::Consumer (group = spec.group,
// isolation.level=read_committed, no consumer commits: ProcessingMode::kTransactional) plus a
// transactional client::Producer. The loop of one instance:
//   init_transactions (then the consumer starts and joins the group)
//   for each polled batch: begin_transaction; per record, after processing_time, send the output record
//   (same key, a value derived from the input) to `output`; at the end of the batch, once commit_interval
//   has passed since begin_transaction (Kafka Streams: commit.interval.ms, 100 ms under exactly-once):
//   send_offsets_to_transaction(consumer positions, consumer group metadata) + commit_transaction, then
//   the consumer polls again.
//   abortable error (a failed send, TxnOffsetCommit refused after a rebalance...): abort_transaction, and
//   the consumer rewinds to the committed offsets (resume(false)).
//   PRODUCER_FENCED / INVALID_PRODUCER_EPOCH: a newer incarnation owns the transactional.id; this one is
//   a zombie: its consumer stops (no LeaveGroup) and it writes nothing more until restarted.
// Simplification: a transaction covers exactly one poll batch (the consumer waits while it commits), so a
// rebalance never happens inside a transaction.
//
// transactional.id = spec.transactional_id + "-" + instance index, stable across restarts, so a restarted
// instance fences its zombie with InitProducerId (as Kafka Streams' EOS-v1 did with one producer per
// task). EOS-v2 (KIP-447) uses one producer per thread with an id that is not stable and fences zombies by
// the group generation that TxnOffsetCommit checks; sending the consumer's group metadata gives that check
// here too.
//
// Node ids: instance i has a producer node and a consumer node (consecutive ids from `first_node`).
// Lifecycle: built by the Run before start; start() boots every instance; crash() / restart() / pause()
// act on every instance (the timeline's `crash: enricher`). Owned by the Run; the nodes are owned by the
// Simulation. Outputs are recorded in the History with History::derive(output id, input id).
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sim/client/consumer.h"
#include "sim/client/producer.h"
#include "sim/core/ids.h"
#include "sim/core/node.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

class Run;

enum class InstanceState : std::uint8_t {
  kDown,          // crashed or not started
  kInitializing,  // init_transactions in flight
  kRunning,       // polling / processing; txn_open tells whether a transaction is open
  kCommitting,    // send_offsets_to_transaction + commit_transaction in flight
  kAborting,      // abort_transaction in flight
  kZombie,        // fenced: stopped until restarted
};
const char* to_string(InstanceState s);

struct ProcessorStats {
  std::int64_t processed = 0;  // records processed (outputs sent), aborted ones included
  std::int64_t commits = 0;
  std::int64_t aborts = 0;
  std::int64_t fenced = 0;
  std::int64_t restarts = 0;
};

class Processor {
 public:
  // REQUIRES: spec outlives the Processor (it lives in the Run's scenario).
  Processor(Run& run, const scenario::ProcessorSpec& spec, std::int32_t first_node);
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  void start();
  // Every instance: both nodes crash (process kill or power loss; open transactions stay open on the
  // coordinator until fenced by the restart's InitProducerId or aborted by transaction.timeout.ms).
  void crash(CrashKind kind);
  // Every crashed or zombie instance: both nodes start again and init_transactions runs again.
  void restart();
  void pause();
  void resume();

  const scenario::ProcessorSpec& spec() const { return spec_; }
  // Every node: producer then consumer of instance 0, then of instance 1, ...
  std::vector<NodeId> nodes() const;
  const std::vector<const client::Consumer*>& consumers() const { return consumer_views_; }
  std::int32_t instance_count() const { return static_cast<std::int32_t>(instances_.size()); }
  InstanceState state(std::int32_t instance) const { return instances_.at(static_cast<std::size_t>(instance)).state; }
  bool transaction_open(std::int32_t instance) const { return instances_.at(static_cast<std::size_t>(instance)).txn_open; }
  const client::Producer& producer(std::int32_t instance) const { return *instances_.at(static_cast<std::size_t>(instance)).producer; }
  const ProcessorStats& stats() const { return stats_; }

 private:
  struct Instance {
    std::int32_t index = 0;
    client::Producer* producer = nullptr;
    client::Consumer* consumer = nullptr;
    InstanceState state = InstanceState::kDown;
    bool producer_started = false;  // the node was started once (later starts are restarts)
    bool consumer_started = false;
    bool txn_open = false;
    TimeUs txn_start_us = 0;
    std::set<protocol::TopicPartition> txn_inputs;  // input partitions read in the open transaction
    std::uint64_t life = 0;  // bumped at each crash/restart: callbacks of an older life are ignored
  };

  void init(Instance& in);
  void on_processed(Instance& in, const client::ConsumedRecord& r);
  void on_batch_processed(Instance& in, std::function<void(bool ok)> resume);
  void commit(Instance& in, std::function<void(bool ok)> resume);
  void failed(Instance& in, protocol::ErrorCode error, const char* step, std::function<void(bool ok)> resume);
  void abort(Instance& in, std::function<void(bool ok)> resume);
  void become_zombie(Instance& in, protocol::ErrorCode error, const char* step);
  void start_node(Node& node, bool& started);
  void trace(const Instance& in, std::string_view kind, const std::string& details);
  // Wraps fn so it runs only while `in` is still in the life it had when wrapped.
  template <typename Fn>
  auto guarded(Instance& in, Fn fn);

  Run& run_;
  const scenario::ProcessorSpec& spec_;
  std::vector<Instance> instances_;
  std::vector<const client::Consumer*> consumer_views_;
  ProcessorStats stats_;
};

}  // namespace kafkasim::engine
