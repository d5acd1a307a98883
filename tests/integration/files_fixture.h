#pragma once
// One panel for the file manager's suites (users alice and bob, each with
// an API key), a canary directory outside every home that no request may
// touch, and small helpers to speak to /api/v1/files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/panel_process.h"

namespace wsp::test {

namespace json = boost::json;
namespace stdfs = std::filesystem;

inline std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

inline std::string slurp(const stdfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void spit(const stdfs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
}

// n reproducible random bytes (binary content that survives no re-encoding).
inline std::string random_bytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
}

// Every name in a directory, sorted, hidden ones (temp files) included.
inline std::vector<std::string> names_in(const stdfs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : stdfs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

// "<prefix><i>" (snprintf: GCC 12 warns falsely on string concatenation
// inside loops here).
inline std::string numbered(const char* prefix, int i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%d", prefix, i);
    return buf;
}

// A JSON array out of a response (by value: safe in range-for).
inline json::array array_of(const HttpResult& r, const char* key = nullptr) {
    json::value v = r.json();
    if (key) return v.at(key).as_array();
    return v.as_array();
}

class FilesSuite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        PanelOptions options;
        options.config = {"files.max_edit_kb=512", "files.max_extract_mb=50",
                          "files.max_extract_entries=2000"};
        panel_ = new PanelProcess(options);
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        canary_dir_ = make_temp_dir("wsp-files-canary");
        spit(canary_dir_ / "canary.txt", "canary\n");
        ::chmod(canary_dir_.c_str(), 0777);  // writable by anyone: only confinement protects it
        ::chmod((canary_dir_ / "canary.txt").c_str(), 0666);
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        std::error_code ec;
        stdfs::remove_all(canary_dir_, ec);
    }

    static PanelProcess& panel() { return *panel_; }
    static const HttpClient& http() { return panel_->http(); }
    static stdfs::path home(const std::string& user) { return panel_->data_dir() / "home" / user; }

    static HttpResult get(const std::string& what, const std::string& path,
                          const std::string& token = alice_) {
        return http().get("/api/v1/files/" + what + "?path=" + url_encode(path), token);
    }
    static HttpResult post(const std::string& what, const json::value& body,
                           const std::string& token = alice_) {
        return http().post("/api/v1/files/" + what, body, token);
    }

    // The canary's content and the directory's entries, unchanged.
    static void expect_canary_untouched() {
        EXPECT_EQ(slurp(canary_dir_ / "canary.txt"), "canary\n");
        size_t n = 0;
        for (auto& e : stdfs::directory_iterator(canary_dir_)) {
            (void)e;
            ++n;
        }
        EXPECT_EQ(n, 1u) << "something was created next to the canary";
        struct stat st {};
        ::stat((canary_dir_ / "canary.txt").c_str(), &st);
        EXPECT_EQ(st.st_mode & 07777, 0666u);
    }

    static inline PanelProcess* panel_ = nullptr;
    static inline std::string alice_;
    static inline std::string bob_;
    static inline stdfs::path canary_dir_;
};

}  // namespace wsp::test
