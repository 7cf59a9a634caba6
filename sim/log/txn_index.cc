#include "sim/log/txn_index.h"

#include "sim/log/varint.h"

namespace kafkasim {

DiskError TxnIndex::append(const AbortedTxn& txn) {
  std::uint8_t buf[kEntryBytes];
  be::put16(buf, 0);  // version
  be::put64(buf + 2, static_cast<std::uint64_t>(txn.producer_id));
  be::put64(buf + 10, static_cast<std::uint64_t>(txn.first_offset));
  be::put64(buf + 18, static_cast<std::uint64_t>(txn.last_offset));
  be::put64(buf + 26, static_cast<std::uint64_t>(txn.last_stable_offset));
  const DiskError e = disk_.append(file_, buf);
  if (e == DiskError::kOk) entries_.push_back(txn);
  return e;
}

DiskError TxnIndex::clear() {
  entries_.clear();
  return disk_.truncate(file_, 0);
}

std::vector<AbortedTxn> parse_txn_index(const std::vector<std::uint8_t>& bytes) {
  std::vector<AbortedTxn> out;
  for (std::size_t i = 0; i + TxnIndex::kEntryBytes <= bytes.size(); i += TxnIndex::kEntryBytes) {
    const std::uint8_t* p = bytes.data() + i;
    out.push_back({static_cast<std::int64_t>(be::get64(p + 2)), static_cast<std::int64_t>(be::get64(p + 10)),
                   static_cast<std::int64_t>(be::get64(p + 18)), static_cast<std::int64_t>(be::get64(p + 26))});
  }
  return out;
}

}  // namespace kafkasim
