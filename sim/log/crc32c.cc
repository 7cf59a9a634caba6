#include "sim/log/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace kafkasim {
namespace {
constexpr std::uint32_t kPoly = 0x82F63B78u;

struct Tables {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  constexpr Tables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
  }
};
constexpr Tables kTables;

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint64_t crc_hw_words(std::uint64_t c, const std::uint8_t* p, std::size_t words) {
  for (std::size_t i = 0; i < words; ++i) {
    std::uint64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    c = _mm_crc32_u64(c, v);
  }
  return c;
}

// Three independent streams hide the 3-cycle latency of crc32q. Streams cover consecutive blocks of
// kStreamBytes; their raw CRCs combine as shift(a, 2K) ^ shift(b, K) ^ c, where shift(x, n) is the raw
// CRC update over n zero bytes (linear in x), applied with four byte tables.
constexpr std::size_t kStreamBytes = 2048;
struct ShiftTable {
  std::array<std::array<std::uint32_t, 256>, 4> t{};
  std::uint32_t apply(std::uint32_t c) const {
    return t[0][c & 0xFF] ^ t[1][(c >> 8) & 0xFF] ^ t[2][(c >> 16) & 0xFF] ^ t[3][c >> 24];
  }
};
ShiftTable make_shift(std::size_t zero_bytes) {
  static const std::array<std::uint8_t, 2 * kStreamBytes> zeros{};
  ShiftTable s;
  for (int k = 0; k < 4; ++k) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      s.t[k][b] = static_cast<std::uint32_t>(crc_hw_words(b << (8 * k), zeros.data(), zero_bytes / 8));
    }
  }
  return s;
}

__attribute__((target("sse4.2"))) std::uint32_t crc_hw(const std::uint8_t* p, std::size_t n, std::uint32_t c) {
  std::uint64_t c64 = c;
  if (n >= 3 * kStreamBytes) {
    static const ShiftTable shift1 = make_shift(kStreamBytes);
    static const ShiftTable shift2 = make_shift(2 * kStreamBytes);
    while (n >= 3 * kStreamBytes) {
      std::uint64_t a = c64;
      std::uint64_t b = 0;
      std::uint64_t d = 0;
      for (std::size_t i = 0; i < kStreamBytes; i += 8) {
        std::uint64_t va;
        std::uint64_t vb;
        std::uint64_t vd;
        std::memcpy(&va, p + i, 8);
        std::memcpy(&vb, p + kStreamBytes + i, 8);
        std::memcpy(&vd, p + 2 * kStreamBytes + i, 8);
        a = _mm_crc32_u64(a, va);
        b = _mm_crc32_u64(b, vb);
        d = _mm_crc32_u64(d, vd);
      }
      c64 = shift2.apply(static_cast<std::uint32_t>(a)) ^ shift1.apply(static_cast<std::uint32_t>(b)) ^
            static_cast<std::uint32_t>(d);
      p += 3 * kStreamBytes;
      n -= 3 * kStreamBytes;
    }
  }
  c64 = crc_hw_words(c64, p, n / 8);
  p += n / 8 * 8;
  n %= 8;
  std::uint32_t c32 = static_cast<std::uint32_t>(c64);
  while (n > 0) {
    c32 = _mm_crc32_u8(c32, *p++);
    --n;
  }
  return c32;
}
bool detect_hw() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#else
std::uint32_t crc_hw(const std::uint8_t*, std::size_t, std::uint32_t c) { return c; }
bool detect_hw() { return false; }
#endif

const bool kHaveHw = detect_hw();
}  // namespace

std::uint32_t crc32c_table(const void* data, std::size_t len, std::uint32_t crc) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  std::uint32_t c = ~crc;
  while (len >= 8) {
    std::uint32_t lo;
    std::uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = kTables.t[7][lo & 0xFF] ^ kTables.t[6][(lo >> 8) & 0xFF] ^ kTables.t[5][(lo >> 16) & 0xFF] ^
        kTables.t[4][lo >> 24] ^ kTables.t[3][hi & 0xFF] ^ kTables.t[2][(hi >> 8) & 0xFF] ^
        kTables.t[1][(hi >> 16) & 0xFF] ^ kTables.t[0][hi >> 24];
    p += 8;
    len -= 8;
  }
  while (len-- > 0) c = (c >> 8) ^ kTables.t[0][(c ^ *p++) & 0xFF];
  return ~c;
}

std::uint32_t crc32c_hardware(const void* data, std::size_t len, std::uint32_t crc) {
  return ~crc_hw(static_cast<const std::uint8_t*>(data), len, ~crc);
}

bool crc32c_hardware_available() { return kHaveHw; }

std::uint32_t crc32c(const void* data, std::size_t len, std::uint32_t crc) {
  return kHaveHw ? crc32c_hardware(data, len, crc) : crc32c_table(data, len, crc);
}

}  // namespace kafkasim
