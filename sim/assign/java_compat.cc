#include "sim/assign/java_compat.h"

#include <algorithm>
#include <numeric>

namespace kafkasim::assign {

std::u16string utf8_to_utf16(std::string_view s) {
  // Well-formed UTF-8 per Unicode table 3-7; a malformed sequence becomes one U+FFFD per maximal
  // subpart (the bytes that could still have started a valid sequence), as Java's decoder does; like
  // Java, an encoded surrogate (ED A0..BF xx) is one U+FFFD for all three bytes.
  std::u16string out;
  out.reserve(s.size());
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    std::size_t need = 0;
    std::uint32_t cp = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1, cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2, cp = b0 & 0x0F;
      if (b0 == 0xE0) lo = 0xA0;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3, cp = b0 & 0x07;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    }
    std::size_t len = 1;
    bool ok = need > 0;
    for (std::size_t k = 1; ok && k <= need; ++k) {
      const std::size_t at = i + k;
      const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (at >= s.size() || byte(at) < min || byte(at) > max) {
        ok = false;
      } else {
        cp = (cp << 6) | (byte(at) & 0x3F);
        len = k + 1;
      }
    }
    if (!ok || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(0xFFFD);
      i += need == 0 ? 1 : len;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

std::int32_t java_string_hash_code(std::string_view utf8) {
  std::uint32_t h = 0;
  for (char16_t c : utf8_to_utf16(utf8)) h = 31u * h + static_cast<std::uint32_t>(c);
  return static_cast<std::int32_t>(h);
}

int java_string_compare(std::string_view a, std::string_view b) {
  // Pure ASCII (the common case): byte order is UTF-16 code unit order.
  const auto ascii = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  if (ascii(a) && ascii(b)) return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
  const std::u16string ua = utf8_to_utf16(a);
  const std::u16string ub = utf8_to_utf16(b);
  const int c = ua.compare(ub);
  return c < 0 ? -1 : (c == 0 ? 0 : 1);
}

std::int32_t java_utils_abs(std::int32_t n) {
  if (n == INT32_MIN) return 0;
  return n < 0 ? -n : n;
}

std::int32_t topic_partition_hash_code(std::string_view topic, std::int32_t partition) {
  std::uint32_t result = 31u + static_cast<std::uint32_t>(partition);
  result = 31u * result + static_cast<std::uint32_t>(java_string_hash_code(topic));
  return static_cast<std::int32_t>(result);
}

std::size_t java_hash_map_capacity(std::size_t count) {
  std::size_t capacity = 16;
  while (count > capacity / 4 * 3) capacity *= 2;
  return capacity;
}

std::size_t java_hash_bucket(std::int32_t hash, std::size_t capacity) {
  const auto h = static_cast<std::uint32_t>(hash);
  return static_cast<std::size_t>(h ^ (h >> 16)) & (capacity - 1);
}

std::vector<std::size_t> java_hash_map_order(const std::vector<std::int32_t>& hashes) {
  const std::size_t capacity = java_hash_map_capacity(hashes.size());
  std::vector<std::size_t> order(hashes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Resizes split each bucket keeping relative order, so a bucket lists its keys in insertion order.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return java_hash_bucket(hashes[x], capacity) < java_hash_bucket(hashes[y], capacity);
  });
  return order;
}

std::vector<std::size_t> java_string_map_order(const std::vector<std::string>& keys) {
  std::vector<std::int32_t> hashes;
  hashes.reserve(keys.size());
  for (const auto& k : keys) hashes.push_back(java_string_hash_code(k));
  return java_hash_map_order(hashes);
}

}  // namespace kafkasim::assign
