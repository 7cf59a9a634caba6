// Cluster view: brokers on a ring coloured by state (up, down, paused, isolated, fenced), the
// controller (a broker with a gold ring in combined mode, or the KRaft controller node in the centre),
// every broker-to-broker link, links the network cuts drawn red and broken,
// and requests in flight as dots moving along the links by their sent/arrive times. Clients sit in a row
// at the bottom: producers, every consumer group member (in its group's colour, with a dashed line to
// its group coordinator; hovering a member shows the leaders it fetches from) and any other node seen
// in flight or in a cut. Right-click a broker or a member for faults.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr const char* kBrokerPopup = "broker_faults";
constexpr const char* kMemberPopup = "cluster_member_faults";
constexpr std::size_t kMaxDotsDrawn = 3000;
// Fixed polygon counts: ImGui's automatic count gives big circles 50+ segments, and every vertex costs
// under a software rasterizer (docs/benchmarks.md, "Visualizer").
constexpr int kBrokerSegments = 28;
constexpr int kClientSegments = 14;

// A line width rounded to whole pixels: ImGui draws such anti-aliased lines as one textured quad per
// segment (ImDrawListFlags_AntiAliasedLinesUseTex) instead of three strips with fringes, and long thin
// diagonal strips are what a software rasterizer pays most for (docs/benchmarks.md, "Visualizer").
float whole_px(float px) { return std::max(1.0f, std::round(px)); }

// A small filled circle as one quad of the font's U+25CF glyph, anti-aliased by the font atlas: an
// AddCircleFilled dot is 24 triangles, 16 of them thin fringes, and hundreds of requests are in flight.
void draw_dot(ImDrawList* draw, ImVec2 centre, float radius, ImU32 colour) {
  const ImFontGlyph* g = ImGui::GetFont()->FindGlyphNoFallback(0x25CF);
  if (g == nullptr) {
    draw->AddCircleFilled(centre, radius, colour, 8);
    return;
  }
  const float half_w = (g->X1 - g->X0) * 0.5f;
  const float half_h = (g->Y1 - g->Y0) * 0.5f;
  const float scale = radius / std::max(std::min(half_w, half_h), 1.0f);
  draw->PrimReserve(6, 4);
  draw->PrimRectUV(ImVec2(centre.x - half_w * scale, centre.y - half_h * scale),
                   ImVec2(centre.x + half_w * scale, centre.y + half_h * scale), ImVec2(g->U0, g->V0),
                   ImVec2(g->U1, g->V1), colour);
}

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

// The node id of a consumer from its default client host, "/10.0.<id / 256>.<id % 256>"
// (sim/client/consumer.cc); -1 when the host was configured to something else.
std::int32_t node_from_host(const std::string& host) {
  int a = -1, b = -1, c = -1, d = -1;
  char tail = 0;
  if (std::sscanf(host.c_str(), "/%d.%d.%d.%d%c", &a, &b, &c, &d, &tail) != 4 || a != 10 || b != 0) return -1;
  if (c < 0 || d < 0 || d > 255) return -1;
  return c * 256 + d;
}

// A client in the bottom row: a producer, a consumer group member, or another node seen on the network.
struct ClientNode {
  std::int32_t id = -1;              // node id, or a negative placeholder for a member with a custom host
  std::string label;                 // shown above (producers, others) or inside (members: their number)
  const engine::GroupView* group = nullptr;
  const engine::MemberView* member = nullptr;
};

struct NodePlace {
  ImVec2 centre;
  float radius = 0;
  bool broker = false;
  ImVec2 ring_centre;  // captions go on the side away from it
};

struct ClusterLayout {
  std::map<std::int32_t, NodePlace> places;  // brokers, the controller node, clients by node id
  std::vector<ClientNode> clients;           // in the order of the bottom row
};

// The short name of a member inside its circle: "billing-2" in group "billing" -> "2".
std::string member_short_name(const engine::GroupView& g, const engine::MemberView& m) {
  const std::string& name = m.client_id.empty() ? m.member_id : m.client_id;
  if (name.size() > g.group_id.size() + 1 && name.rfind(g.group_id, 0) == 0) return name.substr(g.group_id.size() + 1);
  return name.size() <= 3 ? name : name.substr(name.size() - 2);
}

