// kafkasim partition: which partition a Kafka producer picks for each key (Utils.murmur2), or with
// --coordinator which __consumer_offsets / __transaction_state partition a group.id or transactional.id
// maps to (Utils.abs(String.hashCode) % partitions). See docs/assignors.md.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sim/assign/partitioner.h"

namespace kafkasim::cli {
namespace {

struct PartitionOptions {
  std::int32_t partitions = 0;
  std::vector<std::string> keys;
  bool json = false;
  bool coordinator = false;
};

int run_partition(const PartitionOptions& o) {
  if (o.partitions <= 0) return bad_input("--partitions must be a positive number");
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& key : o.keys) {
    const std::int32_t p = o.coordinator ? assign::partition_for_string(key, o.partitions)
                                         : assign::partition_for_key(key, o.partitions);
    if (o.json) {
      out[key] = p;
    } else {
      std::printf("%s -> %d\n", key.c_str(), p);
    }
  }
  // Keys are raw bytes: invalid UTF-8 is shown as U+FFFD rather than rejected.
  if (o.json) std::printf("%s\n", out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  return kExitOk;
}

const CommandRegistrar kPartition("40-partition", [](CLI::App& app) -> std::function<int()> {
  auto opts = std::make_shared<PartitionOptions>();
  auto* sub = app.add_subcommand(
      "partition",
      "Print the partition a Kafka producer picks for each key: toPositive(murmur2(key)) % N");
  sub->add_option("--partitions,-n", opts->partitions, "Number of partitions of the topic")->required();
  sub->add_option("keys", opts->keys, "Keys (their UTF-8 bytes are hashed, as a StringSerializer would)")
      ->required();
  sub->add_flag("--json", opts->json, "Print one JSON object key -> partition");
  sub->add_flag("--coordinator", opts->coordinator,
                "Hash each KEY as a group.id / transactional.id: Utils.abs(String.hashCode) % N, the "
                "__consumer_offsets / __transaction_state partition of its coordinator (default 50 "
                "partitions in Kafka: offsets.topic.num.partitions, transaction.state.log.num.partitions)");
  return [opts] { return run_partition(*opts); };
});

}  // namespace
}  // namespace kafkasim::cli
