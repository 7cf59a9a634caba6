#pragma once
// The project's only source of randomness: xoshiro256** (Blackman & Vigna, 2018), seeded through
// splitmix64. Every component draws from its own named stream, derived from the run's root seed and the
// stream's name only (not from creation order), so adding a producer never changes a broker's draws.
// No floating point in decisions: use uniform(n), between(lo, hi) and chance_ppm(ppm).
#include <array>
#include <cstdint>
#include <string_view>

namespace kafkasim {

std::uint64_t splitmix64_next(std::uint64_t& state);
// 64-bit FNV-1a of a byte string: stable across platforms and runs (used for stream names, trace).
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  // The stream `name` of the run whose root seed is `root_seed`.
  static Rng stream(std::uint64_t root_seed, std::string_view name);

  std::uint64_t next_u64();
  // Uniform in [0, n); REQUIRES: n > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t uniform(std::uint64_t n);
  // Uniform in [lo, hi]; REQUIRES: lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // True with probability ppm / 1,000,000.
  bool chance_ppm(std::uint32_t ppm);

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace kafkasim
