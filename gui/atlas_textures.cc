#include "gui/atlas_textures.h"

#include <GLFW/glfw3.h>  // GL 1.1 entry points (glGenTextures, glTexImage2D, ...)

namespace kafkasim::gui {
namespace {

GLuint gl_name(ImTextureID id) { return static_cast<GLuint>(reinterpret_cast<std::intptr_t>(id)); }

void set_filter(GLint filter) {
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
}

}  // namespace

AtlasTextures::~AtlasTextures() {
  if (smooth_ != 0) {
    const GLuint name = smooth_;
    glDeleteTextures(1, &name);
  }
}

void AtlasTextures::update() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (atlas->TexID == nullptr || atlas->TexID == seen_) return;
  seen_ = atlas->TexID;
  GLint bound = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &bound);
  glBindTexture(GL_TEXTURE_2D, gl_name(atlas->TexID));
  set_filter(GL_NEAREST);
  unsigned char* pixels = nullptr;
  int width = 0;
  int height = 0;
  atlas->GetTexDataAsRGBA32(&pixels, &width, &height);  // what the backend uploaded
  GLuint name = smooth_;
  if (name == 0) glGenTextures(1, &name);
  smooth_ = name;
  glBindTexture(GL_TEXTURE_2D, name);
  set_filter(GL_LINEAR);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(bound));
}

ImTextureID AtlasTextures::smooth() const {
  return smooth_ == 0 ? nullptr : reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(smooth_));
}

}  // namespace kafkasim::gui
