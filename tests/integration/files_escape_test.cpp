// The escape suite: hostile paths against every file endpoint that takes a
// path, on a home seeded (directly on disk, as an attacker with FTP or a
// cron job would) with symlinks and hard links leading out. Every request
// must get a 4xx that names no host path, and the canary outside the home
// must stay exactly as it was.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "files_fixture.h"

namespace wsp::test {
namespace {

class FilesEscapeTest : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        FilesSuite::SetUpTestSuite();
        auto h = home("alice");
        stdfs::create_directories(h / "safe" / "sub");
        spit(h / "safe" / "file.txt", "safe");
        stdfs::create_directory_symlink(canary_dir_, h / "abs");               // absolute, out
        stdfs::create_directory_symlink("../../../../../../../..", h / "up");  // climbs out
        stdfs::create_directory_symlink("../../../../../../..", h / "safe" / "sub" / "up2");
        stdfs::create_symlink(canary_dir_ / "canary.txt", h / "canary_link");
        stdfs::create_symlink("/etc/passwd", h / "passwd");
        stdfs::create_symlink("loop2", h / "loop1");
        stdfs::create_symlink("loop1", h / "loop2");
        stdfs::create_directory_symlink("/proc/self/root", h / "procroot");
        stdfs::create_directory_symlink("abs", h / "chain");  // symlink chain to the outside
        stdfs::create_hard_link(canary_dir_ / "canary.txt", h / "hard");
        ::mkfifo((h / "fifo").c_str(), 0666);
        for (auto& e : stdfs::recursive_directory_iterator(h)) {
            if (e.is_symlink() || e.path().filename() == "hard") continue;
            ::chown(e.path().c_str(), uid_of_home(), gid_of_home());
        }
    }
    static uid_t uid_of_home() {
        struct stat st {};
        ::stat(home("alice").c_str(), &st);
        return st.st_uid;
    }
    static gid_t gid_of_home() {
        struct stat st {};
        ::stat(home("alice").c_str(), &st);
        return st.st_gid;
    }

    static void expect_refused(const HttpResult& r, const std::string& what) {
        EXPECT_GE(r.status, 400) << what << ": " << r.body;
        EXPECT_LT(r.status, 500) << what << ": " << r.body;
        EXPECT_EQ(r.body.find(canary_dir_.string()), std::string::npos) << what << ": " << r.body;
        EXPECT_EQ(r.body.find(panel().data_dir().string()), std::string::npos) << what;
        EXPECT_EQ(r.body.find("root:x:0"), std::string::npos) << what;
    }
};

// Paths that lead out, or are malformed.
std::vector<std::string> hostile_paths() {
    return {
        "/../canary.txt",
        "../../../../etc/passwd",
        "/safe/../../x",
        "/safe/sub/../../..",
        "..",
        "/abs/canary.txt",
        "/abs",
        "/up/etc/passwd",
        "/safe/sub/up2/etc/passwd",
        "/canary_link",
        "/passwd",
        "/loop1",
        "/loop1/x",
        "/procroot/etc/passwd",
        "/chain/canary.txt",
        "/hard",
        "/fifo",
        "/proc/self/root/etc/passwd",
        std::string("/safe/a\0b", 9),
        "/safe//file.txt",
        "/" + std::string(256, 'n'),
        "/" + std::string(2100, 'd') + "/" + std::string(2100, 'e'),
        "/.wispanel-trash/x",
        "/.wispanel-history",
    };
}

TEST_F(FilesEscapeTest, ReadListWriteAndHistoryRefuseEveryHostilePath) {
    for (const auto& p : hostile_paths()) {
        expect_refused(get("read", p), "read " + p);
        expect_refused(get("history", p), "history " + p);
        expect_refused(post("write", {{"path", p}, {"content", "pwned"}}), "write " + p);
        expect_refused(post("write", {{"path", p + "/new.txt"}, {"content", "pwned"}}),
                       "write under " + p);
        expect_refused(post("chmod", {{"path", p}, {"mode", "0777"}}), "chmod " + p);
        if (p != "/fifo" && p != "/hard" && p != "/passwd" && p != "/canary_link" &&
            p != "/loop1")  // those list as "not a directory"; still 4xx
            expect_refused(get("list", p), "list " + p);
        else
            expect_refused(get("list", p), "list " + p);
    }
    expect_canary_untouched();
}

