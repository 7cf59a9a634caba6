#pragma once
// ChunkedBuffer: the bytes of one simulated file, kept in chunks so that appending never copies what is
// already there (a growing std::vector would copy the whole file at each doubling). Chunk sizes double
// from 4 KiB up to 1 MiB, so small files (indexes, checkpoints) stay small and big segments use 1 MiB
// chunks. Contiguous reads come from view(), which returns the bytes in place when they lie in one chunk
// and otherwise copies them into the caller's scratch buffer. Owned by Disk's inode. Single-threaded.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kafkasim {

class ChunkedBuffer {
 public:
  std::uint64_t size() const { return size_; }
  void append(const std::uint8_t* data, std::uint64_t n);
  // Writes n bytes at position. REQUIRES: position <= size() (the file grows if needed).
  void write(std::uint64_t position, const std::uint8_t* data, std::uint64_t n);
  // Shrinks (dropping chunks) or grows with zero bytes.
  void resize(std::uint64_t n);
  // Copies [position, position + n) into dst. REQUIRES: position + n <= size().
  void copy_out(std::uint64_t position, std::uint64_t n, std::uint8_t* dst) const;
  // Up to n bytes at position (fewer at the end), in place or through scratch.
  std::span<const std::uint8_t> view(std::uint64_t position, std::uint64_t n, std::vector<std::uint8_t>& scratch) const;
  std::uint8_t& at(std::uint64_t position);

 private:
  static constexpr std::uint64_t kFirstChunkBytes = 4096;
  static constexpr int kDoublings = 8;  // 4 KiB .. 512 KiB, then 1 MiB chunks
  static constexpr std::uint64_t kBigChunkBytes = kFirstChunkBytes << kDoublings;
  static constexpr std::uint64_t kSmallChunksBytes = kFirstChunkBytes * ((1u << kDoublings) - 1);
  static std::uint64_t chunk_start(std::size_t i);
  static std::uint64_t chunk_bytes(std::size_t i);
  static std::size_t chunk_of(std::uint64_t position);
  // Calls fn(chunk pointer, offset in chunk, length) over [position, position + n) chunk by chunk.
  template <typename Fn>
  void for_range(std::uint64_t position, std::uint64_t n, Fn&& fn) const;
  void ensure_capacity(std::uint64_t n);

  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
  std::uint64_t size_ = 0;
};

}  // namespace kafkasim
