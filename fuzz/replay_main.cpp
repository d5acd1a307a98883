// Runs a libFuzzer target without libFuzzer, for g++ builds and `make test`
// (docs/reliability.md "Fuzzing"): every file of the corpus given, then
// random mutations of those inputs until the time is up, reproducibly from
// a fixed seed. Not coverage-guided (that is `make fuzz`, with clang): it
// replays what the long runs found and shakes it for a few seconds, under
// ASan/UBSan in the sanitizer build.
//
// Usage: <target>_replay [--seconds=N] [--seed=S] CORPUS_DIR_OR_FILE...
// A crash leaves the input that caused it in ./fuzz-crash.bin.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const std::string* current = nullptr;

// Async-signal-safe: open and write only.
void save_current() {
    if (!current) return;
    int fd = ::open("fuzz-crash.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    size_t done = 0;
    while (done < current->size()) {
        ssize_t n = ::write(fd, current->data() + done, current->size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
}

void on_fatal_signal(int sig) {
    save_current();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

// The sanitizers' death callback (weak: absent without them).
extern "C" void __sanitizer_set_death_callback(void (*)()) __attribute__((weak));

namespace {

void run_one(const std::string& input) {
    current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    current = nullptr;
}

void load(const std::filesystem::path& p, std::vector<std::string>& out) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());  // the same order on every machine
        for (const auto& f : files) load(f, out);
        return;
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
        std::exit(2);
    }
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One to eight of libFuzzer's basic mutations: flip a bit, set a byte to an
// interesting value, insert or erase bytes, repeat a piece, splice in a
// piece of another input.
std::string mutate(const std::vector<std::string>& pool, std::mt19937_64& rng) {
    auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
    std::string s = pool.empty() ? std::string() : pool[pick(pool.size())];
    static const char kInteresting[] = {0,    1,   '\x7f', '\x80', '\xff', '/', '.', '%',
                                        '\\', '"', '\r',   '\n',   '-',    '=', ';', ','};
    const int steps = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < steps; ++i) {
        switch (rng() % 6) {
            case 0:
                if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
                break;
            case 1:
                if (!s.empty()) s[pick(s.size())] = kInteresting[pick(sizeof kInteresting)];
                break;
            case 2:
                s.insert(pick(s.size() + 1), std::string(1 + pick(8), static_cast<char>(rng())));
                break;
            case 3:
                if (!s.empty()) {
                    size_t at = pick(s.size());
                    s.erase(at, 1 + pick(std::min<size_t>(16, s.size() - at)));
                }
                break;
            case 4:
                if (!s.empty() && s.size() < (1u << 16)) {
                    size_t at = pick(s.size());
                    std::string piece = s.substr(at, 1 + pick(32));
                    s.insert(pick(s.size() + 1), piece);
                }
                break;
            default:
                if (!pool.empty()) {
                    const std::string& other = pool[pick(pool.size())];
                    if (!other.empty()) {
                        size_t at = pick(other.size());
                        s.insert(pick(s.size() + 1), other.substr(at, 1 + pick(64)));
                    }
                }
        }
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 0;
    uint64_t seed = 1;
    std::vector<std::string> corpus;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--seconds=", 0) == 0)
            seconds = std::stod(a.substr(10));
        else if (a.rfind("--seed=", 0) == 0)
            seed = std::stoull(a.substr(7));
        else
            load(a, corpus);
    }
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(save_current);

    for (const auto& input : corpus) run_one(input);
    std::mt19937_64 rng(seed);
    size_t mutations = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        for (int i = 0; i < 64; ++i, ++mutations) run_one(mutate(corpus, rng));
    }
    std::printf("replay: %zu corpus inputs, %zu mutations (seed %llu), no crash\n", corpus.size(),
                mutations, static_cast<unsigned long long>(seed));
    return 0;
}
