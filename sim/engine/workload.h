#pragma once
// ProducerWorkload: the application side of one scenario producer (what calls KafkaProducer.send).
#include <algorithm>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "sim/client/producer.h"
#include "sim/core/rng.h"
#include "sim/engine/run.h"
#include "sim/scenario/scenario.h"

namespace kafkasim::engine {

// Drives one producer from its ProducerSpec: a rate (count per period, integer math) or a count sent as
// fast as the producer accepts, keys from the key pattern, values of value_size bytes.
// With transactional.id set, the application calls init_transactions first (again after a restart) and
// sends its records in transactions committed every kTxnIntervalUs; an abortable error aborts the
// transaction (its records are not resent); a fenced producer sends nothing more until restarted.
// Records the application cannot send (process down, no transaction possible yet) are skipped.
class ProducerWorkload {
 public:
  ProducerWorkload(Run& run, const scenario::ProducerSpec& spec, client::Producer& producer, std::uint64_t& next_id)
      : run_(run), spec_(spec), producer_(producer), next_id_(next_id),
        rng_(run.sim().rng("workload." + spec.id)) {}

  void start() {
    running_ = true;
    run_.sim().at(std::max<TimeUs>(spec_.start_us, run_.sim().now()), [this] { tick(); });
  }
  void stop() { running_ = false; }
  void resume() {
    if (running_) return;
    running_ = true;
    run_.sim().after(0, [this] { tick(); });
  }
  bool running() const { return running_; }
  const scenario::ProducerSpec& spec() const { return spec_; }

 private:
  void tick() {
    if (!running_ || run_.sim().now() >= spec_.stop_us) return;
    if (spec_.count && sent_ >= *spec_.count) return;
    if (spec_.rate) {
      send_one();
      const TimeUs interval = std::max<TimeUs>(1, spec_.rate->per_us / std::max<std::int64_t>(1, spec_.rate->count));
      // Spread the remainder so that "3/s" sends exactly 3 records per second.
      const TimeUs next = spec_.start_us + (sent_ * spec_.rate->per_us) / std::max<std::int64_t>(1, spec_.rate->count);
      run_.sim().at(std::max(run_.sim().now() + (interval > 0 ? 0 : 1), next), [this] { tick(); });
      return;
    }
    // As fast as allowed: hand the producer up to 1000 records per millisecond of sim time.
    for (int i = 0; i < 1000 && (!spec_.count || sent_ < *spec_.count); ++i) send_one();
    run_.sim().after(ms_to_us(1), [this] { tick(); });
  }

  std::optional<std::string> next_key() {
    const scenario::KeySpec& k = spec_.keys;
    switch (k.mode) {
      case scenario::KeySpec::Mode::kNull: return std::nullopt;
      case scenario::KeySpec::Mode::kFixed: return k.prefix;
      case scenario::KeySpec::Mode::kSequential: {
        const std::int64_t span = k.hi - k.lo + 1;
        return fmt::format("{}{}{}", k.prefix, k.lo + sent_ % std::max<std::int64_t>(1, span), k.suffix);
      }
      case scenario::KeySpec::Mode::kRandom:
        return fmt::format("{}{}{}", k.prefix, rng_.between(k.lo, k.hi), k.suffix);
    }
    return std::nullopt;
  }

  static constexpr TimeUs kTxnIntervalUs = 100'000;

  // A transactional application: true when a record may be sent now (a transaction is open).
  bool in_transaction() {
    switch (producer_.txn_state()) {
      case client::TxnState::kUninitialized:
        if (init_incarnation_ != producer_.incarnation()) {
          init_incarnation_ = producer_.incarnation();
          producer_.init_transactions([](protocol::ErrorCode) {});
        }
        return false;
      case client::TxnState::kReady:
        if (producer_.begin_transaction() != protocol::ErrorCode::kNone) return false;
        producer_.after(kTxnIntervalUs, [this] {
          producer_.commit_transaction([this](protocol::ErrorCode e) {
            if (e != protocol::ErrorCode::kNone && producer_.txn_state() == client::TxnState::kAbortableError) {
              producer_.abort_transaction([](protocol::ErrorCode) {});
            }
          });
        });
        return true;
      case client::TxnState::kInTransaction: return true;
      default: return false;  // committing, aborting, fenced
    }
  }

  void send_one() {
    if (!producer_.is_up() || (producer_.transactional() && !in_transaction())) {
      ++sent_;  // the application could not send while its process was down
      return;
    }
    client::ProducerRecord r;
    r.id = next_id_++;
    r.topic = spec_.topic;
    r.key = next_key();
    std::string value = fmt::format("{}#{}:", spec_.id, r.id);
    if (static_cast<std::int32_t>(value.size()) < spec_.value_size_bytes) {
      value.append(static_cast<std::size_t>(spec_.value_size_bytes) - value.size(), '.');
    }
    r.value = std::move(value);
    for (const auto& [hk, hv] : spec_.headers) r.headers.emplace_back(hk, hv);
    ++sent_;
    producer_.send(std::move(r));
  }

  Run& run_;
  const scenario::ProducerSpec& spec_;
  client::Producer& producer_;
  std::uint64_t& next_id_;
  Rng rng_;
  std::int64_t sent_ = 0;
  bool running_ = false;
  std::uint64_t init_incarnation_ = 0;  // the producer incarnation init_transactions was called in
};

}  // namespace kafkasim::engine
