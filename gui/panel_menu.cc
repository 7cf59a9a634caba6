// The main menu bar: File (lesson library, open a scenario or recording, save the session, quit), View (windows, font
// size, theme), Faults (every fault by name, for when right-clicking is awkward), Help (keys).
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/panels.h"
#include "gui/widgets.h"

namespace kafkasim::gui {
namespace {

constexpr const char* kOpenPopup = "Open scenario or recording";
constexpr const char* kSavePopup = "Save session as";

void request_file(GuiState& state, ActionKind kind, const std::string& path) {
  Action action;
  action.kind = kind;
  action.path = path;
  state.push(std::move(action));
}

void request_open(GuiState& state, const std::string& path) { request_file(state, ActionKind::kOpenScenario, path); }

void file_menu(GuiState& state, const char*& popup) {
  if (!ImGui::BeginMenu("File")) return;
  if (ImGui::BeginMenu("Lessons")) {
    if (state.lessons.empty()) ImGui::TextDisabled("no scenarios found (set KAFKASIM_SCENARIOS)");
    for (const auto& lesson : state.lessons) {
      if (ImGui::MenuItem(lesson.name.c_str(), lesson.file_name.c_str())) request_open(state, lesson.path);
    }
    ImGui::EndMenu();
  }
  if (ImGui::MenuItem("Open scenario or recording...")) popup = kOpenPopup;
  if (ImGui::MenuItem("Save session as...")) popup = kSavePopup;
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("a recording of this run: the scenario, the seed and every command you applied\n"
                      "(replay it with kafkasim-gui FILE or kafkasim run FILE)");
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Quit")) {
    Action quit;
    quit.kind = ActionKind::kQuit;
    state.push(std::move(quit));
  }
  ImGui::EndMenu();
}

void view_menu(GuiState& state) {
  if (!ImGui::BeginMenu("View")) return;
  ImGui::MenuItem("Time control", nullptr, &state.open.time);
  ImGui::MenuItem("Cluster", nullptr, &state.open.cluster);
  ImGui::MenuItem("Partitions", nullptr, &state.open.partitions);
  ImGui::MenuItem("Consumer groups", nullptr, &state.open.groups);
  ImGui::MenuItem("Producers", nullptr, &state.open.producers);
  ImGui::MenuItem("Delivery", nullptr, &state.open.delivery);
  ImGui::MenuItem("Event log", nullptr, &state.open.events);
  ImGui::Separator();
  const std::string size = fmt::format("Font size: {:.0f} px", state.font_size_px);
  ImGui::TextDisabled("%s", size.c_str());
  if (ImGui::MenuItem("Larger text", "Ctrl+=")) state.set_font_size(state.font_size_px + 2);
  if (ImGui::MenuItem("Smaller text", "Ctrl+-")) state.set_font_size(state.font_size_px - 2);
  ImGui::Separator();
  for (ThemeKind kind : {ThemeKind::kDark, ThemeKind::kLight, ThemeKind::kHighContrast}) {
    const std::string label = fmt::format("Theme: {}", theme_name(kind));
    if (ImGui::MenuItem(label.c_str(), nullptr, state.theme == kind)) state.set_theme(kind);
  }
  ImGui::EndMenu();
}

void faults_menu(const engine::Snapshot& snap, GuiState& state) {
  if (!ImGui::BeginMenu("Faults")) return;
  for (const auto& broker : snap.brokers) {
    const std::string label = fmt::format("Broker {} ({})", broker.id, broker_state_label(broker));
    if (ImGui::BeginMenu(label.c_str())) {
      broker_fault_items(broker, state);
      ImGui::EndMenu();
    }
  }
  ImGui::Separator();
  if (ImGui::BeginMenu("Network")) {
    network_fault_items(snap, state);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Consumers")) {
    for (const auto& group : snap.groups) {
      ImGui::TextDisabled("group %s", group.group_id.c_str());
      for (const auto& member : group.members) member_fault_items(group.group_id, member, state);
      const std::string add = fmt::format("Add a consumer to {}", group.group_id);
      if (ImGui::MenuItem(add.c_str())) {
        engine::Command c;
        c.kind = engine::CommandKind::kAddConsumer;
        c.group = group.group_id;
        state.push_command(c);
      }
      ImGui::Separator();
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Producers")) {
    for (const auto& producer : snap.producers) {
      engine::Command c;
      c.client_id = producer.client_id;
      c.kind = producer.running ? engine::CommandKind::kStopProducer : engine::CommandKind::kStartProducer;
      const std::string label = fmt::format("{} {}", producer.running ? "Stop" : "Start", producer.client_id);
      if (ImGui::MenuItem(label.c_str())) state.push_command(c);
    }
    ImGui::EndMenu();
  }
  ImGui::EndMenu();
}

void help_menu() {
  if (!ImGui::BeginMenu("Help")) return;
  ImGui::TextUnformatted("Space         play / pause");
  ImGui::TextUnformatted("Right         step one event");
  ImGui::TextUnformatted("Shift+Right   step to the next notable event");
  ImGui::TextUnformatted("Ctrl+= / Ctrl+-   larger / smaller text");
  ImGui::TextUnformatted("Right-click a broker or a consumer for faults");
  ImGui::TextUnformatted("Click the timeline, an event or an anomaly to seek");
  ImGui::EndMenu();
}

// A modal asking for a path; `button` requests `kind` with it.
void path_popup(const char* title, const char* prompt, const char* button, ActionKind kind, std::string& input,
                GuiState& state) {
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 36, 0));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  ImGui::TextUnformatted(prompt);
  ImGui::SetNextItemWidth(-1);
  const bool entered = ImGui::InputText("##path", &input, ImGuiInputTextFlags_EnterReturnsTrue);
  if ((ImGui::Button(button) || entered) && !input.empty()) {
    request_file(state, kind, input);
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace

void draw_main_menu(const engine::Snapshot& snap, GuiState& state) {
  const char* popup = nullptr;
  // The bar's window would fill its background under the bar's own fill: the frame is cleared with
  // the window colour already (one full-width fill less for a software rasterizer).
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
  const bool bar = ImGui::BeginMainMenuBar();
  ImGui::PopStyleColor();
  if (bar) {
    file_menu(state, popup);
    view_menu(state);
    faults_menu(snap, state);
    help_menu();
    const std::string title = fmt::format("{}   seed {}", snap.scenario_name, snap.seed);
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::TextUnformatted(title.c_str());
    if (!state.driver_failure.empty()) {
      ImGui::SameLine(0, ImGui::GetFontSize() * 2);
      text_coloured(state.palette.bad, "the simulation stopped: %s", state.driver_failure.c_str());
    } else if (!state.status_line.empty()) {
      ImGui::SameLine(0, ImGui::GetFontSize() * 2);
      text_coloured(state.palette.warn, "%s", state.status_line.c_str());
    }
    ImGui::EndMainMenuBar();
  }
  if (popup != nullptr) ImGui::OpenPopup(popup);
  path_popup(kOpenPopup, "Path of a scenario (.yaml) or a recording (.sqlite):", "Open", ActionKind::kOpenScenario,
             state.open_path_input, state);
  path_popup(kSavePopup, "Save this session (scenario, seed and your commands) as a recording:", "Save",
             ActionKind::kSaveSession, state.save_path_input, state);
}

}  // namespace kafkasim::gui