TEST_F(FilesEscapeTest, MutationsRefuseEveryPathThroughALinkOut) {
    // Through a link that leads out (the link itself, at the last step, is
    // the account's own entry and may be renamed or deleted).
    std::vector<std::string> through = {"/abs/canary.txt",
                                        "/up/etc/passwd",
                                        "/chain/canary.txt",
                                        "/procroot/etc/passwd",
                                        "/safe/sub/up2/tmp",
                                        "/abs/new",
                                        "/../x",
                                        "/safe/../../x"};
    for (const auto& p : through) {
        expect_refused(post("delete", {{"path", p}}), "delete " + p);
        expect_refused(post("mkdir", {{"path", p}, {"parents", true}}), "mkdir " + p);
        expect_refused(post("mkdir", {{"path", p + "/d"}, {"parents", true}}), "mkdir -p " + p);
        expect_refused(post("rename", {{"path", p}, {"new_path", "/stolen"}}), "rename from " + p);
        expect_refused(post("rename", {{"path", "/safe/file.txt"}, {"new_path", p}}),
                       "rename to " + p);
        expect_refused(post("copy", {{"source", p}, {"destination", "/stolen"}}), "copy from " + p);
        expect_refused(post("copy", {{"source", "/safe"}, {"destination", p}}), "copy to " + p);
        expect_refused(post("move", {{"source", p}, {"destination", "/stolen"}}), "move from " + p);
        expect_refused(post("move", {{"source", "/safe/file.txt"}, {"destination", p}}),
                       "move to " + p);
        expect_refused(
            post("move", {{"source", "/safe/file.txt"}, {"destination", p}, {"overwrite", true}}),
            "move over " + p);
    }
    EXPECT_FALSE(stdfs::exists(home("alice") / "stolen"));
    EXPECT_TRUE(stdfs::exists(home("alice") / "safe" / "file.txt"));
    expect_canary_untouched();
}

TEST_F(FilesEscapeTest, CopyingLinksNeverCreatesALinkOut) {
    stdfs::create_directories(home("alice") / "tree" / "in");
    stdfs::create_directory_symlink(canary_dir_, home("alice") / "tree" / "out");
    stdfs::create_symlink("in", home("alice") / "tree" / "inlink");
    spit(home("alice") / "tree" / "in" / "x", "x");
    ASSERT_EQ(post("copy", {{"source", "/tree"}, {"destination", "/tree2"}}).status, 200);
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(home("alice") / "tree2" / "out")));
    EXPECT_TRUE(stdfs::is_symlink(home("alice") / "tree2" / "inlink"));
    EXPECT_EQ(slurp(home("alice") / "tree2" / "in" / "x"), "x");
    // Hard links to the outside are not copied: the copy fails whole.
    stdfs::create_hard_link(canary_dir_ / "canary.txt", home("alice") / "tree" / "in" / "h");
    auto r = post("copy", {{"source", "/tree"}, {"destination", "/tree3"}});
    expect_refused(r, "copy with a hard link");
    EXPECT_FALSE(stdfs::exists(home("alice") / "tree3"));
    for (auto& e : stdfs::directory_iterator(home("alice")))
        EXPECT_EQ(e.path().filename().string().find(".wsp-copy"), std::string::npos);
    stdfs::remove(home("alice") / "tree" / "in" / "h");
    expect_canary_untouched();
}

TEST_F(FilesEscapeTest, TrashNamesCannotLeadOut) {
    for (const std::string& t : std::vector<std::string>{
             "_bt_.._bt_.._bt_x_t_1", "../x", "_bt_a/../../x_t_1", "/etc/passwd",
             "_bt_abs_bt_canary.txt_t_1", "x_t_1", std::string("_bt_a\0_t_1", 10)}) {
        expect_refused(post("trash/restore", {{"trash_path", t}}), "restore " + t);
        expect_refused(http().del("/api/v1/files/trash/" + url_encode(t), alice_), "remove " + t);
    }
    // A crafted item on disk whose name decodes to a path out of the home.
    auto bin = home("alice") / ".wispanel-trash";
    stdfs::create_directories(bin);
    ::chown(bin.c_str(), uid_of_home(), gid_of_home());
    spit(bin / "_bt_abs_bt_canary.txt_t_1795000000000000000", "evil");
    spit(bin / "_bt_.._bt_.._bt_canary.txt_t_1795000000000000000", "evil");
    expect_refused(
        post("trash/restore",
             {{"trash_path", "_bt_abs_bt_canary.txt_t_1795000000000000000"}, {"overwrite", true}}),
        "restore through a link out");
    expect_refused(
        post("trash/restore", {{"trash_path", "_bt_.._bt_.._bt_canary.txt_t_1795000000000000000"}}),
        "restore to ..");
    expect_canary_untouched();
}

