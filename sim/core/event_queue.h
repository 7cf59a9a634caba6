#pragma once
// EventQueue: the simulator's agenda. Events are totally ordered by (time, sequence), where sequence is
// the insertion counter, so two events at the same time always run in the order they were scheduled,
// whatever the heap does. Timers are cancellable through their TimerId (slot + generation): a cancelled
// event stays in the heap as a stale entry and is skipped when it reaches the top.
// Single-threaded; owned by Simulation.
#include <cstdint>
#include <vector>

#include "sim/core/event_fn.h"
#include "sim/core/ids.h"
#include "sim/core/time.h"

namespace kafkasim {

struct TimerId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
  auto operator<=>(const TimerId&) const = default;
};

// Who an event belongs to: a node and the incarnation of that node when it was scheduled. Events of a
// node that crashed (incarnation changed) are discarded; events of a paused node are deferred.
struct EventOwner {
  NodeId node = kNoNode;
  std::uint64_t incarnation = 0;
};

class EventQueue {
 public:
  struct Popped {
    TimeUs time;
    std::uint64_t seq;
    EventOwner owner;
    EventFn fn;
  };

  // Schedules fn at absolute time `at`. REQUIRES: fn is set.
  TimerId schedule(TimeUs at, EventOwner owner, EventFn fn);
  // Cancels a pending event. Returns false when it already ran, was cancelled or id is invalid.
  bool cancel(TimerId id);
  bool pending(TimerId id) const;

  // Removes the earliest live event into `out`. Returns false when no live event remains.
  bool pop(Popped& out);
  // Time of the earliest live event, or kTimeNever.
  TimeUs next_time();
  std::size_t size() const { return live_; }
  std::uint64_t scheduled_total() const { return next_seq_; }

 private:
  // 16 bytes: key = sequence << 24 | slot. Ordering by (time, key) is ordering by (time, sequence), since
  // sequences are unique; the slot's copy of the key tells a live entry from a stale one.
  static constexpr int kSlotBits = 24;
  struct Entry {
    TimeUs time;
    std::uint64_t key;
  };
  struct Slot {
    EventFn fn;
    EventOwner owner;
    std::uint64_t key = UINT64_MAX;  // key of the live entry, UINT64_MAX when free
    std::uint32_t generation = 0;
    bool live = false;
  };
  // A function object (not a function pointer) so the heap algorithms inline the comparison.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time != b.time ? a.time > b.time : a.key > b.key;
    }
  };
  void drop_stale_top();
  void release(std::uint32_t slot);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace kafkasim
