#include "drivers/mariadb_io.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <regex>
#include <vector>

#include "base/secrets.h"

namespace wsp {
namespace {

constexpr size_t kBlock = 256 * 1024;

std::vector<std::string> login_args(const std::string& program,
                                    const std::filesystem::path& defaults) {
    // --defaults-file must come first; it names the socket or host too.
    return {program, "--defaults-file=" + defaults.string()};
}

// mariadb's "ERROR 1064 (42000) at line 3: You have an error ..." as
// "SQL error at line 3: You have an error ...".
Error client_error(const ProcessResult& r) {
    static const std::regex at_line(
        R"(ERROR(?: \d+ \([0-9A-Z]+\))? at line (\d+)(?: in file: '[^']*')?: ([^\n]*))");
    std::smatch m;
    if (std::regex_search(r.output, m, at_line))
        return validation("SQL error at line " + m[1].str() + ": " + m[2].str());
    std::string tail = r.output;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    if (tail.empty()) tail = "exit status " + std::to_string(r.exit_code);
    return internal("mariadb client failed: " + tail);
}

Result<void> write_fully(int fd, const char* data, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return internal("write to the mariadb client failed");
        data += w;
        n -= static_cast<size_t>(w);
    }
    return Ok{};
}

}  // namespace

// ---- the defaults file ------------------------------------------------------

Result<ClientDefaults> ClientDefaults::write(const std::filesystem::path& dir,
                                             const MariadbTools& tools, const std::string& user,
                                             const std::string& password) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return internal("cannot create " + dir.string() + ": " + ec.message());
    std::string text = "[client]\nuser=" + user + "\npassword=" + password + "\n";
    if (!tools.socket.empty())
        text += "socket=" + tools.socket + "\n";
    else {
        text += "host=" + tools.host + "\nport=" + std::to_string(tools.port) + "\nprotocol=tcp\n";
        // Encrypted like the panel's own connection to that host (the
        // certificate is not verified: MYSQL_OPT_SSL_ENFORCE alike).
        if (tools.tls) text += "ssl\n";
    }
    auto path = dir / ("client-" + random_hex(8) + ".cnf");
    CHECK_OK(write_file_atomic(path, text, 0600));
    return ClientDefaults(std::move(path));
}

ClientDefaults::~ClientDefaults() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

// ---- dump ------------------------------------------------------------------

Result<std::unique_ptr<SqlDump>> SqlDump::start(const MariadbTools& tools,
                                                const std::filesystem::path& defaults,
                                                const std::string& database, int out_fd) {
    auto argv = login_args(tools.dump, defaults);
    for (const char* a : {"--single-transaction", "--quick", "--routines", "--events", "--triggers",
                          "--hex-blob", "--no-tablespaces", "--skip-dump-date"})
        argv.emplace_back(a);
    argv.push_back("--");
    argv.push_back(database);
    UniqueFd read_end;
    UniqueFd write_end;
    if (out_fd < 0) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) return internal("pipe failed");
        read_end = UniqueFd(p[0]);
        write_end = UniqueFd(p[1]);
        out_fd = write_end.get();
    }
    ProcessOptions o;
    o.max_output = 16 * 1024;
    TRY(Child child, Child::start(argv, o, -1, out_fd));
    write_end.reset();  // the child holds the only write end: EOF when it ends
    return std::unique_ptr<SqlDump>(new SqlDump(std::move(child), std::move(read_end)));
}

Result<void> SqlDump::finish() {
    if (finished_) return Ok{};
    finished_ = true;
    ProcessResult r = child_.wait();
    if (r.ok()) return Ok{};
    std::string tail = r.output;
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    if (tail.empty())
        tail = r.signal ? "killed by signal " + std::to_string(r.signal)
                        : "exit status " + std::to_string(r.exit_code);
    return internal("mariadb-dump failed: " + tail);
}

