// Cluster view: brokers on a ring coloured by state (up, down, paused, isolated, fenced), the
// controller with a gold ring, every broker-to-broker link, links the network cuts drawn red and broken,
// and requests in flight as dots moving along the links by their sent/arrive times. Clients (any other
// node id seen in flight or in a cut) sit in a row at the bottom. Right-click a broker for faults.
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include <fmt/format.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr const char* kBrokerPopup = "broker_faults";
constexpr std::size_t kMaxDotsDrawn = 3000;

struct NodePlace {
  ImVec2 centre;
  float radius = 0;
  bool broker = false;
};

std::map<std::int32_t, NodePlace> place_nodes(const engine::Snapshot& snap, ImVec2 origin, ImVec2 size, float em) {
  std::map<std::int32_t, NodePlace> places;
  std::vector<std::int32_t> clients;
  auto note_client = [&](std::int32_t id) {
    const bool is_broker = std::any_of(snap.brokers.begin(), snap.brokers.end(),
                                       [&](const engine::BrokerView& b) { return b.id == id; });
    if (!is_broker && std::find(clients.begin(), clients.end(), id) == clients.end()) clients.push_back(id);
  };
  for (const auto& m : snap.in_flight) {
    note_client(m.from);
    note_client(m.to);
  }
  for (const auto& c : snap.cut_links) {
    note_client(c.from);
    note_client(c.to);
  }
  std::sort(clients.begin(), clients.end());
  const float client_row_h = clients.empty() ? 0.0f : em * 2.6f;
  const ImVec2 centre(origin.x + size.x * 0.5f, origin.y + (size.y - client_row_h) * 0.5f);
  const float ring = std::max(std::min(size.x, size.y - client_row_h) * 0.5f - em * 2.6f, em * 2);
  const float broker_r = std::clamp(ring * 0.9f * std::numbers::pi_v<float> / std::max<float>(snap.brokers.size(), 3),
                                    em * 0.9f, em * 2.0f);
  const auto n = static_cast<float>(snap.brokers.size());
  for (std::size_t i = 0; i < snap.brokers.size(); ++i) {
    const float angle = -std::numbers::pi_v<float> / 2 + 2 * std::numbers::pi_v<float> * static_cast<float>(i) / n;
    places[snap.brokers[i].id] = NodePlace{ImVec2(centre.x + ring * std::cos(angle), centre.y + ring * 0.92f * std::sin(angle)),
                                           broker_r, true};
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const float x = origin.x + size.x * (static_cast<float>(i) + 0.5f) / static_cast<float>(clients.size());
    places[clients[i]] = NodePlace{ImVec2(x, origin.y + size.y - em * 1.0f), em * 0.55f, false};
  }
  return places;
}

ImU32 message_colour(const std::string& name, const Palette& pal) {
  if (name.rfind("Produce", 0) == 0) return pal.series[0];
  if (name.rfind("Fetch", 0) == 0) return pal.series[2];
  if (name.find("Heartbeat") != std::string::npos) return pal.series[4];
  if (name.find("Group") != std::string::npos || name.find("Offset") != std::string::npos) return pal.series[1];
  return pal.series[3];
}

