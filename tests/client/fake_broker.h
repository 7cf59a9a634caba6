#pragma once
// FakeBroker: an in-memory stand-in for one broker that leads every partition and is the transaction and
// group coordinator, for client-level tests of the producer's transaction manager and the consumer's
// fetcher without a cluster. It answers Metadata, FindCoordinator (itself), InitProducerId (producer id 7,
// epoch + 1 each time), AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn, Produce (checks the
// producer epoch: an older one gets INVALID_PRODUCER_EPOCH), ListOffsets (0), OffsetFetch (none committed)
// and Fetch (the bytes a test put in `fetch_bytes`, once). An error queued with fail_next(api, error) is
// answered instead of the next success of that API. It records what it received so tests can check the
// order and content of requests, and counts transactional batches that arrived for a partition not yet
// added to the transaction (`produce_before_add`, which must stay 0).
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/core/node.h"
#include "sim/core/simulation.h"
#include "sim/log/record_batch.h"
#include "sim/net/network.h"
#include "sim/protocol/group_messages.h"
#include "sim/protocol/messages.h"
#include "sim/protocol/txn_messages.h"

namespace kafkasim::testing {

class FakeBroker : public Node, public net::Endpoint {
 public:
  FakeBroker(Simulation& sim, NodeId id, net::Network& net) : Node(sim, id, NodeKind::kBroker, "fake-broker"), net_(net) {
    net_.attach(id, this);
  }

  void fail_next(protocol::Api api, protocol::ErrorCode error) { errors_[api].push_back(error); }
  // Requests received of `api`.
  int count(protocol::Api api) const {
    int n = 0;
    for (auto a : received) n += a == api ? 1 : 0;
    return n;
  }

  std::map<std::string, int> topics;  // partitions per topic
  std::map<protocol::TopicPartition, std::shared_ptr<const std::vector<std::uint8_t>>> fetch_bytes;
  std::map<protocol::TopicPartition, std::vector<protocol::AbortedTransaction>> fetch_aborted;
  std::vector<protocol::Api> received;  // every request, in arrival order
  std::vector<BatchHeader> produced;    // headers of accepted batches
  std::vector<protocol::TopicPartition> produced_tps;
  std::vector<protocol::InitProducerIdRequest> inits;
  std::vector<std::vector<protocol::TopicPartition>> added;  // AddPartitionsToTxn requests
  std::vector<protocol::TxnOffsetCommitRequest> offset_commits;
  std::vector<bool> end_txns;  // EndTxn.committed
  std::vector<protocol::OffsetFetchRequest> offset_fetches;
  std::set<protocol::TopicPartition> in_txn;
  int produce_before_add = 0;
  std::int64_t producer_id = 7;
  std::int16_t epoch = -1;

  void on_message(net::ConnectionId conn, NodeId, net::MessagePtr msg) override {
    const auto& km = static_cast<const protocol::KafkaMessage&>(*msg);
    received.push_back(km.api);
    const protocol::ErrorCode injected = take_error(km.api);
    using protocol::Api;
    switch (km.api) {
      case Api::kMetadata: {
        auto resp = reply<protocol::MetadataResponse>(km);
        resp->brokers = {id().value};
        for (const auto& [topic, n] : topics) {
          for (int p = 0; p < n; ++p) {
            protocol::PartitionMetadata pm;
            pm.tp = {topic, p};
            pm.leader = id().value;
            pm.replicas = pm.isr = {id().value};
            resp->partitions.push_back(pm);
          }
        }
        return send(conn, resp);
      }
      case Api::kFindCoordinator: {
        auto resp = reply<protocol::FindCoordinatorResponse>(km);
        resp->error = injected;
        resp->node_id = injected == protocol::ErrorCode::kNone ? id().value : -1;
        return send(conn, resp);
      }
      case Api::kInitProducerId: {
        inits.push_back(static_cast<const protocol::InitProducerIdRequest&>(km));
        auto resp = reply<protocol::InitProducerIdResponse>(km);
        resp->error = injected;
        if (injected == protocol::ErrorCode::kNone) {
          resp->producer_id = producer_id;
          resp->producer_epoch = ++epoch;
          in_txn.clear();
        }
        return send(conn, resp);
      }
      case Api::kAddPartitionsToTxn: {
        const auto& req = static_cast<const protocol::AddPartitionsToTxnRequest&>(km);
        auto resp = reply<protocol::AddPartitionsToTxnResponse>(km);
        const protocol::ErrorCode e = req.producer_epoch < epoch ? protocol::ErrorCode::kProducerFenced : injected;
        for (const auto& tp : req.partitions) resp->results.push_back({tp, e});
        if (e == protocol::ErrorCode::kNone) {
          added.push_back(req.partitions);
          in_txn.insert(req.partitions.begin(), req.partitions.end());
        }
        return send(conn, resp);
      }
      case Api::kAddOffsetsToTxn: {
        auto resp = reply<protocol::AddOffsetsToTxnResponse>(km);
        resp->error = injected;
        return send(conn, resp);
      }
      case Api::kTxnOffsetCommit: {
        const auto& req = static_cast<const protocol::TxnOffsetCommitRequest&>(km);
        auto resp = reply<protocol::TxnOffsetCommitResponse>(km);
        for (const auto& [tp, off] : req.offsets) resp->results.push_back({tp, injected});
        if (injected == protocol::ErrorCode::kNone) offset_commits.push_back(req);
        return send(conn, resp);
      }
      case Api::kEndTxn: {
        const auto& req = static_cast<const protocol::EndTxnRequest&>(km);
        auto resp = reply<protocol::EndTxnResponse>(km);
        resp->error = req.producer_epoch < epoch ? protocol::ErrorCode::kProducerFenced : injected;
        if (resp->error == protocol::ErrorCode::kNone) {
          end_txns.push_back(req.committed);
          in_txn.clear();
        }
        return send(conn, resp);
      }
      case Api::kProduce: return handle_produce(conn, static_cast<const protocol::ProduceRequest&>(km), injected);
      case Api::kListOffsets: {
        const auto& req = static_cast<const protocol::ListOffsetsRequest&>(km);
        auto resp = reply<protocol::ListOffsetsResponse>(km);
        for (const auto& [tp, ts] : req.partitions) resp->partitions.push_back({tp, protocol::ErrorCode::kNone, 0, 0});
        return send(conn, resp);
      }
      case Api::kOffsetFetch: {
        const auto& req = static_cast<const protocol::OffsetFetchRequest&>(km);
        offset_fetches.push_back(req);
        auto resp = reply<protocol::OffsetFetchResponse>(km);
        for (const auto& tp : req.partitions) resp->partitions.push_back({tp, -1, -1, injected});
        return send(conn, resp);
      }
      case Api::kFetch: return handle_fetch(conn, static_cast<const protocol::FetchRequest&>(km));
      default: return;
    }
  }
  void on_disconnect(net::ConnectionId, NodeId) override {}

