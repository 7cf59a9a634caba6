#include "gui/screenshot.h"

#include <cstring>
#include <vector>

#include <GL/gl.h>
#include <stb_image_write.h>

namespace kafkasim::gui {

bool write_back_buffer_png(const std::string& path, int width_px, int height_px, std::string& error) {
  if (width_px <= 0 || height_px <= 0) {
    error = "empty framebuffer";
    return false;
  }
  const auto stride = static_cast<std::size_t>(width_px) * 3;
  std::vector<unsigned char> pixels(stride * static_cast<std::size_t>(height_px));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width_px, height_px, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height_px; ++y) {
    std::memcpy(&flipped[static_cast<std::size_t>(y) * stride],
                &pixels[static_cast<std::size_t>(height_px - 1 - y) * stride], stride);
  }
  if (stbi_write_png(path.c_str(), width_px, height_px, 3, flipped.data(), static_cast<int>(stride)) == 0) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace kafkasim::gui
