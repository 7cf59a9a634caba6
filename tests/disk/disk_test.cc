// Tests of the simulated disk: crash vs power loss, torn writes, fsync, directory durability, faults,
// and the real-file mirror.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "sim/disk/disk.h"

namespace kafkasim {
namespace {
std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string contents(const Disk& d, std::string_view path) {
  auto r = d.read_all(path);
  REQUIRE(r.ok());
  return {r.value.begin(), r.value.end()};
}
FileId make(Disk& d, std::string_view path, std::string_view text) {
  auto f = d.create(path);
  REQUIRE(f.ok());
  REQUIRE(d.append(f.value, bytes(text)) == DiskError::kOk);
  return f.value;
}
}  // namespace

TEST_CASE("Reads by path return the bytes at a position") {
  Disk d;
  make(d, "t-0/a.log", "0123456789");
  std::vector<std::uint8_t> out;
  REQUIRE(d.read("t-0/a.log", 3, 4, out) == DiskError::kOk);
  CHECK(std::string(out.begin(), out.end()) == "3456");
  REQUIRE(d.read("t-0/a.log", 8, 100, out) == DiskError::kOk);
  CHECK(out.size() == 2);
  CHECK(d.size("t-0/a.log").value == 10);
  CHECK(d.read("t-0/none", 0, 1, out) == DiskError::kNotFound);
}

TEST_CASE("A process crash keeps every written byte") {
  Disk d;
  make(d, "t-0/a.log", "hello");
  d.crash_process();
  CHECK(contents(d, "t-0/a.log") == "hello");
}

TEST_CASE("A power loss keeps fsynced bytes and at most a prefix of the unsynced tail") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    INFO("seed " << seed);
    Disk d;
    const FileId f = make(d, "t-0/a.log", "durable|");
    REQUIRE(d.fsync(f) == DiskError::kOk);
    REQUIRE(d.append(f, bytes("unsynced-tail")) == DiskError::kOk);
    Rng rng(seed);
    d.power_loss(rng);
    const std::string after = contents(d, "t-0/a.log");
    const std::string full = "durable|unsynced-tail";
    REQUIRE(after.size() >= 8);
    REQUIRE(full.compare(0, after.size(), after) == 0);
  }
}

TEST_CASE("Torn writes happen at different seeded positions") {
  std::set<std::size_t> sizes;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Disk d;
    const FileId f = make(d, "a", "");
    REQUIRE(d.fsync(f) == DiskError::kOk);
    REQUIRE(d.append(f, std::vector<std::uint8_t>(1000, 7)) == DiskError::kOk);
    Rng rng(seed);
    d.power_loss(rng);
    sizes.insert(d.size(d.open("a").value));
  }
  CHECK(sizes.size() > 10);
}

TEST_CASE("A power loss restores overwritten and truncated durable bytes") {
  Disk d;
  const FileId f = make(d, "a", "0123456789");
  REQUIRE(d.fsync(f) == DiskError::kOk);
  REQUIRE(d.write_at(f, 2, bytes("xx")) == DiskError::kOk);
  REQUIRE(d.truncate(f, 5) == DiskError::kOk);
  REQUIRE(d.append(f, bytes("yy")) == DiskError::kOk);
  CHECK(contents(d, "a") == "01xx4yy");
  Rng rng(3);
  d.power_loss(rng);
  CHECK(contents(d, "a").substr(0, 10) == "0123456789");
}

TEST_CASE("An unsynced creation vanishes at a power loss but survives a process crash") {
  Disk d;
  make(d, "t-0/new.log", "x");
  d.crash_process();
  CHECK(d.exists("t-0/new.log"));
  Rng rng(1);
  d.power_loss(rng);
  CHECK_FALSE(d.exists("t-0/new.log"));
}

TEST_CASE("fsync of a new file makes its creation durable") {
  Disk d;
  const FileId f = make(d, "t-0/new.log", "x");
  REQUIRE(d.fsync(f) == DiskError::kOk);
  Rng rng(1);
  d.power_loss(rng);
  CHECK(contents(d, "t-0/new.log") == "x");
}

TEST_CASE("An unsynced removal is undone by a power loss and a synced one is not") {
  Disk d;
  REQUIRE(d.fsync(make(d, "t-0/a", "a")) == DiskError::kOk);
  REQUIRE(d.fsync(make(d, "t-0/b", "b")) == DiskError::kOk);
  REQUIRE(d.remove("t-0/a") == DiskError::kOk);
  REQUIRE(d.remove("t-0/b") == DiskError::kOk);
  REQUIRE(d.sync_dir("t-0") == DiskError::kOk);
  REQUIRE(d.fsync(make(d, "t-0/c", "c")) == DiskError::kOk);
  REQUIRE(d.remove("t-0/c") == DiskError::kOk);
  Rng rng(1);
  d.power_loss(rng);
  CHECK_FALSE(d.exists("t-0/a"));
  CHECK_FALSE(d.exists("t-0/b"));
  CHECK(contents(d, "t-0/c") == "c");
}

