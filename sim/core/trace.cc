#include "sim/core/trace.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/rng.h"

namespace kafkasim {

void Trace::mix(std::uint64_t v) {
  // A 64-bit multiply-xorshift mix (from splitmix64's finalizer): cheap and order-sensitive.
  std::uint64_t z = hash_ ^ (v + 0x9e3779b97f4a7c15ULL + (hash_ << 6) + (hash_ >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  hash_ = z ^ (z >> 31);
}

void Trace::mix_event(std::uint64_t event_number, TimeUs time) {
  mix(event_number);
  mix(static_cast<std::uint64_t>(time));
}

void Trace::record(std::uint64_t event_number, TimeUs time, NodeId node, std::string_view kind,
                   std::string details) {
  mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(node.value)));
  mix(fnv1a64(kind));
  mix(fnv1a64(details));
  ++records_;
  if (observers_.empty()) return;
  const TraceRecord rec{event_number, time, node, kind, std::move(details)};
  for (TraceObserver* o : observers_) o->on_trace(rec);
}

void Trace::add_observer(TraceObserver* observer) { observers_.push_back(observer); }

void Trace::remove_observer(TraceObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

std::string format_hash(std::uint64_t hash) { return fmt::format("{:016x}", hash); }

}  // namespace kafkasim
