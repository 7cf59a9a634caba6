// Producers view: one card per producer - its topic and acks / idempotence / transactions, configured
// rate, then sent / acked / failed, retries, in-flight batches and queued records - and its last error
// with the reason, e.g. "NOT_ENOUGH_REPLICAS: ISR=1 < min.insync.replicas=2". Cards rather than a wide
// table, so the numbers stay readable on a projector. Right-click a card's name to stop or start it.
#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

void producer_menu(const engine::ProducerView& p, GuiState& state) {
  if (!ImGui::BeginPopupContextItem("producer_menu")) return;
  engine::Command c;
  c.client_id = p.client_id;
  c.kind = engine::CommandKind::kStopProducer;
  if (ImGui::MenuItem("Stop producer", nullptr, false, p.running)) state.push_command(c);
  c.kind = engine::CommandKind::kStartProducer;
  if (ImGui::MenuItem("Start producer", nullptr, false, !p.running)) state.push_command(c);
  ImGui::EndPopup();
}

void counter(const char* label, std::int64_t value, ImU32 colour, const GuiState& state) {
  ImGui::TextDisabled("%s", label);
  ImGui::SameLine(0, 4);
  MonoFont mono(state);
  text_coloured(colour, "%lld", static_cast<long long>(value));
  ImGui::SameLine(0, ImGui::GetFontSize());
}

void producer_card(const engine::ProducerView& p, GuiState& state) {
  const Palette& pal = state.palette;
  ImGui::PushStyleColor(ImGuiCol_Text, p.running ? pal.series[0] : pal.offline);
  ImGui::Selectable(p.client_id.c_str(), false, ImGuiSelectableFlags_AllowItemOverlap,
                    ImVec2(ImGui::CalcTextSize(p.client_id.c_str()).x, 0));
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("right-click to %s this producer", p.running ? "stop" : "start");
  producer_menu(p, state);
  ImGui::SameLine();
  const std::string config = fmt::format("\u2192 {}   acks={}{}{}   {:.0f}/s{}", p.topic, p.acks,
                                         p.idempotent ? "  idempotent" : "", p.transactional ? "  transactional" : "",
                                         p.rate_per_sec, p.running ? "" : "   (stopped)");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(config.c_str());
  ImGui::PopTextWrapPos();
  counter("sent", p.sent, pal.text, state);
  counter("acked", p.acked, pal.good, state);
  counter("failed", p.failed, p.failed > 0 ? pal.bad : pal.text_dim, state);
  ImGui::NewLine();
  counter("retries", p.retries, p.retries > 0 ? pal.warn : pal.text_dim, state);
  counter("in flight", p.in_flight_batches, pal.text, state);
  counter("queued", p.queued_records, pal.text, state);
  ImGui::NewLine();
  if (!p.last_error.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    text_coloured(pal.bad, "%s", p.last_error.c_str());
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled("   last error at %s", format_time(p.last_error_us).c_str());
  }
  ImGui::Separator();
}

}  // namespace

void draw_producers_panel(const engine::Snapshot& snap, GuiState& state) {
  if (snap.producers.empty() && snap.transactions.empty()) {
    ImGui::TextDisabled("no producers in this scenario");
    return;
  }
  for (std::size_t i = 0; i < snap.producers.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    producer_card(snap.producers[i], state);
    ImGui::PopID();
  }
  draw_transactions_section(snap, state);
}

}  // namespace kafkasim::gui
