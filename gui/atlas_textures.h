#pragma once
// AtlasTextures: the font atlas as two OpenGL textures. The backend's texture (io.Fonts->TexID) is
// switched to nearest sampling: every glyph is rasterized at the size it is drawn and pixel-snapped
// (gui/fonts.cc), so each texel lands on one pixel and the text looks the same as with linear
// sampling, while Mesa's software rasterizer (llvmpipe, what a classroom PC without a GPU and
// Xvfb use) fetches one texel per pixel instead of four. A linear twin with the same pixels serves the
// drawings whose anti-aliasing ImGui samples between texels: lines at any angle and circle outlines
// (ImDrawListFlags_AntiAliasedLinesUseTex), in the cluster view and the lag plots (SmoothSampling in
// gui/widgets.h selects it).
//
// Lifecycle: one per window, after the OpenGL3 backend is initialised; update() every frame after
// ImGui_ImplOpenGL3_NewFrame() (which creates the font texture, again after a font size change);
// destroy before the GL context.
#include <cstdint>

#include <imgui.h>

namespace kafkasim::gui {

class AtlasTextures {
 public:
  AtlasTextures() = default;
  AtlasTextures(const AtlasTextures&) = delete;
  AtlasTextures& operator=(const AtlasTextures&) = delete;
  ~AtlasTextures();

  // Follows the backend's font texture: on a new one, sets it to nearest and rebuilds the twin.
  void update();
  // The linear twin (nullptr before the first update).
  ImTextureID smooth() const;

 private:
  ImTextureID seen_ = nullptr;   // the backend texture handled last
  std::uint32_t smooth_ = 0;     // GL name of the twin; 0: none
};

}  // namespace kafkasim::gui
