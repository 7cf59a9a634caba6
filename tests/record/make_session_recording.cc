// Test helper for the `kafkasim run SESSION` check (session_replay.cmake):
//   make_session_recording OUT.sqlite          writes the live session of live_session.h and prints
//                                              "session trace hash <16 hex digits>"
//   make_session_recording --bad-command OUT   writes a session recording with a command that does not parse
#include <cstdio>
#include <string>

#include "sim/core/trace.h"
#include "tests/record/live_session.h"

int main(int argc, char** argv) {
  using namespace kafkasim::record;
  const bool bad = argc == 3 && std::string(argv[1]) == "--bad-command";
  if (argc != 2 && !bad) {
    std::fprintf(stderr, "usage: make_session_recording [--bad-command] OUT.sqlite\n");
    return 2;
  }
  const std::string out = argv[argc - 1];
  testing::LiveSession live;
  std::vector<CommandRow> rows = command_rows(live.commands);
  if (bad) rows.push_back(CommandRow{rows.back().event_number + 1, rows.back().time_us, "explode broker 2"});
  const Status s = write_session_recording(out, run_info_for(live.source, "make_session_recording"), rows);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  std::printf("session trace hash %s\n", kafkasim::format_hash(live.session->run().sim().trace_hash()).c_str());
  return 0;
}
