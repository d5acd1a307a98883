#include "drivers/restic.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>

#include "system/file_io.h"

namespace wsp {
namespace {

namespace json = boost::json;

constexpr auto kTimeout = std::chrono::hours(12);

std::string last_lines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() > 600) s = "..." + s.substr(s.size() - 600);
    return s;
}

Error restic_error(const std::string& what, const ProcessResult& r) {
    std::string tail = last_lines(r.output);
    if (tail.empty())
        tail = r.signal ? "killed by signal " + std::to_string(r.signal)
                        : "exit status " + std::to_string(r.exit_code);
    return internal("restic " + what + " failed: " + tail);
}

int64_t int_of(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end()) return 0;
    if (it->value().is_int64()) return it->value().as_int64();
    if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
    if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
    return 0;
}

std::string str_of(const json::object& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

std::vector<std::string> strings_of(const json::object& o, const char* key) {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_array()) return out;
    for (const auto& v : it->value().as_array())
        if (v.is_string()) out.emplace_back(v.as_string());
    return out;
}

}  // namespace

std::vector<std::string> Restic::argv(std::initializer_list<std::string> args) const {
    std::vector<std::string> a{repo_.restic};
    if (!repo_.sftp_command.empty()) {
        a.emplace_back("-o");
        a.push_back("sftp.command=" + repo_.sftp_command);
    }
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

ProcessOptions Restic::options() const {
    ProcessOptions o;
    // The repository and password file by environment: nothing secret in
    // argv (the password file's content never leaves restic).
    o.env = {"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
             "HOME=" + repo_.cache_dir.string(),
             "RESTIC_REPOSITORY=" + repo_.repository,
             "RESTIC_PASSWORD_FILE=" + repo_.password_file.string(),
             "RESTIC_CACHE_DIR=" + repo_.cache_dir.string(),
             "RESTIC_PROGRESS_FPS=2"};
    o.env.insert(o.env.begin(), repo_.extra_env.begin(), repo_.extra_env.end());
    o.timeout = kTimeout;
    o.max_output = 64 * 1024;
    return o;
}

Result<ProcessResult> Restic::run(const std::vector<std::string>& a) const {
    if (repo_.ssh_log.empty()) return run_process(a, options());
    std::error_code ec;
    auto before = std::filesystem::file_size(repo_.ssh_log, ec);
    if (ec) before = 0;
    if (before > 64 * 1024) {
        std::filesystem::resize_file(repo_.ssh_log, 0, ec);
        before = 0;
    }
    TRY(ProcessResult r, run_process(a, options()));
    if (r.ok()) return r;
    std::ifstream log(repo_.ssh_log, std::ios::binary);
    log.seekg(static_cast<std::streamoff>(before));
    std::string added((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    while (!added.empty() && (added.back() == '\n' || added.back() == '\r')) added.pop_back();
    if (!added.empty() && r.output.find(added) == std::string::npos) r.output += "\nssh: " + added;
    return r;
}

Result<void> Restic::ensure_repository() const {
    TRY(ProcessResult r, run(argv({"cat", "config", "--no-lock"})));
    if (r.ok()) return Ok{};
    TRY(ProcessResult init, run(argv({"init"})));
    if (!init.ok()) return restic_error("init", init);
    return Ok{};
}

Result<void> Restic::unlock() const {
    TRY(ProcessResult r, run(argv({"unlock"})));
    if (!r.ok()) return restic_error("unlock", r);
    return Ok{};
}

ResticSummary Restic::parse_summary(const std::string& lines) {
    ResticSummary s;
    std::istringstream in(lines);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("\"summary\"") == std::string::npos) continue;
        json::error_code ec;
        json::value v = json::parse(line, ec);
        if (ec || !v.is_object()) continue;
        const auto& o = v.as_object();
        if (str_of(o, "message_type") != "summary") continue;
        s.snapshot_id = str_of(o, "snapshot_id");
        s.bytes_processed = int_of(o, "total_bytes_processed");
        s.data_added = int_of(o, "data_added");
        s.files_processed = int_of(o, "total_files_processed");
    }
    return s;
}

Result<ResticSummary> Restic::backup(const std::vector<std::string>& paths,
                                     const std::vector<std::string>& excludes,
                                     const std::vector<std::string>& tags,
                                     fs::Progress* progress) const {
    auto a = argv({"backup", "--json", "--host", "wispanel"});
    for (const auto& t : tags) a.insert(a.end(), {"--tag", t});
    for (const auto& e : excludes) a.insert(a.end(), {"--exclude", e});
    a.emplace_back("--");
    for (const auto& p : paths) {
        if (p.empty() || p[0] != '/') return internal("restic backup needs absolute paths");
        a.push_back(p);
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return internal("pipe failed");
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    TRY(Child child, Child::start(a, options(), -1, write_end.get()));
    write_end.reset();
    std::string pending, summary_line;
    char buf[16 * 1024];
    for (;;) {
        if (progress && progress->cancelled) {
            child.kill();
            (void)child.wait();
            return fs::cancelled_error();
        }
        struct pollfd p {
            read_end.get(), POLLIN, 0
        };
        int rc = ::poll(&p, 1, 200);
        if (rc < 0 && errno == EINTR) continue;
        if (rc == 0) continue;
        ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (line.find("\"summary\"") != std::string::npos) {
                summary_line = line;
                continue;
            }
            if (!progress || line.find("\"status\"") == std::string::npos) continue;
            json::error_code ec;
            json::value v = json::parse(line, ec);
            if (ec || !v.is_object()) continue;
            const auto& o = v.as_object();
            progress->bytes_total = int_of(o, "total_bytes");
            progress->bytes_done = int_of(o, "bytes_done");
            progress->entries_total = int_of(o, "total_files");
            progress->entries_done = int_of(o, "files_done");
        }
    }
    ProcessResult r = child.wait();
    // Exit 3: some files could not be read; the snapshot exists but is
    // incomplete, which is a failure for a backup.
    if (!r.ok()) return restic_error("backup", r);
    ResticSummary s = parse_summary(summary_line + "\n" + pending);
    if (s.snapshot_id.empty()) return internal("restic backup saved no snapshot");
    return s;
}

Result<Child> Restic::start_stdin_backup(const std::string& filename,
                                         const std::vector<std::string>& tags, int stdin_fd,
                                         int stdout_fd) const {
    auto a =
        argv({"backup", "--json", "--host", "wispanel", "--stdin", "--stdin-filename", filename});
    for (const auto& t : tags) a.insert(a.end(), {"--tag", t});
    ProcessOptions o = options();
    o.env.back() = "RESTIC_PROGRESS_FPS=0.1";
    return Child::start(a, o, stdin_fd, stdout_fd);
}

Result<std::vector<ResticSnapshot>> Restic::snapshots(const std::vector<std::string>& tags) const {
    auto a = argv({"snapshots", "--json", "--no-lock"});
    if (!tags.empty()) {
        std::string all;
        for (const auto& t : tags) all += (all.empty() ? "" : ",") + t;
        a.insert(a.end(), {"--tag", all});
    }
    ProcessOptions o = options();
    o.max_output = 64 * 1024 * 1024;
    // stdout only: stderr would spoil the JSON.
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return internal("pipe failed");
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    TRY(Child child, Child::start(a, o, -1, write_end.get()));
    write_end.reset();
    std::string out;
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ProcessResult r = child.wait();
    if (!r.ok()) return restic_error("snapshots", r);
    json::error_code ec;
    json::value v = json::parse(out, ec);
    if (ec || !v.is_array()) return internal("restic snapshots: unexpected output");
    std::vector<ResticSnapshot> list;
    for (const auto& item : v.as_array()) {
        if (!item.is_object()) continue;
        const auto& o2 = item.as_object();
        list.push_back({str_of(o2, "id"), str_of(o2, "short_id"), str_of(o2, "time"),
                        strings_of(o2, "paths"), strings_of(o2, "tags")});
    }
    return list;
}

Result<void> Restic::forget(const std::vector<std::string>& ids) const {
    if (ids.empty()) return Ok{};
    auto a = argv({"forget"});
    a.insert(a.end(), ids.begin(), ids.end());
    TRY(ProcessResult r, run(a));
    if (!r.ok()) return restic_error("forget", r);
    return Ok{};
}

Result<void> Restic::forget_policy(const ResticKeep& keep,
                                   const std::vector<std::string>& tags) const {
    auto a = argv({"forget", "--group-by", "paths"});
    if (!tags.empty()) {
        std::string all;
        for (const auto& t : tags) all += (all.empty() ? "" : ",") + t;
        a.insert(a.end(), {"--tag", all});
    }
    // restic refuses a policy that keeps nothing: at least the last one.
    if (keep.daily <= 0 && keep.weekly <= 0 && keep.monthly <= 0)
        a.insert(a.end(), {"--keep-last", "1"});
    if (keep.daily > 0) a.insert(a.end(), {"--keep-daily", std::to_string(keep.daily)});
    if (keep.weekly > 0) a.insert(a.end(), {"--keep-weekly", std::to_string(keep.weekly)});
    if (keep.monthly > 0) a.insert(a.end(), {"--keep-monthly", std::to_string(keep.monthly)});
    TRY(ProcessResult r, run(a));
    if (!r.ok()) return restic_error("forget", r);
    return Ok{};
}

Result<void> Restic::prune() const {
    TRY(ProcessResult r, run(argv({"prune"})));
    if (!r.ok()) return restic_error("prune", r);
    return Ok{};
}

Result<Child> Restic::start_dump(const std::string& snapshot, const std::string& path,
                                 int out_fd) const {
    return Child::start(argv({"dump", "--", snapshot, path}), options(), -1, out_fd);
}

Result<std::optional<ResticNode>> Restic::node(const std::string& snapshot,
                                               const std::string& path) const {
    // The snapshot's line, then the node itself; the rest (a directory's
    // entries) is not read: --no-lock, so stopping it early leaves no lock.
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return internal("pipe failed");
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);
    TRY(Child child, Child::start(argv({"ls", "--json", "--no-lock", "--", snapshot, path}),
                                  options(), -1, write_end.get()));
    write_end.reset();
    std::string out;
    char buf[8192];
    size_t lines = 0;
    while (lines < 2) {
        ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
        lines = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
    }
    read_end.reset();
    child.kill();
    ProcessResult r = child.wait();
    if (lines == 0) return restic_error("ls", r);
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        json::error_code ec;
        json::value v = json::parse(line, ec);
        if (ec || !v.is_object()) continue;
        const auto& o = v.as_object();
        if (str_of(o, "struct_type") != "node" || str_of(o, "path") != path) continue;
        return std::optional<ResticNode>(
            ResticNode{str_of(o, "type"), int_of(o, "size"),
                       static_cast<uint32_t>(int_of(o, "mode")) & 07777});
    }
    return std::optional<ResticNode>();
}

Result<void> Restic::check() const {
    TRY(ProcessResult r, run(argv({"check"})));
    if (!r.ok()) return restic_error("check", r);
    return Ok{};
}

}  // namespace wsp
