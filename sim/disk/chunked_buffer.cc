#include "sim/disk/chunked_buffer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "sim/core/assert.h"

namespace kafkasim {

std::uint64_t ChunkedBuffer::chunk_start(std::size_t i) {
  if (i <= static_cast<std::size_t>(kDoublings)) return kFirstChunkBytes * ((std::uint64_t{1} << i) - 1);
  return kSmallChunksBytes + (i - kDoublings) * kBigChunkBytes;
}

std::uint64_t ChunkedBuffer::chunk_bytes(std::size_t i) {
  return i < static_cast<std::size_t>(kDoublings) ? kFirstChunkBytes << i : kBigChunkBytes;
}

std::size_t ChunkedBuffer::chunk_of(std::uint64_t position) {
  if (position < kSmallChunksBytes) return static_cast<std::size_t>(std::bit_width(position / kFirstChunkBytes + 1) - 1);
  return kDoublings + static_cast<std::size_t>((position - kSmallChunksBytes) / kBigChunkBytes);
}

template <typename Fn>
void ChunkedBuffer::for_range(std::uint64_t position, std::uint64_t n, Fn&& fn) const {
  std::size_t i = chunk_of(position);
  std::uint64_t in_chunk = position - chunk_start(i);
  while (n > 0) {
    const std::uint64_t len = std::min(n, chunk_bytes(i) - in_chunk);
    fn(chunks_[i].get(), in_chunk, len);
    n -= len;
    in_chunk = 0;
    ++i;
  }
}

void ChunkedBuffer::ensure_capacity(std::uint64_t n) {
  while (chunk_start(chunks_.size()) < n) {
    chunks_.push_back(std::unique_ptr<std::uint8_t[]>(new std::uint8_t[chunk_bytes(chunks_.size())]));
  }
}

void ChunkedBuffer::write(std::uint64_t position, const std::uint8_t* data, std::uint64_t n) {
  KS_ASSERT(position <= size_);
  ensure_capacity(position + n);
  for_range(position, n, [&](std::uint8_t* chunk, std::uint64_t off, std::uint64_t len) {
    std::memcpy(chunk + off, data, len);
    data += len;
  });
  size_ = std::max(size_, position + n);
}

void ChunkedBuffer::append(const std::uint8_t* data, std::uint64_t n) { write(size_, data, n); }

void ChunkedBuffer::resize(std::uint64_t n) {
  if (n > size_) {
    ensure_capacity(n);
    for_range(size_, n - size_, [](std::uint8_t* chunk, std::uint64_t off, std::uint64_t len) {
      std::memset(chunk + off, 0, len);
    });
  } else {
    while (!chunks_.empty() && chunk_start(chunks_.size() - 1) >= n) chunks_.pop_back();
  }
  size_ = n;
}

void ChunkedBuffer::copy_out(std::uint64_t position, std::uint64_t n, std::uint8_t* dst) const {
  KS_ASSERT(position + n <= size_);
  for_range(position, n, [&](std::uint8_t* chunk, std::uint64_t off, std::uint64_t len) {
    std::memcpy(dst, chunk + off, len);
    dst += len;
  });
}

std::span<const std::uint8_t> ChunkedBuffer::view(std::uint64_t position, std::uint64_t n,
                                                   std::vector<std::uint8_t>& scratch) const {
  if (position >= size_) return {};
  n = std::min(n, size_ - position);
  const std::size_t i = chunk_of(position);
  const std::uint64_t off = position - chunk_start(i);
  if (off + n <= chunk_bytes(i)) return {chunks_[i].get() + off, n};
  scratch.resize(n);
  copy_out(position, n, scratch.data());
  return {scratch.data(), n};
}

std::uint8_t& ChunkedBuffer::at(std::uint64_t position) {
  KS_ASSERT(position < size_);
  const std::size_t i = chunk_of(position);
  return chunks_[i][position - chunk_start(i)];
}

}  // namespace kafkasim
