#pragma once
// TxnIndex: the `.txnindex` file of a segment (kafka.log.TransactionIndex): one 34-byte entry per
// transaction ABORTED by a marker in this segment, {version int16 = 0, producerId int64, firstOffset int64,
// lastOffset int64 (the marker's offset), lastStableOffset int64 (the LSO once the transaction ended)},
// big-endian. A read_committed fetch uses it to tell the consumer which ranges to drop. Kept in memory and
// appended to the file; owned by its LogSegment; rebuilt with the log's transaction state on open.
#include <cstdint>
#include <vector>

#include "sim/disk/disk.h"

namespace kafkasim {

struct AbortedTxn {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;
  std::int64_t last_stable_offset = 0;
  bool operator==(const AbortedTxn&) const = default;
};

class TxnIndex {
 public:
  static constexpr std::size_t kEntryBytes = 34;
  TxnIndex(Disk& disk, FileId file) : disk_(disk), file_(file) {}
  DiskError append(const AbortedTxn& txn);
  DiskError clear();
  const std::vector<AbortedTxn>& entries() const { return entries_; }
  FileId file() const { return file_; }

 private:
  Disk& disk_;
  FileId file_;
  std::vector<AbortedTxn> entries_;
};

// Parses a .txnindex file's bytes (whole entries; a partial last entry is ignored).
std::vector<AbortedTxn> parse_txn_index(const std::vector<std::uint8_t>& bytes);

}  // namespace kafkasim
