#pragma once
// A real FTP client for the FTP suites (sandbox and system daemon): curl for
// named accounts, Python's ftplib for anonymous sessions after RFC 7151 HOST,
// and a wait on the panel's /ftp/status.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {

inline std::string ftp_url(int port, const std::string& path = "/") {
    return "ftp://127.0.0.1:" + std::to_string(port) + path;
}

enum class FtpTransport { ftps, plain };

// Runs curl as `user`; returns its exit code (0 = success, -1 = could not
// run) and keeps its output. Account logins need TLS by default
// (ftp.require_tls), so curl speaks explicit FTPS unless told otherwise.
inline int ftp_curl(const std::string& user, const std::string& password,
                    std::vector<std::string> args, std::string* output = nullptr,
                    FtpTransport transport = FtpTransport::ftps) {
    std::vector<std::string> argv = {"/usr/bin/curl", "-sS",    "--max-time",         "20",
                                     "--path-as-is",  "--user", user + ":" + password};
    if (transport == FtpTransport::ftps) argv.insert(argv.end(), {"--ssl-reqd", "-k"});
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv, ProcessOptions{.timeout = std::chrono::seconds(30)});
    if (!r.ok()) return -1;
    if (output) *output = r->output;
    return r->exit_code;
}

// Anonymous login to `host`'s site, then a listing and an upload. Prints
// "LIST <names>", then "STOR ok" or "STOR refused"; or "ERR <reply>".
inline std::string ftp_anonymous_session(int port, const std::string& host) {
    static const char* kScript = R"py(
import ftplib, io, sys
port, host = int(sys.argv[1]), sys.argv[2]
try:
    f = ftplib.FTP()
    f.connect("127.0.0.1", port, timeout=10)
    f.sendcmd("HOST " + host)
    f.login("anonymous", "guest@example.com")
    print("LIST " + " ".join(sorted(f.nlst())))
    try:
        f.storbinary("STOR upload.txt", io.BytesIO(b"x"))
        print("STOR ok")
    except ftplib.error_perm:
        print("STOR refused")
    f.quit()
except ftplib.all_errors as e:
    print("ERR " + str(e))
)py";
    auto r = run_process({"/usr/bin/python3", "-c", kScript, std::to_string(port), host},
                         ProcessOptions{.timeout = std::chrono::seconds(30)});
    return r.ok() ? r->output : "ERR cannot run python3";
}

// Logs in as `user` and keeps the session open while `act` runs (once the
// login is in), then tries a command on that old session. Returns "CLOSED"
// when the server ended the session, "STILL OPEN" when not, or an error.
inline std::string ftp_session_after(int port, const std::string& user, const std::string& password,
                                     const std::filesystem::path& scratch_dir,
                                     const std::function<void()>& act) {
    static const char* kScript = R"py(
import ftplib, sys, time
f = ftplib.FTP_TLS()  # account logins need TLS (ftp.require_tls)
f.connect("127.0.0.1", int(sys.argv[1]), timeout=10)
f.login(sys.argv[2], sys.argv[3])
f.prot_p()
f.nlst()
open(sys.argv[4], "w").write("IN")
time.sleep(3)
try:
    f.nlst()
    print("STILL OPEN")
except (ftplib.all_errors + (EOFError,)) as e:
    print("CLOSED")
)py";
    const std::filesystem::path flag = scratch_dir / "session-in";
    std::error_code ec;
    std::filesystem::remove(flag, ec);
    Result<ProcessResult> result = internal("not run");
    std::thread client([&] {
        result = run_process({"/usr/bin/python3", "-c", kScript, std::to_string(port), user,
                              password, flag.string()},
                             ProcessOptions{.timeout = std::chrono::seconds(30)});
    });
    for (int i = 0; i < 100 && !std::filesystem::exists(flag); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(std::filesystem::exists(flag)) << "the FTP session never logged in";
    act();
    client.join();
    return result.ok() ? result->output : "ERR " + result.error().message;
}

// Waits (up to 10 s) for /ftp/status to say running == `want`.
inline void wait_ftp_running(PanelProcess& panel, const std::string& admin_key, bool want) {
    for (int i = 0; i < 100; ++i) {
        auto s = panel.http().get("/api/v1/ftp/status", admin_key);
        if (s.status == 200 && s.json().at("running").as_bool() == want) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "ftp running never became " << want << "\n" << panel.log();
}

}  // namespace wsp::test
