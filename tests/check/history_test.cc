#include <catch2/catch.hpp>

#include "sim/check/history.h"

namespace kafkasim::check {
namespace {

TEST_CASE("Interned names get dense ids in first-seen order and resolve back") {
  Names names;
  CHECK(names.intern("orders") == 0);
  CHECK(names.intern("g") == 1);
  CHECK(names.intern("orders") == 0);
  CHECK(names.str(1) == "g");
  CHECK(names.str(kNoName).empty());
  CHECK(names.find("missing") == kNoName);
}

TEST_CASE("History keeps ops of every kind in run order") {
  History h;
  const auto tp = h.tp("orders", 3);
  h.append(Send{10, 1, 42, h.intern("p1"), tp, kNoName, kNoName});
  h.append(Ack{20, 2, 42, tp, 7});
  h.append(Poll{{30, 3, h.intern("g"), h.intern("c1"), 42, tp, 7}});
  h.append(Fault{30, 3, h.intern("crash broker 2")});
  REQUIRE(h.size() == 4);
  CHECK(h.order()[0].kind == OpKind::kSend);
  CHECK(h.order()[1].kind == OpKind::kAck);
  CHECK(h.order()[2].kind == OpKind::kPoll);
  CHECK(h.order()[3].kind == OpKind::kFault);
  CHECK(std::get<const Ack*>(h.view(h.order()[1]))->offset == 7);
  CHECK(h.tp_name(tp) == "orders-3");
}

TEST_CASE("History observers see each op as it is appended") {
  struct Counter : HistoryObserver {
    std::vector<std::string> seen;
    void on_op(const History& h, const OpView& op) override {
      if (auto* f = std::get_if<const Fault*>(&op)) seen.push_back(h.str((*f)->what));
      if (std::holds_alternative<const Send*>(op)) seen.push_back("send");
    }
  } counter;
  History h;
  h.add_observer(&counter);
  h.append(Send{0, 1, 1, h.intern("p1"), h.tp("t", 0), kNoName, kNoName});
  h.append(Fault{5, 2, h.intern("crash broker 1")});
  h.remove_observer(&counter);
  h.append(Fault{6, 3, h.intern("heal")});
  CHECK(counter.seen == std::vector<std::string>{"send", "crash broker 1"});
}

TEST_CASE("Op structs stay small so millions of records fit in memory") {
  CHECK(sizeof(Send) <= 48);
  CHECK(sizeof(Ack) <= 40);
  CHECK(sizeof(Poll) <= 48);
  CHECK(sizeof(OpRef) == 8);
}

}  // namespace
}  // namespace kafkasim::check