void draw_cut(ImDrawList* draw, ImVec2 a, ImVec2 b, const Palette& pal, float em) {
  const ImVec2 mid((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
  const float len = std::max(std::hypot(b.x - a.x, b.y - a.y), 1.0f);
  const ImVec2 dir((b.x - a.x) / len, (b.y - a.y) / len);
  const float gap = em * 0.5f;
  const float thick = pal.line_px * 1.6f;
  draw->AddLine(a, ImVec2(mid.x - dir.x * gap, mid.y - dir.y * gap), pal.cut_link, thick);
  draw->AddLine(ImVec2(mid.x + dir.x * gap, mid.y + dir.y * gap), b, with_alpha(pal.cut_link, 0.45f), thick);
  const float s = em * 0.35f;
  draw->AddLine(ImVec2(mid.x - s, mid.y - s), ImVec2(mid.x + s, mid.y + s), pal.cut_link, thick);
  draw->AddLine(ImVec2(mid.x - s, mid.y + s), ImVec2(mid.x + s, mid.y - s), pal.cut_link, thick);
}

void draw_broker(ImDrawList* draw, const engine::BrokerView& b, const NodePlace& place, const Palette& pal,
                 float em, bool selected) {
  const ImU32 fill = broker_colour(b, pal);
  if (b.is_controller) draw->AddCircle(place.centre, place.radius + em * 0.35f, pal.controller, 32, pal.line_px * 2.2f);
  draw->AddCircleFilled(place.centre, place.radius, fill, 32);
  draw->AddCircle(place.centre, place.radius, selected ? pal.text : with_alpha(pal.text, 0.5f), 32,
                  selected ? pal.line_px * 2 : pal.line_px);
  const std::string id = fmt::format("B{}", b.id);
  const ImVec2 id_size = ImGui::CalcTextSize(id.c_str());
  draw->AddText(ImVec2(place.centre.x - id_size.x * 0.5f, place.centre.y - id_size.y * 0.5f), contrast_text(fill),
                id.c_str());
  if (b.status == engine::NodeStatus::kDown) {
    const float s = place.radius * 0.8f;
    draw->AddLine(ImVec2(place.centre.x - s, place.centre.y - s), ImVec2(place.centre.x + s, place.centre.y + s),
                  with_alpha(pal.text, 0.8f), pal.line_px * 1.5f);
  }
  std::string caption = broker_state_label(b);
  if (b.is_controller) caption += " \u00B7 controller";
  if (!b.disk_fault.empty()) caption += " \u00B7 disk " + b.disk_fault;
  const ImVec2 cap = ImGui::CalcTextSize(caption.c_str());
  const ImVec2 cap_pos(place.centre.x - cap.x * 0.5f, place.centre.y + place.radius + em * 0.45f);
  draw->AddRectFilled(ImVec2(cap_pos.x - 3, cap_pos.y), ImVec2(cap_pos.x + cap.x + 3, cap_pos.y + cap.y),
                      with_alpha(pal.canvas_bg, 0.85f), 3.0f);
  draw->AddText(cap_pos, b.is_controller ? pal.controller : pal.text, caption.c_str());
}

void broker_tooltip(const engine::BrokerView& b) {
  ImGui::BeginTooltip();
  ImGui::Text("broker %d: %s%s", b.id, broker_state_label(b), b.is_controller ? " (active controller)" : "");
  if (!b.rack.empty()) ImGui::Text("rack %s", b.rack.c_str());
  ImGui::Text("disk %.1f MB%s%s", static_cast<double>(b.disk_bytes) / 1e6, b.disk_fault.empty() ? "" : ", fault: ",
              b.disk_fault.c_str());
  ImGui::TextDisabled("right-click for faults");
  ImGui::EndTooltip();
}

void legend(const Palette& pal) {
  legend_row({{"up", pal.broker_up}, {"down", pal.broker_down}, {"paused", pal.broker_paused},
              {"isolated", pal.broker_isolated}, {"fenced", pal.broker_fenced}, {"controller", pal.controller},
              {"cut link", pal.cut_link}});
}

}  // namespace

void draw_cluster_panel(const engine::Snapshot& snap, GuiState& state) {
  const Palette& pal = state.palette;
  const float em = ImGui::GetFontSize();
  legend(pal);
  ImGui::Text("%zu brokers, controller %s, %zu requests in flight, %zu links cut", snap.brokers.size(),
              snap.controller >= 0 ? fmt::format("B{}", snap.controller).c_str() : "none", snap.in_flight.size(),
              snap.cut_links.size());
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f), std::max(ImGui::GetContentRegionAvail().y, 50.0f));
  ImGui::InvisibleButton("##cluster_canvas", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), pal.canvas_bg, 4.0f);
  const auto places = place_nodes(snap, origin, size, em);

  for (std::size_t i = 0; i < snap.brokers.size(); ++i) {
    for (std::size_t j = i + 1; j < snap.brokers.size(); ++j) {
      draw->AddLine(places.at(snap.brokers[i].id).centre, places.at(snap.brokers[j].id).centre, pal.link, pal.line_px);
    }
  }
  for (const auto& cut : snap.cut_links) {
    const auto a = places.find(cut.from);
    const auto b = places.find(cut.to);
    if (a != places.end() && b != places.end()) draw_cut(draw, a->second.centre, b->second.centre, pal, em);
  }
  for (const auto& [id, place] : places) {
    if (place.broker) continue;
    draw->AddCircleFilled(place.centre, place.radius, pal.text_dim, 16);
    const std::string label = fmt::format("client {}", id);
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    draw->AddText(ImVec2(place.centre.x - ls.x * 0.5f, place.centre.y - place.radius - ls.y), pal.text_dim, label.c_str());
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const engine::InFlightMessage* hovered_msg = nullptr;
  const float dot_r = std::max(em * 0.3f, 4.0f);
  std::size_t drawn = 0;
  for (const auto& m : snap.in_flight) {
    if (drawn++ >= kMaxDotsDrawn) break;
    const auto a = places.find(m.from);
    const auto b = places.find(m.to);
    if (a == places.end() || b == places.end()) continue;
    const double span = static_cast<double>(std::max<TimeUs>(m.arrive_us - m.sent_us, 1));
    const float f = static_cast<float>(std::clamp(static_cast<double>(snap.now_us - m.sent_us) / span, 0.0, 1.0));
    const ImVec2 p(a->second.centre.x + (b->second.centre.x - a->second.centre.x) * f,
                   a->second.centre.y + (b->second.centre.y - a->second.centre.y) * f);
    draw->AddCircleFilled(p, dot_r, message_colour(m.name, pal), 12);
    if (std::hypot(mouse.x - p.x, mouse.y - p.y) < dot_r * 2) hovered_msg = &m;
  }
  const engine::BrokerView* hovered_broker = nullptr;
  for (const auto& b : snap.brokers) {
    const NodePlace& place = places.at(b.id);
    draw_broker(draw, b, place, pal, em, b.id == state.selected_broker);
    if (std::hypot(mouse.x - place.centre.x, mouse.y - place.centre.y) <= place.radius + em * 0.3f) hovered_broker = &b;
  }
  draw->PopClipRect();

  if (ImGui::IsItemHovered()) {
    if (hovered_broker != nullptr) {
      broker_tooltip(*hovered_broker);
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) || ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        state.selected_broker = hovered_broker->id;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) ImGui::OpenPopup(kBrokerPopup);
      }
    } else if (hovered_msg != nullptr) {
      ImGui::SetTooltip("%s  %d \u2192 %d  %u bytes\nsent %s, arrives %s", hovered_msg->name.c_str(), hovered_msg->from,
                        hovered_msg->to, hovered_msg->size_bytes, format_time(hovered_msg->sent_us).c_str(),
                        format_time(hovered_msg->arrive_us).c_str());
    }
  }
  if (ImGui::BeginPopup(kBrokerPopup)) {
    for (const auto& b : snap.brokers) {
      if (b.id == state.selected_broker) broker_fault_items(b, state);
    }
    ImGui::EndPopup();
  }
}

}  // namespace kafkasim::gui
