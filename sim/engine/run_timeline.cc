// Run: the scenario timeline and the visualizer's commands, both applied through the same fault paths.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/engine/processor.h"
#include "sim/engine/run.h"
#include "sim/engine/workload.h"

namespace kafkasim::engine {

using protocol::TopicPartition;
using scenario::ActionKind;

void Run::schedule_timeline() {
  for (const scenario::TimelineEvent& ev : scenario_.timeline) {
    const scenario::TimelineEvent* e = &ev;
    sim_->at(ev.at_us, [this, e] { apply_action(*e); });
    if (ev.for_us) sim_->at(ev.at_us + *ev.for_us, [this, e] { revert_action(*e); });
  }
}

namespace {
std::string refs_text(const std::vector<scenario::NodeRef>& refs) {
  std::vector<std::string> parts;
  for (const auto& r : refs) parts.push_back(r.describe());
  return fmt::format("{}", fmt::join(parts, ", "));
}
}  // namespace

void Run::apply_action(const scenario::TimelineEvent& ev) {
  const std::string what = std::string(scenario::action_name(ev.kind));
  switch (ev.kind) {
    case ActionKind::kCrash:
    case ActionKind::kPowerLoss: {
      const CrashKind kind = ev.kind == ActionKind::kPowerLoss ? CrashKind::kPowerLoss : CrashKind::kProcess;
      note_fault(fmt::format("{} {}", ev.kind == ActionKind::kPowerLoss ? "power loss of" : "crash", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        if (ref.kind == scenario::NodeRef::Kind::kBroker) {
          crash_broker(ref.broker, kind);
        } else if (Processor* p = processor_of(ref)) {
          p->crash(kind);  // noted above with the other nodes of the action
        } else if (NodeId n = node_of(ref); n != kNoNode) {
          sim_->crash_node(n, kind);
        }
      }
      break;
    }
    case ActionKind::kRestart:
      note_fault(fmt::format("restart {}", refs_text(ev.nodes)), false);
      restart_refs(ev.nodes);
      break;
    case ActionKind::kShutdown:
      note_fault(fmt::format("controlled shutdown of {}", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        if (cluster::Broker* b = broker(ref.broker)) b->controlled_shutdown();
      }
      break;
    case ActionKind::kPartition: {
      std::vector<std::vector<NodeId>> groups;
      std::vector<std::string> texts;
      for (const auto& g : ev.groups) {
        std::vector<NodeId> ids;
        for (const auto& r : g) {
          for (NodeId n : nodes_of(r)) ids.push_back(n);
        }
        groups.push_back(std::move(ids));
        texts.push_back("[" + refs_text(g) + "]");
      }
      note_fault(fmt::format("network partition {}", fmt::join(texts, " | ")), false);
      net_->partition(groups);
      break;
    }
    case ActionKind::kOneWay:
      note_fault(fmt::format("one-way cut from [{}] to [{}]", refs_text(ev.groups.at(0)), refs_text(ev.groups.at(1))), false);
      for (const auto& from : ev.groups.at(0)) {
        for (const auto& to : ev.groups.at(1)) {
          for (NodeId f : nodes_of(from)) {
            for (NodeId t : nodes_of(to)) net_->block(f, t);
          }
        }
      }
      break;
    case ActionKind::kIsolate:
      note_fault(fmt::format("isolate {}", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        for (NodeId n : nodes_of(ref)) net_->isolate(n);
      }
      break;
    case ActionKind::kHeal:
      note_fault("heal the network", false);
      net_->heal();
      break;
    case ActionKind::kLinkLatency:
    case ActionKind::kLinkLoss: {
      const bool latency = ev.kind == ActionKind::kLinkLatency;
      note_fault(latency ? fmt::format("latency {} (+{} jitter) between [{}] and [{}]", format_time(ev.delay_us),
                                       format_time(ev.jitter_us), refs_text(ev.groups.at(0)), refs_text(ev.groups.at(1)))
                         : fmt::format("loss {} ppm between [{}] and [{}]", ev.loss_ppm, refs_text(ev.groups.at(0)),
                                       refs_text(ev.groups.at(1))),
                 false);
      for (const auto& a : ev.groups.at(0)) {
        for (const auto& b : ev.groups.at(1)) {
          for (auto [x, y] : {std::pair{node_of(a), node_of(b)}, std::pair{node_of(b), node_of(a)}}) {
            net::LinkConfig lc = net_->link_config(x, y);
            if (latency) {
              lc.latency_us = ev.delay_us;
              lc.jitter_us = ev.jitter_us;
            } else {
              lc.loss_ppm = ev.loss_ppm;
            }
            net_->set_link(x, y, lc);
          }
        }
      }
      break;
    }
    case ActionKind::kPause:
      note_fault(fmt::format("pause {}", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        for (NodeId n : nodes_of(ref)) sim_->pause_node(n);
      }
      break;
    case ActionKind::kResume:
      note_fault(fmt::format("resume {}", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        for (NodeId n : nodes_of(ref)) sim_->resume_node(n);
      }
      break;
    case ActionKind::kSlowDisk:
      note_fault(fmt::format("slow disk on {} (+{} per I/O)", refs_text(ev.nodes), format_time(ev.delay_us)), false);
      for (const auto& ref : ev.nodes) {
        if (cluster::Broker* b = broker(ref.broker)) b->disk().set_io_delay_us(ev.delay_us);
      }
      break;
    case ActionKind::kDiskFull:
      note_fault(fmt::format("disk full on {}", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        if (cluster::Broker* b = broker(ref.broker)) b->disk().set_capacity_bytes(std::max<std::uint64_t>(1, b->disk().bytes_used()));
      }
      break;
    case ActionKind::kCorruptSegment: {
      const TopicPartition tp{ev.topic, ev.partition};
      for (const auto& ref : ev.nodes) {
        cluster::Broker* b = broker(ref.broker);
        if (b == nullptr) continue;
        const std::string dir = tp.str();
        std::string path;
        for (const std::string& f : b->disk().list(dir)) {
          if (f.size() > 4 && f.substr(f.size() - 4) == ".log") {
            path = dir + "/" + f;
            break;
          }
        }
        auto bytes = path.empty() ? DiskResult<std::vector<std::uint8_t>>{{}, DiskError::kNotFound}
                                  : b->disk().read_all(path);
        if (!bytes.ok() || bytes.value.empty()) {
          note_fault(fmt::format("corrupt a byte of {} on broker {}: no segment data yet", tp.str(), ref.broker), false);
          continue;
        }
        Rng rng = sim_->rng(fmt::format("fault.corrupt.{}", ev.at_us));
        const std::uint64_t pos = ev.position ? static_cast<std::uint64_t>(*ev.position) % bytes.value.size()
                                              : rng.uniform(bytes.value.size());
        const unsigned bit = static_cast<unsigned>(rng.uniform(8));
        b->disk().flip_bit(path, pos, bit);
        note_fault(fmt::format("flipped bit {} of byte {} in {} on broker {}", bit, pos, path, ref.broker), false);
      }
      break;
    }
    case ActionKind::kClockSkew:
      note_fault(fmt::format("clock of {} skewed by {}{}", refs_text(ev.nodes), ev.delay_us < 0 ? "-" : "+",
                             format_time(ev.delay_us < 0 ? -ev.delay_us : ev.delay_us)),
                 false);
      for (const auto& ref : ev.nodes) {
        for (NodeId id : nodes_of(ref)) sim_->node(id)->set_clock_skew_us(ev.delay_us);
      }
      break;
    case ActionKind::kStopProducer:
    case ActionKind::kStartProducer: {
      const bool stop = ev.kind == ActionKind::kStopProducer;
      note_fault(fmt::format("{} {}", stop ? "stop" : "start", refs_text(ev.nodes)), false);
      for (const auto& ref : ev.nodes) {
        for (auto& w : workloads_) {
          if (w->spec().id != ref.name) continue;
          if (stop) w->stop();
          else w->resume();
        }
      }
      break;
    }
    case ActionKind::kAddPartitions:
      note_fault(fmt::format("add partitions: {} now has {}", ev.topic, ev.count), false);
      controller_->add_partitions(ev.topic, ev.count);
      break;
    case ActionKind::kChangeConfig:
      apply_config_change(ev.change);
      break;
    case ActionKind::kAddConsumer:
    case ActionKind::kRemoveConsumer:
    case ActionKind::kKillConsumer:
    case ActionKind::kSlowConsumer:
      apply_consumer_action(ev);
      break;
    case ActionKind::kNarrate:
      break;
  }
  if (!ev.narration.empty()) {
    narration_ = ev.narration;
    narration_us_ = sim_->now();
    sim_->trace_event(kNoNode, "scenario.narrate", ev.narration);
  }
  if (ev.pause_point) sim_->trace_event(kNoNode, "scenario.pause_point", ev.narration.empty() ? what : ev.narration);
}

void Run::revert_action(const scenario::TimelineEvent& ev) {
  switch (ev.kind) {
    case ActionKind::kPause:
      note_fault(fmt::format("resume {} (after {})", refs_text(ev.nodes), format_time(*ev.for_us)), false);
      for (const auto& ref : ev.nodes) {
        for (NodeId n : nodes_of(ref)) sim_->resume_node(n);
      }
      break;
    case ActionKind::kPartition:
    case ActionKind::kOneWay:
    case ActionKind::kIsolate:
      note_fault(fmt::format("heal the network (after {})", format_time(*ev.for_us)), false);
      net_->heal();
      break;
    case ActionKind::kLinkLatency:
    case ActionKind::kLinkLoss:
      note_fault(fmt::format("links back to normal (after {})", format_time(*ev.for_us)), false);
      for (const auto& a : ev.groups.at(0)) {
        for (const auto& b : ev.groups.at(1)) {
          net_->set_link(node_of(a), node_of(b), net_->options().default_link);
          net_->set_link(node_of(b), node_of(a), net_->options().default_link);
        }
      }
      break;
    case ActionKind::kSlowDisk:
    case ActionKind::kDiskFull:
      note_fault(fmt::format("disk of {} back to normal (after {})", refs_text(ev.nodes), format_time(*ev.for_us)), false);
      for (const auto& ref : ev.nodes) {
        if (cluster::Broker* b = broker(ref.broker)) {
          b->disk().set_io_delay_us(0);
          b->disk().set_capacity_bytes(0);
        }
      }
      break;
    case ActionKind::kCrash:
    case ActionKind::kPowerLoss:
    case ActionKind::kShutdown:
      note_fault(fmt::format("restart {} (after {})", refs_text(ev.nodes), format_time(*ev.for_us)), false);
      restart_refs(ev.nodes);
      break;
    case ActionKind::kClockSkew:
      for (const auto& ref : ev.nodes) {
        for (NodeId id : nodes_of(ref)) sim_->node(id)->set_clock_skew_us(0);
      }
      break;
    case ActionKind::kStopProducer:
      for (const auto& ref : ev.nodes) {
        for (auto& w : workloads_) {
          if (w->spec().id == ref.name) w->resume();
        }
      }
      break;
    default:
      break;
  }
}

void Run::crash_processor(const std::string& id, CrashKind kind) {
  scenario::NodeRef ref;
  ref.kind = scenario::NodeRef::Kind::kProcessor;
  ref.name = id;
  Processor* p = processor_of(ref);
  if (p == nullptr) return;
  note_fault(fmt::format("{} processor {}", kind == CrashKind::kPowerLoss ? "power loss of" : "crash", id), false);
  p->crash(kind);
}

void Run::restart_processor(const std::string& id) {
  scenario::NodeRef ref;
  ref.kind = scenario::NodeRef::Kind::kProcessor;
  ref.name = id;
  if (processor_of(ref) == nullptr) return;
  note_fault(fmt::format("restart processor {}", id), false);
  restart_refs({ref});
}

// A restart of a processor restarts its crashed or fenced instances, which call init_transactions again.
void Run::restart_refs(const std::vector<scenario::NodeRef>& refs) {
  for (const auto& ref : refs) {
    if (Processor* p = processor_of(ref)) {
      p->restart();
    } else if (NodeId n = node_of(ref); n != kNoNode) {
      sim_->restart_node(n);
    }
  }
}

void Run::apply_config_change(const scenario::ConfigChange& change) {
  note_fault(fmt::format("set {} {}{}{}={}", config::scope_name(change.scope), change.target,
                         change.target.empty() ? "" : " ", change.key, change.value_text),
             false);
  if (change.scope == config::Scope::kTopic) {
    for (scenario::TopicSpec& ts : scenario_.topics) {
      if (ts.name != change.target) continue;
      ts.configs.set_value(change.key, change.value);
      topic_configs_[ts.name] = topic_config(ts);
      controller_->set_topic_config(ts.name, topic_configs_[ts.name]);
      for (cluster::Broker* b : brokers_) b->set_topic_config(ts.name, topic_configs_[ts.name]);
    }
  } else if (change.scope == config::Scope::kBroker) {
    // Cluster-wide dynamic defaults (kafka-configs.sh --entity-type brokers --entity-default): topics
    // without their own value follow them.
    scenario_.cluster.configs.set_value(change.key, change.value);
    for (scenario::TopicSpec& ts : scenario_.topics) {
      topic_configs_[ts.name] = topic_config(ts);
      controller_->set_topic_config(ts.name, topic_configs_[ts.name]);
      for (cluster::Broker* b : brokers_) b->set_topic_config(ts.name, topic_configs_[ts.name]);
    }
  } else {
    apply_client_config_change(change);
  }
}

void Run::apply(const Command& command) {
  const std::string what = describe(command);
  note_fault(what, true);
  switch (command.kind) {
    case CommandKind::kCrashBroker: crash_broker(command.node, CrashKind::kProcess); break;
    case CommandKind::kPowerLossBroker: crash_broker(command.node, CrashKind::kPowerLoss); break;
    case CommandKind::kRestartBroker: restart_broker(command.node); break;
    case CommandKind::kShutdownBroker:
      if (cluster::Broker* b = broker(command.node)) b->controlled_shutdown();
      break;
    case CommandKind::kIsolateNode: net_->isolate(NodeId(command.node)); break;
    case CommandKind::kPartition: {
      std::vector<std::vector<NodeId>> groups;
      for (const auto& g : command.groups) {
        std::vector<NodeId> ids;
        for (std::int32_t n : g) ids.emplace_back(n);
        groups.push_back(std::move(ids));
      }
      net_->partition(groups);
      break;
    }
    case CommandKind::kHeal: net_->heal(); break;
    case CommandKind::kPauseNode: sim_->pause_node(NodeId(command.node)); break;
    case CommandKind::kResumeNode: sim_->resume_node(NodeId(command.node)); break;
    case CommandKind::kStopProducer:
    case CommandKind::kStartProducer:
      for (auto& w : workloads_) {
        if (w->spec().id != command.client_id) continue;
        if (command.kind == CommandKind::kStopProducer) w->stop();
        else w->resume();
      }
      break;
    case CommandKind::kKillConsumer:
    case CommandKind::kAddConsumer:
      apply_consumer_command(command);
      break;
  }
}

}  // namespace kafkasim::engine
