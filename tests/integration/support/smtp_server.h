#pragma once
// A real SMTP server for tests: Python's aiosmtpd on a free loopback port,
// writing each mail it receives to a file (cron reports, backup failures).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/panel_process.h"

namespace wsp::test {

inline constexpr const char* kSmtpScript = R"PY(
import os, signal, sys, time
from aiosmtpd.controller import Controller
outdir, port = sys.argv[1], int(sys.argv[2])
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
class Handler:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(outdir, "%d.eml" % time.time_ns())
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Test-Rcpt: " + ",".join(envelope.rcpt_tos) + "\r\n").encode())
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 OK"
c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
open(os.path.join(outdir, "ready"), "w").close()
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
)PY";

// aiosmtpd on a free port, writing each mail received to a file; stopped
// and its directory removed when the test suite ends.
class SmtpServer {
  public:
    SmtpServer() : dir_(make_temp_dir("wsp-smtp")), port_(free_port()) {
        std::ofstream(dir_ / "server.py") << kSmtpScript;
        std::filesystem::create_directories(dir_ / "mail");
        pid_ = ::fork();
        if (pid_ == 0) {
            std::string script = (dir_ / "server.py").string(), out = (dir_ / "mail").string(),
                        port = std::to_string(port_);
            ::execl("/usr/bin/python3", "python3", script.c_str(), out.c_str(), port.c_str(),
                    nullptr);
            ::_exit(127);
        }
        for (int i = 0; i < 100 && !std::filesystem::exists(dir_ / "mail" / "ready"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::filesystem::remove(dir_ / "mail" / "ready");
    }
    ~SmtpServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    int port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

    // Every mail received so far (files written whole, by rename).
    std::vector<std::string> mails() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(dir_ / "mail")) {
            if (e.path().extension() != ".eml") continue;
            std::ifstream in(e.path());
            std::stringstream ss;
            ss << in.rdbuf();
            out.push_back(ss.str());
        }
        return out;
    }
    // Waits up to `timeout` for a mail containing `needle`.
    std::string wait_for(const std::string& needle,
                         std::chrono::seconds timeout = std::chrono::seconds(15)) const {
        auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            for (const auto& m : mails())
                if (m.find(needle) != std::string::npos) return m;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return "";
    }

  private:
    std::filesystem::path dir_;
    int port_;
    pid_t pid_ = -1;
};

}  // namespace wsp::test
