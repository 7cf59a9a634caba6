#pragma once
// snapshot_codec: a compact binary form of the visualizer's plain-data structs (snapshot.h, driver.h's
// TimelineMark, command.h's Command), for the sim-server protocol (sim_server.h): the simulation runs in
// another process and the GUI receives its Snapshot as bytes.
//
// Encoding: integers as LEB128 varints (signed ones zigzag), enums as their underlying integer, doubles
// as their 8 bytes, strings and vectors as a varint length then the elements, optionals as a presence
// byte. Every struct is visited through one `fields()` function per struct (snapshot_codec.cc) that binds
// ALL its members with a structured binding, so adding a member to a struct without adding it here is a
// compile error, not a silently dropped field. Both directions use the same visitor.
//
// Decoding never crashes on bad bytes: Reader latches a failure (ok() false) and yields zeros.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/command.h"
#include "sim/engine/driver.h"
#include "sim/engine/snapshot.h"

namespace kafkasim::engine::codec {

class Writer {
 public:
  void u64(std::uint64_t v);
  void i64(std::int64_t v) { u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void f64(double v);
  void str(std::string_view s);
  void raw(const void* data, std::size_t n);
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint64_t u64();
  std::int64_t i64() {
    const std::uint64_t z = u64();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  double f64();
  std::string str();
  // A length prefix, checked against the bytes left (each element takes at least one byte).
  std::size_t length();
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void encode(Writer& w, const Snapshot& s);
void encode(Writer& w, const TimelineMark& m);
void encode(Writer& w, const EventView& e);
void encode(Writer& w, const Command& c);
void decode(Reader& r, Snapshot& s);
void decode(Reader& r, TimelineMark& m);
void decode(Reader& r, EventView& e);
void decode(Reader& r, Command& c);

void encode(Writer& w, const std::vector<TimelineMark>& v);
void encode(Writer& w, const std::vector<EventView>& v);
void decode(Reader& r, std::vector<TimelineMark>& v);
void decode(Reader& r, std::vector<EventView>& v);

// Fills every field of `s` (nested ones too) with a distinct non-default value (tests: a round trip must
// preserve each of them).
void fill_every_field(Snapshot& s);
void fill_every_field(Command& c);

}  // namespace kafkasim::engine::codec
