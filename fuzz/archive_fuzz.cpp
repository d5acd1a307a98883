// libFuzzer target for archive extraction into a home: the first byte picks
// the format (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst), the rest is the
// archive. Whatever it holds, extraction stays inside the destination: the
// canary beside the home is untouched, nothing new appears next to it, and
// no symlink left in the destination points out of it.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "drivers/fs/archive.h"

namespace {

namespace stdfs = std::filesystem;

const char* const kNames[] = {"in.zip",     "in.tar",    "in.tar.gz",
                              "in.tar.bz2", "in.tar.xz", "in.tar.zst"};
constexpr const char* kCanary = "canary: must never change";

// A directory holding `home/` and `canary`, made once per process.
const stdfs::path& root() {
    static const stdfs::path dir = [] {
        // tmpfs when there is one (writes cost nothing), else the temp dir.
        const stdfs::path base = ::access("/dev/shm", W_OK) == 0 ? stdfs::path("/dev/shm")
                                                                 : stdfs::temp_directory_path();
        stdfs::path d = base / ("wsp-archive-fuzz-" + std::to_string(getpid()));
        stdfs::create_directories(d / "home");
        std::ofstream(d / "canary") << kCanary;
        // Removed at exit through a copy that outlives the statics (the
        // handler runs after `dir` itself is destroyed).
        static const auto* made = new stdfs::path(d);
        std::atexit([] {
            std::error_code ec;
            stdfs::remove_all(*made, ec);
        });
        return d;
    }();
    return dir;
}

bool canary_intact() {
    std::ifstream in(root() / "canary");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : stdfs::directory_iterator(root())) ++entries;
    return s == kCanary && entries == 2;
}

// Every symlink under `dir` resolves (lexically) inside `dir`.
bool links_stay_inside(const stdfs::path& dir) {
    std::error_code ec;
    const std::string base = dir.lexically_normal().string() + "/";
    for (auto it = stdfs::recursive_directory_iterator(dir, ec);
         !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_symlink()) continue;
        stdfs::path target = stdfs::read_symlink(it->path(), ec);
        if (ec || target.is_absolute()) return false;
        const std::string resolved =
            (it->path().parent_path() / target).lexically_normal().string() + "/";
        if (resolved.rfind(base, 0) != 0) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const stdfs::path home = root() / "home";
    const std::string name = kNames[data[0] % 6];
    {
        std::ofstream out(home / name, std::ios::binary);
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    }
    auto files = wsp::fs::ConfinedFs::open(home.string());
    if (!files) __builtin_trap();
    const wsp::fs::ExtractLimits limits{.max_bytes = 8 << 20, .max_entries = 200, .max_ratio = 200};
    (void)wsp::fs::extract(*files, name, "out", wsp::fs::Overwrite::yes, limits);
    if (!canary_intact()) __builtin_trap();
    if (stdfs::exists(home / "out") && !links_stay_inside(home / "out")) __builtin_trap();
    // Next input starts from an empty home.
    for (const auto& e : stdfs::directory_iterator(home)) stdfs::remove_all(e.path());
    return 0;
}
