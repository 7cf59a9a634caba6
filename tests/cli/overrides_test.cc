// `--set` for processors (sim/engine/overrides.h): processor[/id]:key=value reaches the processor's
// producer and consumer configs as Kafka Streams' StreamsConfig does (unprefixed: every client that knows
// the key; producer. / consumer.: one client), commit.interval.ms, and errors that name their column.
#include <fstream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "sim/engine/overrides.h"
#include "sim/scenario/parser.h"

using namespace kafkasim;

namespace {

constexpr const char* kScenario = R"(name: two processors
duration: 10s
cluster: {brokers: 3}
topics:
  - {name: orders, partitions: 2, replication.factor: 3}
  - {name: invoices, partitions: 2, replication.factor: 3}
  - {name: audit, partitions: 1, replication.factor: 3}
producers:
  - {id: checkout, topic: orders, rate: 10/s}
processors:
  - {id: enricher, input: orders, output: invoices, producer_configs: {linger.ms: 5}}
  - {id: auditor, input: invoices, output: audit}
consumer_groups:
  - {group: billing, topics: [invoices], members: 1}
)";

scenario::Scenario parse() {
  auto r = scenario::parse_scenario_text(kScenario, "overrides_test.yaml");
  INFO(r.error_text());
  REQUIRE(r.ok());
  return *r.scenario;
}

const scenario::ProcessorSpec& processor(const scenario::Scenario& s, const char* id) {
  const scenario::ProcessorSpec* p = s.find_processor(id);
  REQUIRE(p != nullptr);
  return *p;
}

// The error of one override (REQUIRE that there is one).
std::string error_of(scenario::Scenario& s, const std::string& text) {
  const auto e = engine::apply_override(s, text);
  REQUIRE(e.has_value());
  return *e;
}

}  // namespace

TEST_CASE("a --set of processor/ID:KEY changes only that processor's producer config") {
  scenario::Scenario s = parse();
  REQUIRE_FALSE(engine::apply_override(s, "processor/enricher:transaction.timeout.ms=5000").has_value());
  CHECK(processor(s, "enricher").producer_configs.get_long("transaction.timeout.ms") == 5000);
  CHECK_FALSE(processor(s, "auditor").producer_configs.contains("transaction.timeout.ms"));
  CHECK(processor(s, "enricher").producer_configs.get_long("linger.ms") == 5);  // the file's configs stay
}

TEST_CASE("a --set of processor:KEY without an id changes every processor") {
  scenario::Scenario s = parse();
  REQUIRE_FALSE(engine::apply_override(s, "processor:max.poll.records=10").has_value());
  CHECK(processor(s, "enricher").consumer_configs.get_long("max.poll.records") == 10);
  CHECK(processor(s, "auditor").consumer_configs.get_long("max.poll.records") == 10);
}

TEST_CASE(
    "an unprefixed key known to both clients reaches both and a producer. or consumer. prefix picks one") {
  scenario::Scenario s = parse();
  REQUIRE_FALSE(engine::apply_override(s, "processor/enricher:request.timeout.ms=7000").has_value());
  const auto& p = processor(s, "enricher");
  CHECK(p.producer_configs.get_long("request.timeout.ms") == 7000);
  CHECK(p.consumer_configs.get_long("request.timeout.ms") == 7000);
  REQUIRE_FALSE(engine::apply_override(s, "processor/enricher:consumer.request.timeout.ms=9000").has_value());
  CHECK(p.producer_configs.get_long("request.timeout.ms") == 7000);
  CHECK(p.consumer_configs.get_long("request.timeout.ms") == 9000);
  REQUIRE_FALSE(engine::apply_override(s, "processor/enricher:producer.request.timeout.ms=8000").has_value());
  CHECK(p.producer_configs.get_long("request.timeout.ms") == 8000);
  CHECK(p.consumer_configs.get_long("request.timeout.ms") == 9000);
}