 private:
  template <typename Resp>
  static std::shared_ptr<Resp> reply(const protocol::KafkaMessage& req) {
    auto resp = std::make_shared<Resp>();
    resp->correlation_id = req.correlation_id;
    return resp;
  }
  void send(net::ConnectionId conn, std::shared_ptr<protocol::KafkaMessage> resp) { net_.send(conn, id(), resp); }
  protocol::ErrorCode take_error(protocol::Api api) {
    auto it = errors_.find(api);
    if (it == errors_.end() || it->second.empty()) return protocol::ErrorCode::kNone;
    const protocol::ErrorCode e = it->second.front();
    it->second.pop_front();
    return e;
  }

  void handle_produce(net::ConnectionId conn, const protocol::ProduceRequest& req, protocol::ErrorCode injected) {
    auto resp = reply<protocol::ProduceResponse>(req);
    for (const auto& pd : req.partitions) {
      protocol::ProducePartitionResponse pr;
      pr.tp = pd.tp;
      std::size_t size = 0;
      Bytes bytes(*pd.records);
      BatchHeader h;
      if (check_batch(bytes, size) == BatchCheck::kOk) {
        DecodedBatch d;
        decode_batch(bytes.first(size), d);
        h = d.header;
      }
      if (h.is_transactional() && in_txn.count(pd.tp) == 0) ++produce_before_add;
      if (injected != protocol::ErrorCode::kNone) {
        pr.error = injected;
      } else if (h.producer_epoch < epoch) {
        pr.error = protocol::ErrorCode::kInvalidProducerEpoch;
      } else {
        pr.base_offset = next_offset_[pd.tp];
        next_offset_[pd.tp] += h.last_offset_delta + 1;
        produced.push_back(h);
        produced_tps.push_back(pd.tp);
      }
      resp->partitions.push_back(pr);
    }
    send(conn, resp);
  }

  void handle_fetch(net::ConnectionId conn, const protocol::FetchRequest& req) {
    auto resp = reply<protocol::FetchResponse>(req);
    bool data = false;
    for (const auto& fp : req.partitions) {
      protocol::FetchPartitionResponse pr;
      pr.tp = fp.tp;
      auto it = fetch_bytes.find(fp.tp);
      if (it != fetch_bytes.end() && fp.fetch_offset == 0) {
        pr.records = it->second;
        pr.aborted_transactions = fetch_aborted[fp.tp];
        data = true;
      }
      pr.high_watermark = pr.last_stable_offset = pr.log_end_offset = 100;
      resp->partitions.push_back(pr);
    }
    // An empty fetch waits fetch.max.wait.ms, as a broker does with fetch.min.bytes=1.
    auto shared = std::shared_ptr<protocol::KafkaMessage>(resp);
    after(data ? 0 : ms_to_us(req.max_wait_ms), [this, conn, shared] { send(conn, shared); });
  }

  net::Network& net_;
  std::map<protocol::Api, std::deque<protocol::ErrorCode>> errors_;
  std::map<protocol::TopicPartition, std::int64_t> next_offset_;
};

}  // namespace kafkasim::testing
