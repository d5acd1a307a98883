#include "system/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace wsp {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    return names;
}

class FileIoTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "wsp-file-io-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(FileIoTest, WritesTheContentWithTheModeAndLeavesNoTemp) {
    const fs::path path = dir_ / "config.conf";
    ASSERT_TRUE(write_file_atomic(path, "first\n", 0640).ok());
    EXPECT_EQ(read_file(path), "first\n");
    EXPECT_EQ(mode_of(path), 0640u);
    // Replacing takes the new mode too (fchmod, not the umask).
    ASSERT_TRUE(write_file_atomic(path, "second", 0604).ok());
    EXPECT_EQ(read_file(path), "second");
    EXPECT_EQ(mode_of(path), 0604u);
    EXPECT_EQ(names_in(dir_), std::vector<std::string>{"config.conf"});
}

TEST_F(FileIoTest, WritesEmptyAndLargeContent) {
    ASSERT_TRUE(write_file_atomic(dir_ / "empty", "", 0600).ok());
    EXPECT_EQ(fs::file_size(dir_ / "empty"), 0u);
    const std::string big(8 << 20, 'x');
    ASSERT_TRUE(write_file_atomic(dir_ / "big", big, 0600).ok());
    EXPECT_EQ(read_file(dir_ / "big"), big);
}

TEST_F(FileIoTest, ConcurrentWritersOfOnePathAllSucceedAndOneWholeContentWins) {
    const fs::path path = dir_ / "shared";
    constexpr int kWriters = 8;
    constexpr int kRounds = 20;
    std::vector<std::string> contents;
    for (int i = 0; i < kWriters; ++i)
        contents.push_back(std::string(256 * 1024 + i, static_cast<char>('a' + i)));
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < kWriters; ++i) {
        writers.emplace_back([&, i] {
            for (int round = 0; round < kRounds; ++round)
                if (!write_file_atomic(path, contents[i], 0600).ok()) ++failures;
        });
    }
    for (auto& t : writers) t.join();
    EXPECT_EQ(failures.load(), 0);
    const std::string result = read_file(path);
    EXPECT_NE(std::find(contents.begin(), contents.end(), result), contents.end())
        << "the file is not one writer's whole content (size " << result.size() << ")";
    EXPECT_EQ(names_in(dir_), std::vector<std::string>{"shared"});
}

TEST_F(FileIoTest, AFailedRenameLeavesNoTempAndTheTargetUntouched) {
    // A non-empty directory cannot be replaced by a file: the rename fails
    // after the temp file was fully written.
    const fs::path path = dir_ / "target";
    fs::create_directory(path);
    std::ofstream(path / "keep") << "kept";
    auto r = write_file_atomic(path, "content", 0600);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::internal);
    EXPECT_NE(r.error().message.find("target"), std::string::npos) << r.error().message;
    EXPECT_EQ(read_file(path / "keep"), "kept");
    EXPECT_EQ(names_in(dir_), std::vector<std::string>{"target"});
}

// A writer that dies in the middle of writing (here: SIGXFSZ from a file
// size limit, as deterministic as a kill -9 at that moment) leaves no temp
// file: the new content has no name until it is complete (issue 16: kill -9
// loops found `.wsp-write-*` files left for good).
TEST_F(FileIoTest, AWriterKilledMidWriteLeavesNothingBehind) {
    std::ofstream(dir_ / "existing") << "old";
    for (const char* name : {"new", "existing"}) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            const rlimit small{4096, 4096};
            ::setrlimit(RLIMIT_FSIZE, &small);
            (void)write_file_atomic(dir_ / name, std::string(1 << 20, 'x'), 0644);
            ::_exit(0);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << name << ": the writer was not stopped mid-write";
        EXPECT_EQ(WTERMSIG(status), SIGXFSZ);
        EXPECT_EQ(names_in(dir_), std::vector<std::string>{"existing"}) << name;
        EXPECT_EQ(read_file(dir_ / "existing"), "old");
    }
}

TEST_F(FileIoTest, AMissingDirectoryIsAnErrorAndCreatesNothing) {
    auto r = write_file_atomic(dir_ / "missing" / "file", "content", 0600);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(names_in(dir_).empty());
}

TEST_F(FileIoTest, OwnerIsApplied) {
    if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
    const fs::path path = dir_ / "owned";
    ASSERT_TRUE(write_file_atomic(path, "x", 0640, FileOwner{65534, 65534}).ok());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_gid, 65534u);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(FileIoTest, SyncDirReportsAMissingDirectory) {
    EXPECT_TRUE(sync_dir(dir_).ok());
    EXPECT_FALSE(sync_dir(dir_ / "missing").ok());
}

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

TEST(UniqueFdTest, ClosesOnScopeExitMoveAndReset) {
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(raw, 0);
    {
        UniqueFd a(raw);
        UniqueFd b(std::move(a));
        EXPECT_FALSE(a.valid());
        EXPECT_EQ(b.get(), raw);
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));

    int first = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int second = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    UniqueFd fd(first);
    fd = UniqueFd(second);  // the old one is closed
    EXPECT_FALSE(is_open(first));
    EXPECT_EQ(fd.close(), 0);
    EXPECT_FALSE(is_open(second));
    EXPECT_EQ(fd.close(), 0);  // nothing open: nothing to report

    int kept = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    UniqueFd owner(kept);
    EXPECT_EQ(owner.release(), kept);
    EXPECT_FALSE(owner.valid());
    EXPECT_TRUE(is_open(kept));
    ::close(kept);
}

}  // namespace
}  // namespace wsp