std::vector<ClientNode> list_clients(const engine::Snapshot& snap, bool separate_controller) {
  std::vector<ClientNode> clients;
  std::set<std::int32_t> seen;
  for (std::size_t i = 0; i < snap.producers.size(); ++i) {
    const auto id = static_cast<std::int32_t>(2000 + i);
    clients.push_back(ClientNode{id, snap.producers[i].client_id, nullptr, nullptr});
    seen.insert(id);
  }
  std::int32_t placeholder = -2;
  for (const auto& g : snap.groups) {
    for (const auto& m : g.members) {
      std::int32_t id = node_from_host(m.host);
      if (id < 0 || seen.count(id) > 0) id = placeholder--;
      clients.push_back(ClientNode{id, member_short_name(g, m), &g, &m});
      seen.insert(id);
    }
  }
  auto note_other = [&](std::int32_t id) {
    if (is_broker(snap, id) || (separate_controller && id == snap.controller) || seen.count(id) > 0) return;
    clients.push_back(ClientNode{id, node_label(id, snap), nullptr, nullptr});
    seen.insert(id);
  };
  std::vector<std::int32_t> others;
  for (const auto& m : snap.in_flight) {
    others.push_back(m.from);
    others.push_back(m.to);
  }
  for (const auto& c : snap.cut_links) {
    others.push_back(c.from);
    others.push_back(c.to);
  }
  std::sort(others.begin(), others.end());
  for (std::int32_t id : others) note_other(id);
  return clients;
}

ClusterLayout place_nodes(const engine::Snapshot& snap, ImVec2 origin, ImVec2 size, float em) {
  ClusterLayout layout;
  auto& places = layout.places;
  const bool separate_controller = snap.controller >= 0 && !is_broker(snap, snap.controller);
  layout.clients = list_clients(snap, separate_controller);
  // A short canvas (large text on a small screen) keeps the brokers and drops the row of clients.
  if (size.y < em * 13) layout.clients.clear();
  const float client_row_h = layout.clients.empty() ? 0.0f : em * 3.6f;
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
    // The first broker at the top; two brokers side by side, clear of the controller in the middle.
    const float start = snap.brokers.size() == 2 ? std::numbers::pi_v<float> : -std::numbers::pi_v<float> / 2;
    const float angle = start + 2 * std::numbers::pi_v<float> * static_cast<float>(i) / n;
    places[snap.brokers[i].id] = NodePlace{ImVec2(centre.x + ring_x * std::cos(angle), centre.y + ring_y * std::sin(angle)),
                                           broker_r, true, centre};
  }
  if (separate_controller) places[snap.controller] = NodePlace{centre, std::min(em * 1.1f, broker_r * 0.8f), false, centre};
  // The bottom row: one slot per client, and half a slot of space between groups.
  float slots = 0;
  for (std::size_t i = 0; i < layout.clients.size(); ++i) {
    if (i > 0 && layout.clients[i].group != layout.clients[i - 1].group) slots += 0.5f;
    slots += 1;
  }
  const float slot_w = size.x / std::max(slots, 1.0f);
  const float radius = std::clamp(slot_w * 0.4f, em * 0.4f, em * 0.62f);
  float x = origin.x;
  for (std::size_t i = 0; i < layout.clients.size(); ++i) {
    if (i > 0 && layout.clients[i].group != layout.clients[i - 1].group) x += slot_w * 0.5f;
    places[layout.clients[i].id] = NodePlace{ImVec2(x + slot_w * 0.5f, origin.y + size.y - em * 1.0f), radius, false, centre};
    x += slot_w;
  }
  return layout;
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
  const float thick = whole_px(pal.line_px * 1.6f);
  draw->AddLine(a, ImVec2(mid.x - dir.x * gap, mid.y - dir.y * gap), pal.cut_link, thick);
  draw->AddLine(ImVec2(mid.x + dir.x * gap, mid.y + dir.y * gap), b, with_alpha(pal.cut_link, 0.45f), thick);
  const float s = em * 0.35f;
  draw->AddLine(ImVec2(mid.x - s, mid.y - s), ImVec2(mid.x + s, mid.y + s), pal.cut_link, thick);
  draw->AddLine(ImVec2(mid.x - s, mid.y + s), ImVec2(mid.x + s, mid.y - s), pal.cut_link, thick);
}

