#include "sim/protocol/messages.h"

namespace kafkasim::protocol {

std::string_view api_name(Api api, bool response) {
  switch (api) {
    case Api::kProduce: return response ? "ProduceResponse" : "Produce";
    case Api::kFetch: return response ? "FetchResponse" : "Fetch";
    case Api::kListOffsets: return response ? "ListOffsetsResponse" : "ListOffsets";
    case Api::kMetadata: return response ? "MetadataResponse" : "Metadata";
    case Api::kOffsetCommit: return response ? "OffsetCommitResponse" : "OffsetCommit";
    case Api::kOffsetFetch: return response ? "OffsetFetchResponse" : "OffsetFetch";
    case Api::kFindCoordinator: return response ? "FindCoordinatorResponse" : "FindCoordinator";
    case Api::kJoinGroup: return response ? "JoinGroupResponse" : "JoinGroup";
    case Api::kHeartbeat: return response ? "HeartbeatResponse" : "Heartbeat";
    case Api::kLeaveGroup: return response ? "LeaveGroupResponse" : "LeaveGroup";
    case Api::kSyncGroup: return response ? "SyncGroupResponse" : "SyncGroup";
    case Api::kInitProducerId: return response ? "InitProducerIdResponse" : "InitProducerId";
    case Api::kAddPartitionsToTxn: return response ? "AddPartitionsToTxnResponse" : "AddPartitionsToTxn";
    case Api::kAddOffsetsToTxn: return response ? "AddOffsetsToTxnResponse" : "AddOffsetsToTxn";
    case Api::kEndTxn: return response ? "EndTxnResponse" : "EndTxn";
    case Api::kTxnOffsetCommit: return response ? "TxnOffsetCommitResponse" : "TxnOffsetCommit";
    case Api::kWriteTxnMarkers: return response ? "WriteTxnMarkersResponse" : "WriteTxnMarkers";
    case Api::kBrokerRegistration: return response ? "BrokerRegistrationResponse" : "BrokerRegistration";
    case Api::kBrokerHeartbeat: return response ? "BrokerHeartbeatResponse" : "BrokerHeartbeat";
    case Api::kAlterPartition: return response ? "AlterPartitionResponse" : "AlterPartition";
    case Api::kMetadataUpdate: return response ? "MetadataUpdateAck" : "MetadataUpdate";
    case Api::kCreateTopics: return response ? "CreateTopicsResponse" : "CreateTopics";
  }
  return "?";
}

}  // namespace kafkasim::protocol
