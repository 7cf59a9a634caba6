#pragma once
// Kafka's variable-length integers (org.apache.kafka.common.utils.ByteUtils): zigzag-encoded signed values
// written as unsigned LEB128 (7 bits per byte, least significant group first, high bit = more bytes),
// like protobuf's sint32/sint64. Varints are at most 5 bytes, varlongs at most 10.
// Also big-endian fixed-width helpers for the batch header.
#include <bit>
#include <cstdint>
#include <cstring>

namespace kafkasim::varint {

constexpr std::uint32_t zigzag32(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag64(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

// Bytes needed for the zigzag varint of v.
constexpr int size_u(std::uint64_t z) { return (std::bit_width(z | 1) + 6) / 7; }
constexpr int size32(std::int32_t v) { return size_u(zigzag32(v)); }
constexpr int size64(std::int64_t v) { return size_u(zigzag64(v)); }

// Writes the unsigned LEB128 of z at p; returns the byte after it. REQUIRES: room for size_u(z) bytes.
inline std::uint8_t* put_u(std::uint8_t* p, std::uint64_t z) {
  while (z >= 0x80) {
    *p++ = static_cast<std::uint8_t>(z | 0x80);
    z >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(z);
  return p;
}
inline std::uint8_t* put32(std::uint8_t* p, std::int32_t v) { return put_u(p, zigzag32(v)); }
inline std::uint8_t* put64(std::uint8_t* p, std::int64_t v) { return put_u(p, zigzag64(v)); }

// Reads an unsigned LEB128 of at most max_bytes from [p, end). Returns nullptr when it is truncated or too
// long (a corrupt record), else the byte after it.
inline const std::uint8_t* get_u(const std::uint8_t* p, const std::uint8_t* end, int max_bytes, std::uint64_t& out) {
  std::uint64_t v = 0;
  for (int shift = 0, i = 0; i < max_bytes; ++i, shift += 7) {
    if (p == end) return nullptr;
    const std::uint8_t b = *p++;
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      out = v;
      return p;
    }
  }
  return nullptr;
}
inline const std::uint8_t* get32(const std::uint8_t* p, const std::uint8_t* end, std::int32_t& out) {
  if (p != end && *p < 0x80) {  // fast path: one byte
    out = static_cast<std::int32_t>(unzigzag(*p));
    return p + 1;
  }
  std::uint64_t z = 0;
  p = get_u(p, end, 5, z);
  if (p == nullptr || z > 0xFFFFFFFFull) return nullptr;
  out = static_cast<std::int32_t>(unzigzag(z));
  return p;
}
inline const std::uint8_t* get64(const std::uint8_t* p, const std::uint8_t* end, std::int64_t& out) {
  std::uint64_t z = 0;
  p = get_u(p, end, 10, z);
  if (p != nullptr) out = unzigzag(z);
  return p;
}

}  // namespace kafkasim::varint

namespace kafkasim::be {
// Big-endian (network order) fixed-width fields of the batch header and the index files.
inline void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put32(std::uint8_t* p, std::uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void put64(std::uint8_t* p, std::uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t get32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline std::uint64_t get64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
}  // namespace kafkasim::be
