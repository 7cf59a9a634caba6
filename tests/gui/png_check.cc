// png_check (test only): fails when a screenshot is blank. Counts the pixels that differ from the
// top-left (background) pixel and requires at least --min-percent of them (default 5%).
//   png_check shot.png [min-percent]
#include <cstdio>
#include <cstdlib>
#include <cstdlib>

#include <stb_image.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: png_check FILE.png [min-percent]\n");
    return 2;
  }
  const double min_percent = argc > 2 ? std::atof(argv[2]) : 5.0;
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &w, &h, &channels, 3);
  if (pixels == nullptr) {
    std::fprintf(stderr, "png_check: cannot read %s\n", argv[1]);
    return 2;
  }
  long differing = 0;
  for (long i = 0; i < static_cast<long>(w) * h; ++i) {
    for (int c = 0; c < 3; ++c) {
      if (pixels[i * 3 + c] != pixels[c]) {
        ++differing;
        break;
      }
    }
  }
  stbi_image_free(pixels);
  const double percent = 100.0 * static_cast<double>(differing) / (static_cast<double>(w) * h);
  std::printf("png_check: %s %dx%d, %.1f%% non-background pixels (need %.1f%%)\n", argv[1], w, h, percent, min_percent);
  return percent >= min_percent ? 0 : 1;
}
