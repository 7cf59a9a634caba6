#pragma once
// Load-time checks of an expectation against its scenario: function names (with did-you-mean), arities,
// argument names, members, operand types, and references to topics, partitions, groups, producers,
// brokers and Kafka error codes. Run by the parser after the whole file is read.
#include <string>
#include <vector>

#include "sim/scenario/expectation.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::scenario {

struct ExprIssue {
  std::size_t offset = 0;  // byte offset in the expression text
  std::string what;
  std::string expected;
};

// Every problem of `root` (parsed from an expectation) in the context of `scenario`.
std::vector<ExprIssue> check_expression(const Expr& root, const Scenario& scenario);

// The partition count a topic reaches during the scenario (initial or after add_partitions), 0 if unknown.
std::int32_t max_partitions(const Scenario& scenario, std::string_view topic);

// Splits "orders-0" into ("orders", 0); nullopt when there is no "-<integer>" suffix.
std::optional<std::pair<std::string, std::int32_t>> split_topic_partition(std::string_view text);

}  // namespace kafkasim::scenario
