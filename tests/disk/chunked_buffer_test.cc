// ChunkedBuffer against a std::vector model: appends, writes, resizes and views across chunk boundaries.
#include <catch2/catch.hpp>

#include "sim/core/rng.h"
#include "sim/disk/chunked_buffer.h"

namespace kafkasim {
namespace {
#ifdef __SANITIZE_ADDRESS__
constexpr int kOps = 500;
#else
constexpr int kOps = 3000;
#endif
}  // namespace

TEST_CASE("ChunkedBuffer behaves like a vector across chunk boundaries") {
  const std::uint64_t seed = 31337;
  INFO("seed " << seed);
  Rng rng(seed);
  ChunkedBuffer buf;
  std::vector<std::uint8_t> model;
  std::vector<std::uint8_t> scratch;
  for (int op = 0; op < kOps; ++op) {
    const auto kind = rng.uniform(10);
    std::vector<std::uint8_t> data(rng.uniform(kind == 0 ? 300000 : 9000));
    for (auto& b : data) b = static_cast<std::uint8_t>(rng.uniform(256));
    if (kind < 6) {
      buf.append(data.data(), data.size());
      model.insert(model.end(), data.begin(), data.end());
    } else if (kind < 8 && !model.empty()) {
      const std::uint64_t pos = rng.uniform(model.size() + 1);
      buf.write(pos, data.data(), data.size());
      if (pos + data.size() > model.size()) model.resize(pos + data.size());
      std::copy(data.begin(), data.end(), model.begin() + static_cast<std::ptrdiff_t>(pos));
    } else {
      const std::uint64_t n = rng.uniform(model.size() + 20000);
      buf.resize(n);
      model.resize(n);
    }
    REQUIRE(buf.size() == model.size());
    if (model.empty()) continue;
    const std::uint64_t pos = rng.uniform(model.size());
    const std::uint64_t len = rng.uniform(70000);
    const auto v = buf.view(pos, len, scratch);
    REQUIRE(v.size() == std::min<std::uint64_t>(len, model.size() - pos));
    REQUIRE(std::equal(v.begin(), v.end(), model.begin() + static_cast<std::ptrdiff_t>(pos)));
  }
  std::vector<std::uint8_t> all(model.size());
  buf.copy_out(0, all.size(), all.data());
  CHECK(all == model);
}

}  // namespace kafkasim
