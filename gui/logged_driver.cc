#include "gui/logged_driver.h"

#include <algorithm>

namespace kafkasim::gui {

LoggedDriver::LoggedDriver(std::unique_ptr<engine::Driver> inner, RunOrigin origin,
                           std::vector<engine::TimedCommand> initial)
    : inner_(std::move(inner)), origin_(std::move(origin)), commands_(std::move(initial)) {}

void LoggedDriver::apply(const engine::Command& command) {
  // engine::Session::apply: nothing happens once the run is over; a command after a backward seek
  // replaces the commands that came later in the abandoned future.
  if (!inner_->finished()) {
    const std::uint64_t at = inner_->snapshot().events_executed;
    commands_.erase(std::remove_if(commands_.begin(), commands_.end(),
                                   [at](const engine::TimedCommand& c) { return c.event_number > at; }),
                    commands_.end());
    commands_.push_back(engine::TimedCommand{at, inner_->now_us(), command});
    ++version_;
  }
  inner_->apply(command);
}

}  // namespace kafkasim::gui
