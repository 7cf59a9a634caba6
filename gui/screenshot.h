#pragma once
// Reads the current OpenGL back buffer (call before glfwSwapBuffers) and writes it as an RGB PNG, rows
// flipped to top-down, with stb_image_write (libstb). Host I/O: failure is a message, not a crash.
#include <string>

namespace kafkasim::gui {

bool write_back_buffer_png(const std::string& path, int width_px, int height_px, std::string& error);

}  // namespace kafkasim::gui
