#pragma once
// Compression codecs of Kafka's record batches (attributes bits 0-2), through Debian's libraries, framed
// exactly the way Kafka's Java client frames each codec (org.apache.kafka.common.compress.*), so that a
// batch we compress decodes in a real Kafka client and a batch a real client compressed decodes here:
//  - gzip (1): one RFC 1952 gzip member (java.util.zip.GZIPOutputStream), via zlib. Decoding accepts
//    several concatenated members.
//  - snappy (2): xerial snappy-java framing (SnappyOutputStream): an 16-byte header
//    {0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 BE version=1, int32 BE compatible=1}, then blocks of
//    {int32 BE compressed length, raw snappy block}, each block compressing at most 32 KiB of input.
//    Decoding also accepts a bare raw snappy block (what some non-Java clients write).
//  - lz4 (3): the standard LZ4 frame format (KafkaLZ4BlockOutputStream since KIP-57 / magic v1+): 64 KiB
//    independent blocks, no block checksum, no content size, no content checksum; via liblz4's LZ4F.
//  - zstd (4): one standard zstd frame (ZstdOutputStream, KIP-110), level 3; decoding is streaming and
//    accepts several frames.
// Compression never fails for valid input; decompression reports corrupt input as false (never throws).
// Decompression output is capped (max_output_bytes) so a hostile frame cannot exhaust memory.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kafkasim {

enum class Compression : std::uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
inline constexpr Compression kAllCompressions[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                                   Compression::kLz4, Compression::kZstd};
// Kafka's names: "none", "gzip", "snappy", "lz4", "zstd" (compression.type).
const char* to_string(Compression c);
bool parse_compression(std::string_view name, Compression& out);

// Appends the compressed form of `in` to `out`. REQUIRES: c != kNone.
void compress(Compression c, std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out);
// Appends the decompressed form of `in` to `out`. False when `in` is not a valid stream of codec c or
// would decompress past max_output_bytes.
bool decompress(Compression c, std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                std::size_t max_output_bytes = std::size_t{1} << 30);

}  // namespace kafkasim
