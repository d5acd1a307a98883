// The confined file-system layer on its own, in a temporary "home" with a
// canary next to it (no panel, no HTTP).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "drivers/fs/confined_fs.h"
#include "drivers/fs/search.h"

namespace wsp::fs {
namespace {

namespace stdfs = std::filesystem;

std::string slurp(const stdfs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const stdfs::path& p, const std::string& s) {
    std::ofstream(p, std::ios::binary) << s;
}

class ConfinedFsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-confined-XXXXXX";
        base_ = ::mkdtemp(tmpl);
        home_ = base_ / "home";
        stdfs::create_directories(home_ / "d");
        spit(base_ / "canary", "canary");
        spit(home_ / "d" / "f.txt", "inside");
        stdfs::create_directory_symlink(base_, home_ / "out");
        stdfs::create_directory_symlink("../..", home_ / "d" / "up");
        stdfs::create_symlink("d/f.txt", home_ / "in.txt");
        auto opened = ConfinedFs::open(home_.string());
        ASSERT_TRUE(opened.ok());
        files_.emplace(std::move(*opened));
    }
    void TearDown() override {
        files_.reset();
        stdfs::remove_all(base_);
    }
    void expect_canary() { EXPECT_EQ(slurp(base_ / "canary"), "canary"); }

    stdfs::path base_, home_;
    std::optional<ConfinedFs> files_;
};

TEST_F(ConfinedFsTest, ReadsInsideAndRefusesEveryWayOut) {
    EXPECT_EQ(*files_->read_file("d/f.txt", 1024), "inside");
    EXPECT_EQ(*files_->read_file("in.txt", 1024), "inside");
    for (const char* p : {"out/canary", "d/up/canary", "d/up/home/d/f.txt"}) {
        auto r = files_->read_file(p, 1024);
        ASSERT_FALSE(r.ok()) << p;
        EXPECT_EQ(r.error().code, Code::validation) << p << ": " << r.error().message;
        EXPECT_EQ(r.error().message.find(base_.string()), std::string::npos);
    }
    EXPECT_EQ(files_->read_file("missing", 1024).error().code, Code::not_found);
    EXPECT_EQ(files_->read_file("d/f.txt", 3).error().code, Code::too_large);
    EXPECT_FALSE(files_->list("out").ok());
    EXPECT_FALSE(files_->write_file("out/canary", "pwned").ok());
    EXPECT_FALSE(files_->chmod("out/canary", 0777, Recursive::no).ok());
    EXPECT_FALSE(files_->mkdir("out/x", Parents::yes).ok());
    EXPECT_FALSE(files_->copy("out", "copy", Overwrite::no).ok());
    EXPECT_FALSE(files_->rename("d/f.txt", "out/f.txt", Overwrite::no).ok());
    EXPECT_TRUE(stdfs::exists(home_ / "d" / "f.txt"));
    expect_canary();
}

TEST_F(ConfinedFsTest, RemoveTakesTheLinkNeverTheTarget) {
    ASSERT_TRUE(files_->remove("out").ok());
    ASSERT_TRUE(files_->remove("d").ok());  // holds the "up" link to the outside
    EXPECT_FALSE(stdfs::exists(home_ / "d"));
    expect_canary();
    EXPECT_TRUE(stdfs::exists(base_ / "home"));
}

TEST_F(ConfinedFsTest, WritesAtomicallyKeepingTheMode) {
    ::chmod((home_ / "d" / "f.txt").c_str(), 0640);
    auto real = files_->write_file("in.txt", "new");  // through the link
    ASSERT_TRUE(real.ok());
    EXPECT_EQ(*real, "d/f.txt");
    EXPECT_TRUE(stdfs::is_symlink(home_ / "in.txt"));
    EXPECT_EQ(slurp(home_ / "d" / "f.txt"), "new");
    struct stat st {};
    ::stat((home_ / "d" / "f.txt").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_EQ(files_->write_file("d", "x").error().code, Code::validation);
}

TEST_F(ConfinedFsTest, CopiesWholeOrNotAtAll) {
    ASSERT_TRUE(files_->copy("d", "e", Overwrite::no).ok());
    EXPECT_EQ(slurp(home_ / "e" / "f.txt"), "inside");
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(home_ / "e" / "up")));  // led out
    EXPECT_EQ(files_->copy("d", "e", Overwrite::no).error().code, Code::conflict);
    EXPECT_EQ(files_->copy("d", "d/sub", Overwrite::no).error().code, Code::validation);
    stdfs::create_directory_symlink("d", home_ / "alias");
    auto into = files_->copy("d", "alias/inner", Overwrite::no);  // into itself via a link
    EXPECT_FALSE(into.ok());
    EXPECT_FALSE(stdfs::exists(home_ / "d" / "inner"));
    for (auto& e : stdfs::directory_iterator(home_ / "d"))
        EXPECT_EQ(e.path().filename().string().find(".wsp-"), std::string::npos);
}

TEST_F(ConfinedFsTest, RenameNeverReplacesUnlessAsked) {
    spit(home_ / "a", "a");
    spit(home_ / "b", "b");
    EXPECT_EQ(files_->rename("a", "b", Overwrite::no).error().code, Code::conflict);
    ASSERT_TRUE(files_->rename("a", "b", Overwrite::yes).ok());
    EXPECT_EQ(slurp(home_ / "b"), "a");
    EXPECT_FALSE(stdfs::exists(home_ / "a"));
}

TEST_F(ConfinedFsTest, SearchNeverEntersLinks) {
    SearchQuery q;
    q.name = "canary";
    auto r = search(*files_, "", q);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->hits.empty());
    q.name = "f.txt";
    r = search(*files_, "", q);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->hits.size(), 1u);
    EXPECT_EQ(r->hits[0].rel, "d/f.txt");
}

TEST_F(ConfinedFsTest, RefusesTreesDeeperThanTheLimit) {
    int fd = ::open(home_.c_str(), O_RDONLY | O_DIRECTORY);
    ::mkdirat(fd, "deep", 0755);
    int cur = ::openat(fd, "deep", O_RDONLY | O_DIRECTORY);
    ::close(fd);
    for (int i = 0; i < kMaxTreeDepth + 10; ++i) {
        ::mkdirat(cur, "d", 0755);
        int next = ::openat(cur, "d", O_RDONLY | O_DIRECTORY);
        ::close(cur);
        cur = next;
    }
    ::close(cur);
    auto copied = files_->copy("deep", "deep2", Overwrite::no);
    ASSERT_FALSE(copied.ok());
    EXPECT_NE(copied.error().message.find("too deep"), std::string::npos);
    EXPECT_FALSE(stdfs::exists(home_ / "deep2"));
    for (auto& e : stdfs::directory_iterator(home_))
        EXPECT_EQ(e.path().filename().string().find(".wsp-"), std::string::npos);
    EXPECT_FALSE(files_->remove("deep").ok());
    EXPECT_FALSE(files_->chmod("deep", 0700, Recursive::yes).ok());
}

}  // namespace
}  // namespace wsp::fs