TEST_CASE("An unsynced rename reverts at a power loss") {
  Disk d;
  REQUIRE(d.fsync(make(d, "cp", "old")) == DiskError::kOk);
  REQUIRE(d.fsync(make(d, "cp.tmp", "new")) == DiskError::kOk);
  REQUIRE(d.rename("cp.tmp", "cp") == DiskError::kOk);
  CHECK(contents(d, "cp") == "new");
  Rng rng(1);
  d.power_loss(rng);
  CHECK(contents(d, "cp") == "old");
  CHECK(contents(d, "cp.tmp") == "new");
}

TEST_CASE("write_file_atomic survives a power loss") {
  Disk d;
  REQUIRE(d.write_file_atomic("dir/checkpoint", bytes("v1")) == DiskError::kOk);
  REQUIRE(d.write_file_atomic("dir/checkpoint", bytes("v2")) == DiskError::kOk);
  Rng rng(9);
  d.power_loss(rng);
  CHECK(contents(d, "dir/checkpoint") == "v2");
  CHECK(d.list("dir") == std::vector<std::string>{"checkpoint"});
}

TEST_CASE("A full disk fails writes with kNoSpace and keeps the file unchanged") {
  Disk d;
  d.set_capacity_bytes(10);
  const FileId f = make(d, "a", "12345678");
  CHECK(d.append(f, bytes("abc")) == DiskError::kNoSpace);
  CHECK(contents(d, "a") == "12345678");
  CHECK(d.bytes_used() == 8);
  REQUIRE(d.remove("a") == DiskError::kOk);
  CHECK(d.bytes_used() == 0);
}

TEST_CASE("The I/O error mode fails every operation") {
  Disk d;
  const FileId f = make(d, "a", "x");
  d.set_io_error(true);
  std::vector<std::uint8_t> out;
  CHECK(d.append(f, bytes("y")) == DiskError::kIoError);
  CHECK(d.read(f, 0, 1, out) == DiskError::kIoError);
  CHECK(d.fsync(f) == DiskError::kIoError);
  CHECK(d.create("b").error == DiskError::kIoError);
  d.set_io_error(false);
  CHECK(contents(d, "a") == "x");
}

TEST_CASE("A flipped bit corrupts both written and durable bytes") {
  Disk d;
  const FileId f = make(d, "a", "A");
  REQUIRE(d.fsync(f) == DiskError::kOk);
  REQUIRE(d.flip_bit("a", 0, 1) == DiskError::kOk);
  CHECK(contents(d, "a") == "C");
  Rng rng(1);
  d.power_loss(rng);
  CHECK(contents(d, "a") == "C");
}

TEST_CASE("Slow I/O is a delay the caller reads") {
  Disk d;
  CHECK(d.io_delay_us() == 0);
  d.set_io_delay_us(5000);
  CHECK(d.io_delay_us() == 5000);
}

TEST_CASE("list and list_dirs show the live namespace in order") {
  Disk d;
  make(d, "b-0/2.log", "");
  make(d, "b-0/1.log", "");
  make(d, "a-1/1.log", "");
  CHECK(d.list("b-0") == std::vector<std::string>{"1.log", "2.log"});
  CHECK(d.list_dirs("") == std::vector<std::string>{"a-1", "b-0"});
}

TEST_CASE("The real-file mirror reproduces the written bytes on the host") {
  const auto root = std::filesystem::temp_directory_path() / "kafkasim-disk-mirror-test";
  std::filesystem::remove_all(root);
  Disk d;
  make(d, "t-0/before", "early");
  REQUIRE(d.set_mirror_dir(root.string()).ok);
  const FileId f = make(d, "t-0/a.log", "hello");
  REQUIRE(d.write_at(f, 0, bytes("J")) == DiskError::kOk);
  REQUIRE(d.rename("t-0/before", "t-0/after") == DiskError::kOk);
  auto read_host = [&](const char* p) {
    std::ifstream in(root / p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(read_host("t-0/a.log") == "Jello");
  CHECK(read_host("t-0/after") == "early");
  CHECK_FALSE(std::filesystem::exists(root / "t-0/before"));
  CHECK(d.mirror_status().ok);
  std::filesystem::remove_all(root);
}

TEST_CASE("After a power loss the mirror holds what survived") {
  const auto root = std::filesystem::temp_directory_path() / "kafkasim-disk-mirror-power";
  std::filesystem::remove_all(root);
  Disk d;
  REQUIRE(d.set_mirror_dir(root.string()).ok);
  const FileId kept = make(d, "t-0/kept", "durable");
  REQUIRE(d.fsync(kept) == DiskError::kOk);
  REQUIRE(d.append(kept, bytes("-lost-tail")) == DiskError::kOk);
  make(d, "t-0/vanishes", "x");
  Rng rng(4);
  d.power_loss(rng);
  std::ifstream in(root / "t-0/kept", std::ios::binary);
  const std::string host((std::istreambuf_iterator<char>(in)), {});
  CHECK(host == contents(d, "t-0/kept"));
  CHECK_FALSE(std::filesystem::exists(root / "t-0/vanishes"));
  CHECK(d.mirror_status().ok);
  std::filesystem::remove_all(root);
}

TEST_CASE("A mirror into an unwritable place is a Status, not a crash") {
  Disk d;
  const Status s = d.set_mirror_dir("/proc/kafkasim-cannot-exist");
  CHECK_FALSE(s.ok);
  CHECK_FALSE(s.message.empty());
}

}  // namespace kafkasim
