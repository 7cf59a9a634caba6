#include "eos_test_util.h"

using namespace kafkasim;

TEST_CASE("a processor without faults writes every input exactly once") {
  const std::string text = test::eos_scenario(
      5, "20s", "{id: checkout, topic: orders, rate: 100/s, stop: 10s, keys: \"customer-{0..19}\"}", "", "");
  engine::Run run(test::parse_eos(text), {});
  test::maybe_print_trace(run);
  run.start();
  run.sim().run_until(run.duration_us());
  const check::Report rep = run.check_now();
  INFO(check::render_text(rep));
  const check::ProcessorCounts& p = test::processor_counts(rep);
  CHECK(p.inputs == 1000);
  CHECK(p.outputs == 1000);
  CHECK(p.missing == 0);
  CHECK(p.duplicates == 0);
  CHECK(p.semantics == check::Semantics::kExactlyOnce);
}