TEST_CASE("commit.interval.ms sets the processor's transaction length in milliseconds or as a duration") {
  scenario::Scenario s = parse();
  REQUIRE_FALSE(engine::apply_override(s, "processor/auditor:commit.interval.ms=250").has_value());
  CHECK(processor(s, "auditor").commit_interval_us == 250'000);
  CHECK(processor(s, "enricher").commit_interval_us == 100'000);
  REQUIRE_FALSE(engine::apply_override(s, "processor:commit.interval.ms=2s").has_value());
  CHECK(processor(s, "enricher").commit_interval_us == 2'000'000);
  CHECK(error_of(s, "processor:commit.interval.ms=-1") ==
        "--set 'processor:commit.interval.ms=-1': column 30: invalid commit.interval.ms '-1'; expected "
        "milliseconds "
        ">= 0 or a duration such as 100ms");
}

TEST_CASE("an unknown processor config is refused at the column of the key with a suggestion") {
  scenario::Scenario s = parse();
  const std::string e = error_of(s, "processor/enricher:transaction.timeout.msx=5");
  CHECK(e.starts_with(
      "--set 'processor/enricher:transaction.timeout.msx=5': column 20: unknown producer config "
      "'transaction.timeout.msx' (did you mean 'transaction.timeout.ms'?); expected a producer or "
      "consumer config"));
  CHECK_THAT(error_of(s, "processor:consumer.linger.ms=5"),
             Catch::Contains("column 11: unknown consumer config 'linger.ms'"));
}

TEST_CASE("a bad processor config value is refused at the column of the value and changes nothing") {
  scenario::Scenario s = parse();
  const scenario::Scenario before = s;
  CHECK_THAT(
      error_of(s, "processor/enricher:transaction.timeout.ms=abc"),
      Catch::StartsWith("--set 'processor/enricher:transaction.timeout.ms=abc': column 43: invalid value for "
                        "transaction.timeout.ms (processor enricher producer); expected milliseconds"));
  CHECK_THAT(error_of(s, "processor:max.poll.records=0"),
             Catch::Contains("column 28: invalid value for max.poll.records"));
  CHECK(processor(s, "enricher").producer_configs == processor(before, "enricher").producer_configs);
  CHECK(processor(s, "enricher").consumer_configs == processor(before, "enricher").consumer_configs);
}

TEST_CASE("a producer config that contradicts transactions is refused as Kafka's ConfigException") {
  scenario::Scenario s = parse();
  CHECK_THAT(error_of(s, "processor/enricher:acks=1"),
             Catch::Contains("column 25: Cannot set a transactional.id without also enabling idempotence."));
}

TEST_CASE("the configs a processor sets itself cannot be overridden") {
  scenario::Scenario s = parse();
  for (const char* text :
       {"processor:transactional.id=x", "processor:enable.idempotence=false", "processor:group.id=x",
        "processor:isolation.level=read_uncommitted", "processor:enable.auto.commit=true"}) {
    INFO(text);
    CHECK_THAT(error_of(s, text), Catch::Contains("column 11: the processor sets"));
  }
  // client.id: the producer's is the processor id; the consumer's is free.
  CHECK_THAT(error_of(s, "processor:client.id=x"),
             Catch::Contains("the processor sets client.id of its producer"));
  CHECK_FALSE(engine::apply_override(s, "processor:consumer.client.id=reader").has_value());
}

TEST_CASE("an unknown processor id is refused at the column of the id") {
  scenario::Scenario s = parse();
  CHECK(error_of(s, "processor/nope:linger.ms=5") ==
        "--set 'processor/nope:linger.ms=5': column 11: the scenario has no processor named 'nope'; expected "
        "the name "
        "of a processor of the scenario");
}

TEST_CASE("an unscoped producer key changes the scenario's producers and not its processors") {
  scenario::Scenario s = parse();
  REQUIRE_FALSE(engine::apply_override(s, "linger.ms=20").has_value());
  CHECK(s.find_producer("checkout")->configs.get_long("linger.ms") == 20);
  CHECK(processor(s, "enricher").producer_configs.get_long("linger.ms") == 5);
}

TEST_CASE("every --set error names a column") {
  scenario::Scenario s = parse();
  CHECK(error_of(s, "acks") == "--set 'acks': column 1: no key=value; expected [scope[/name]:]key=value");
  CHECK_THAT(error_of(s, "acks=2"), Catch::StartsWith("--set 'acks=2': column 6: invalid value for acks"));
  CHECK_THAT(error_of(s, "team:acks=1"),
             Catch::Contains("column 1: unknown scope 'team'; expected broker, topic, "
                             "producer, consumer or processor"));
  CHECK_THAT(error_of(s, "topic/nope:retention.ms=1"),
             Catch::Contains("column 7: the scenario has no topic named 'nope'"));
  CHECK_THAT(error_of(s, "lingr.ms=1"), Catch::Contains("column 1: unknown config 'lingr.ms'"));
}

TEST_CASE("every --set example of docs/scenarios.md applies") {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/docs/scenarios.md");
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const std::regex row(R"(\n\| `--set ([^`]*)` \|)");
  std::size_t examples = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it) {
    scenario::Scenario s = parse();
    const std::string example = (*it)[1];
    INFO(example);
    CHECK(engine::apply_override(s, example) == std::nullopt);
    ++examples;
  }
  CHECK(examples >= 10);
}
