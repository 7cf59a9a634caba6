#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's record batch v2
// (org.apache.kafka.common.utils.Crc32C). crc32c() uses the SSE4.2 crc32 instruction when the CPU has it
// (checked once at startup), otherwise a slicing-by-8 table. Both are exposed for tests and benchmarks;
// both give crc32c("123456789") == 0xE3069283.
#include <cstddef>
#include <cstdint>

namespace kafkasim {

// CRC-32C of [data, data+len), continuing from `crc` (the CRC of the bytes before; 0 to start).
std::uint32_t crc32c(const void* data, std::size_t len, std::uint32_t crc = 0);
std::uint32_t crc32c_table(const void* data, std::size_t len, std::uint32_t crc = 0);
// REQUIRES: crc32c_hardware_available().
std::uint32_t crc32c_hardware(const void* data, std::size_t len, std::uint32_t crc = 0);
bool crc32c_hardware_available();

}  // namespace kafkasim
