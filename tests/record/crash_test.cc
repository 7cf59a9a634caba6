// A recorder killed with SIGKILL in the middle of a batch leaves a database that opens and holds every
// batch committed before the kill. The writer runs in a forked child; the parent kills it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "sim/record/reader.h"
#include "sim/record/recorder.h"
#include "tests/record/temp_dir.h"

namespace kafkasim::record {
namespace {

constexpr std::uint32_t kBatchRows = 500;

// Child: records events forever, telling the parent (through `fd`) each time a batch has committed.
[[noreturn]] void write_until_killed(const std::string& path, int fd) {
  Recorder rec;
  RunInfo info;
  info.seed = 7;
  info.scenario_name = "killed";
  if (!rec.open(path, info, RecorderOptions{kBatchRows}).ok()) _exit(3);
  std::uint64_t reported = 0;
  for (std::uint64_t i = 1;; ++i) {
    rec.on_trace(
        TraceRecord{i, static_cast<TimeUs>(i) * 10, NodeId{1}, "test.tick", "tick " + std::to_string(i)});
    if (!rec.status().ok()) _exit(4);
    if (rec.rows_committed() != reported) {
      reported = rec.rows_committed();
      if (write(fd, &reported, sizeof reported) != sizeof reported) _exit(5);
    }
  }
}

TEST_CASE("A recording whose writer was killed with SIGKILL opens and holds every committed batch") {
  testing::TempDir dir;
  const std::string path = dir.file("killed.sqlite");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    write_until_killed(path, fds[1]);
  }
  close(fds[1]);
  std::uint64_t committed = 0;
  for (int batches = 0; batches < 4; ++batches) {
    REQUIRE(read(fds[0], &committed, sizeof committed) == sizeof committed);
  }
  REQUIRE(kill(child, SIGKILL) == 0);
  int wstatus = 0;
  REQUIRE(waitpid(child, &wstatus, 0) == child);
  REQUIRE(WIFSIGNALED(wstatus));
  // Batches committed after the last report we read may be in the pipe still.
  std::uint64_t more = 0;
  while (read(fds[0], &more, sizeof more) == sizeof more) committed = more;
  close(fds[0]);

  Recording r;
  const Status s = open_recording(path, &r);
  INFO(s.message());
  REQUIRE(s.ok());
  CHECK(r.info.scenario_name == "killed");
  CHECK_FALSE(r.finished);
  CHECK(r.events.size() >= committed);
  CHECK(r.events.size() % kBatchRows == 0);  // whole batches only
  for (std::size_t i = 0; i < r.events.size(); ++i) REQUIRE(r.events[i].event_number == i + 1);
}

}  // namespace
}  // namespace kafkasim::record
