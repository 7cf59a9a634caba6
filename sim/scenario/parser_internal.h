#pragma once
// Stages of the scenario parser shared between parser.cc (scenario, cluster, topics, clients,
// expectations) and timeline_parser.cc (the timeline). Internal to sim/scenario.
#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_reader.h"

namespace kafkasim::scenario {

// Parses the `timeline:` list into s.timeline. REQUIRES: cluster, topics and clients already parsed.
void parse_timeline(YamlReader& r, const YAML::Node& node, Scenario& s);

// Reports an unknown name with a did-you-mean over `known`; `kind` is "topic", "group", ...
void report_unknown(YamlReader& r, const YAML::Node& node, std::string_view kind, const std::string& name,
                    const std::vector<std::string>& known);

std::vector<std::string> topic_names(const Scenario& s);
std::vector<std::string> group_names(const Scenario& s);  // consumer groups and processor groups

}  // namespace kafkasim::scenario
