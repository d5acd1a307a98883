#include "drivers/qr_svg.h"

#include <qrencode.h>

#include <memory>

namespace wsp {

Result<std::string> qr_svg(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) return internal("QR encoding failed");
    const int width = code->width;
    constexpr int kQuiet = 4;
    const int size = width + 2 * kQuiet;
    std::string path;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each module: dark.
            if ((code->data[y * width + x] & 1) == 0) continue;
            // Appended piece by piece: GCC 12's -Wrestrict misfires on a
            // chain of string temporaries at -O3.
            path += 'M';
            path += std::to_string(x + kQuiet);
            path += ' ';
            path += std::to_string(y + kQuiet);
            path += "h1v1h-1z";
        }
    }
    const std::string dim = std::to_string(size);
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
    svg += dim;
    svg += ' ';
    svg += dim;
    svg += "\" shape-rendering=\"crispEdges\"><rect width=\"";
    svg += dim;
    svg += "\" height=\"";
    svg += dim;
    svg += "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    svg += path;
    svg += "\"/></svg>";
    return svg;
}

}  // namespace wsp
