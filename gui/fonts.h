#pragma once
// Fonts: DejaVu Sans for the interface and DejaVu Sans Mono for numbers and logs (Debian's
// fonts-dejavu-core), loaded from the system at any size; never ImGui's built-in bitmap font unless no
// TrueType font exists at all (then a warning is printed). Glyph ranges cover Latin-1, punctuation,
// arrows, math operators and the geometric shapes the panels use (play, star, triangles).
#include <string>

#include <imgui.h>

namespace kafkasim::gui {

struct FontPaths {
  std::string sans;  // "" when not found
  std::string mono;
};

// Searches `font_dir`, $KAFKASIM_FONTS, <source>/assets/fonts, then the usual system folders.
FontPaths find_fonts(const std::string& font_dir);
// Clears io.Fonts and adds the UI font (the default font) and the mono font at `size_px`.
// Returns the mono font (the UI font when there is no mono font). The caller rebuilds the texture.
ImFont* load_fonts(ImGuiIO& io, const FontPaths& paths, float size_px);
// The default text size for a window of `height_px` lines: about 20 px at 1080 lines.
float default_font_size_px(int height_px);

}  // namespace kafkasim::gui