void draw_broker(ImDrawList* draw, const engine::BrokerView& b, const NodePlace& place, const Palette& pal,
                 float em, bool selected) {
  const ImU32 fill = broker_colour(b, pal);
  if (b.is_controller) {
    draw->AddCircle(place.centre, place.radius + em * 0.35f, pal.controller, kBrokerSegments, whole_px(pal.line_px * 2.2f));
  }
  draw->AddCircleFilled(place.centre, place.radius, fill, kBrokerSegments);
  draw->AddCircle(place.centre, place.radius, selected ? pal.text : with_alpha(pal.text, 0.5f), kBrokerSegments,
                  whole_px(selected ? pal.line_px * 2 : pal.line_px));
  const std::string id = fmt::format("B{}", b.id);
  const ImVec2 id_size = ImGui::CalcTextSize(id.c_str());
  draw->AddText(ImVec2(place.centre.x - id_size.x * 0.5f, place.centre.y - id_size.y * 0.5f), contrast_text(fill),
                id.c_str());
  if (b.status == engine::NodeStatus::kDown) {
    const float s = place.radius * 0.8f;
    draw->AddLine(ImVec2(place.centre.x - s, place.centre.y - s), ImVec2(place.centre.x + s, place.centre.y + s),
                  with_alpha(pal.text, 0.8f), whole_px(pal.line_px * 1.5f));
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

void dashed_line(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float thickness, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  const int n = std::max(1, static_cast<int>(len / dash));
  for (int i = 0; i < n; i += 2) {
    const float f0 = static_cast<float>(i) / static_cast<float>(n);
    const float f1 = std::min(1.0f, static_cast<float>(i + 1) / static_cast<float>(n));
    draw->AddLine(ImVec2(a.x + (b.x - a.x) * f0, a.y + (b.y - a.y) * f0), ImVec2(a.x + (b.x - a.x) * f1, a.y + (b.y - a.y) * f1),
                  colour, whole_px(thickness));
  }
}

// A label's left edge moved so that a label `width` wide stays inside the canvas (the clip rectangle).
float inside_x(ImDrawList* draw, float x, float width) {
  return std::max(draw->GetClipRectMin().x + 2, std::min(x, draw->GetClipRectMax().x - width - 2));
}

// The brokers a member fetches from: the leaders of its assigned partitions.
std::set<std::int32_t> fetch_leaders(const engine::MemberView& m, const std::map<std::string, std::int32_t>& leaders) {
  std::set<std::int32_t> out;
  for (const auto& tp : m.assigned) {
    const auto it = leaders.find(tp);
    if (it != leaders.end() && it->second >= 0) out.insert(it->second);
  }
  return out;
}

// The client under the mouse, if any.
const ClientNode* client_at(const ClusterLayout& layout, ImVec2 mouse) {
  for (const ClientNode& c : layout.clients) {
    const NodePlace& place = layout.places.at(c.id);
    if (std::hypot(mouse.x - place.centre.x, mouse.y - place.centre.y) <= place.radius + 2) return &c;
  }
  return nullptr;
}

// Producers, consumer group members (in their group's colour, numbered inside, the group's name above,
// a dashed line to the group coordinator; the member under the mouse also shows lines to the leaders it
// fetches from - drawn for every member they cost a quarter of the frame under llvmpipe and hide the
// ring) and other nodes seen on the network. Returns the client under the mouse, if any.
const ClientNode* draw_clients(ImDrawList* draw, const engine::Snapshot& snap, const ClusterLayout& layout,
                               const GroupColours& colours, const Palette& pal, float em) {
  const auto& places = layout.places;
  const ClientNode* hovered = client_at(layout, ImGui::GetIO().MousePos);
  if (hovered != nullptr && hovered->member != nullptr) {
    std::map<std::string, std::int32_t> leaders;
    for (const auto& p : snap.partitions) leaders[fmt::format("{}-{}", p.topic, p.partition)] = p.leader;
    const ImVec2 at = places.at(hovered->id).centre;
    for (std::int32_t b : fetch_leaders(*hovered->member, leaders)) {
      if (const auto it = places.find(b); it != places.end()) {
        draw->AddLine(at, it->second.centre, with_alpha(colours.of(hovered->group->group_id, pal), 0.6f), whole_px(pal.line_px));
      }
    }
  }
  for (const ClientNode& c : layout.clients) {
    if (c.member == nullptr || !c.member->alive) continue;
    if (const auto it = places.find(c.group->coordinator); it != places.end()) {
      dashed_line(draw, places.at(c.id).centre, it->second.centre, with_alpha(colours.of(c.group->group_id, pal), 0.8f),
                  pal.line_px, em * 0.8f);
    }
  }
  int label_row = 0;
  for (std::size_t i = 0; i < layout.clients.size(); ++i) {
    const ClientNode& c = layout.clients[i];
    const NodePlace& place = places.at(c.id);
    const bool first_of_group = c.group != nullptr && (i == 0 || layout.clients[i - 1].group != c.group);
    if (c.member != nullptr) {
      const ImU32 fill = c.member->alive ? colours.of(c.group->group_id, pal) : pal.offline;
      draw->AddCircleFilled(place.centre, place.radius, fill, kClientSegments);
      const ImVec2 ts = ImGui::CalcTextSize(c.label.c_str());
      const float scale = std::min(1.0f, place.radius * 1.8f / std::max(ts.x, 1.0f));
      const float px = ImGui::GetFontSize() * std::max(scale, 0.6f);
      draw->AddText(ImGui::GetFont(), px, ImVec2(place.centre.x - ts.x * px / ImGui::GetFontSize() * 0.5f, place.centre.y - px * 0.5f),
                    contrast_text(fill), c.label.c_str());
      if (first_of_group) {
        std::size_t last = i;
        while (last + 1 < layout.clients.size() && layout.clients[last + 1].group == c.group) ++last;
        const float mid = (place.centre.x + places.at(layout.clients[last].id).centre.x) * 0.5f;
        const std::string& name = c.group->group_id;
        const ImVec2 ns = ImGui::CalcTextSize(name.c_str());
        draw->AddText(ImVec2(inside_x(draw, mid - ns.x * 0.5f, ns.x), place.centre.y - place.radius - ns.y * 1.1f),
                      colours.of(name, pal), name.c_str());
      }
    } else {
      draw->AddCircleFilled(place.centre, place.radius, pal.text_dim, kClientSegments);
      const ImVec2 ls = ImGui::CalcTextSize(c.label.c_str());
      // Every other label goes a line higher so neighbours do not collide.
      const float y = place.centre.y - place.radius - ls.y * static_cast<float>(1 + label_row++ % 2);
      draw->AddText(ImVec2(inside_x(draw, place.centre.x - ls.x * 0.5f, ls.x), y), pal.text_dim, c.label.c_str());
    }
  }
  return hovered;
}

void client_tooltip(const ClientNode& c, const engine::Snapshot& snap) {
  ImGui::BeginTooltip();
  if (c.member != nullptr) {
    const engine::MemberView& m = *c.member;
    ImGui::Text("%s, member of group %s%s", m.client_id.c_str(), c.group->group_id.c_str(),
                m.member_id == c.group->leader_member ? " (group leader)" : "");
    ImGui::Text("member id %s, host %s", m.member_id.c_str(), m.host.c_str());
    ImGui::Text("group coordinator B%d (dashed line)", c.group->coordinator);
    std::map<std::string, std::int32_t> leaders;
    for (const auto& p : snap.partitions) leaders[fmt::format("{}-{}", p.topic, p.partition)] = p.leader;
    const auto from = fetch_leaders(m, leaders);
    ImGui::Text("fetches from %s (the lines)", from.empty() ? "nobody" : fmt::format("B{}", fmt::join(from, ", B")).c_str());
    ImGui::TextWrapped("assigned: %s", m.assigned.empty() ? "nothing" : fmt::format("{}", fmt::join(m.assigned, ", ")).c_str());
    ImGui::TextDisabled("right-click to kill it");
  } else {
    ImGui::Text("%s (node %d)", c.label.c_str(), c.id);
    for (const auto& p : snap.producers) {
      if (p.client_id == c.label) ImGui::Text("producer to %s, acks=%s", p.topic.c_str(), p.acks.c_str());
    }
  }
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
  std::optional<SmoothSampling> smooth(std::in_place, state);  // links, circles and dashes at every angle
  draw->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  const ClusterLayout layout = place_nodes(snap, origin, size, em);
  const auto& places = layout.places;
  const GroupColours colours(snap);

  for (std::size_t i = 0; i < snap.brokers.size(); ++i) {
    for (std::size_t j = i + 1; j < snap.brokers.size(); ++j) {
      draw->AddLine(places.at(snap.brokers[i].id).centre, places.at(snap.brokers[j].id).centre, pal.link, whole_px(pal.line_px));
    }
  }
  const ClientNode* hovered_client = draw_clients(draw, snap, layout, colours, pal, em);
  if (const auto c = places.find(snap.controller); c != places.end() && !c->second.broker) {
    for (const auto& b : snap.brokers) {
      draw->AddLine(c->second.centre, places.at(b.id).centre, with_alpha(pal.controller, 0.25f), whole_px(pal.line_px));
    }
    draw->AddCircleFilled(c->second.centre, c->second.radius, pal.controller, kBrokerSegments);
    const ImVec2 ls = ImGui::CalcTextSize("controller");
    const ImVec2 at(c->second.centre.x - ls.x * 0.5f, c->second.centre.y + c->second.radius + 2);
    draw->AddRectFilled(ImVec2(at.x - 3, at.y), ImVec2(at.x + ls.x + 3, at.y + ls.y), with_alpha(pal.canvas_bg, 0.85f), 3.0f);
    draw->AddText(at, pal.controller, "controller");
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
    draw_dot(draw, p, dot_r, message_colour(m.name, pal));
    if (std::hypot(mouse.x - p.x, mouse.y - p.y) < dot_r * 2) hovered_msg = &m;
  }
  const engine::BrokerView* hovered_broker = nullptr;
  for (const auto& b : snap.brokers) {
    const NodePlace& place = places.at(b.id);
    draw_broker(draw, b, place, pal, em, b.id == state.selected_broker);
    if (std::hypot(mouse.x - place.centre.x, mouse.y - place.centre.y) <= place.radius + em * 0.3f) hovered_broker = &b;
  }
  draw->PopClipRect();
  smooth.reset();  // before the tooltips and menus (other windows)

  if (ImGui::IsItemHovered()) {
    if (hovered_broker != nullptr) {
      broker_tooltip(*hovered_broker);
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) || ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        state.selected_broker = hovered_broker->id;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Right)) ImGui::OpenPopup(kBrokerPopup);
      }
    } else if (hovered_client != nullptr) {
      client_tooltip(*hovered_client, snap);
      if (hovered_client->member != nullptr && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        state.selected_group = hovered_client->group->group_id;
        state.selected_member = hovered_client->member->member_id;
        ImGui::OpenPopup(kMemberPopup);
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
  if (ImGui::BeginPopup(kMemberPopup)) {
    for (const auto& g : snap.groups) {
      for (const auto& m : g.members) {
        if (g.group_id == state.selected_group && m.member_id == state.selected_member) member_fault_items(g.group_id, m, state);
      }
    }
    ImGui::EndPopup();
  }
}

}  // namespace kafkasim::gui
