#pragma once
// Kafka's protocol error codes (org.apache.kafka.common.protocol.Errors), with their numeric codes and
// names, and whether Kafka's clients treat them as retriable. Only the codes kafkasim's paths produce.
#include <cstdint>
#include <string_view>

namespace kafkasim::protocol {

enum class ErrorCode : std::int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kMessageTooLarge = 10,
  kNetworkException = 13,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kNotEnoughReplicas = 19,
  kNotEnoughReplicasAfterAppend = 20,
  kInvalidRequiredAcks = 21,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kInvalidReplicationFactor = 38,
  kNotController = 41,
  kInvalidUpdateVersion = 95,  // KIP-497: AlterPartition with a stale partition epoch
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kInvalidTxnState = 48,
  kInvalidProducerIdMapping = 49,
  kInvalidTransactionTimeout = 50,
  kConcurrentTransactions = 51,
  kTransactionCoordinatorFenced = 52,
  kKafkaStorageError = 56,
  kUnknownProducerId = 59,
  kFencedLeaderEpoch = 74,
  kUnknownLeaderEpoch = 75,
  kStaleBrokerEpoch = 77,
  kOffsetNotAvailable = 78,
  kMemberIdRequired = 79,
  kFencedInstanceId = 82,
  kUnstableOffsetCommit = 88,  // KIP-447: OffsetFetch(require_stable) while a transactional commit is pending
  kProducerFenced = 90,
};

// Kafka's name, e.g. "NOT_ENOUGH_REPLICAS".
std::string_view error_name(ErrorCode code);
// Kafka's RetriableException subclasses (the producer retries these; others fail the batch).
bool is_retriable(ErrorCode code);

}  // namespace kafkasim::protocol
