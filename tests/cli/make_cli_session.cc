// Test helper for tests/cli/recording_replay.cmake: writes a visualizer session recording as kafkasim-gui
// does, without a GUI.
//   make_cli_session SCENARIO OUT.sqlite [TIME=COMMAND]...
// plays an engine::Session of SCENARIO, applying each COMMAND (the text form of sim/engine/command.h, e.g.
// "stop_producer p") when the session reaches TIME (a duration, e.g. 2s), plays on to the end, writes OUT
// and prints "session trace hash <16 hex digits>". A COMMAND that does not parse is recorded as it is and
// not applied (for the bad-input tests). Exit 2 on bad arguments, 1 when the file cannot be written.
#include <cstdio>
#include <string>
#include <vector>

#include "sim/core/duration.h"
#include "sim/core/trace.h"
#include "sim/engine/session.h"
#include "sim/record/replay.h"

namespace {

int usage(const std::string& why) {
  std::fprintf(stderr,
               "make_cli_session: %s\nusage: make_cli_session SCENARIO OUT.sqlite [TIME=COMMAND]...\n",
               why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kafkasim;
  if (argc < 3) return usage("missing arguments");
  record::ReplaySource source;
  if (const record::Status s = record::open_replay_source(argv[1], std::nullopt, &source); !s.ok()) {
    return usage(s.message());
  }
  engine::RunOptions options;
  options.seed = source.seed;
  engine::Session session(source.scenario, options);
  std::vector<record::CommandRow> rows;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const DurationParse at = parse_duration(arg.substr(0, eq == std::string::npos ? 0 : eq));
    if (eq == std::string::npos || !at.value) return usage("expected TIME=COMMAND, got '" + arg + "'");
    session.advance_to(*at.value, UINT64_MAX);
    const std::string text = arg.substr(eq + 1);
    rows.push_back(record::CommandRow{session.snapshot().events_executed, session.now_us(), text});
    if (const auto command = engine::parse_command(text)) session.apply(*command);
  }
  session.advance_to(session.duration_us(), UINT64_MAX);
  const record::Status written =
      record::write_session_recording(argv[2], record::run_info_for(source, "make_cli_session"), rows);
  if (!written.ok()) {
    std::fprintf(stderr, "%s\n", written.message().c_str());
    return 1;
  }
  std::printf("session trace hash %s\n", format_hash(session.run().sim().trace_hash()).c_str());
  return 0;
}
