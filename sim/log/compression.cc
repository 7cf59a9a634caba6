#include "sim/log/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "sim/core/assert.h"
#include "sim/log/varint.h"

namespace kafkasim {
namespace {
constexpr std::uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kXerialHeaderBytes = 16;
constexpr std::size_t kXerialBlockBytes = 32 * 1024;  // snappy-java's default block size

void gzip_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper, as java.util.zip.GZIPOutputStream writes.
  KS_ASSERT(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  const std::size_t start = out.size();
  out.resize(start + deflateBound(&zs, in.size()) + 32);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data() + start;
  zs.avail_out = static_cast<uInt>(out.size() - start);
  KS_ASSERT(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(start + zs.total_out);
  deflateEnd(&zs);
}

bool gzip_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, std::size_t cap) {
  std::size_t pos = 0;
  std::uint8_t buf[16 * 1024];
  while (pos < in.size()) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return false;
    zs.next_in = const_cast<Bytef*>(in.data() + pos);
    zs.avail_in = static_cast<uInt>(in.size() - pos);
    int rc = Z_OK;
    while (rc == Z_OK) {
      zs.next_out = buf;
      zs.avail_out = sizeof(buf);
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) break;
      const std::size_t produced = sizeof(buf) - zs.avail_out;
      if (out.size() + produced > cap) rc = Z_MEM_ERROR;
      else out.insert(out.end(), buf, buf + produced);
      if (rc == Z_OK && produced == 0 && zs.avail_in == 0) rc = Z_DATA_ERROR;  // truncated stream
    }
    pos += zs.total_in;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return false;
  }
  return true;
}

void snappy_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  out.insert(out.end(), kXerialMagic, kXerialMagic + 8);
  std::uint8_t versions[8];
  be::put32(versions, 1);      // version
  be::put32(versions + 4, 1);  // minimum compatible version
  out.insert(out.end(), versions, versions + 8);
  for (std::size_t pos = 0; pos < in.size(); pos += kXerialBlockBytes) {
    const std::size_t n = std::min(kXerialBlockBytes, in.size() - pos);
    const std::size_t at = out.size();
    out.resize(at + 4 + snappy::MaxCompressedLength(n));
    std::size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data() + pos), n, reinterpret_cast<char*>(out.data() + at + 4),
                        &written);
    be::put32(out.data() + at, static_cast<std::uint32_t>(written));
    out.resize(at + 4 + written);
  }
}

bool snappy_raw(const std::uint8_t* p, std::size_t n, std::vector<std::uint8_t>& out, std::size_t cap) {
  std::size_t len = 0;
  const char* src = reinterpret_cast<const char*>(p);
  if (!snappy::GetUncompressedLength(src, n, &len) || out.size() + len > cap) return false;
  const std::size_t at = out.size();
  out.resize(at + len);
  return snappy::RawUncompress(src, n, reinterpret_cast<char*>(out.data() + at));
}

bool snappy_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, std::size_t cap) {
  if (in.size() < kXerialHeaderBytes || std::memcmp(in.data(), kXerialMagic, 8) != 0) {
    return snappy_raw(in.data(), in.size(), out, cap);
  }
  std::size_t pos = kXerialHeaderBytes;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return false;
    const std::size_t n = be::get32(in.data() + pos);
    pos += 4;
    if (n > in.size() - pos || !snappy_raw(in.data() + pos, n, out, cap)) return false;
    pos += n;
  }
  return true;
}

void lz4_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  const std::size_t at = out.size();
  out.resize(at + LZ4F_compressFrameBound(in.size(), &prefs));
  const std::size_t n = LZ4F_compressFrame(out.data() + at, out.size() - at, in.data(), in.size(), &prefs);
  KS_ASSERT(!LZ4F_isError(n));
  out.resize(at + n);
}

bool lz4_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, std::size_t cap) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return false;
  std::uint8_t buf[64 * 1024];
  std::size_t pos = 0;
  std::size_t hint = 1;
  bool ok = true;
  while (hint != 0) {
    std::size_t src_n = in.size() - pos;
    std::size_t dst_n = sizeof(buf);
    hint = LZ4F_decompress(ctx, buf, &dst_n, in.data() + pos, &src_n, nullptr);
    if (LZ4F_isError(hint) || out.size() + dst_n > cap) {
      ok = false;
      break;
    }
    out.insert(out.end(), buf, buf + dst_n);
    pos += src_n;
    if (hint != 0 && src_n == 0 && dst_n == 0) {  // input ended inside the frame
      ok = false;
      break;
    }
  }
  LZ4F_freeDecompressionContext(ctx);
  return ok;
}

void zstd_compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + ZSTD_compressBound(in.size()));
  const std::size_t n = ZSTD_compress(out.data() + at, out.size() - at, in.data(), in.size(), 3);
  KS_ASSERT(!ZSTD_isError(n));
  out.resize(at + n);
}

bool zstd_decompress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, std::size_t cap) {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  std::uint8_t buf[64 * 1024];
  bool ok = true;
  std::size_t rc = 1;
  while (src.pos < src.size || rc != 0) {
    ZSTD_outBuffer dst{buf, sizeof(buf), 0};
    const std::size_t before = src.pos;
    rc = ZSTD_decompressStream(ctx, &dst, &src);
    if (ZSTD_isError(rc) || out.size() + dst.pos > cap) {
      ok = false;
      break;
    }
    out.insert(out.end(), buf, buf + dst.pos);
    if (rc != 0 && src.pos == before && dst.pos == 0) {  // truncated frame
      ok = false;
      break;
    }
  }
  ZSTD_freeDCtx(ctx);
  return ok && in.size() > 0;
}
}  // namespace

const char* to_string(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

bool parse_compression(std::string_view name, Compression& out) {
  for (Compression c : kAllCompressions) {
    if (name == to_string(c)) {
      out = c;
      return true;
    }
  }
  return false;
}

void compress(Compression c, std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  switch (c) {
    case Compression::kGzip: return gzip_compress(in, out);
    case Compression::kSnappy: return snappy_compress(in, out);
    case Compression::kLz4: return lz4_compress(in, out);
    case Compression::kZstd: return zstd_compress(in, out);
    case Compression::kNone: break;
  }
  KS_ASSERT_MSG(false, "compress() with codec none");
}

bool decompress(Compression c, std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                std::size_t max_output_bytes) {
  switch (c) {
    case Compression::kGzip: return gzip_decompress(in, out, max_output_bytes);
    case Compression::kSnappy: return snappy_decompress(in, out, max_output_bytes);
    case Compression::kLz4: return lz4_decompress(in, out, max_output_bytes);
    case Compression::kZstd: return zstd_decompress(in, out, max_output_bytes);
    case Compression::kNone: break;
  }
  return false;
}

}  // namespace kafkasim
