#pragma once
// Strong integer ids, so a broker id cannot be passed where a partition index is expected.
#include <compare>
#include <cstdint>
#include <functional>

namespace kafkasim {

template <typename Tag, typename Rep = std::int32_t>
struct StrongId {
  Rep value{};
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  constexpr auto operator<=>(const StrongId&) const = default;
};

// Any simulated process: broker, controller or client. Brokers use their Kafka broker.id as NodeId.
using NodeId = StrongId<struct NodeIdTag>;
inline constexpr NodeId kNoNode{-1};

}  // namespace kafkasim
