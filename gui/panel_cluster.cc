// Cluster view: brokers on a ring coloured by state (up, down, paused, isolated, fenced), the
// controller (a broker with a gold ring in combined mode, or the KRaft controller node in the centre),
// every broker-to-broker link, links the network cuts drawn red and broken,
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

// Node ids as the engine numbers them (sim/engine/run.h): brokers use their broker.id, the KRaft
// controller is 1000, producers 2000+, consumers 3000+, processors 4000+.
std::string node_label(std::int32_t id, const engine::Snapshot& snap) {
  if (id == snap.controller) return "controller";
  if (id >= 2000 && id < 3000) {
    const auto index = static_cast<std::size_t>(id - 2000);
    return index < snap.producers.size() ? snap.producers[index].client_id : fmt::format("producer {}", id);
  }
  if (id >= 3000 && id < 4000) return fmt::format("consumer {}", id - 3000 + 1);
  if (id >= 4000) return fmt::format("processor {}", id - 4000 + 1);
  return fmt::format("client {}", id);
}

bool is_broker(const engine::Snapshot& snap, std::int32_t id) {
  return std::any_of(snap.brokers.begin(), snap.brokers.end(), [&](const engine::BrokerView& b) { return b.id == id; });
}

struct NodePlace {
  ImVec2 centre;
  float radius = 0;
  bool broker = false;
  ImVec2 ring_centre;  // captions go on the side away from it
};

