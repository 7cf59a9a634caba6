#include "sim/record/schema.h"

namespace kafkasim::record {

// Times are sim microseconds (time_us); event_number is the sim event during which a row happened.
// Offsets are Kafka logical offsets (`offset` is an SQL keyword, so columns say log_offset etc.).
const char* const kSchemaSql = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (event_number INTEGER NOT NULL, time_us INTEGER NOT NULL, node INTEGER NOT NULL,
  kind TEXT NOT NULL, details TEXT NOT NULL);
CREATE TABLE sends (record_id INTEGER NOT NULL, time_us INTEGER NOT NULL, event_number INTEGER NOT NULL,
  producer TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, record_key TEXT,
  transactional_id TEXT);
CREATE TABLE acks (record_id INTEGER NOT NULL, time_us INTEGER NOT NULL, event_number INTEGER NOT NULL,
  topic TEXT NOT NULL, partition INTEGER NOT NULL, log_offset INTEGER NOT NULL);
CREATE TABLE send_failures (record_id INTEGER NOT NULL, time_us INTEGER NOT NULL,
  event_number INTEGER NOT NULL, error TEXT NOT NULL, gave_up INTEGER NOT NULL);
CREATE TABLE consumes (stage TEXT NOT NULL, time_us INTEGER NOT NULL, event_number INTEGER NOT NULL,
  group_id TEXT NOT NULL, member TEXT NOT NULL, record_id INTEGER NOT NULL, topic TEXT NOT NULL,
  partition INTEGER NOT NULL, log_offset INTEGER NOT NULL);
CREATE TABLE commits (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL, group_id TEXT NOT NULL,
  member TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, committed_offset INTEGER NOT NULL,
  ok INTEGER NOT NULL, error TEXT);
CREATE TABLE seeks (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL, group_id TEXT NOT NULL,
  member TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, position INTEGER NOT NULL,
  reason TEXT);
CREATE TABLE truncations (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL, topic TEXT NOT NULL,
  partition INTEGER NOT NULL, broker INTEGER NOT NULL, from_offset INTEGER NOT NULL,
  to_offset INTEGER NOT NULL, cause TEXT, cause_event INTEGER NOT NULL, cause_time_us INTEGER NOT NULL);
CREATE TABLE leader_changes (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL, topic TEXT NOT NULL,
  partition INTEGER NOT NULL, leader INTEGER NOT NULL, leader_epoch INTEGER NOT NULL,
  unclean INTEGER NOT NULL, isr TEXT NOT NULL);
CREATE TABLE txn_ends (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL,
  transactional_id TEXT NOT NULL, producer_id INTEGER NOT NULL, producer_epoch INTEGER NOT NULL,
  committed INTEGER NOT NULL, partitions TEXT NOT NULL);
CREATE TABLE member_events (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL,
  group_id TEXT NOT NULL, member TEXT NOT NULL, what TEXT NOT NULL, partitions TEXT NOT NULL,
  generation INTEGER NOT NULL);
CREATE TABLE faults (time_us INTEGER NOT NULL, event_number INTEGER NOT NULL, what TEXT NOT NULL);
CREATE TABLE replica_offsets (time_us INTEGER NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  broker INTEGER NOT NULL, log_start_offset INTEGER NOT NULL, log_end_offset INTEGER NOT NULL,
  high_watermark INTEGER NOT NULL);
CREATE TABLE group_offsets (time_us INTEGER NOT NULL, group_id TEXT NOT NULL, topic TEXT NOT NULL,
  partition INTEGER NOT NULL, committed_offset INTEGER NOT NULL, log_end_offset INTEGER NOT NULL,
  lag INTEGER NOT NULL);
CREATE TABLE generations (time_us INTEGER NOT NULL, group_id TEXT NOT NULL, generation INTEGER NOT NULL,
  protocol TEXT NOT NULL, member TEXT NOT NULL, partitions TEXT NOT NULL);
CREATE TABLE check_topics (topic TEXT NOT NULL, produced INTEGER NOT NULL, acked INTEGER NOT NULL,
  failed INTEGER NOT NULL, lost_acked INTEGER NOT NULL, duplicates_in_log INTEGER NOT NULL,
  unacked_written INTEGER NOT NULL, removed INTEGER NOT NULL, order_violations INTEGER NOT NULL);
CREATE TABLE check_groups (group_id TEXT NOT NULL, consumed INTEGER NOT NULL, duplicates INTEGER NOT NULL,
  lost INTEGER NOT NULL, poll_skips INTEGER NOT NULL, nonmonotonic_polls INTEGER NOT NULL,
  aborted_seen INTEGER NOT NULL, semantics TEXT NOT NULL);
CREATE TABLE anomalies (anomaly_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, group_id TEXT NOT NULL,
  topic TEXT NOT NULL, partition INTEGER NOT NULL, first_offset INTEGER NOT NULL,
  last_offset INTEGER NOT NULL, explanation TEXT NOT NULL, cause_event INTEGER NOT NULL,
  cause_time_us INTEGER NOT NULL, location TEXT NOT NULL, what TEXT NOT NULL, because TEXT NOT NULL);
CREATE TABLE anomaly_records (anomaly_id INTEGER NOT NULL, record_id INTEGER NOT NULL);
CREATE TABLE commands (event_number INTEGER NOT NULL, time_us INTEGER NOT NULL, command TEXT NOT NULL);
)sql";

const char* const kIndexSql = R"sql(
CREATE INDEX IF NOT EXISTS events_by_time ON events (time_us);
CREATE INDEX IF NOT EXISTS sends_by_id ON sends (record_id);
CREATE INDEX IF NOT EXISTS acks_by_id ON acks (record_id);
CREATE INDEX IF NOT EXISTS consumes_by_id ON consumes (record_id);
CREATE INDEX IF NOT EXISTS anomaly_records_by_id ON anomaly_records (record_id);
)sql";

}  // namespace kafkasim::record
