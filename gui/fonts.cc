#include "gui/fonts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace kafkasim::gui {
namespace {

// Latin-1, general punctuation, arrows, math operators, box drawing + geometric shapes, dingbats.
const ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x2000, 0x206F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                0x2500, 0x25FF, 0x2600, 0x26FF, 0x2700, 0x27BF, 0};

std::string first_existing(const std::vector<std::string>& dirs, const char* file) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::path(dir) / file;
    if (std::filesystem::is_regular_file(path, ec)) return path.string();
  }
  return "";
}

}  // namespace

FontPaths find_fonts(const std::string& font_dir) {
  std::vector<std::string> dirs;
  if (!font_dir.empty()) dirs.push_back(font_dir);
  if (const char* env = std::getenv("KAFKASIM_FONTS")) dirs.emplace_back(env);
#ifdef KAFKASIM_SOURCE_DIR
  dirs.emplace_back(std::string(KAFKASIM_SOURCE_DIR) + "/assets/fonts");
#endif
  for (const char* dir : {"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu",
                          "/usr/share/fonts/truetype", "/usr/local/share/fonts", "/usr/share/fonts/dejavu-sans-fonts",
                          "/usr/share/fonts/dejavu-sans-mono-fonts"}) {
    dirs.emplace_back(dir);
  }
  return FontPaths{first_existing(dirs, "DejaVuSans.ttf"), first_existing(dirs, "DejaVuSansMono.ttf")};
}

ImFont* load_fonts(ImGuiIO& io, const FontPaths& paths, float size_px) {
  io.Fonts->Clear();
  ImFontConfig config;
  // Rasterized at the drawn size with whole-pixel advances, so a glyph's texels map 1:1 onto pixels
  // and the atlas can be sampled nearest (gui/atlas_textures.h).
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  ImFont* sans = nullptr;
  if (!paths.sans.empty()) sans = io.Fonts->AddFontFromFileTTF(paths.sans.c_str(), size_px, &config, kGlyphRanges);
  if (sans == nullptr) {
    std::fprintf(stderr, "kafkasim-gui: warning: DejaVuSans.ttf not found (install fonts-dejavu-core); "
                         "using ImGui's bitmap font\n");
    ImFontConfig fallback;
    fallback.SizePixels = std::round(size_px);
    sans = io.Fonts->AddFontDefault(&fallback);
  }
  ImFont* mono = nullptr;
  if (!paths.mono.empty()) mono = io.Fonts->AddFontFromFileTTF(paths.mono.c_str(), size_px, &config, kGlyphRanges);
  io.FontDefault = sans;
  return mono != nullptr ? mono : sans;
}

float default_font_size_px(int height_px) {
  return std::clamp(std::round(static_cast<float>(height_px) / 54.0f), 13.0f, 32.0f);
}

}  // namespace kafkasim::gui
