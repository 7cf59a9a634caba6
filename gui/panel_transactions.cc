// Transactions, as their coordinators see them (Kafka's TransactionMetadata; what
// `kafka-transactions.sh describe` prints): one card per transactional.id with its state, producer id and
// epoch, coordinator, the partitions of the open transaction, how long it has been open against
// transaction.timeout.ms (a bar that turns red as the coordinator's abort approaches), and the markers
// still to be written. Shown under the producers, because processors' producers are transactional too.
#include <algorithm>

#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {

ImU32 transaction_state_colour(const std::string& state, const Palette& pal) {
  if (state == "Ongoing") return pal.warn;
  if (state == "PrepareCommit" || state == "CompleteCommit") return pal.good;
  if (state == "PrepareAbort" || state == "CompleteAbort") return pal.bad;
  return pal.text_dim;
}

namespace {

const char* state_tooltip(const std::string& state) {
  if (state == "Empty") return "initialised (InitProducerId), no transaction yet";
  if (state == "Ongoing") return "open: its records are in the log without a marker; the LSO waits";
  if (state == "PrepareCommit") return "commit decided and durable; COMMIT markers being written";
  if (state == "PrepareAbort") return "abort decided and durable; ABORT markers being written";
  if (state == "CompleteCommit") return "committed: every partition has its COMMIT marker";
  if (state == "CompleteAbort") return "aborted: every partition has its ABORT marker";
  return "";
}

void transaction_card(const engine::TransactionView& t, GuiState& state) {
  const Palette& pal = state.palette;
  text_coloured(pal.text, "%s", t.transactional_id.c_str());
  ImGui::SameLine();
  chip(t.state.c_str(), transaction_state_colour(t.state, pal), state_tooltip(t.state));
  ImGui::TextDisabled("producer %lld  epoch %d  coordinator broker %d", static_cast<long long>(t.producer_id),
                      t.producer_epoch, t.coordinator);
  if (t.open_ms >= 0 && t.timeout_ms > 0) {
    const float fraction =
        std::clamp(static_cast<float>(t.open_ms) / static_cast<float>(t.timeout_ms), 0.0f, 1.0f);
    const ImU32 colour = fraction < 0.5f ? pal.good : fraction < 0.8f ? pal.warn : pal.bad;
    // The label is a line of its own above the bar, in the normal text colour: text over the bar's fill
    // (white on green) was hard to read on a projector and in the light theme.
    const std::string label =
        fmt::format("open {:.1f} s of transaction.timeout.ms = {:.1f} s",
                    static_cast<double>(t.open_ms) / 1000.0, static_cast<double>(t.timeout_ms) / 1000.0);
    ImGui::TextWrapped("%s", label.c_str());
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, colour);
    ImGui::ProgressBar(fraction, ImVec2(-1, ImGui::GetFontSize() * 0.6f), "");
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "the coordinator aborts the transaction once it has been open longer than "
          "transaction.timeout.ms");
    }
  }
  if (!t.partitions.empty()) {
    ChipFlow flow;
    for (const std::string& tp : t.partitions) {
      flow.next(tp.c_str());
      chip(tp.c_str(), pal.strip_bg,
           "a partition of this transaction (AddPartitionsToTxn / AddOffsetsToTxn)");
    }
  }
  if (t.markers_pending > 0) {
    text_coloured(pal.warn, "waiting for %d marker%s (WriteTxnMarkers to the partition leaders)",
                  t.markers_pending, t.markers_pending == 1 ? "" : "s");
  }
  ImGui::Separator();
}

}  // namespace

void draw_transactions_section(const engine::Snapshot& snap, GuiState& state) {
  if (snap.transactions.empty()) return;
  ImGui::Spacing();
  ImGui::TextUnformatted("Transactions");
  ImGui::SameLine();
  ImGui::TextDisabled("(as their coordinators see them)");
  ImGui::Separator();
  for (std::size_t i = 0; i < snap.transactions.size(); ++i) {
    ImGui::PushID(static_cast<int>(1000 + i));
    transaction_card(snap.transactions[i], state);
    ImGui::PopID();
  }
}

}  // namespace kafkasim::gui
