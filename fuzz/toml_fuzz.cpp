// libFuzzer target for the configuration file: any bytes either load as a
// configuration or fail with a message; never a crash or an exception
// escaping. The input is handed over as a memfd (load_config takes a path).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    int fd = ::memfd_create("wsp-toml-fuzz", 0);
    if (fd < 0) return 0;
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    auto config = wsp::load_config("/proc/self/fd/" + std::to_string(fd));
    if (!config && config.error().message.empty()) __builtin_trap();
    ::close(fd);
    return 0;
}
