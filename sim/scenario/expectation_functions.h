#pragma once
// The functions of the expectation language (expectation.h): name, parameters, members and result type.
// check_expression (expectation_check.h) validates calls against this table; the engine answers them
// through ExpectationEnv::lookup. docs/scenarios.md documents each one.
#include <span>
#include <string_view>
#include <vector>

namespace kafkasim::scenario {

// What an argument names. A parameter can also be passed by name: group=billing, producer=checkout.
enum class ArgKind : std::uint8_t { kProducer, kGroup, kTopicPartition, kBroker, kErrorCode };
std::string_view arg_kind_name(ArgKind kind);  // "producer", "group", "partition", "broker", "error"

// Result types, as the Value alternative they produce.
enum class ValueType : std::uint8_t { kBool, kInt, kString, kList, kUnknown };
std::string_view value_type_name(ValueType type);

struct MemberDef {
  std::string_view name;
  ValueType type;
};

struct FunctionDef {
  std::string_view name;
  std::vector<ArgKind> params;
  std::size_t required = 0;        // params beyond this are optional
  std::vector<MemberDef> members;  // when non-empty, a member is required (group(billing).state)
  ValueType result = ValueType::kInt;  // when members is empty
  std::string_view doc;
};

const FunctionDef* find_function(std::string_view name);
std::span<const FunctionDef> all_functions();

// Kafka error code names accepted by errors(producer, CODE) (org.apache.kafka.common.protocol.Errors).
std::span<const std::string_view> kafka_error_names();

}  // namespace kafkasim::scenario
