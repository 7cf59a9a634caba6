#include "sim/core/event_queue.h"

#include <algorithm>

#include "sim/core/assert.h"

namespace kafkasim {

TimerId EventQueue::schedule(TimeUs at, EventOwner owner, EventFn fn) {
  KS_ASSERT(static_cast<bool>(fn));
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  KS_ASSERT_MSG(slot < (1u << kSlotBits), "more than 16.7 million pending events");
  KS_ASSERT_MSG(next_seq_ < (std::uint64_t{1} << (64 - kSlotBits)), "more than 2^40 events scheduled");
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.owner = owner;
  s.live = true;
  s.key = (next_seq_++ << kSlotBits) | slot;
  heap_.push_back(Entry{at, s.key});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  ++live_;
  return TimerId{slot, s.generation};
}

bool EventQueue::pending(TimerId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(TimerId id) {
  if (!pending(id)) return false;
  release(id.slot);
  return true;
}

void EventQueue::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.fn.reset();
  s.live = false;
  s.key = UINT64_MAX;
  ++s.generation;
  free_slots_.push_back(slot);
  --live_;
}

void EventQueue::drop_stale_top() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    const Slot& s = slots_[top.key & ((1u << kSlotBits) - 1)];
    if (s.live && s.key == top.key) return;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

TimeUs EventQueue::next_time() {
  drop_stale_top();
  return heap_.empty() ? kTimeNever : heap_.front().time;
}

bool EventQueue::pop(Popped& out) {
  drop_stale_top();
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Entry e = heap_.back();
  heap_.pop_back();
  const auto slot = static_cast<std::uint32_t>(e.key & ((1u << kSlotBits) - 1));
  Slot& s = slots_[slot];
  out.time = e.time;
  out.seq = e.key >> kSlotBits;
  out.owner = s.owner;
  out.fn = std::move(s.fn);
  release(slot);
  return true;
}

}  // namespace kafkasim
