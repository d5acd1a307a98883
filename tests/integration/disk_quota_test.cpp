// The package's disk_quota_mb at the panel's own write points in sandbox
// mode (issue 17, docs/dashboard.md "Disk quota"): writes up to the quota
// succeed, the one past it is 507 naming the quota with nothing left
// behind (editor write, multipart and tus upload, copy, extract, compress),
// and deleting for good frees room. The disk figure follows the panel's
// writes and deletions between walks.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <random>

#include "files_fixture.h"

namespace wsp::test {
namespace {

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

void expect_507(const HttpResult& r) {
    EXPECT_EQ(r.status, 507) << r.body;
    EXPECT_NE(r.body.find("INSUFFICIENT_STORAGE"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Disk quota exceeded: the package allows 2 MB"), std::string::npos)
        << r.body;
}

TEST(DiskQuota, SandboxWritesStopAtThePackageQuotaAndDeletingFreesRoom) {
    PanelOptions options;
    // One walk for the whole test: every later change of the figure is the
    // panel's own adjustment.
    options.config = {"files.max_edit_kb=2048", "files.disk_usage_max_age_s=3600"};
    PanelProcess panel(options);
    const HttpClient& http = panel.http();
    const std::string admin = panel.admin_key();
    ASSERT_EQ(http.post("/api/v1/packages", {{"name", "tiny"}, {"disk_quota_mb", 2}}, admin).status,
              201);
    const std::string key = panel.create_user_with_key("quinn", "tiny");
    const stdfs::path home = panel.data_dir() / "home" / "quinn";
    const stdfs::path local = make_temp_dir("wsp-quota-local");
    auto post = [&](const std::string& what, const json::value& body) {
        return http.post("/api/v1/files/" + what, body, key);
    };
    auto disk_used = [&] {
        auto u = http.get("/api/v1/users/quinn/usage", key).json().as_object();
        return u.at("usage").at("disk_mb").at("used").as_int64();
    };
    auto upload = [&](const stdfs::path& file) {
        const std::string out =
            run("curl -s -o " + (local / "resp").string() +
                " -w '%{http_code}' -H 'Authorization: Bearer " + key + "' -F path=/ -F file=@" +
                file.string() + " 'http://127.0.0.1:" + std::to_string(panel.port()) +
                "/api/v1/files/upload'");
        HttpResult r;
        r.status = std::atoi(out.c_str());
        r.body = slurp(local / "resp");
        return r;
    };
    EXPECT_EQ(disk_used(), 1);  // the new home: a few blocks, walked once

    // Up to the quota: the editor's write, an upload, an archive.
    ASSERT_EQ(post("write", {{"path", "/a.txt"}, {"content", std::string(800 * 1024, 'a')}}).status,
              200);
    EXPECT_EQ(disk_used(), 1);  // 800 KB more, counted without a walk
    spit(local / "b.bin", random_bytes(800 * 1024, 1));
    auto up = upload(local / "b.bin");
    ASSERT_EQ(up.status, 200) << up.body;
    spit(local / "r.bin", random_bytes(300 * 1024, 2));
    ASSERT_EQ(run("cd " + local.string() +
                  " && python3 -c \"import zipfile; z = zipfile.ZipFile('z.zip', 'w'); "
                  "z.write('r.bin'); z.close()\" && echo ok"),
              "ok\n");
    up = upload(local / "z.zip");
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(disk_used(), 2);  // ~1.9 MB of 2
    const auto before = names_in(home);

    // Past it: 507 naming the quota, and nothing half written.
    expect_507(post("write", {{"path", "/c.txt"}, {"content", std::string(300 * 1024, 'c')}}));
    spit(local / "c.bin", random_bytes(300 * 1024, 3));
    expect_507(upload(local / "c.bin"));
    expect_507(http.request("POST", "/api/v1/files/uploads", "",
                            {{"Authorization", "Bearer " + key},
                             {"Tus-Resumable", "1.0.0"},
                             {"Upload-Length", std::to_string(300 * 1024)},
                             {"Upload-Metadata", "filename Yy5iaW4=,path Lw=="}}));  // c.bin, /
    expect_507(post("copy", {{"source", "/b.bin"}, {"destination", "/b2.bin"}}));
    expect_507(post("extract", {{"archive", "/z.zip"}, {"destination", "/x"}}));
    expect_507(post("compress", {{"paths", json::array{"/b.bin"}}, {"archive", "/b.zip"}}));
    EXPECT_EQ(names_in(home), before);  // no c.txt, c.bin, b2.bin, x/, b.zip, nor temp files
    EXPECT_TRUE(names_in(home / ".wispanel-uploads").empty());
    EXPECT_EQ(disk_used(), 2);

    // A small write still fits.
    EXPECT_EQ(post("write", {{"path", "/small.txt"}, {"content", "ok\n"}}).status, 200);

    // Deleting to the bin frees nothing (the bin is in the home); emptying
    // it does, and the figure follows without a walk.
    ASSERT_EQ(post("delete", {{"path", "/b.bin"}}).status, 200);
    expect_507(post("copy", {{"source", "/z.zip"}, {"destination", "/z2.zip"}}));
    ASSERT_EQ(http.del("/api/v1/files/trash", key).status, 200);
    EXPECT_EQ(disk_used(), 2);  // ~1.1 MB, rounded up
    spit(home / "outside.bin",
         std::string(3 << 20, 'o'));  // not the panel's: seen at the next walk
    EXPECT_EQ(disk_used(), 2);
    std::error_code ec;
    stdfs::remove(home / "outside.bin", ec);
    // Room again: the same writes succeed.
    EXPECT_EQ(post("copy", {{"source", "/z.zip"}, {"destination", "/z2.zip"}}).status, 200);
    up = upload(local / "c.bin");
    EXPECT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(slurp(home / "c.bin"), slurp(local / "c.bin"));
    EXPECT_EQ(post("delete", {{"path", "/z2.zip"}}).status, 200);
    ASSERT_EQ(http.del("/api/v1/files/trash", key).status, 200);
    auto x = post("extract", {{"archive", "/z.zip"}, {"destination", "/x"}});
    EXPECT_EQ(x.status, 200) << x.body;
    EXPECT_EQ(slurp(home / "x" / "r.bin"), slurp(local / "r.bin"));

    // An unlimited package: no quota at all.
    ASSERT_EQ(http.put("/api/v1/packages/tiny", {{"disk_quota_mb", -1}}, admin).status, 200);
    EXPECT_EQ(post("copy", {{"source", "/a.txt"}, {"destination", "/a2.txt"}}).status, 200);
    stdfs::remove_all(local, ec);
}

}  // namespace
}  // namespace wsp::test
