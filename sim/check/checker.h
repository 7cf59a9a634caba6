#pragma once
// The history checker: History + FinalState -> Report (report.h). Pure function of its inputs: no sim
// code, no randomness, and the Report's order is fixed (names, then partitions, then offsets), so two
// equal runs give byte-identical reports.
//
// Definitions (also in docs/recording.md). A record is identified by its record_id; "readable" means
// present in FinalState (a read_uncommitted fetch from the final leader below the HW).
// Per topic (from the topic of each Send):
//   produced           distinct records sent
//   acked              records with an Ack
//   failed             records whose producer gave up (SendFailed with gave_up) and that have no Ack
//   lost_acked         acked, not readable, and not removed on purpose: an acked offset below the
//                      partition's retention point, or below its compaction point while no other record
//                      sits at that offset, counts as `removed`, not lost          -> lost-write
//   duplicates_in_log  records readable at two or more offsets (a producer retry without idempotence;
//                      Kafka: enable.idempotence=false)                            -> duplicate
//   unacked_written    readable records that never got an Ack (failed or timed out, yet written)
//   order_violations   per partition: readable records of one producer whose Send came after the Send
//                      of a record at a higher offset (retries with
//                      max.in.flight.requests.per.connection > 1)                  -> nonmonotonic-send
// Per group:
//   consumed           distinct records processed (Processed ops)
//   duplicates         records processed more than once                           -> duplicate
//   lost               records readable below the group's final committed offset, at or above the
//                      group's start on that partition (its first Seek before any Poll, else 0), not of
//                      an aborted or unfinished transaction, that the group never processed: at-most-once
//                      loss                                                        -> lost-write
//   poll_skips         a member's consecutive polls on a partition (same session: no MemberEvent of that
//                      member and no Seek in between) jump from offset a to b > a+1 while readable
//                      records sit in (a, b)                                       -> poll-skip
//   nonmonotonic_polls in one session, a poll at an offset <= the previous poll's   -> nonmonotonic-poll
//   aborted_seen       distinct records of aborted transactions processed          -> aborted-read
//   order_violations   per partition: the nonmonotonic-poll count
//   semantics          "none yet" (nothing consumed or lost), exactly-once (lost = duplicates = 0),
//                      at-least-once (duplicates only), at-most-once (lost only), neither (both)
// Per processor (FinalState::processors; the read_committed view of the final logs: records with a COMMIT
// marker or not transactional; an output is a record whose Send has producer == the processor id and whose
// History::source_of names the input it was derived from):
//   inputs             readable input records below the processor group's committed offset
//   outputs            committed outputs in the output topic; outputs_aborted / outputs_open: outputs of
//                      aborted / still-open transactions (a read_uncommitted consumer sees them)
//   missing            inputs with no committed output                            -> lost-write
//   duplicates         inputs with two or more committed outputs                  -> duplicate
//   order_violations   per output partition: a committed output whose input (same key, same input
//                      partition) is at a lower offset than the input of an earlier output of that
//                      key                                                         -> nonmonotonic-send
//   semantics          as for groups, with missing as lost: exactly-once when missing = duplicates = 0
// Anomalies: each anomalous record becomes (kind, group, partition, offset, cause); runs of consecutive
// offsets with the same kind, group, partition and cause are merged into one range, explained as
// "<topic>-<p> offsets <a>-<b> <what happened>: <cause> at t=<format_time>". Causes, in order of search:
//   lost acked record  the first Truncation after the Ack covering its offset; else the first
//                      LeaderChange after the Ack
//   group loss         the crash/leave/fence of the member that polled the record and never processed
//                      it; else the Seek that jumped over it; else a Truncation after the first commit
//                      past it (offsets rewritten below the committed offset); else that commit
//   group duplicate    a log duplicate; else the crash/leave/fence/revoke of the member that processed
//                      it first; else the rebalance or Seek of the re-reading member
//   poll-skip / nonmonotonic-poll  a Truncation or LeaderChange of that partition between the two polls
//   nonmonotonic-send / log duplicate  the producer's retried SendFailed of that record
//   aborted-read       the TxnEnd that aborted the transaction
//   processor duplicate / order  the TxnEnd that committed the later output
#include "sim/check/history.h"
#include "sim/check/report.h"

namespace kafkasim::check {

Report check_history(const History& history, const FinalState& final_state);

}  // namespace kafkasim::check