TEST_F(FilesEscapeTest, ADirectorySwappedForALinkDuringWorkNeverLeaksOrTouchesTheOutside) {
    auto h = home("alice");
    stdfs::create_directories(h / "race" / "d");
    spit(h / "race" / "d" / "canary.txt", "inside");
    for (auto& e : stdfs::recursive_directory_iterator(h / "race"))
        ::chown(e.path().c_str(), uid_of_home(), gid_of_home());
    ::chown((h / "race").c_str(), uid_of_home(), gid_of_home());
    std::atomic<bool> stop{false};
    std::thread swapper([&] {
        // d <-> a symlink to the canary's directory, as fast as possible.
        while (!stop) {
            ::rename((h / "race" / "d").c_str(), (h / "race" / "d.real").c_str());
            ::symlink(canary_dir_.c_str(), (h / "race" / "d").c_str());
            ::unlink((h / "race" / "d").c_str());
            ::rename((h / "race" / "d.real").c_str(), (h / "race" / "d").c_str());
        }
    });
    int leaks = 0;
    for (int i = 0; i < 150; ++i) {
        auto r = get("read", "/race/d/canary.txt");
        if (r.status == 200 && r.json().at("content") != "inside") ++leaks;
        post("write", {{"path", "/race/d/canary.txt"}, {"content", "inside"}});
        post("chmod", {{"path", "/race/d/canary.txt"}, {"mode", "0600"}});
        auto c = post("copy", {{"source", "/race"}, {"destination", "/race-copy"}});
        if (c.status == 200) {
            std::error_code ec;
            for (auto& e : stdfs::recursive_directory_iterator(h / "race-copy", ec))
                if (e.is_regular_file() && slurp(e.path()) == "canary\n") ++leaks;
            stdfs::remove_all(h / "race-copy", ec);
        }
        // (Only through the API: the test itself writing here while d is a
        // link would write the canary.)
        post("delete", {{"path", "/race/d/canary.txt"}});
    }
    stop = true;
    swapper.join();
    EXPECT_EQ(leaks, 0);
    expect_canary_untouched();
}

TEST_F(FilesEscapeTest, ArchivesRefuseEveryHostilePath) {
    for (const auto& p : hostile_paths()) {
        expect_refused(post("compress", {{"paths", {p}}, {"archive", "/stolen.zip"}}),
                       "compress " + p);
        EXPECT_FALSE(stdfs::exists(home("alice") / "stolen.zip")) << p;
        stdfs::remove(home("alice") / "stolen.zip");
        expect_refused(post("compress", {{"paths", {"/safe"}}, {"archive", p + "/x.zip"}}),
                       "compress to " + p);
        expect_refused(post("extract", {{"archive", p}, {"destination", "/safe"}}), "extract " + p);
    }
    ASSERT_EQ(post("compress", {{"paths", {"/safe"}}, {"archive", "/safe.tar"}}).status, 200);
    for (const auto& p : hostile_paths()) {
        // A destination that does not exist is made, as `unzip -d` does: a
        // plain missing path (no link on the way) is then just new folders
        // inside the home, never the outside place its name suggests.
        if (p == "/proc/self/root/etc/passwd") {
            auto r = post("extract", {{"archive", "/safe.tar"}, {"destination", p}});
            EXPECT_EQ(r.status, 200) << r.body;
            EXPECT_TRUE(stdfs::is_directory(home("alice") / "proc/self/root/etc/passwd"));
            stdfs::remove_all(home("alice") / "proc");
            continue;
        }
        expect_refused(post("extract", {{"archive", "/safe.tar"}, {"destination", p}}),
                       "extract into " + p);
    }
    EXPECT_FALSE(stdfs::exists(home("alice") / "stolen.zip"));
    expect_canary_untouched();
    stdfs::remove(home("alice") / "safe.tar");
}

}  // namespace
}  // namespace wsp::test