std::map<std::int32_t, NodePlace> place_nodes(const engine::Snapshot& snap, ImVec2 origin, ImVec2 size, float em) {
  std::map<std::int32_t, NodePlace> places;
  std::vector<std::int32_t> clients;
  const bool separate_controller = snap.controller >= 0 && !is_broker(snap, snap.controller);
  auto note_client = [&](std::int32_t id) {
    if (is_broker(snap, id) || (separate_controller && id == snap.controller)) return;
    if (std::find(clients.begin(), clients.end(), id) == clients.end()) clients.push_back(id);
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
  // A short canvas (large text on a small screen) keeps the brokers and drops the row of clients.
  if (size.y < em * 13) clients.clear();
  const float client_row_h = clients.empty() ? 0.0f : em * 3.6f;
  const ImVec2 centre(origin.x + size.x * 0.5f, origin.y + (size.y - client_row_h) * 0.5f);
  // An ellipse filling the canvas, leaving room for the captions outside the circles.
  const float ring_h = size.y - client_row_h;
  float broker_r = std::clamp(std::min(size.x, ring_h) * 1.4f / std::max<float>(static_cast<float>(snap.brokers.size()), 5),
                              em * 0.7f, std::min(em * 2.0f, ring_h * 0.16f));
  const float ring_x = std::max(size.x * 0.5f - broker_r - em * 2.5f, em);
  const float ring_y = std::max(ring_h * 0.5f - broker_r - em * 1.2f, em);
  // Neighbours on the ring must not overlap: at most 45% of the shortest chord between them.
  const float chord = 2.0f * std::min(ring_x, ring_y) *
                      std::sin(std::numbers::pi_v<float> / std::max<float>(static_cast<float>(snap.brokers.size()), 2));
  broker_r = std::max(std::min(broker_r, chord * 0.45f), em * 0.55f);
  const auto n = static_cast<float>(snap.brokers.size());
  for (std::size_t i = 0; i < snap.brokers.size(); ++i) {
    const float angle = -std::numbers::pi_v<float> / 2 + 2 * std::numbers::pi_v<float> * static_cast<float>(i) / n;
    places[snap.brokers[i].id] = NodePlace{ImVec2(centre.x + ring_x * std::cos(angle), centre.y + ring_y * std::sin(angle)),
                                           broker_r, true, centre};
  }
  if (separate_controller) places[snap.controller] = NodePlace{centre, std::min(em * 1.1f, broker_r * 0.8f), false, centre};
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const float x = origin.x + size.x * (static_cast<float>(i) + 0.5f) / static_cast<float>(clients.size());
    places[clients[i]] = NodePlace{ImVec2(x, origin.y + size.y - em * 1.0f), em * 0.55f, false, centre};
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

// A blocked direction a -> b: the link in red, broken by an X a third of the way from the sender, so a
// two-way cut shows two marks and a one-way cut one.
void draw_cut(ImDrawList* draw, ImVec2 a, ImVec2 b, const Palette& pal, float em) {
  const ImVec2 mid(a.x + (b.x - a.x) * 0.35f, a.y + (b.y - a.y) * 0.35f);
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
  if (b.is_controller) draw->AddCircle(place.centre, place.radius + em * 0.35f, pal.controller, 0, pal.line_px * 2.2f);
  draw->AddCircleFilled(place.centre, place.radius, fill, 0);
  draw->AddCircle(place.centre, place.radius, selected ? pal.text : with_alpha(pal.text, 0.5f), 0,
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
  std::string caption = b.status == engine::NodeStatus::kUp && !b.isolated && !b.fenced ? "" : broker_state_label(b);
  auto add = [&caption](const std::string& part) { caption += (caption.empty() ? "" : " \u00B7 ") + part; };
  if (b.is_controller) add("controller");
  if (!b.disk_fault.empty()) add("disk " + b.disk_fault);
  if (caption.empty()) return;  // up is the normal state: no caption
  const ImVec2 cap = ImGui::CalcTextSize(caption.c_str());
  const bool above = place.centre.y < place.ring_centre.y - 1.0f;
  const float offset = place.radius + (b.is_controller ? em * 0.5f : em * 0.15f);
  const ImVec2 cap_pos(place.centre.x - cap.x * 0.5f, above ? place.centre.y - offset - cap.y : place.centre.y + offset);
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
  const std::string controller = snap.controller < 0              ? "none"
                                 : is_broker(snap, snap.controller) ? fmt::format("B{}", snap.controller)
                                                                    : fmt::format("node {}", snap.controller);
  const std::string summary = fmt::format("{} brokers \u00B7 controller {} \u00B7 {} in flight \u00B7 {} links cut",
                                          snap.brokers.size(), controller, snap.in_flight.size(), snap.cut_links.size());
  if (ImGui::GetContentRegionAvail().y > em * 16) {
    ImGui::TextWrapped("%s", summary.c_str());
  } else {  // a short window keeps its height for the drawing
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", summary.c_str());
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f), std::max(ImGui::GetContentRegionAvail().y, 50.0f));
  ImGui::InvisibleButton("##cluster_canvas", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  const auto places = place_nodes(snap, origin, size, em);

  for (std::size_t i = 0; i < snap.brokers.size(); ++i) {
    for (std::size_t j = i + 1; j < snap.brokers.size(); ++j) {
      draw->AddLine(places.at(snap.brokers[i].id).centre, places.at(snap.brokers[j].id).centre, pal.link, pal.line_px);
    }
  }
  int client_index = 0;
  for (const auto& [id, place] : places) {
    if (place.broker) continue;
    const bool controller = id == snap.controller;
    if (controller) {
      for (const auto& b : snap.brokers) {
        draw->AddLine(place.centre, places.at(b.id).centre, with_alpha(pal.controller, 0.25f), pal.line_px);
      }
    }
    draw->AddCircleFilled(place.centre, place.radius, controller ? pal.controller : pal.text_dim, 0);
    const std::string label = node_label(id, snap);
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    // Clients sit in one row: every other label goes a line higher so neighbours do not collide.
    const float label_y = controller ? place.centre.y + place.radius + 2
                                     : place.centre.y - place.radius - ls.y * static_cast<float>(1 + client_index++ % 2);
    draw->AddText(ImVec2(place.centre.x - ls.x * 0.5f, label_y), controller ? pal.controller : pal.text_dim,
                  label.c_str());
  }
  for (const auto& cut : snap.cut_links) {
    const auto a = places.find(cut.from);
    const auto b = places.find(cut.to);
    if (a != places.end() && b != places.end()) draw_cut(draw, a->second.centre, b->second.centre, pal, em);
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
    draw->AddCircleFilled(p, dot_r, message_colour(m.name, pal), 8);
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