Result<size_t> SqlDump::read(std::span<char> buf) {
    if (!out_.valid()) return internal("this dump writes to a descriptor");
    for (;;) {
        ssize_t n = ::read(out_.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return internal("reading mariadb-dump's output failed");
        if (n == 0) {
            CHECK_OK(finish());
            return size_t{0};
        }
        return static_cast<size_t>(n);
    }
}

// ---- gzip ------------------------------------------------------------------

struct GzipReader::State {
    z_stream z{};
    std::vector<char> in = std::vector<char>(kBlock);
    bool source_done = false;
    bool done = false;
};

GzipReader::GzipReader(Source source) : source_(std::move(source)), state_(new State) {
    deflateInit2(&state_->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

GzipReader::~GzipReader() {
    deflateEnd(&state_->z);
}

Result<size_t> GzipReader::read(std::span<char> buf) {
    State& s = *state_;
    if (s.done) return size_t{0};
    s.z.next_out = reinterpret_cast<Bytef*>(buf.data());
    s.z.avail_out = static_cast<uInt>(buf.size());
    while (s.z.avail_out > 0) {
        if (s.z.avail_in == 0 && !s.source_done) {
            const size_t produced = buf.size() - s.z.avail_out;
            if (produced > 0) break;  // hand out what is there before waiting for more
            TRY(size_t n, source_(std::span<char>(s.in.data(), s.in.size())));
            if (n == 0) s.source_done = true;
            s.z.next_in = reinterpret_cast<Bytef*>(s.in.data());
            s.z.avail_in = static_cast<uInt>(n);
        }
        int rc = deflate(&s.z, s.source_done ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            s.done = true;
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) return internal("gzip compression failed");
    }
    return buf.size() - s.z.avail_out;
}

// ---- import ----------------------------------------------------------------

Result<void> import_sql(const MariadbTools& tools, const std::filesystem::path& defaults,
                        const std::string& database, int input_fd, fs::Progress* progress) {
    auto argv = login_args(tools.client, defaults);
    for (const char* a : {"--batch", "--sandbox", "--local-infile=0", "--show-warnings=0"})
        argv.emplace_back(a);
    argv.push_back("--database=" + database);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return internal("pipe failed");
    UniqueFd read_end(p[0]);
    UniqueFd write_end(p[1]);
    ProcessOptions o;
    o.max_output = 16 * 1024;
    TRY(Child child, Child::start(argv, o, read_end.get(), -1));
    read_end.reset();

    // Autocommit off on the first line (no newline: the client's line
    // numbers stay those of the file), one COMMIT at the end.
    CHECK_OK(write_fully(write_end.get(), "SET autocommit=0;", 17));
    std::vector<char> in(kBlock);
    std::vector<char> out(kBlock);
    z_stream z{};
    bool gz = false;
    bool first = true;
    bool write_failed = false;
    bool gz_ended = false;
    struct InflateEnd {
        z_stream* z;
        bool* on;
        ~InflateEnd() {
            if (*on) inflateEnd(z);
        }
    } inflate_end{&z, &gz};
    for (;;) {
        if (progress && progress->cancelled) {
            child.kill();
            (void)child.wait();
            return fs::cancelled_error();
        }
        ssize_t n = ::read(input_fd, in.data(), in.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return internal("reading the SQL file failed");
        if (n == 0) break;
        if (first) {
            first = false;
            if (n >= 2 && static_cast<unsigned char>(in[0]) == 0x1f &&
                static_cast<unsigned char>(in[1]) == 0x8b) {
                if (inflateInit2(&z, 15 + 32) != Z_OK) return internal("inflateInit failed");
                gz = true;
            }
        }
        if (progress) (void)fs::step(progress, n);
        if (!gz) {
            if (!write_fully(write_end.get(), in.data(), static_cast<size_t>(n))) {
                write_failed = true;
                break;
            }
            continue;
        }
        z.next_in = reinterpret_cast<Bytef*>(in.data());
        z.avail_in = static_cast<uInt>(n);
        while (z.avail_in > 0 && !write_failed) {
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = static_cast<uInt>(out.size());
            int rc = inflate(&z, Z_NO_FLUSH);
            gz_ended = rc == Z_STREAM_END;
            if (rc == Z_STREAM_END) {
                // Concatenated gzip members (pigz, cat a.gz b.gz).
                inflateReset(&z);
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                child.kill();
                (void)child.wait();
                return validation("The file is not valid gzip (corrupt or truncated)");
            }
            size_t produced = out.size() - z.avail_out;
            if (produced && !write_fully(write_end.get(), out.data(), produced))
                write_failed = true;
            if (rc == Z_BUF_ERROR && produced == 0) break;
        }
        if (write_failed) break;
    }
    if (gz && !gz_ended && !write_failed) {
        // Ends before its trailer: nothing is committed.
        child.kill();
        (void)child.wait();
        return validation("The file is not valid gzip (truncated)");
    }
    if (!write_failed) (void)write_fully(write_end.get(), "\nCOMMIT;\n", 9);
    write_end.reset();
    ProcessResult r = child.wait();
    if (r.ok()) return Ok{};
    return client_error(r);
}

}  // namespace wsp
