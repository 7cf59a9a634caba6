// RecordSlots (sim/check/checker_index.h): record ids -> dense slots for the checker's per-record tables.
#include <catch2/catch.hpp>

#include "sim/check/checker_index.h"

namespace kafkasim::check::internal {
namespace {

TEST_CASE("a run's ids 1..N get slots 0..N-1 whatever their order and repeats") {
  const RecordSlots slots({3, 1, 2, 2, 5, 4});
  REQUIRE(slots.size() == 5);
  for (std::uint64_t id = 1; id <= 5; ++id) CHECK(slots.slot(id) == id - 1);
  CHECK(slots.slot(0) == kNoSlot);
  CHECK(slots.slot(6) == kNoSlot);
}

TEST_CASE("sparse ids get one slot each in id order and unknown ids between them get none") {
  const RecordSlots slots({1000, 7, 1u << 20, 7, 42});
  REQUIRE(slots.size() == 4);
  CHECK(slots.slot(7) == 0);
  CHECK(slots.slot(42) == 1);
  CHECK(slots.slot(1000) == 2);
  CHECK(slots.slot(1u << 20) == 3);
  CHECK(slots.slot(8) == kNoSlot);
  CHECK(slots.slot(999) == kNoSlot);
  CHECK(slots.slot(UINT64_MAX) == kNoSlot);
}

TEST_CASE("no ids: every id is unknown") {
  const RecordSlots slots({});
  CHECK(slots.size() == 0);
  CHECK(slots.slot(1) == kNoSlot);
}

}  // namespace
}  // namespace kafkasim::check::internal
