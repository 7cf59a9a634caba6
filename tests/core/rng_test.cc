// Tests of sim/core/rng.h: the algorithm against the published reference, streams, and ranges.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "sim/core/rng.h"
#include "sim/core/simulation.h"

namespace kafkasim {
namespace {

// xoshiro256** as published by Blackman and Vigna (prng.di.unimi.it/xoshiro256starstar.c), written out
// here independently of sim/core so that the two can be compared.
struct ReferenceXoshiro {
  std::array<std::uint64_t, 4> s;
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

TEST_CASE("the reference xoshiro256** gives the published outputs for the state 1, 2, 3, 4") {
  // Published test vector (e.g. rand_xoshiro's Xoshiro256StarStar test): state words 1, 2, 3, 4.
  ReferenceXoshiro ref{{1, 2, 3, 4}};
  CHECK(ref.next() == 11520ULL);
  CHECK(ref.next() == 0ULL);
  CHECK(ref.next() == 1509978240ULL);
  CHECK(ref.next() == 1215971899390074240ULL);
}

TEST_CASE("splitmix64 gives the published outputs") {
  std::uint64_t state = 0;
  CHECK(splitmix64_next(state) == 0xe220a8397b1dcdafULL);
  CHECK(splitmix64_next(state) == 0x6e789e6aa1b965f4ULL);
  state = 1234567;
  CHECK(splitmix64_next(state) == 6457827717110365317ULL);
  CHECK(splitmix64_next(state) == 3203168211198807973ULL);
}

TEST_CASE("a fixed seed gives fixed first outputs, equal to xoshiro256** seeded by splitmix64") {
  // Values computed once with the reference C code of both generators, seeding the four state words with
  // four splitmix64 outputs as the reference recommends.
  Rng zero(0);
  CHECK(zero.next_u64() == 0x99ec5f36cb75f2b4ULL);
  CHECK(zero.next_u64() == 0xbf6e1f784956452aULL);
  CHECK(zero.next_u64() == 0x1a5f849d4933e6e0ULL);
  CHECK(zero.next_u64() == 0x6aa594f1262d2d2cULL);
  Rng answer(42);
  CHECK(answer.next_u64() == 0x15780b2e0c2ec716ULL);
  CHECK(answer.next_u64() == 0x6104d9866d113a7eULL);

  for (std::uint64_t seed : {1ULL, 7ULL, 0xdeadbeefULL}) {
    INFO("seed " << seed);
    std::uint64_t sm = seed;
    ReferenceXoshiro ref{
        {splitmix64_next(sm), splitmix64_next(sm), splitmix64_next(sm), splitmix64_next(sm)}};
    Rng ours(seed);
    for (int i = 0; i < 1'000; ++i) REQUIRE(ours.next_u64() == ref.next());
  }
}

TEST_CASE("a stream's draws do not change when other streams are created or used") {
  Simulation alone(99);
  Rng a = alone.rng("broker-1");
  std::array<std::uint64_t, 8> want{};
  for (auto& w : want) w = a.next_u64();

  Simulation busy(99);
  Rng noise = busy.rng("producer-1");
  for (int i = 0; i < 100; ++i) noise.next_u64();
  Rng other = busy.rng("broker-2");
  other.next_u64();
  Rng b = busy.rng("broker-1");
  for (auto w : want) CHECK(b.next_u64() == w);

  CHECK(Rng::stream(99, "broker-1").next_u64() == want[0]);
  CHECK(Rng::stream(99, "broker-2").next_u64() != want[0]);
  CHECK(Rng::stream(100, "broker-1").next_u64() != want[0]);
}

TEST_CASE("uniform stays in range and is roughly uniform") {
  const std::uint64_t seed = 2024;
  INFO("seed " << seed);
  Rng rng(seed);
  constexpr int kBuckets = 10;
  constexpr int kDraws = 100'000;
  std::array<int, kBuckets> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng.uniform(kBuckets);
    REQUIRE(v < kBuckets);
    ++counts[v];
  }
  for (int c : counts) {
    CHECK(c > kDraws / kBuckets * 95 / 100);
    CHECK(c < kDraws / kBuckets * 105 / 100);
  }
  CHECK(rng.uniform(1) == 0);
  const std::uint64_t huge = (1ULL << 63) + 12345;  // large bounds take the rejection path
  for (int i = 0; i < 1'000; ++i) REQUIRE(rng.uniform(huge) < huge);
}

TEST_CASE("between covers both ends and chance_ppm honours its extremes") {
  Rng rng(5);
  bool lo = false;
  bool hi = false;
  for (int i = 0; i < 1'000; ++i) {
    const std::int64_t v = rng.between(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    lo = lo || v == -3;
    hi = hi || v == 3;
  }
  CHECK(lo);
  CHECK(hi);
  CHECK(rng.between(7, 7) == 7);
  int hits = 0;
  for (int i = 0; i < 1'000; ++i) {
    CHECK_FALSE(rng.chance_ppm(0));
    CHECK(rng.chance_ppm(1'000'000));
    hits += rng.chance_ppm(500'000) ? 1 : 0;
  }
  CHECK(hits > 430);
  CHECK(hits < 570);
}

}  // namespace
}  // namespace kafkasim
