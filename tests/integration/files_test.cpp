// The file manager against the real binary: the seed's shapes and
// messages, the recycle bin, history, settings, and the rules around them.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

#include "files_fixture.h"

namespace wsp::test {
namespace {

class FilesTest : public FilesSuite {};

TEST_F(FilesTest, WriteReadListWithTheSeedsShapes) {
    auto w = post("write", {{"path", "/notes.txt"}, {"content", "hello"}});
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json(), json::parse(R"({"message":"File saved successfully"})"));

    auto r = get("read", "/notes.txt");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json::parse(R"({"content":"hello","path":"/notes.txt","size":5})"));

    auto l = get("list", "/");
    ASSERT_EQ(l.status, 200) << l.body;
    bool found = false;
    for (auto& v : array_of(l)) {
        auto& o = v.as_object();
        if (o.at("name") != "notes.txt") continue;
        found = true;
        EXPECT_EQ(o.at("path"), "/notes.txt");
        EXPECT_EQ(o.at("is_dir"), false);
        EXPECT_EQ(o.at("size"), 5);
        EXPECT_EQ(o.at("permission"), "644");
        EXPECT_EQ(o.at("owner"), "alice");
        EXPECT_TRUE(std::regex_match(std::string(o.at("mod_time").as_string()),
                                     std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
        // The panel's own directories never show.
        EXPECT_NE(o.at("name"), ".wispanel-trash");
    }
    EXPECT_TRUE(found) << l.body;
    for (auto& v : array_of(l)) {
        EXPECT_NE(v.at("name"), ".wispanel-trash");
        EXPECT_NE(v.at("name"), ".wispanel-history");
    }

    // The file on disk belongs to the account's OS user, never root.
    struct stat st {};
    ASSERT_EQ(::stat((home("alice") / "notes.txt").c_str(), &st), 0);
    EXPECT_NE(st.st_uid, 0u);
}

TEST_F(FilesTest, PathIsRequiredAndBadBodiesAre400) {
    auto w = post("write", {{"content", "x"}});
    EXPECT_EQ(w.status, 400);
    EXPECT_EQ(w.error(), "Path is required");
    EXPECT_EQ(w.json().at("code"), "VALIDATION_ERROR");
    EXPECT_EQ(get("read", "").error(), "Path is required");
    EXPECT_EQ(post("delete", json::object{}).error(), "Path is required");
    EXPECT_EQ(post("mkdir", json::object{}).error(), "Path is required");
    EXPECT_EQ(post("chmod", {{"mode", "0644"}}).error(), "Path is required");

    auto bad = http().send_raw("POST", "/api/v1/files/write", "{\"path\":", alice_);
    EXPECT_EQ(bad.status, 400);
    auto type = post("write", {{"path", 5}, {"content", "x"}});
    EXPECT_EQ(type.status, 400);
    EXPECT_NE(type.error().find("path"), std::string::npos) << type.body;
    auto content_type = post("write", {{"path", "/x"}, {"content", json::array{1}}});
    EXPECT_EQ(content_type.status, 400);
    auto flag = post("copy", {{"source", "/a"}, {"destination", "/b"}, {"overwrite", "yes"}});
    EXPECT_EQ(flag.status, 400);
}

TEST_F(FilesTest, WriteIsAtomicKeepsModeAndRecordsHistory) {
    ASSERT_EQ(post("write", {{"path", "/keep.txt"}, {"content", "one"}}).status, 200);
    ASSERT_EQ(post("chmod", {{"path", "/keep.txt"}, {"mode", "0600"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/keep.txt"}, {"content", "two"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/keep.txt"}, {"content", "three"}}).status, 200);
    struct stat st {};
    ASSERT_EQ(::stat((home("alice") / "keep.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(slurp(home("alice") / "keep.txt"), "three");
    // No temporary file is left next to it.
    for (auto& e : stdfs::directory_iterator(home("alice")))
        EXPECT_EQ(e.path().filename().string().find(".wsp-"), std::string::npos);

    auto h = get("history", "/keep.txt");
    ASSERT_EQ(h.status, 200) << h.body;
    auto versions = array_of(h, "versions");
    ASSERT_EQ(versions.size(), 2u) << h.body;  // "two" (newest first), then "one"
    std::string newest(versions[0].at("id").as_string());
    std::string oldest(versions[1].at("id").as_string());
    auto v = http().get("/api/v1/files/history/read?path=/keep.txt&version=" + oldest, alice_);
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_EQ(v.json().at("content"), "one");
    EXPECT_EQ(versions[0].at("size"), 3);

    auto restored = post("history/restore", {{"path", "/keep.txt"}, {"version", oldest}});
    ASSERT_EQ(restored.status, 200) << restored.body;
    EXPECT_EQ(slurp(home("alice") / "keep.txt"), "one");
    auto h2 = get("history", "/keep.txt");
    EXPECT_EQ(array_of(h2, "versions").size(), 3u);  // "three" became a version

    EXPECT_EQ(http().get("/api/v1/files/history/read?path=/keep.txt&version=12", alice_).status,
              404);
    EXPECT_EQ(http().get("/api/v1/files/history/read?path=/keep.txt&version=../x", alice_).status,
              400);
}

TEST_F(FilesTest, HistoryIsCappedAtTheConfiguredVersions) {
    for (int i = 0; i < 14; ++i)
        ASSERT_EQ(post("write", {{"path", "/cap.txt"}, {"content", numbered("v", i)}}).status, 200);
    auto h = get("history", "/cap.txt");
    ASSERT_EQ(h.status, 200);
    auto versions = array_of(h, "versions");
    ASSERT_EQ(versions.size(), 10u);
    auto newest = http().get(std::string("/api/v1/files/history/read?path=/cap.txt&version=") +
                                 std::string(versions[0].at("id").as_string()),
                             alice_);
    EXPECT_EQ(newest.json().at("content"), "v12");
}

TEST_F(FilesTest, ConcurrentReadersNeverSeeAPartialFile) {
    const std::string a(200 * 1024, 'a');
    const std::string b(200 * 1024, 'b');
    ASSERT_EQ(post("write", {{"path", "/atomic.txt"}, {"content", a}}).status, 200);
    std::atomic<bool> stop{false};
    std::atomic<int> bad{0}, reads{0};
    std::thread reader([&] {
        while (!stop) {
            std::string got = slurp(home("alice") / "atomic.txt");
            ++reads;
            if (got != a && got != b) ++bad;
        }
    });
    std::thread api_reader([&] {
        while (!stop) {
            auto r = get("read", "/atomic.txt");
            if (r.status != 200) {
                ++bad;
                continue;
            }
            auto c = r.json().at("content").as_string();
            if (c != a && c != b) ++bad;
        }
    });
    for (int i = 0; i < 30; ++i)
        ASSERT_EQ(post("write", {{"path", "/atomic.txt"}, {"content", i % 2 ? a : b}}).status, 200);
    stop = true;
    reader.join();
    api_reader.join();
    EXPECT_EQ(bad, 0);
    EXPECT_GT(reads, 0);
}

TEST_F(FilesTest, ReadRefusesBinaryAndTooLargeFiles) {
    spit(home("alice") / "bin.dat", std::string("\x00\x01\x02", 3));
    auto b = get("read", "/bin.dat");
    EXPECT_EQ(b.status, 400);
    EXPECT_NE(b.error().find("not a text file"), std::string::npos) << b.body;
    spit(home("alice") / "latin1.txt", "caf\xe9");
    EXPECT_EQ(get("read", "/latin1.txt").status, 400);
    spit(home("alice") / "big.txt", std::string(600 * 1024, 'x'));  // limit 512 KB here
    auto big = get("read", "/big.txt");
    EXPECT_EQ(big.status, 413);
    EXPECT_NE(big.error().find("512 KB"), std::string::npos) << big.body;
    EXPECT_EQ(get("read", "/missing.txt").status, 404);
    ASSERT_EQ(post("mkdir", {{"path", "/adir"}}).status, 200);
    EXPECT_EQ(get("read", "/adir").status, 400);
    EXPECT_EQ(post("write", {{"path", "/adir"}, {"content", "x"}}).status, 400);
    EXPECT_EQ(post("write", {{"path", "/no/such/dir/x.txt"}, {"content", "x"}}).status, 404);
}

TEST_F(FilesTest, DeleteGoesToTrashWithTheSeedsNames) {
    ASSERT_EQ(post("write", {{"path", "/trash-me.txt"}, {"content", "hello"}}).status, 200);
    ASSERT_EQ(post("mkdir", {{"path", "/t/a"}, {"parents", true}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/t/a/b.txt"}, {"content", "bee"}}).status, 200);

    auto d = post("delete", {{"path", "/trash-me.txt"}});
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.json(), json::parse(R"({"is_trashed":true,"message":"Moved to trash"})"));
    EXPECT_FALSE(stdfs::exists(home("alice") / "trash-me.txt"));
    ASSERT_EQ(post("delete", {{"path", "/t/a/b.txt"}}).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/t"}}).status, 200);  // a directory

    auto t = http().get("/api/v1/files/trash", alice_);
    ASSERT_EQ(t.status, 200) << t.body;
    std::map<std::string, json::object> by_path;
    for (auto& v : array_of(t, "items"))
        by_path[std::string(v.at("original_path").as_string())] = v.as_object();
    ASSERT_TRUE(by_path.count("/trash-me.txt")) << t.body;
    auto& file = by_path["/trash-me.txt"];
    EXPECT_TRUE(std::regex_match(std::string(file.at("trash_path").as_string()),
                                 std::regex(R"(_bt_trash-me\.txt_t_\d{19})")));
    EXPECT_EQ(file.at("name"), "trash-me.txt");
    EXPECT_EQ(file.at("is_dir"), false);
    EXPECT_EQ(file.at("size"), 5);
    EXPECT_TRUE(std::regex_match(std::string(file.at("deleted_at").as_string()),
                                 std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
    ASSERT_TRUE(by_path.count("/t/a/b.txt"));
    EXPECT_TRUE(std::regex_match(std::string(by_path["/t/a/b.txt"].at("trash_path").as_string()),
                                 std::regex(R"(_bt_t_bt_a_bt_b\.txt_t_\d+)")));
    ASSERT_TRUE(by_path.count("/t"));
    EXPECT_EQ(by_path["/t"].at("is_dir"), true);

    // Restore the file in the deleted directory: its parents come back.
    auto r = post("trash/restore", {{"trash_path", by_path["/t/a/b.txt"].at("trash_path")}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(slurp(home("alice") / "t" / "a" / "b.txt"), "bee");
    // The directory's original path is taken now: 409, then overwrite.
    auto conflict = post("trash/restore", {{"trash_path", by_path["/t"].at("trash_path")}});
    EXPECT_EQ(conflict.status, 409) << conflict.body;
    auto over = post("trash/restore",
                     {{"trash_path", by_path["/t"].at("trash_path")}, {"overwrite", true}});
    ASSERT_EQ(over.status, 200) << over.body;
    EXPECT_TRUE(stdfs::is_directory(home("alice") / "t" / "a"));
    EXPECT_FALSE(stdfs::exists(home("alice") / "t" / "a" / "b.txt"));  // the trashed tree

    // One item removed, then the rest emptied.
    auto one = http().del(
        "/api/v1/files/trash/" + url_encode(std::string(file.at("trash_path").as_string())),
        alice_);
    EXPECT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(post("trash/restore", {{"trash_path", file.at("trash_path")}}).status, 404);
    ASSERT_EQ(post("write", {{"path", "/e1"}, {"content", "1"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/e2"}, {"content", "2"}}).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/e1"}}).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/e2"}}).status, 200);
    auto empty = http().del("/api/v1/files/trash", alice_);
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_EQ(empty.json(), json::parse(R"({"message":"Deleted 2 items permanently"})"));
    EXPECT_EQ(array_of(http().get("/api/v1/files/trash", alice_), "items").size(), 0u);
}

TEST_F(FilesTest, TrashIsPurgedAfterTrashDays) {
    ASSERT_EQ(post("write", {{"path", "/old.txt"}, {"content", "old"}}).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/old.txt"}}).status, 200);
    auto bin = home("alice") / ".wispanel-trash";
    stdfs::path item;
    for (auto& e : stdfs::directory_iterator(bin))
        if (e.path().filename().string().starts_with("_bt_old.txt_t_")) item = e.path();
    ASSERT_FALSE(item.empty());
    // Deleted 31 days ago (the name carries the time).
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(24 * 31))
                  .count();
    stdfs::rename(item, bin / ("_bt_old.txt_t_" + std::to_string(ns)));
    auto t = http().get("/api/v1/files/trash", alice_);
    ASSERT_EQ(t.status, 200);
    for (auto& v : array_of(t, "items")) EXPECT_NE(v.at("original_path"), "/old.txt");
    for (auto& e : stdfs::directory_iterator(bin))
        EXPECT_FALSE(e.path().filename().string().starts_with("_bt_old.txt_t_"));
}

TEST_F(FilesTest, ConfigIsPerUserAndValidated) {
    auto g = http().get("/api/v1/files/config", bob_);
    ASSERT_EQ(g.status, 200);
    EXPECT_EQ(
        g.json(),
        json::parse(
            R"({"recycle_bin_enabled":true,"editor_font_size":14,"editor_theme":"vs-dark"})"));
    auto p = http().put(
        "/api/v1/files/config",
        {{"recycle_bin_enabled", false}, {"editor_font_size", 20}, {"editor_theme", "vs"}}, bob_);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(http().get("/api/v1/files/config", bob_).json().at("editor_font_size"), 20);
    EXPECT_EQ(http().get("/api/v1/files/config", alice_).json().at("editor_font_size"), 14);
    EXPECT_EQ(http().put("/api/v1/files/config", {{"editor_font_size", 41}}, bob_).status, 400);
    EXPECT_EQ(http().put("/api/v1/files/config", {{"editor_font_size", 7}}, bob_).status, 400);
    EXPECT_EQ(http().put("/api/v1/files/config", {{"editor_font_size", "big"}}, bob_).status, 400);
    EXPECT_EQ(http().put("/api/v1/files/config", {{"editor_theme", "<script>"}}, bob_).status, 400);
    EXPECT_EQ(http().put("/api/v1/files/config", {{"recycle_bin_enabled", 1}}, bob_).status, 400);

    // With the bin off, delete is permanent.
    ASSERT_EQ(post("write", {{"path", "/gone.txt"}, {"content", "x"}}, bob_).status, 200);
    auto d = post("delete", {{"path", "/gone.txt"}}, bob_);
    ASSERT_EQ(d.status, 200);
    EXPECT_EQ(d.json().at("is_trashed"), false);
    EXPECT_FALSE(stdfs::exists(home("bob") / "gone.txt"));
    EXPECT_EQ(array_of(http().get("/api/v1/files/trash", bob_), "items").size(), 0u);
    ASSERT_EQ(http().put("/api/v1/files/config", {{"recycle_bin_enabled", true}}, bob_).status,
              200);

    auto limits = http().get("/api/v1/files/upload-limits", bob_);
    EXPECT_EQ(limits.json(), json::parse(R"({"max_upload_mb":500})"));
}

TEST_F(FilesTest, MkdirRenameCopyMoveAndConflicts) {
    EXPECT_EQ(post("mkdir", {{"path", "/m/n"}}).status, 404);
    ASSERT_EQ(post("mkdir", {{"path", "/m/n"}, {"parents", true}}).status, 200);
    EXPECT_EQ(post("mkdir", {{"path", "/m/n"}}).status, 409);
    ASSERT_EQ(post("write", {{"path", "/m/n/f.txt"}, {"content", "f"}}).status, 200);

    ASSERT_EQ(post("copy", {{"source", "/m"}, {"destination", "/m2"}}).status, 200);
    EXPECT_EQ(slurp(home("alice") / "m2" / "n" / "f.txt"), "f");
    EXPECT_EQ(post("copy", {{"source", "/m"}, {"destination", "/m2"}}).status, 409);
    auto into = post("copy", {{"source", "/m"}, {"destination", "/m/n/inside"}});
    EXPECT_EQ(into.status, 400);
    EXPECT_NE(into.error().find("into itself"), std::string::npos);
    EXPECT_FALSE(stdfs::exists(home("alice") / "m" / "n" / "inside"));

    ASSERT_EQ(post("write", {{"path", "/m2/n/f.txt"}, {"content", "changed"}}).status, 200);
    ASSERT_EQ(post("copy", {{"source", "/m2"}, {"destination", "/m"}, {"overwrite", true}}).status,
              200);
    EXPECT_EQ(slurp(home("alice") / "m" / "n" / "f.txt"), "changed");

    ASSERT_EQ(post("rename", {{"path", "/m2"}, {"new_path", "/m3"}}).status, 200);
    EXPECT_TRUE(stdfs::exists(home("alice") / "m3" / "n" / "f.txt"));
    EXPECT_EQ(post("rename", {{"path", "/m3"}, {"new_path", "/m"}}).status, 409);
    EXPECT_EQ(post("rename", {{"path", "/nope"}, {"new_path", "/x"}}).status, 404);
    EXPECT_EQ(post("rename", {{"path", "/m"}}).error(), "New path is required");

    EXPECT_EQ(post("move", {{"source", "/m3"}, {"destination", "/m"}}).status, 409);
    ASSERT_EQ(post("move", {{"source", "/m3"}, {"destination", "/m"}, {"overwrite", true}}).status,
              200);
    EXPECT_FALSE(stdfs::exists(home("alice") / "m3"));
    EXPECT_EQ(post("move", {{"source", "/m"}, {"destination", "/m/n/deeper"}}).status, 400);
    EXPECT_EQ(post("move", {{"source", "/"}, {"destination", "/x"}}).status, 400);
    EXPECT_EQ(post("delete", {{"path", "/"}}).status, 400);
}

TEST_F(FilesTest, ChmodRefusesSpecialBitsAndBadModes) {
    ASSERT_EQ(post("write", {{"path", "/mode.sh"}, {"content", "#!/bin/sh\n"}}).status, 200);
    for (const char* mode : {"4755", "2755", "1777", "6755", "7777"}) {
        auto r = post("chmod", {{"path", "/mode.sh"}, {"mode", mode}});
        EXPECT_EQ(r.status, 400) << mode;
        EXPECT_NE(r.error().find("setuid"), std::string::npos) << r.body;
    }
    for (const char* mode : {"abc", "0888", "77", "00755", "", "+x", "u+s"})
        EXPECT_EQ(post("chmod", {{"path", "/mode.sh"}, {"mode", mode}}).status, 400) << mode;
    EXPECT_EQ(post("chmod", {{"path", "/mode.sh"}, {"mode", 755}}).status, 400);
    ASSERT_EQ(post("chmod", {{"path", "/mode.sh"}, {"mode", "0750"}}).status, 200);
    struct stat st {};
    ::stat((home("alice") / "mode.sh").c_str(), &st);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    ASSERT_EQ(post("chmod", {{"path", "/mode.sh"}, {"mode", "644"}}).status, 200);
    ::stat((home("alice") / "mode.sh").c_str(), &st);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(post("chmod", {{"path", "/"}, {"mode", "0777"}}).status, 400);

    ASSERT_EQ(post("mkdir", {{"path", "/rc/d"}, {"parents", true}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/rc/d/x"}, {"content", "x"}}).status, 200);
    ASSERT_EQ(post("chmod", {{"path", "/rc"}, {"mode", "0700"}, {"recursive", true}}).status, 200);
    ::stat((home("alice") / "rc" / "d" / "x").c_str(), &st);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(FilesTest, KernelPermissionsApplyAsTheAccount) {
    // A file the account may not read (root-owned 0600, put there by the
    // host): the panel acts as the account, so this is 403, not a leak.
    spit(home("alice") / "root-only.txt", "secret");
    ::chown((home("alice") / "root-only.txt").c_str(), 0, 0);
    ::chmod((home("alice") / "root-only.txt").c_str(), 0600);
    auto r = get("read", "/root-only.txt");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(post("write", {{"path", "/root-only.txt"}, {"content", "x"}}).status, 403);
    EXPECT_EQ(slurp(home("alice") / "root-only.txt"), "secret");
}

TEST_F(FilesTest, UsersStayInTheirOwnHome) {
    ASSERT_EQ(post("write", {{"path", "/private.txt"}, {"content", "alice's"}}).status, 200);
    // Bob's "/" is his home: alice's file is simply not there.
    EXPECT_EQ(get("read", "/private.txt", bob_).status, 404);
    // Naming another owner is for admins only.
    auto other = http().get("/api/v1/files/read?path=/private.txt&owner=alice", bob_);
    EXPECT_EQ(other.status, 403);
    EXPECT_EQ(other.json().at("code"), "FORBIDDEN");
    EXPECT_EQ(post("delete", {{"path", "/private.txt"}, {"owner", "alice"}}, bob_).status, 403);
    EXPECT_EQ(http().get("/api/v1/files/trash?owner=alice", bob_).status, 403);
    EXPECT_TRUE(stdfs::exists(home("alice") / "private.txt"));
    // An admin may act on alice's files.
    auto admin =
        http().get("/api/v1/files/read?path=/private.txt&owner=alice", panel().admin_key());
    ASSERT_EQ(admin.status, 200) << admin.body;
    EXPECT_EQ(admin.json().at("content"), "alice's");
    EXPECT_EQ(http().get("/api/v1/files/read?path=/x&owner=nobody", panel().admin_key()).status,
              400);
    // No token, no files.
    EXPECT_EQ(http().get("/api/v1/files/list?path=/").status, 401);
}

TEST_F(FilesTest, SymlinksInsideTheHomeWork) {
    ASSERT_EQ(post("mkdir", {{"path", "/real"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/real/target.txt"}, {"content", "target"}}).status, 200);
    stdfs::create_symlink("real/target.txt", home("alice") / "link.txt");
    stdfs::create_directory_symlink("real", home("alice") / "reallink");
    EXPECT_EQ(get("read", "/link.txt").json().at("content"), "target");
    EXPECT_EQ(get("read", "/reallink/target.txt").json().at("content"), "target");
    ASSERT_EQ(post("write", {{"path", "/link.txt"}, {"content", "through"}}).status, 200);
    EXPECT_TRUE(stdfs::is_symlink(home("alice") / "link.txt"));  // still a link
    EXPECT_EQ(slurp(home("alice") / "real" / "target.txt"), "through");
    auto l = get("list", "/");
    for (auto& v : array_of(l)) {
        if (v.at("name") == "link.txt") {
            EXPECT_EQ(v.at("is_symlink"), true);
            EXPECT_EQ(v.at("link_target"), "/real/target.txt");
        }
        if (v.at("name") == "reallink") {
            EXPECT_EQ(v.at("is_dir"), true);
        }
    }
    // Deleting a link removes the link, never its target.
    ASSERT_EQ(post("delete", {{"path", "/reallink"}}).status, 200);
    EXPECT_TRUE(stdfs::exists(home("alice") / "real" / "target.txt"));
}

TEST_F(FilesTest, ListsAHundredThousandEntries) {
    auto dir = home("alice") / "many";
    stdfs::create_directory(dir);
    for (int i = 0; i < 100000; ++i) {
        int fd = ::open((dir / numbered("f", i)).c_str(), O_CREAT | O_WRONLY, 0644);
        ::close(fd);
    }
    auto start = std::chrono::steady_clock::now();
    auto l = get("list", "/many");
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(l.status, 200);
    EXPECT_EQ(array_of(l).size(), 100000u);
    EXPECT_LT(took, std::chrono::seconds(20));
    auto page = http().get("/api/v1/files/list?path=/many&limit=10&offset=5&sort=name", alice_);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(array_of(page).size(), 10u);
    EXPECT_EQ(http().get("/api/v1/files/list?path=/many&sort=colour", alice_).status, 400);
    EXPECT_EQ(http().get("/api/v1/files/list?path=/many&limit=x", alice_).status, 400);
    stdfs::remove_all(dir);
}

// A full disk is 507 Insufficient Storage, as the package's quota is.
TEST_F(FilesTest, AFullDiskIs507AndLeavesNothingBehind) {
    auto small = home("alice") / "small";
    stdfs::create_directory(small);
    if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=256k,mode=0777") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here";
    struct Unmount {
        stdfs::path p;
        ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    } unmount{small};
    auto w = post("write", {{"path", "/small/big.txt"}, {"content", std::string(400 * 1024, 'x')}});
    EXPECT_EQ(w.status, 507) << w.body;
    EXPECT_NE(w.body.find("INSUFFICIENT_STORAGE"), std::string::npos) << w.body;
    EXPECT_TRUE(stdfs::is_empty(small));
    // A move across file systems (EXDEV) is a copy and a delete.
    ASSERT_EQ(post("write", {{"path", "/cross.txt"}, {"content", "cross"}}).status, 200);
    auto m = post("move", {{"source", "/cross.txt"}, {"destination", "/small/cross.txt"}});
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(slurp(small / "cross.txt"), "cross");
    EXPECT_FALSE(stdfs::exists(home("alice") / "cross.txt"));
    // A copy that does not fit fails whole.
    ASSERT_EQ(post("mkdir", {{"path", "/fill"}}).status, 200);
    for (int i = 0; i < 3; ++i)
        spit(home("alice") / "fill" / numbered("f", i), std::string(120 * 1024, 'y'));
    auto c = post("copy", {{"source", "/fill"}, {"destination", "/small/fill"}});
    EXPECT_EQ(c.status, 507) << c.body;
    EXPECT_FALSE(stdfs::exists(small / "fill"));
    for (auto& e : stdfs::directory_iterator(small))
        EXPECT_EQ(e.path().filename().string().find(".wsp-"), std::string::npos);
}

TEST_F(FilesTest, DeletingAnAccountForgetsItsFiles) {
    auto key = panel().create_user_with_key("carol");
    ASSERT_EQ(post("write", {{"path", "/c.txt"}, {"content", "c"}}, key).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/c.txt"}}, key).status, 200);
    auto d = http().del("/api/v1/users/carol", panel().admin_key());
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_NE(d.body.find("\"trash_items\":1"), std::string::npos) << d.body;
    EXPECT_FALSE(stdfs::exists(home("carol")));
}

TEST_F(FilesTest, EveryBodyEndpointAnswersMalformedJsonWith400) {
    for (const char* what : {"write", "delete", "mkdir", "rename", "copy", "move", "chmod",
                             "compress", "extract", "trash/restore", "history/restore"}) {
        auto bad =
            http().send_raw("POST", std::string("/api/v1/files/") + what, "{\"path\":", alice_);
        EXPECT_EQ(bad.status, 400) << what << ": " << bad.body;
        EXPECT_EQ(bad.json().at("code"), "VALIDATION_ERROR") << what;
        auto array = http().send_raw("POST", std::string("/api/v1/files/") + what, "[1,2]", alice_);
        EXPECT_EQ(array.status, 400) << what << ": " << array.body;
        auto wrong = post(what, {{"path", true},
                                 {"source", 1},
                                 {"trash_path", json::array{}},
                                 {"archive", 2},
                                 {"paths", "x"}});
        EXPECT_EQ(wrong.status, 400) << what << ": " << wrong.body;
    }
    auto cfg = http().send_raw("PUT", "/api/v1/files/config", "nope", alice_);
    EXPECT_EQ(cfg.status, 400);
    // A key without the files scope is refused.
    auto session = panel().login("alice", "Passw0rd-alice");
    auto k = http().post("/api/v1/users/alice/api-keys",
                         {{"name", "db only"}, {"permissions", {"databases"}}}, session);
    ASSERT_EQ(k.status, 201) << k.body;
    std::string db_key(k.json().at("secret_key").as_string());
    auto denied = post("write", {{"path", "/x.txt"}, {"content", "x"}}, db_key);
    EXPECT_EQ(denied.status, 403) << denied.body;
}

TEST_F(FilesTest, TrashKeepsPathsTheNameCannotEncode) {
    // "_bt_" in a name would decode as "/": the exact path is kept aside.
    ASSERT_EQ(post("write", {{"path", "/x_bt_y.txt"}, {"content", "xy"}}).status, 200);
    ASSERT_EQ(post("delete", {{"path", "/x_bt_y.txt"}}).status, 200);
    std::string name;
    for (auto& v : array_of(http().get("/api/v1/files/trash", alice_), "items"))
        if (v.at("original_path") == "/x_bt_y.txt")
            name = std::string(v.at("trash_path").as_string());
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(name.starts_with("_bt_x_bt_y.txt_t_")) << name;
    ASSERT_EQ(post("trash/restore", {{"trash_path", name}}).status, 200);
    EXPECT_EQ(slurp(home("alice") / "x_bt_y.txt"), "xy");
    EXPECT_FALSE(stdfs::exists(home("alice") / "x"));
}

TEST(FilesSweep, ExpiredTrashIsPurgedWithoutAnyoneLooking) {
    stdfs::path dir = make_temp_dir("wsp-files-sweep");
    stdfs::path bin = dir / "home" / "dave" / ".wispanel-trash";
    {
        PanelProcess first(PanelOptions{.data_dir = dir});
        auto key = first.create_user_with_key("dave");
        ASSERT_EQ(first.http()
                      .post("/api/v1/files/write", {{"path", "/old.txt"}, {"content", "o"}}, key)
                      .status,
                  200);
        ASSERT_EQ(first.http().post("/api/v1/files/delete", {{"path", "/old.txt"}}, key).status,
                  200);
        first.keep_data_dir();
        first.stop();
    }
    // Make the item 40 days old (the time is in its name).
    auto old_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(24 * 40))
            .count();
    for (auto& e : stdfs::directory_iterator(bin))
        stdfs::rename(e.path(), bin / ("_bt_old.txt_t_" + std::to_string(old_ns)));
    ASSERT_FALSE(stdfs::is_empty(bin));
    PanelProcess second(PanelOptions{.data_dir = dir});
    for (int i = 0; i < 50 && !stdfs::is_empty(bin); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(stdfs::is_empty(bin));
    second.stop();
    std::error_code ec;
    stdfs::remove_all(dir, ec);
}

}  // namespace
}  // namespace wsp::test
